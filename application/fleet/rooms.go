package fleet

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/room"
	"github.com/rakkr/rakkr/ports"
)

// RoomInput creates a room.
type RoomInput struct {
	Site, Name, Building, Floor, Description string
}

// RoomPatch changes a room; nil fields stay.
type RoomPatch struct {
	Site, Name, Building, Floor, Description *string
}

func roomTarget(r room.Room) audit.Target {
	return audit.Target{Type: string(access.ResourceRoom), ID: r.ID, Name: r.Name}
}

func auditRoom(r room.Room) map[string]any {
	return map[string]any{"id": r.ID, "site": r.Site, "name": r.Name, "building": r.Building, "floor": r.Floor,
		"description": r.Description}
}

// syncRoom links the room to its site and registers the site.
func (s *Service) syncRoom(ctx context.Context, r room.Room) error {
	if err := s.registerSite(ctx, r.Site); err != nil {
		return err
	}
	return s.d.Graph.SetParents(ctx, roomRef(r.ID), []access.Ref{siteRef(r.Site)})
}

// CreateRoom creates a room (409 room.nameTaken for a duplicate name in the site).
func (s *Service) CreateRoom(ctx context.Context, in RoomInput) (room.Room, error) {
	r, err := room.New(in.Site, in.Name, in.Building, in.Floor, in.Description, s.now())
	if err != nil {
		return room.Room{}, err
	}
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Rooms.CreateRoom(ctx, r); err != nil {
			return err
		}
		if err := s.syncRoom(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, "rooms.create", access.NodeManage, roomTarget(r), nil, auditRoom(r), nil)
	})
	return r, err
}

// GetRoom returns one room.
func (s *Service) GetRoom(ctx context.Context, id string) (room.Room, error) {
	return s.d.Rooms.GetRoom(ctx, id)
}

// ListRooms returns one page of the rooms the caller may read and the total.
func (s *Service) ListRooms(ctx context.Context, f ports.RoomFilter, limit, offset int) ([]room.Room, int, error) {
	rooms, err := s.d.Rooms.ListRooms(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]room.Room, 0, len(rooms))
	for _, r := range rooms {
		ok, err := s.visible(ctx, roomRef(r.ID))
		if err != nil {
			return nil, 0, err
		}
		if ok {
			out = append(out, r)
		}
	}
	total := len(out)
	out = out[min(offset, len(out)):]
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, total, nil
}

// UpdateRoom edits a room.
func (s *Service) UpdateRoom(ctx context.Context, id string, p RoomPatch) (room.Room, error) {
	var out room.Room
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		var before room.Room
		r, err := s.d.Rooms.UpdateRoom(ctx, id, func(r *room.Room) error {
			before = *r
			set(&r.Site, p.Site)
			set(&r.Name, p.Name)
			set(&r.Building, p.Building)
			set(&r.Floor, p.Floor)
			set(&r.Description, p.Description)
			r.UpdatedAt = s.now()
			return r.Validate()
		})
		if err != nil {
			return err
		}
		out = r
		if err := s.syncRoom(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, "rooms.update", access.NodeManage, roomTarget(r), auditRoom(before), auditRoom(r), nil)
	})
	return out, err
}

// DeleteRoom removes a room; 409 room.inUse while nodes or channels belong to it.
func (s *Service) DeleteRoom(ctx context.Context, id string) error {
	return s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		r, err := s.d.Rooms.GetRoom(ctx, id)
		if err != nil {
			return err
		}
		nodes, chans, err := s.d.Nodes.RoomUsage(ctx, id)
		if err != nil {
			return err
		}
		if nodes > 0 || chans > 0 {
			e := *room.ErrInUse
			e.Details = map[string]any{"nodes": nodes, "channels": chans}
			return &e
		}
		if err := s.d.Rooms.DeleteRoom(ctx, id); err != nil {
			return err
		}
		if err := s.d.Graph.RemoveResource(ctx, roomRef(id)); err != nil {
			return err
		}
		return s.record(ctx, "rooms.delete", access.NodeManage, roomTarget(r), auditRoom(r), nil, nil)
	})
}

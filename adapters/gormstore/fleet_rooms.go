package gormstore

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"github.com/rakkr/rakkr/domain/room"
	"github.com/rakkr/rakkr/ports"
)

// RoomStore keeps rooms in the rooms table.
type RoomStore struct{ db *DB }

// NewRoomStore returns the room store on db.
func NewRoomStore(db *DB) *RoomStore { return &RoomStore{db: db} }

// roomWriteErr maps a unique violation on (site, name) to room.ErrNameTaken.
func roomWriteErr(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return room.ErrNameTaken
	}
	return Translate(err)
}

// CreateRoom inserts r; a duplicate name in the site is room.ErrNameTaken.
func (s *RoomStore) CreateRoom(ctx context.Context, r room.Room) error {
	row := fromDomainRoom(r)
	if err := s.db.Conn(ctx).Create(&row).Error; err != nil {
		return roomWriteErr(err)
	}
	return nil
}

// GetRoom returns the room with id.
func (s *RoomStore) GetRoom(ctx context.Context, id string) (room.Room, error) {
	var r roomRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return room.Room{}, identityNotFound(err, room.ErrNotFound)
	}
	return toDomainRoom(r), nil
}

// UpdateRoom locks the room, applies fn and saves it.
func (s *RoomStore) UpdateRoom(ctx context.Context, id string, fn func(r *room.Room) error) (room.Room, error) {
	var out room.Room
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var r roomRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, room.ErrNotFound)
		}
		d := toDomainRoom(r)
		if err := fn(&d); err != nil {
			return err
		}
		w := fromDomainRoom(d)
		if err := s.db.Conn(ctx).Model(&roomRow{}).Where("id = ?", id).Select("*").Omit("id", "created_at").Updates(&w).Error; err != nil {
			return roomWriteErr(err)
		}
		out = d
		return nil
	})
	return out, err
}

// DeleteRoom removes the room; a room still referenced is a conflict.
func (s *RoomStore) DeleteRoom(ctx context.Context, id string) error {
	res := s.db.Conn(ctx).Where("id = ?", id).Delete(&roomRow{})
	if res.Error != nil {
		if errors.Is(res.Error, gorm.ErrForeignKeyViolated) {
			return room.ErrInUse
		}
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return room.ErrNotFound
	}
	return nil
}

// ListRooms returns the rooms matching f sorted by site and name.
func (s *RoomStore) ListRooms(ctx context.Context, f ports.RoomFilter) ([]room.Room, error) {
	q := s.db.Conn(ctx).Model(&roomRow{})
	if f.Site != "" {
		q = q.Where("site = ?", f.Site)
	}
	if f.Query != "" {
		like := identityLike(f.Query)
		q = q.Where("(lower(name) LIKE ? ESCAPE '\\' OR lower(site) LIKE ? ESCAPE '\\' OR lower(building) LIKE ? ESCAPE '\\')", like, like, like)
	}
	var rows []roomRow
	if err := q.Order("site, lower(name), id").Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	out := make([]room.Room, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainRoom(r))
	}
	return out, nil
}

var _ ports.RoomStore = (*RoomStore)(nil)

package gormstore

import (
	"context"
	"strings"

	"gorm.io/gorm/clause"

	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
)

// NodeStore keeps nodes, audio interfaces and channels in the nodes,
// audio_interfaces and audio_channels tables.
type NodeStore struct{ db *DB }

// NewNodeStore returns the node store on db.
func NewNodeStore(db *DB) *NodeStore { return &NodeStore{db: db} }

// CreateNode inserts n (its interfaces are saved with SaveInterfaces).
func (s *NodeStore) CreateNode(ctx context.Context, n node.Node) error {
	r := fromDomainNode(n)
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// GetNode returns the node with its interfaces and channels.
func (s *NodeStore) GetNode(ctx context.Context, id string) (node.Node, error) {
	var r nodeRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return node.Node{}, identityNotFound(err, node.ErrNotFound)
	}
	out, err := s.withInterfaces(ctx, []nodeRow{r})
	if err != nil {
		return node.Node{}, err
	}
	return out[0], nil
}

// UpdateNode locks the node row, applies fn and saves the node's own fields.
func (s *NodeStore) UpdateNode(ctx context.Context, id string, fn func(n *node.Node) error) (node.Node, error) {
	var out node.Node
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var r nodeRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, node.ErrNotFound)
		}
		loaded, err := s.withInterfaces(ctx, []nodeRow{r})
		if err != nil {
			return err
		}
		n := loaded[0]
		if err := fn(&n); err != nil {
			return err
		}
		w := fromDomainNode(n)
		err = s.db.Conn(ctx).Model(&nodeRow{}).Where("id = ?", id).Select("*").Omit("id", "enrolled_at").Updates(&w).Error
		if err != nil {
			return Translate(err)
		}
		out = n
		return nil
	})
	return out, err
}

// SaveInterfaces upserts the given interfaces of nodeID and replaces their
// channels; interfaces not given stay as they are.
func (s *NodeStore) SaveInterfaces(ctx context.Context, nodeID string, ifaces []node.Interface) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		for _, i := range ifaces {
			r := fromDomainInterface(nodeID, i)
			err := s.db.Conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}}, UpdateAll: true}).Create(&r).Error
			if err != nil {
				return Translate(err)
			}
			if err := s.db.Conn(ctx).Where("interface_id = ?", i.ID).Delete(&channelRow{}).Error; err != nil {
				return Translate(err)
			}
			if len(i.Channels) == 0 {
				continue
			}
			rows := make([]channelRow, 0, len(i.Channels))
			for _, c := range i.Channels {
				rows = append(rows, fromDomainChannel(i.ID, c))
			}
			if err := s.db.Conn(ctx).Create(&rows).Error; err != nil {
				return Translate(err)
			}
		}
		return nil
	})
}

// DeleteNode removes the node; interfaces, channels, tokens and credentials cascade.
func (s *NodeStore) DeleteNode(ctx context.Context, id string) error {
	res := s.db.Conn(ctx).Where("id = ?", id).Delete(&nodeRow{})
	if res.Error != nil {
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return node.ErrNotFound
	}
	return nil
}

// ListNodes returns every node matching f with interfaces, sorted by alias.
func (s *NodeStore) ListNodes(ctx context.Context, f ports.NodeFilter) ([]node.Node, error) {
	if f.IDs != nil && len(f.IDs) == 0 {
		return []node.Node{}, nil
	}
	q := s.db.Conn(ctx).Model(&nodeRow{})
	if f.IDs != nil {
		q = q.Where("id IN ?", f.IDs)
	}
	if f.Site != "" {
		q = q.Where("site = ?", f.Site)
	}
	if f.RoomID != "" {
		q = q.Where("(room_id = ? OR EXISTS (SELECT 1 FROM audio_channels c JOIN audio_interfaces i ON i.id = c.interface_id "+
			"WHERE i.node_id = nodes.id AND c.room_id = ?))", f.RoomID, f.RoomID)
	}
	if f.Backend != "" {
		q = q.Where("EXISTS (SELECT 1 FROM audio_interfaces i WHERE i.node_id = nodes.id AND i.backend = ?)", f.Backend)
	}
	if f.LastSeenBefore != nil {
		q = q.Where("last_seen_at < ?", identityTime(*f.LastSeenBefore))
	}
	if f.LastSeenAfter != nil {
		q = q.Where("last_seen_at > ?", identityTime(*f.LastSeenAfter))
	}
	if qs := strings.TrimSpace(f.Query); qs != "" {
		like := identityLike(qs)
		q = q.Where("(lower(alias) LIKE @l ESCAPE '\\' OR lower(hostname) LIKE @l ESCAPE '\\' OR lower(site) LIKE @l ESCAPE '\\' "+
			"OR lower(notes) LIKE @l ESCAPE '\\' OR lower(tags) LIKE @l ESCAPE '\\' OR lower(id) LIKE @l ESCAPE '\\' "+
			"OR EXISTS (SELECT 1 FROM audio_interfaces i WHERE i.node_id = nodes.id AND (lower(i.alias) LIKE @l ESCAPE '\\' "+
			"OR lower(i.system_name) LIKE @l ESCAPE '\\')) "+
			"OR EXISTS (SELECT 1 FROM audio_channels c JOIN audio_interfaces i ON i.id = c.interface_id "+
			"WHERE i.node_id = nodes.id AND (lower(c.alias) LIKE @l ESCAPE '\\' OR lower(c.label) LIKE @l ESCAPE '\\')))",
			map[string]any{"l": like})
	}
	var rows []nodeRow
	if err := q.Order("lower(alias), id").Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	return s.withInterfaces(ctx, rows)
}

// RoomUsage counts the nodes and channels whose room is roomID.
func (s *NodeStore) RoomUsage(ctx context.Context, roomID string) (int64, int64, error) {
	var nodes, chans int64
	if err := s.db.Conn(ctx).Model(&nodeRow{}).Where("room_id = ?", roomID).Count(&nodes).Error; err != nil {
		return 0, 0, Translate(err)
	}
	if err := s.db.Conn(ctx).Model(&channelRow{}).Where("room_id = ?", roomID).Count(&chans).Error; err != nil {
		return 0, 0, Translate(err)
	}
	return nodes, chans, nil
}

// withInterfaces loads the interfaces and channels of rows in two queries.
func (s *NodeStore) withInterfaces(ctx context.Context, rows []nodeRow) ([]node.Node, error) {
	out := make([]node.Node, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	var irows []interfaceRow
	var crows []channelRow
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		var ir []interfaceRow
		if err := s.db.Conn(ctx).Where("node_id IN ?", chunk).Order("system_ref, id").Find(&ir).Error; err != nil {
			return nil, Translate(err)
		}
		irows = append(irows, ir...)
		var cr []channelRow
		err := s.db.Conn(ctx).Where("interface_id IN (SELECT id FROM audio_interfaces WHERE node_id IN ?)", chunk).
			Order("interface_id, idx").Find(&cr).Error
		if err != nil {
			return nil, Translate(err)
		}
		crows = append(crows, cr...)
	}
	chans := map[string][]channelRow{}
	for _, c := range crows {
		chans[c.InterfaceID] = append(chans[c.InterfaceID], c)
	}
	ifaces := map[string][]node.Interface{}
	for _, r := range irows {
		i := toDomainInterface(r)
		for _, c := range chans[r.ID] {
			i.Channels = append(i.Channels, toDomainChannel(c))
		}
		ifaces[r.NodeID] = append(ifaces[r.NodeID], i)
	}
	for _, r := range rows {
		n := toDomainNode(r)
		if is := ifaces[r.ID]; is != nil {
			n.Interfaces = is
		}
		out = append(out, n)
	}
	return out, nil
}

var _ ports.NodeStore = (*NodeStore)(nil)

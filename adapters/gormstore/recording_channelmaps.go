package gormstore

import (
	"context"

	"gorm.io/gorm/clause"

	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// ChannelMapStore keeps channel-map templates in channel_map_templates and
// their assignments in channel_map_assignments (one per target). A template
// that is still assigned cannot be deleted (a resource.referenced conflict).
type ChannelMapStore struct{ db *DB }

// NewChannelMapStore returns the channel-map store on db.
func NewChannelMapStore(db *DB) *ChannelMapStore { return &ChannelMapStore{db: db} }

// ListTemplates implements ports.ChannelMapStore, by name.
func (s *ChannelMapStore) ListTemplates(ctx context.Context) ([]channelmap.Template, error) {
	var rows []templateRow
	if err := s.db.Conn(ctx).Order("name, id").Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	out := make([]channelmap.Template, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainTemplate(r))
	}
	return out, nil
}

// GetTemplate implements ports.ChannelMapStore.
func (s *ChannelMapStore) GetTemplate(ctx context.Context, id string) (channelmap.Template, error) {
	var r templateRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return channelmap.Template{}, identityNotFound(err, recording.ErrTemplateNotFound)
	}
	return toDomainTemplate(r), nil
}

// InsertTemplate implements ports.ChannelMapStore.
func (s *ChannelMapStore) InsertTemplate(ctx context.Context, t channelmap.Template) error {
	r := fromDomainTemplate(t)
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// UpdateTemplate implements ports.ChannelMapStore: the row is locked and
// saved as fn leaves it (the caller bumps the revision).
func (s *ChannelMapStore) UpdateTemplate(ctx context.Context, id string, fn func(t *channelmap.Template) error) (channelmap.Template, error) {
	var out channelmap.Template
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var r templateRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, recording.ErrTemplateNotFound)
		}
		t := toDomainTemplate(r)
		if err := fn(&t); err != nil {
			return err
		}
		t.ID = id
		w := fromDomainTemplate(t)
		if err := s.db.Conn(ctx).Model(&templateRow{}).Where("id = ?", id).Select("*").Omit("id").Updates(&w).Error; err != nil {
			return Translate(err)
		}
		out = toDomainTemplate(w)
		return nil
	})
	return out, err
}

// DeleteTemplate implements ports.ChannelMapStore.
func (s *ChannelMapStore) DeleteTemplate(ctx context.Context, id string) error {
	res := s.db.Conn(ctx).Where("id = ?", id).Delete(&templateRow{})
	if res.Error != nil {
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return recording.ErrTemplateNotFound
	}
	return nil
}

// Assign implements ports.ChannelMapStore with an upsert on the target.
func (s *ChannelMapStore) Assign(ctx context.Context, a channelmap.Assignment) error {
	r := fromDomainAssignment(a)
	upsert := clause.OnConflict{Columns: []clause.Column{{Name: "target_type"}, {Name: "target_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"id", "template_id", "assigned_at", "assigned_by"})}
	return Translate(s.db.Conn(ctx).Clauses(upsert).Create(&r).Error)
}

// Unassign implements ports.ChannelMapStore.
func (s *ChannelMapStore) Unassign(ctx context.Context, t channelmap.TargetType, targetID string) error {
	return Translate(s.db.Conn(ctx).Where("target_type = ? AND target_id = ?", string(t), targetID).Delete(&assignmentRow{}).Error)
}

// Assignments implements ports.ChannelMapStore, by target.
func (s *ChannelMapStore) Assignments(ctx context.Context) ([]channelmap.Assignment, error) {
	var rows []assignmentRow
	if err := s.db.Conn(ctx).Order("target_type, target_id").Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	out := make([]channelmap.Assignment, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainAssignment(r))
	}
	return out, nil
}

var _ ports.ChannelMapStore = (*ChannelMapStore)(nil)

package gormstore

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// groupRow is a row of the access_groups table.
type groupRow struct {
	ID          string    `gorm:"column:id;primaryKey"`
	Name        string    `gorm:"column:name"`
	Description string    `gorm:"column:description"`
	CreatedAt   time.Time `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt   time.Time `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName implements gorm's Tabler.
func (groupRow) TableName() string { return "access_groups" }

func toDomainGroup(r groupRow) identity.Group {
	return identity.RehydrateGroup(r.ID, r.Name, r.Description, r.CreatedAt.UTC(), r.UpdatedAt.UTC())
}

func fromDomainGroup(g identity.Group) groupRow {
	return groupRow{ID: g.ID(), Name: g.Name(), Description: g.Description(), CreatedAt: g.CreatedAt(), UpdatedAt: g.UpdatedAt()}
}

// GroupStore keeps access groups in the access_groups table.
type GroupStore struct{ db *DB }

// NewGroupStore returns the group store on db.
func NewGroupStore(db *DB) *GroupStore { return &GroupStore{db: db} }

// Create inserts g; a taken id is identity.ErrGroupIDTaken.
func (s *GroupStore) Create(ctx context.Context, g identity.Group) error {
	r := fromDomainGroup(g)
	if err := s.db.Conn(ctx).Create(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return identity.ErrGroupIDTaken
		}
		return Translate(err)
	}
	return nil
}

// Get returns the group with id.
func (s *GroupStore) Get(ctx context.Context, id string) (identity.Group, error) {
	var r groupRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return identity.Group{}, identityNotFound(err, identity.ErrGroupNotFound)
	}
	return toDomainGroup(r), nil
}

// Update locks the group's row, applies fn and saves name and description.
func (s *GroupStore) Update(ctx context.Context, id string, fn func(g *identity.Group) error) (identity.Group, error) {
	var out identity.Group
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var r groupRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, identity.ErrGroupNotFound)
		}
		g := toDomainGroup(r)
		if err := fn(&g); err != nil {
			return err
		}
		n := fromDomainGroup(g)
		err := s.db.Conn(ctx).Model(&groupRow{}).Where("id = ?", id).Updates(map[string]any{
			"name": n.Name, "description": n.Description, "updated_at": n.UpdatedAt,
		}).Error
		if err != nil {
			return Translate(err)
		}
		out = toDomainGroup(groupRow{ID: id, Name: n.Name, Description: n.Description, CreatedAt: r.CreatedAt, UpdatedAt: n.UpdatedAt})
		return nil
	})
	return out, err
}

// Delete removes the group row.
func (s *GroupStore) Delete(ctx context.Context, id string) error {
	res := s.db.Conn(ctx).Where("id = ?", id).Delete(&groupRow{})
	if res.Error != nil {
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return identity.ErrGroupNotFound
	}
	return nil
}

// List returns one page of groups matching f, sorted by name, and the total.
func (s *GroupStore) List(ctx context.Context, f ports.GroupFilter) ([]identity.Group, int64, error) {
	q := s.db.Conn(ctx).Model(&groupRow{})
	if f.Query != "" {
		like := identityLike(f.Query)
		q = q.Where("(lower(id) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')", like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, Translate(err)
	}
	var rows []groupRow
	if err := identityPage(q.Order("lower(name), id"), f.Limit, f.Offset).Find(&rows).Error; err != nil {
		return nil, 0, Translate(err)
	}
	out := make([]identity.Group, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainGroup(r))
	}
	return out, total, nil
}

var _ ports.GroupStore = (*GroupStore)(nil)

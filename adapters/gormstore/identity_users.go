package gormstore

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// userRow is a row of the users table.
type userRow struct {
	ID           string     `gorm:"column:id;primaryKey"`
	Email        string     `gorm:"column:email"`
	Name         string     `gorm:"column:name"`
	PasswordHash *string    `gorm:"column:password_hash"`
	Provider     string     `gorm:"column:provider"`
	DisabledAt   *time.Time `gorm:"column:disabled_at"`
	CreatedAt    time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt    time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName implements gorm's Tabler.
func (userRow) TableName() string { return "users" }

func toDomainUser(r userRow) identity.User {
	hash := ""
	if r.PasswordHash != nil {
		hash = *r.PasswordHash
	}
	return identity.RehydrateUser(r.ID, r.Email, r.Name, hash, identity.Provider(r.Provider), identityUTC(r.DisabledAt),
		r.CreatedAt.UTC(), r.UpdatedAt.UTC())
}

func fromDomainUser(u identity.User) userRow {
	r := userRow{ID: u.ID(), Email: u.Email(), Name: u.Name(), Provider: string(u.Provider()),
		DisabledAt: u.DisabledAt(), CreatedAt: u.CreatedAt(), UpdatedAt: u.UpdatedAt()}
	if h := u.PasswordHash(); h != "" {
		r.PasswordHash = &h
	}
	return r
}

// UserStore keeps users in the users table.
type UserStore struct{ db *DB }

// NewUserStore returns the user store on db.
func NewUserStore(db *DB) *UserStore { return &UserStore{db: db} }

// Create inserts u; a duplicate email is identity.ErrEmailTaken.
func (s *UserStore) Create(ctx context.Context, u identity.User) error {
	r := fromDomainUser(u)
	if err := s.db.Conn(ctx).Create(&r).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return identity.ErrEmailTaken
		}
		return Translate(err)
	}
	return nil
}

// Get returns the user with id.
func (s *UserStore) Get(ctx context.Context, id string) (identity.User, error) {
	var r userRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return identity.User{}, identityNotFound(err, identity.ErrUserNotFound)
	}
	return toDomainUser(r), nil
}

// GetByEmail returns the user with the normalized email.
func (s *UserStore) GetByEmail(ctx context.Context, email string) (identity.User, error) {
	var r userRow
	if err := s.db.Conn(ctx).Where("lower(email) = ?", strings.ToLower(email)).Take(&r).Error; err != nil {
		return identity.User{}, identityNotFound(err, identity.ErrUserNotFound)
	}
	return toDomainUser(r), nil
}

// Update locks the user's row (FOR UPDATE on Postgres; SQLite write
// transactions are serialized), applies fn and saves the result.
func (s *UserStore) Update(ctx context.Context, id string, fn func(u *identity.User) error) (identity.User, error) {
	var out identity.User
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var r userRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, identity.ErrUserNotFound)
		}
		u := toDomainUser(r)
		if err := fn(&u); err != nil {
			return err
		}
		n := fromDomainUser(u)
		err := s.db.Conn(ctx).Model(&userRow{}).Where("id = ?", id).Updates(map[string]any{
			"name": n.Name, "password_hash": n.PasswordHash, "disabled_at": n.DisabledAt, "updated_at": n.UpdatedAt,
		}).Error
		if err != nil {
			return Translate(err)
		}
		out = toDomainUser(n)
		return nil
	})
	return out, err
}

// Delete removes the user; sessions and API tokens cascade.
func (s *UserStore) Delete(ctx context.Context, id string) error {
	res := s.db.Conn(ctx).Where("id = ?", id).Delete(&userRow{})
	if res.Error != nil {
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return identity.ErrUserNotFound
	}
	return nil
}

// List returns one page of users matching f, sorted by email, and the total.
func (s *UserStore) List(ctx context.Context, f ports.UserFilter) ([]identity.User, int64, error) {
	if f.IDs != nil && len(f.IDs) == 0 {
		return []identity.User{}, 0, nil
	}
	q := s.db.Conn(ctx).Model(&userRow{})
	if f.Query != "" {
		like := identityLike(f.Query)
		q = q.Where("(lower(email) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')", like, like)
	}
	if f.IDs != nil {
		q = q.Where("id IN ?", f.IDs)
	}
	if f.Disabled != nil {
		if *f.Disabled {
			q = q.Where("disabled_at IS NOT NULL")
		} else {
			q = q.Where("disabled_at IS NULL")
		}
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, Translate(err)
	}
	var rows []userRow
	if err := identityPage(q.Order("email, id"), f.Limit, f.Offset).Find(&rows).Error; err != nil {
		return nil, 0, Translate(err)
	}
	out := make([]identity.User, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainUser(r))
	}
	return out, total, nil
}

// identityLocked returns the connection for a read that the transaction will
// write back: SELECT … FOR UPDATE on Postgres. SQLite has no row locks; its
// write transactions are serialized (BEGIN IMMEDIATE and DB.writeMu).
func identityLocked(ctx context.Context, d *DB) *gorm.DB {
	q := d.Conn(ctx)
	if d.Dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

// identityNotFound maps a missing row to notFound and anything else
// through Translate.
func identityNotFound(err, notFound error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound
	}
	return Translate(err)
}

// identityLike is a lower-cased LIKE pattern matching s anywhere, with the
// LIKE wildcards in s escaped.
func identityLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

// identityPage applies a limit (0: none) and offset.
func identityPage(q *gorm.DB, limit, offset int) *gorm.DB {
	if limit > 0 {
		q = q.Limit(limit)
	}
	if offset > 0 {
		q = q.Offset(offset)
	}
	return q
}

func identityUTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// identityTime is t in UTC at the microsecond precision both databases keep.
func identityTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

var _ ports.UserStore = (*UserStore)(nil)

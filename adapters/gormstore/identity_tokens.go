package gormstore

import (
	"context"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// apiTokenRow is a row of the api_tokens table. Permissions is a
// comma-separated list, NULL for "all of the owner's rights".
type apiTokenRow struct {
	ID          string     `gorm:"column:id;primaryKey"`
	UserID      string     `gorm:"column:user_id"`
	Name        string     `gorm:"column:name"`
	Prefix      string     `gorm:"column:prefix"`
	TokenHash   string     `gorm:"column:token_hash"`
	Permissions *string    `gorm:"column:permissions"`
	ExpiresAt   *time.Time `gorm:"column:expires_at"`
	LastUsedAt  *time.Time `gorm:"column:last_used_at"`
	RevokedAt   *time.Time `gorm:"column:revoked_at"`
	CreatedAt   time.Time  `gorm:"column:created_at;autoCreateTime:false"`
}

// TableName implements gorm's Tabler.
func (apiTokenRow) TableName() string { return "api_tokens" }

func toDomainAPIToken(r apiTokenRow) identity.APIToken {
	var perms []access.Permission
	if r.Permissions != nil {
		perms = []access.Permission{}
		for _, p := range strings.Split(*r.Permissions, ",") {
			if p != "" {
				perms = append(perms, access.Permission(p))
			}
		}
	}
	return identity.RehydrateAPIToken(r.ID, r.UserID, r.Name, r.Prefix, r.TokenHash, perms,
		identityUTC(r.ExpiresAt), identityUTC(r.LastUsedAt), identityUTC(r.RevokedAt), r.CreatedAt.UTC())
}

func fromDomainAPIToken(t identity.APIToken) apiTokenRow {
	r := apiTokenRow{ID: t.ID(), UserID: t.UserID(), Name: t.Name(), Prefix: t.Prefix(), TokenHash: t.TokenHash(),
		ExpiresAt: t.ExpiresAt(), LastUsedAt: t.LastUsedAt(), RevokedAt: t.RevokedAt(), CreatedAt: t.CreatedAt()}
	if ps := t.Permissions(); ps != nil {
		parts := make([]string, len(ps))
		for i, p := range ps {
			parts[i] = string(p)
		}
		joined := strings.Join(parts, ",")
		r.Permissions = &joined
	}
	return r
}

// APITokenStore keeps personal API tokens in the api_tokens table.
type APITokenStore struct{ db *DB }

// NewAPITokenStore returns the API token store on db.
func NewAPITokenStore(db *DB) *APITokenStore { return &APITokenStore{db: db} }

// Create inserts t.
func (s *APITokenStore) Create(ctx context.Context, t identity.APIToken) error {
	r := fromDomainAPIToken(t)
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// GetByHash returns the token whose secret hashes to hash.
func (s *APITokenStore) GetByHash(ctx context.Context, hash string) (identity.APIToken, error) {
	var r apiTokenRow
	if err := s.db.Conn(ctx).Where("token_hash = ?", hash).Take(&r).Error; err != nil {
		return identity.APIToken{}, identityNotFound(err, identity.ErrTokenNotFound)
	}
	return toDomainAPIToken(r), nil
}

// ListByUser returns userID's tokens, newest first.
func (s *APITokenStore) ListByUser(ctx context.Context, userID string) ([]identity.APIToken, error) {
	var rows []apiTokenRow
	if err := s.db.Conn(ctx).Where("user_id = ?", userID).Order("created_at DESC, id").Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	out := make([]identity.APIToken, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainAPIToken(r))
	}
	return out, nil
}

// Revoke ends token id of userID (keeping an earlier revocation time) and
// returns it; another user's token is identity.ErrTokenNotFound.
func (s *APITokenStore) Revoke(ctx context.Context, userID, id string, at time.Time) (identity.APIToken, error) {
	var out identity.APIToken
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		res := s.db.Conn(ctx).Model(&apiTokenRow{}).Where("id = ? AND user_id = ?", id, userID).
			Update("revoked_at", identityRevokeExpr(at))
		if res.Error != nil {
			return Translate(res.Error)
		}
		if res.RowsAffected == 0 {
			return identity.ErrTokenNotFound
		}
		var r apiTokenRow
		if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
			return identityNotFound(err, identity.ErrTokenNotFound)
		}
		out = toDomainAPIToken(r)
		return nil
	})
	return out, err
}

// RevokeUser ends every unrevoked token of userID.
func (s *APITokenStore) RevokeUser(ctx context.Context, userID string, at time.Time) (int64, error) {
	res := s.db.Conn(ctx).Model(&apiTokenRow{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", identityTime(at))
	return res.RowsAffected, Translate(res.Error)
}

// MarkUsed records that token id was used at at.
func (s *APITokenStore) MarkUsed(ctx context.Context, id string, at time.Time) error {
	res := s.db.Conn(ctx).Model(&apiTokenRow{}).Where("id = ?", id).Update("last_used_at", identityTime(at))
	if res.Error != nil {
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return identity.ErrTokenNotFound
	}
	return nil
}

var _ ports.APITokenStore = (*APITokenStore)(nil)

package gormstore

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// sessionRow is a row of the auth_sessions table.
type sessionRow struct {
	ID        string     `gorm:"column:id;primaryKey"`
	UserID    string     `gorm:"column:user_id"`
	TokenHash string     `gorm:"column:token_hash"`
	CreatedAt time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	ExpiresAt time.Time  `gorm:"column:expires_at"`
	RevokedAt *time.Time `gorm:"column:revoked_at"`
	IPAddress string     `gorm:"column:ip_address"`
	UserAgent string     `gorm:"column:user_agent"`
}

// TableName implements gorm's Tabler.
func (sessionRow) TableName() string { return "auth_sessions" }

func toDomainSession(r sessionRow) identity.Session {
	return identity.RehydrateSession(r.ID, r.UserID, r.TokenHash, r.CreatedAt.UTC(), r.ExpiresAt.UTC(), identityUTC(r.RevokedAt),
		r.IPAddress, r.UserAgent)
}

func fromDomainSession(s identity.Session) sessionRow {
	return sessionRow{ID: s.ID(), UserID: s.UserID(), TokenHash: s.TokenHash(), CreatedAt: s.CreatedAt(), ExpiresAt: s.ExpiresAt(),
		RevokedAt: s.RevokedAt(), IPAddress: s.IPAddress(), UserAgent: s.UserAgent()}
}

// SessionStore keeps login sessions in the auth_sessions table.
type SessionStore struct{ db *DB }

// NewSessionStore returns the session store on db.
func NewSessionStore(db *DB) *SessionStore { return &SessionStore{db: db} }

// Create inserts s.
func (s *SessionStore) Create(ctx context.Context, sess identity.Session) error {
	r := fromDomainSession(sess)
	return Translate(s.db.Conn(ctx).Create(&r).Error)
}

// GetByTokenHash returns the session whose token hashes to hash.
func (s *SessionStore) GetByTokenHash(ctx context.Context, hash string) (identity.Session, error) {
	var r sessionRow
	if err := s.db.Conn(ctx).Where("token_hash = ?", hash).Take(&r).Error; err != nil {
		return identity.Session{}, identityNotFound(err, identity.ErrSessionNotFound)
	}
	return toDomainSession(r), nil
}

// Revoke ends the session id; a revoked session keeps its first time.
func (s *SessionStore) Revoke(ctx context.Context, id string, at time.Time) error {
	res := s.db.Conn(ctx).Model(&sessionRow{}).Where("id = ?", id).
		Update("revoked_at", identityRevokeExpr(at))
	if res.Error != nil {
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return identity.ErrSessionNotFound
	}
	return nil
}

// RevokeUser ends every unrevoked session of userID.
func (s *SessionStore) RevokeUser(ctx context.Context, userID string, at time.Time) (int64, error) {
	res := s.db.Conn(ctx).Model(&sessionRow{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", identityTime(at))
	return res.RowsAffected, Translate(res.Error)
}

// DeleteExpired removes sessions that expired before before.
func (s *SessionStore) DeleteExpired(ctx context.Context, before time.Time) (int64, error) {
	res := s.db.Conn(ctx).Where("expires_at < ?", identityTime(before)).Delete(&sessionRow{})
	return res.RowsAffected, Translate(res.Error)
}

// identityRevokeExpr sets revoked_at to at unless it is already set.
func identityRevokeExpr(at time.Time) any {
	return gorm.Expr("COALESCE(revoked_at, ?)", identityTime(at))
}

var _ ports.SessionStore = (*SessionStore)(nil)

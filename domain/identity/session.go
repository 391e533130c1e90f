package identity

import (
	"github.com/rakkr/rakkr/domain/uid"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
)

// Session is one console login. The bearer token itself is never kept;
// tokenHash is its SHA-256.
type Session struct {
	id        string
	userID    string
	tokenHash string
	createdAt time.Time
	expiresAt time.Time
	revokedAt *time.Time
	ipAddress string
	userAgent string
}

// NewSession starts a session for userID lasting ttl and returns it with the
// bearer token, which the caller shows once.
func NewSession(userID string, ttl time.Duration, ipAddress, userAgent string, now time.Time) (Session, string, error) {
	if userID == "" {
		return Session{}, "", errs.Field("userId", "is required")
	}
	if ttl <= 0 {
		return Session{}, "", errs.Field("ttl", "must be positive")
	}
	secret := NewSessionSecret()
	now = dbTime(now)
	return Session{
		id: uid.New(), userID: userID, tokenHash: HashSecret(secret),
		createdAt: now, expiresAt: now.Add(ttl),
		ipAddress: clip(ipAddress, 64), userAgent: clip(strings.ToValidUTF8(userAgent, ""), 300),
	}, secret, nil
}

// RehydrateSession rebuilds a session from a stored row without validation.
func RehydrateSession(id, userID, tokenHash string, createdAt, expiresAt time.Time, revokedAt *time.Time, ipAddress, userAgent string) Session {
	return Session{id: id, userID: userID, tokenHash: tokenHash, createdAt: createdAt.UTC(), expiresAt: expiresAt.UTC(),
		revokedAt: cloneTime(revokedAt), ipAddress: ipAddress, userAgent: userAgent}
}

// ID is the session id (recorded in audit rows as the actor's sessionId).
func (s Session) ID() string { return s.id }

// UserID is the user logged in.
func (s Session) UserID() string { return s.userID }

// TokenHash is the hex SHA-256 of the bearer token.
func (s Session) TokenHash() string { return s.tokenHash }

// CreatedAt is the login time.
func (s Session) CreatedAt() time.Time { return s.createdAt }

// ExpiresAt is when the token stops working.
func (s Session) ExpiresAt() time.Time { return s.expiresAt }

// RevokedAt is when the session was ended (logout, disable, reset), or nil.
func (s Session) RevokedAt() *time.Time { return cloneTime(s.revokedAt) }

// IPAddress is the client address at login.
func (s Session) IPAddress() string { return s.ipAddress }

// UserAgent is the client's user agent at login.
func (s Session) UserAgent() string { return s.userAgent }

// Check tells whether the session may be used at now: ErrInvalidToken when
// revoked, ErrSessionExpired when past its expiry.
func (s Session) Check(now time.Time) error {
	if s.revokedAt != nil {
		return ErrInvalidToken
	}
	if !now.Before(s.expiresAt) {
		return ErrSessionExpired
	}
	return nil
}

// Revoke ends the session; revoking twice keeps the first time.
func (s *Session) Revoke(now time.Time) {
	if s.revokedAt == nil {
		t := dbTime(now)
		s.revokedAt = &t
	}
}

// clip cuts s to at most n bytes, dropping a split trailing UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}

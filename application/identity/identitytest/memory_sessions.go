package identitytest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// Sessions is an in-memory ports.SessionStore.
type Sessions struct {
	mu   sync.Mutex
	rows map[string]ident.Session
	// Err, when set, fails every call (a database outage).
	Err error
}

// NewSessions returns an empty store.
func NewSessions() *Sessions { return &Sessions{rows: map[string]ident.Session{}} }

// Create inserts s.
func (m *Sessions) Create(_ context.Context, s ident.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	m.rows[s.ID()] = s
	return nil
}

// GetByTokenHash returns the session whose token hashes to hash.
func (m *Sessions) GetByTokenHash(_ context.Context, hash string) (ident.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return ident.Session{}, m.Err
	}
	for _, s := range m.rows {
		if s.TokenHash() == hash {
			return s, nil
		}
	}
	return ident.Session{}, ident.ErrSessionNotFound
}

// Revoke ends session id.
func (m *Sessions) Revoke(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	s, ok := m.rows[id]
	if !ok {
		return ident.ErrSessionNotFound
	}
	s.Revoke(at)
	m.rows[id] = s
	return nil
}

// RevokeUser ends every live session of userID.
func (m *Sessions) RevokeUser(_ context.Context, userID string, at time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return 0, m.Err
	}
	var n int64
	for id, s := range m.rows {
		if s.UserID() == userID && s.RevokedAt() == nil {
			s.Revoke(at)
			m.rows[id] = s
			n++
		}
	}
	return n, nil
}

// DeleteExpired removes sessions that expired before before.
func (m *Sessions) DeleteExpired(_ context.Context, before time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return 0, m.Err
	}
	var n int64
	for id, s := range m.rows {
		if s.ExpiresAt().Before(before) {
			delete(m.rows, id)
			n++
		}
	}
	return n, nil
}

func (m *Sessions) deleteUser(userID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, s := range m.rows {
		if s.UserID() == userID {
			delete(m.rows, id)
		}
	}
}

// Tokens is an in-memory ports.APITokenStore.
type Tokens struct {
	mu   sync.Mutex
	rows map[string]ident.APIToken
	// Err, when set, fails every call (a database outage).
	Err error
}

// NewTokens returns an empty store.
func NewTokens() *Tokens { return &Tokens{rows: map[string]ident.APIToken{}} }

// Create inserts t.
func (m *Tokens) Create(_ context.Context, t ident.APIToken) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	m.rows[t.ID()] = t
	return nil
}

// GetByHash returns the token whose secret hashes to hash.
func (m *Tokens) GetByHash(_ context.Context, hash string) (ident.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return ident.APIToken{}, m.Err
	}
	for _, t := range m.rows {
		if t.TokenHash() == hash {
			return t, nil
		}
	}
	return ident.APIToken{}, ident.ErrTokenNotFound
}

// ListByUser returns userID's tokens, newest first.
func (m *Tokens) ListByUser(_ context.Context, userID string) ([]ident.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return nil, m.Err
	}
	out := []ident.APIToken{}
	for _, t := range m.rows {
		if t.UserID() == userID {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b ident.APIToken) int {
		if c := b.CreatedAt().Compare(a.CreatedAt()); c != 0 {
			return c
		}
		return strings.Compare(a.ID(), b.ID())
	})
	return out, nil
}

// Revoke ends token id of userID and returns it.
func (m *Tokens) Revoke(_ context.Context, userID, id string, at time.Time) (ident.APIToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return ident.APIToken{}, m.Err
	}
	t, ok := m.rows[id]
	if !ok || t.UserID() != userID {
		return ident.APIToken{}, ident.ErrTokenNotFound
	}
	t.Revoke(at)
	m.rows[id] = t
	return t, nil
}

// RevokeUser ends every live token of userID.
func (m *Tokens) RevokeUser(_ context.Context, userID string, at time.Time) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return 0, m.Err
	}
	var n int64
	for id, t := range m.rows {
		if t.UserID() == userID && t.RevokedAt() == nil {
			t.Revoke(at)
			m.rows[id] = t
			n++
		}
	}
	return n, nil
}

// MarkUsed records the use of token id at at.
func (m *Tokens) MarkUsed(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	t, ok := m.rows[id]
	if !ok {
		return ident.ErrTokenNotFound
	}
	used := at.UTC().Truncate(time.Microsecond)
	m.rows[id] = ident.RehydrateAPIToken(t.ID(), t.UserID(), t.Name(), t.Prefix(), t.TokenHash(), t.Permissions(),
		t.ExpiresAt(), &used, t.RevokedAt(), t.CreatedAt())
	return nil
}

func (m *Tokens) deleteUser(userID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, t := range m.rows {
		if t.UserID() == userID {
			delete(m.rows, id)
		}
	}
}

var (
	_ ports.SessionStore  = (*Sessions)(nil)
	_ ports.APITokenStore = (*Tokens)(nil)
)

// Package identitytest holds in-memory fakes of the identity ports and of
// the ports the identity service uses (role bindings, permissions, audit,
// transactions, clock, hasher), and the contract suite every identity store
// implementation must pass.
package identitytest

import (
	"context"
	"slices"
	"strings"
	"sync"

	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// Users is an in-memory ports.UserStore. Err, when set, fails every call
// (a database outage).
type Users struct {
	mu   sync.Mutex
	rows map[string]ident.User
	// Err, when set, fails every call (a database outage).
	Err error
	// cascade runs after a delete (the memory stand-in for ON DELETE CASCADE).
	cascade []func(userID string)
}

// NewUsers returns an empty store.
func NewUsers() *Users { return &Users{rows: map[string]ident.User{}} }

// Create inserts u; a duplicate email is identity.ErrEmailTaken.
func (s *Users) Create(_ context.Context, u ident.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return s.Err
	}
	for _, o := range s.rows {
		if strings.EqualFold(o.Email(), u.Email()) {
			return ident.ErrEmailTaken
		}
	}
	s.rows[u.ID()] = u
	return nil
}

// Get returns the user with id.
func (s *Users) Get(_ context.Context, id string) (ident.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return ident.User{}, s.Err
	}
	u, ok := s.rows[id]
	if !ok {
		return ident.User{}, ident.ErrUserNotFound
	}
	return u, nil
}

// GetByEmail returns the user with email.
func (s *Users) GetByEmail(_ context.Context, email string) (ident.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return ident.User{}, s.Err
	}
	for _, u := range s.rows {
		if strings.EqualFold(u.Email(), email) {
			return u, nil
		}
	}
	return ident.User{}, ident.ErrUserNotFound
}

// Update applies fn to the user and stores the result.
func (s *Users) Update(_ context.Context, id string, fn func(u *ident.User) error) (ident.User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return ident.User{}, s.Err
	}
	u, ok := s.rows[id]
	if !ok {
		return ident.User{}, ident.ErrUserNotFound
	}
	if err := fn(&u); err != nil {
		return ident.User{}, err
	}
	s.rows[id] = u
	return u, nil
}

// Delete removes the user.
func (s *Users) Delete(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return s.Err
	}
	if _, ok := s.rows[id]; !ok {
		return ident.ErrUserNotFound
	}
	delete(s.rows, id)
	for _, fn := range s.cascade {
		fn(id)
	}
	return nil
}

// List filters, sorts by email and pages like the SQL stores.
func (s *Users) List(_ context.Context, f ports.UserFilter) ([]ident.User, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return nil, 0, s.Err
	}
	q := strings.ToLower(f.Query)
	var all []ident.User
	for _, u := range s.rows {
		if q != "" && !strings.Contains(strings.ToLower(u.Email()), q) && !strings.Contains(strings.ToLower(u.Name()), q) {
			continue
		}
		if f.IDs != nil && !slices.Contains(f.IDs, u.ID()) {
			continue
		}
		if f.Disabled != nil && u.Disabled() != *f.Disabled {
			continue
		}
		all = append(all, u)
	}
	slices.SortFunc(all, func(a, b ident.User) int {
		if c := strings.Compare(a.Email(), b.Email()); c != 0 {
			return c
		}
		return strings.Compare(a.ID(), b.ID())
	})
	return pageOf(all, f.Limit, f.Offset), int64(len(all)), nil
}

// pageOf returns the page of all at offset (limit 0: no limit).
func pageOf[T any](all []T, limit, offset int) []T {
	if offset >= len(all) {
		return []T{}
	}
	all = all[offset:]
	if limit > 0 && limit < len(all) {
		all = all[:limit]
	}
	return slices.Clone(all)
}

var _ ports.UserStore = (*Users)(nil)

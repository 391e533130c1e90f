package identitytest

import (
	"context"
	"slices"
	"strings"
	"sync"

	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// Groups is an in-memory ports.GroupStore.
type Groups struct {
	mu   sync.Mutex
	rows map[string]ident.Group
	// Err, when set, fails every call (a database outage).
	Err error
}

// NewGroups returns an empty store.
func NewGroups() *Groups { return &Groups{rows: map[string]ident.Group{}} }

// Create inserts g; a taken id is identity.ErrGroupIDTaken.
func (s *Groups) Create(_ context.Context, g ident.Group) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return s.Err
	}
	if _, ok := s.rows[g.ID()]; ok {
		return ident.ErrGroupIDTaken
	}
	s.rows[g.ID()] = g
	return nil
}

// Get returns the group with id.
func (s *Groups) Get(_ context.Context, id string) (ident.Group, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return ident.Group{}, s.Err
	}
	g, ok := s.rows[id]
	if !ok {
		return ident.Group{}, ident.ErrGroupNotFound
	}
	return g, nil
}

// Update applies fn to the group and stores the result.
func (s *Groups) Update(_ context.Context, id string, fn func(g *ident.Group) error) (ident.Group, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return ident.Group{}, s.Err
	}
	g, ok := s.rows[id]
	if !ok {
		return ident.Group{}, ident.ErrGroupNotFound
	}
	if err := fn(&g); err != nil {
		return ident.Group{}, err
	}
	s.rows[id] = g
	return g, nil
}

// Delete removes the group.
func (s *Groups) Delete(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return s.Err
	}
	if _, ok := s.rows[id]; !ok {
		return ident.ErrGroupNotFound
	}
	delete(s.rows, id)
	return nil
}

// List filters, sorts by name and pages like the SQL stores.
func (s *Groups) List(_ context.Context, f ports.GroupFilter) ([]ident.Group, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Err != nil {
		return nil, 0, s.Err
	}
	q := strings.ToLower(f.Query)
	var all []ident.Group
	for _, g := range s.rows {
		if q == "" || strings.Contains(g.ID(), q) || strings.Contains(strings.ToLower(g.Name()), q) {
			all = append(all, g)
		}
	}
	slices.SortFunc(all, func(a, b ident.Group) int {
		if c := strings.Compare(strings.ToLower(a.Name()), strings.ToLower(b.Name())); c != 0 {
			return c
		}
		return strings.Compare(a.ID(), b.ID())
	})
	return pageOf(all, f.Limit, f.Offset), int64(len(all)), nil
}

var _ ports.GroupStore = (*Groups)(nil)

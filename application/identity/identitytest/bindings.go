package identitytest

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/ports"
)

// binding is one user's roles, groups and grants.
type binding struct {
	roles  []access.Role
	groups []string
	grants []access.Ref
}

// Bindings is an in-memory ports.RoleBindings.
type Bindings struct {
	mu    sync.Mutex
	users map[string]binding
	// Err, when set, fails every call.
	Err error
	// Removed lists the subjects passed to RemoveSubject.
	Removed []string
}

// NewBindings returns empty bindings.
func NewBindings() *Bindings { return &Bindings{users: map[string]binding{}} }

// SetUserAccess replaces a user's bindings.
func (b *Bindings) SetUserAccess(_ context.Context, userID string, roles []access.Role, groupIDs []string, grants []access.Ref) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Err != nil {
		return b.Err
	}
	b.users[userID] = binding{roles: slices.Clone(roles), groups: slices.Clone(groupIDs), grants: slices.Clone(grants)}
	return nil
}

// UserAccess returns a user's bindings (empty for an unknown user).
func (b *Bindings) UserAccess(_ context.Context, userID string) ([]access.Role, []string, []access.Ref, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Err != nil {
		return nil, nil, nil, b.Err
	}
	u := b.users[userID]
	return slices.Clone(u.roles), slices.Clone(u.groups), slices.Clone(u.grants), nil
}

// RemoveSubject drops a user's bindings, or a group from every user.
func (b *Bindings) RemoveSubject(_ context.Context, subject string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Err != nil {
		return b.Err
	}
	b.Removed = append(b.Removed, subject)
	kind, id, _ := strings.Cut(subject, ":")
	switch kind {
	case "user":
		delete(b.users, id)
	case "group":
		for uid, u := range b.users {
			u.groups = slices.DeleteFunc(u.groups, func(g string) bool { return g == id })
			b.users[uid] = u
		}
	}
	return nil
}

// UsersWithRole lists the users holding role, sorted.
func (b *Bindings) UsersWithRole(_ context.Context, role access.Role) ([]string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Err != nil {
		return nil, b.Err
	}
	var out []string
	for id, u := range b.users {
		if slices.Contains(u.roles, role) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

var _ ports.RoleBindings = (*Bindings)(nil)

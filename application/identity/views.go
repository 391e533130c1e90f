package identity

import (
	"context"
	"slices"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	ident "github.com/rakkr/rakkr/domain/identity"
)

// Account is a user with their bindings in the access model.
type Account struct {
	User   ident.User
	Roles  []access.Role
	Groups []string
	Grants []access.Ref
}

// HasRole reports whether the account holds r.
func (a Account) HasRole(r access.Role) bool { return slices.Contains(a.Roles, r) }

// EnabledOwner reports whether the account is an owner who can log in.
func (a Account) EnabledOwner() bool { return a.HasRole(access.RoleOwner) && !a.User.Disabled() }

// LoginResult is a new session: Token is the bearer, shown once.
type LoginResult struct {
	Token   string
	Session ident.Session
	Account Account
}

// Me is the caller's own view: who they are and what they may do.
type Me struct {
	Account     Account
	Permissions []access.Permission
	// SessionID and TokenID tell which credential the caller used.
	SessionID string
	TokenID   string
}

// account loads a user and their bindings.
func (s *Service) account(ctx context.Context, id string) (Account, error) {
	u, err := s.d.Users.Get(ctx, id)
	if err != nil {
		return Account{}, err
	}
	return s.withAccess(ctx, u)
}

func (s *Service) withAccess(ctx context.Context, u ident.User) (Account, error) {
	roles, groups, grants, err := s.d.Bindings.UserAccess(ctx, u.ID())
	if err != nil {
		return Account{}, err
	}
	return Account{User: u, Roles: orEmpty(roles), Groups: orEmpty(groups), Grants: orEmpty(grants)}, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// auditAccount is the before/after form of an account in audit rows: never
// a password or its hash.
func auditAccount(a Account) map[string]any {
	grants := make([]string, 0, len(a.Grants))
	for _, g := range a.Grants {
		grants = append(grants, g.Key())
	}
	roles := make([]string, 0, len(a.Roles))
	for _, r := range a.Roles {
		roles = append(roles, string(r))
	}
	return map[string]any{
		"id": a.User.ID(), "email": a.User.Email(), "name": a.User.Name(), "provider": string(a.User.Provider()),
		"disabled": a.User.Disabled(), "roles": roles, "groups": orEmpty(a.Groups), "grants": grants,
	}
}

func userTarget(u ident.User) audit.Target {
	return audit.Target{Type: string(access.ResourceUser), ID: u.ID(), Name: u.Email()}
}

func auditGroup(g ident.Group, members []string) map[string]any {
	m := map[string]any{"id": g.ID(), "name": g.Name(), "description": g.Description()}
	if members != nil {
		m["members"] = members
	}
	return m
}

func groupTarget(g ident.Group) audit.Target {
	return audit.Target{Type: string(access.ResourceGroup), ID: g.ID(), Name: g.Name()}
}

func auditToken(t ident.APIToken) map[string]any {
	m := map[string]any{"id": t.ID(), "name": t.Name(), "prefix": t.Prefix(), "userId": t.UserID()}
	if ps := t.Permissions(); ps != nil {
		m["permissions"] = ps
	} else {
		m["permissions"] = "all"
	}
	if e := t.ExpiresAt(); e != nil {
		m["expiresAt"] = e.Format(time.RFC3339)
	}
	if r := t.RevokedAt(); r != nil {
		m["revokedAt"] = r.Format(time.RFC3339)
	}
	return m
}

func tokenTarget(t ident.APIToken) audit.Target {
	return audit.Target{Type: string(access.ResourceToken), ID: t.ID(), Name: t.Name()}
}

package access

import (
	"context"
	"slices"
)

// PrincipalKind says what kind of caller a principal is.
type PrincipalKind string

// The principal kinds.
const (
	PrincipalUser PrincipalKind = "user"
	PrincipalNode PrincipalKind = "node"
)

// Principal is an authenticated caller.
type Principal struct {
	Kind  PrincipalKind
	ID    string
	Name  string
	Email string
	// Roles are the user's roles at authentication time.
	Roles []Role
	// SessionID is the session or API token id the caller used.
	SessionID string
	// TokenID is set when the caller used a personal API token.
	TokenID string
	// TokenPermissions, when not nil, narrows the owner's rights to this set:
	// a token never has more rights than its owner.
	TokenPermissions []Permission
}

// Subject is the Casbin subject key of the principal.
func (p Principal) Subject() string { return string(p.Kind) + ":" + p.ID }

// TokenAllows reports whether the token limit (if any) admits perm.
func (p Principal) TokenAllows(perm Permission) bool {
	return p.TokenPermissions == nil || slices.Contains(p.TokenPermissions, perm)
}

// RoleNames returns the roles as strings.
func (p Principal) RoleNames() []string {
	out := make([]string, 0, len(p.Roles))
	for _, r := range p.Roles {
		out = append(out, string(r))
	}
	return out
}

type principalKey struct{}

// WithPrincipal returns ctx carrying the authenticated caller.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller stored in ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

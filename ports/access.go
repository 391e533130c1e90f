package ports

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
)

// RoleBindings stores what a user is bound to in the access model: roles,
// group memberships and resource grants. Writes take part in the context's
// transaction and reach the enforcer after it commits.
type RoleBindings interface {
	// SetUserAccess replaces a user's roles, groups and grants.
	SetUserAccess(ctx context.Context, userID string, roles []access.Role, groupIDs []string, grants []access.Ref) error
	// UserAccess returns a user's roles, groups and grants.
	UserAccess(ctx context.Context, userID string) (roles []access.Role, groupIDs []string, grants []access.Ref, err error)
	// RemoveSubject drops every binding and policy of "user:<id>" or "group:<id>".
	RemoveSubject(ctx context.Context, subject string) error
	// UsersWithRole lists the ids of users holding role (last-owner checks).
	UsersWithRole(ctx context.Context, role access.Role) ([]string, error)
}

// PolicyStore stores the allow/deny access policies.
type PolicyStore interface {
	// Policies lists every access policy.
	Policies(ctx context.Context) ([]access.Policy, error)
	// ReplacePolicies replaces all access policies at once.
	ReplacePolicies(ctx context.Context, policies []access.Policy) error
}

// ResourceGraph records each resource's parents in the scope hierarchy
// (a recording's schedule, node, room and site), which the enforcer follows.
type ResourceGraph interface {
	// SetParents replaces the parents of child.
	SetParents(ctx context.Context, child access.Ref, parents []access.Ref) error
	// RemoveResource drops child and its links.
	RemoveResource(ctx context.Context, child access.Ref) error
}

// PermissionLister tells what a principal may do.
type PermissionLister interface {
	// EffectivePermissions lists the permissions the principal holds
	// somewhere (global role permissions narrowed by a token's limit).
	EffectivePermissions(ctx context.Context, p access.Principal) ([]access.Permission, error)
}

package httpapi

import (
	"net/http"

	"github.com/rakkr/rakkr/application/identity"
	"github.com/rakkr/rakkr/domain/access"
)

// AuthModule serves login, logout, the caller's own view and API tokens,
// and the management of users and groups (auth:manage).
type AuthModule struct {
	Service *identity.Service
}

// Routes implements Module.
func (m *AuthModule) Routes() []Route {
	const base = "/api/v1/auth"
	userID := PathParam("id", access.ResourceUser)
	groupID := PathParam("id", access.ResourceGroup)
	manage := func(r Route) Route {
		r.Access, r.Permission, r.Tag = AccessPermission, access.AuthManage, "auth"
		return r
	}
	self := func(r Route) Route {
		r.Access, r.Tag = AccessAuthenticated, "auth"
		return r
	}
	return []Route{
		// Login audits its own outcome (with the failure reason), so the
		// route declares no action for the chain to audit again.
		{Method: http.MethodPost, Path: base + "/login", Access: AccessPublic, Tag: "auth",
			Summary: "Log in with email and password; returns a bearer token (throttled after failures: 429 with Retry-After)",
			Request: AuthLoginRequest{}, Response: AuthLoginResponse{}, Handler: m.login},
		self(Route{Method: http.MethodPost, Path: base + "/logout", Action: "auth.logout",
			Summary: "End the caller's session", Response: AuthLogoutResponse{}, Handler: m.logout}),
		self(Route{Method: http.MethodGet, Path: base + "/me", Summary: "The caller, their roles, groups and effective permissions",
			Response: AuthMeResponse{}, Handler: m.me}),
		self(Route{Method: http.MethodPost, Path: base + "/tokens", Action: "auth.tokens.create",
			Summary: "Create a personal API token (within the caller's rights); the token is shown once",
			Request: AuthTokenRequest{}, Response: AuthCreatedTokenResponse{}, Status: http.StatusCreated, Handler: m.createToken}),
		self(Route{Method: http.MethodGet, Path: base + "/tokens", Summary: "The caller's API tokens (no secrets)",
			Response: []AuthTokenResponse{}, Handler: m.listTokens}),
		self(Route{Method: http.MethodDelete, Path: base + "/tokens/:id", Action: "auth.tokens.revoke",
			Summary: "Revoke one of the caller's API tokens", Response: AuthTokenResponse{}, Handler: m.revokeToken}),

		manage(Route{Method: http.MethodGet, Path: base + "/users", Action: "auth.users.list",
			Summary: "List users (filters q, role, status=enabled|disabled; limit, offset)", Response: []AuthUser{}, Handler: m.listUsers}),
		manage(Route{Method: http.MethodPost, Path: base + "/users", Action: "auth.users.create", Summary: "Create a local user",
			Request: AuthCreateUserRequest{}, Response: AuthUser{}, Status: http.StatusCreated, Handler: m.createUser}),
		manage(Route{Method: http.MethodGet, Path: base + "/users/:id", Action: "auth.users.read", Target: userID,
			Summary: "One user", Response: AuthUser{}, Handler: m.getUser}),
		manage(Route{Method: http.MethodGet, Path: base + "/users/:id/actions", Action: "auth.users.actions", Target: userID,
			Summary: "What the caller may do with a user", Response: map[string]ActionState{}, Handler: m.userActions}),
		manage(Route{Method: http.MethodPatch, Path: base + "/users/:id/access", Action: "auth.users.access", Target: userID,
			Summary: "Replace a user's roles, groups and resource grants", Request: AuthUpdateAccessRequest{}, Response: AuthUser{},
			Handler: m.updateAccess}),
		manage(Route{Method: http.MethodPatch, Path: base + "/users/:id/password", Action: "auth.users.password", Target: userID,
			Summary: "Set a user's password (revokes their sessions and tokens)", Request: AuthPasswordRequest{}, Response: AuthUser{},
			Handler: m.resetPassword}),
		manage(Route{Method: http.MethodPatch, Path: base + "/users/:id/status", Action: "auth.users.status", Target: userID,
			Summary: "Disable (revoking sessions and tokens) or enable a user", Request: AuthStatusRequest{}, Response: AuthUser{},
			Handler: m.setStatus}),
		manage(Route{Method: http.MethodDelete, Path: base + "/users/:id", Action: "auth.users.delete", Target: userID,
			Summary: "Delete a user (never yourself or the last owner)", Response: AuthDeletedResponse{}, Handler: m.deleteUser}),

		manage(Route{Method: http.MethodGet, Path: base + "/groups", Action: "auth.groups.list",
			Summary: "List access groups (filter q; limit, offset)", Response: []AuthGroupResponse{}, Handler: m.listGroups}),
		manage(Route{Method: http.MethodPost, Path: base + "/groups", Action: "auth.groups.create",
			Summary: "Create an access group (id = slug of the name)", Request: AuthCreateGroupRequest{}, Response: AuthGroupResponse{},
			Status: http.StatusCreated, Handler: m.createGroup}),
		manage(Route{Method: http.MethodGet, Path: base + "/groups/:id", Action: "auth.groups.read", Target: groupID,
			Summary: "One access group with its members", Response: AuthGroupResponse{}, Handler: m.getGroup}),
		manage(Route{Method: http.MethodPatch, Path: base + "/groups/:id", Action: "auth.groups.update", Target: groupID,
			Summary: "Rename or re-describe a group (the id stays)", Request: AuthUpdateGroupRequest{}, Response: AuthGroupResponse{},
			Handler: m.updateGroup}),
		manage(Route{Method: http.MethodDelete, Path: base + "/groups/:id", Action: "auth.groups.delete", Target: groupID,
			Summary: "Delete a group with its memberships and policies", Response: AuthDeletedResponse{}, Handler: m.deleteGroup}),
		manage(Route{Method: http.MethodPut, Path: base + "/groups/:id/members", Action: "auth.groups.members", Target: groupID,
			Summary: "Replace a group's members", Request: AuthMembersRequest{}, Response: AuthGroupResponse{}, Handler: m.setMembers}),
	}
}

var _ Module = (*AuthModule)(nil)

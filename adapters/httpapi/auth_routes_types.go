package httpapi

import (
	"time"

	"github.com/rakkr/rakkr/application/identity"
	"github.com/rakkr/rakkr/domain/access"
	ident "github.com/rakkr/rakkr/domain/identity"
)

// AuthLoginRequest is the body of POST /api/v1/auth/login.
type AuthLoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// AuthGrant gives a user scope over a resource ("*" wildcards).
type AuthGrant struct {
	ResourceType string `json:"resourceType"`
	ResourceID   string `json:"resourceId"`
}

// AuthUser is a user as the API shows it (never a password hash).
type AuthUser struct {
	ID         string      `json:"id"`
	Email      string      `json:"email"`
	Name       string      `json:"name"`
	Roles      []string    `json:"roles"`
	Groups     []string    `json:"groups"`
	Grants     []AuthGrant `json:"grants"`
	Provider   string      `json:"provider"`
	Disabled   bool        `json:"disabled"`
	DisabledAt *time.Time  `json:"disabledAt,omitempty"`
	CreatedAt  time.Time   `json:"createdAt"`
	UpdatedAt  time.Time   `json:"updatedAt"`
}

// AuthLoginResponse is a new session; the token is shown only here.
type AuthLoginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
	SessionID string    `json:"sessionId"`
	User      AuthUser  `json:"user"`
}

// AuthMeResponse is the caller with their effective permissions.
type AuthMeResponse struct {
	User        AuthUser `json:"user"`
	Roles       []string `json:"roles"`
	Groups      []string `json:"groups"`
	Permissions []string `json:"permissions"`
	SessionID   string   `json:"sessionId"`
	TokenID     string   `json:"tokenId,omitempty"`
}

// AuthTokenRequest creates a personal API token. Permissions left out (or
// null) means all of the caller's rights; expiresAt is RFC 3339 or left out
// for a token that does not expire.
type AuthTokenRequest struct {
	Name        string   `json:"name"`
	Permissions []string `json:"permissions,omitempty"`
	ExpiresAt   *string  `json:"expiresAt,omitempty"`
}

// AuthTokenResponse is a personal API token without its secret. A null
// permissions list means all of the owner's rights.
type AuthTokenResponse struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Prefix      string     `json:"prefix"`
	Permissions []string   `json:"permissions"`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty"`
	LastUsedAt  *time.Time `json:"lastUsedAt,omitempty"`
	RevokedAt   *time.Time `json:"revokedAt,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
}

// AuthCreatedTokenResponse is a new token with its secret, shown once.
type AuthCreatedTokenResponse struct {
	AuthTokenResponse
	Token string `json:"token"`
}

// AuthCreateUserRequest creates a local user.
type AuthCreateUserRequest struct {
	Email    string   `json:"email"`
	Name     string   `json:"name"`
	Password string   `json:"password"`
	Roles    []string `json:"roles"`
	Groups   []string `json:"groups,omitempty"`
}

// AuthUpdateAccessRequest replaces a user's roles, groups and grants;
// fields left out stay as they are.
type AuthUpdateAccessRequest struct {
	Roles  *[]string    `json:"roles,omitempty"`
	Groups *[]string    `json:"groups,omitempty"`
	Grants *[]AuthGrant `json:"grants,omitempty"`
}

// AuthPasswordRequest sets a user's password.
type AuthPasswordRequest struct {
	Password string `json:"password"`
}

// AuthStatusRequest disables or enables a user.
type AuthStatusRequest struct {
	Disabled *bool `json:"disabled"`
}

// AuthGroupResponse is an access group with its members' user ids.
type AuthGroupResponse struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Members     []string  `json:"members"`
	MemberCount int       `json:"memberCount"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

// AuthCreateGroupRequest creates a group; its id is a slug of the name.
type AuthCreateGroupRequest struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// AuthUpdateGroupRequest edits a group; fields left out stay.
type AuthUpdateGroupRequest struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// AuthMembersRequest replaces a group's members.
type AuthMembersRequest struct {
	UserIDs []string `json:"userIds"`
}

// AuthLogoutResponse confirms a logout.
type AuthLogoutResponse struct {
	SessionID string `json:"sessionId"`
	LoggedOut bool   `json:"loggedOut"`
}

// AuthDeletedResponse confirms a deletion.
type AuthDeletedResponse struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

func toAuthUser(a identity.Account) AuthUser {
	u := a.User
	grants := make([]AuthGrant, 0, len(a.Grants))
	for _, g := range a.Grants {
		grants = append(grants, AuthGrant{ResourceType: string(g.Type), ResourceID: g.ID})
	}
	return AuthUser{ID: u.ID(), Email: u.Email(), Name: u.Name(), Roles: authRoleStrings(a.Roles), Groups: authNonNil(a.Groups),
		Grants: grants, Provider: string(u.Provider()), Disabled: u.Disabled(), DisabledAt: u.DisabledAt(),
		CreatedAt: u.CreatedAt(), UpdatedAt: u.UpdatedAt()}
}

func toAuthToken(t ident.APIToken) AuthTokenResponse {
	var perms []string
	if ps := t.Permissions(); ps != nil {
		perms = make([]string, len(ps))
		for i, p := range ps {
			perms[i] = string(p)
		}
	}
	return AuthTokenResponse{ID: t.ID(), Name: t.Name(), Prefix: t.Prefix(), Permissions: perms, ExpiresAt: t.ExpiresAt(),
		LastUsedAt: t.LastUsedAt(), RevokedAt: t.RevokedAt(), CreatedAt: t.CreatedAt()}
}

func toAuthGroup(v identity.GroupView) AuthGroupResponse {
	g := v.Group
	return AuthGroupResponse{ID: g.ID(), Name: g.Name(), Description: g.Description(), Members: authNonNil(v.Members),
		MemberCount: len(v.Members), CreatedAt: g.CreatedAt(), UpdatedAt: g.UpdatedAt()}
}

func authRoleStrings(rs []access.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func authRoles(ss []string) []access.Role {
	out := make([]access.Role, len(ss))
	for i, s := range ss {
		out[i] = access.Role(s)
	}
	return out
}

func authPermissions(ss []string) []access.Permission {
	if ss == nil {
		return nil
	}
	out := make([]access.Permission, len(ss))
	for i, s := range ss {
		out[i] = access.Permission(s)
	}
	return out
}

func authNonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

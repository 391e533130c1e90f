package httpapi

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/application/identity"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

func (m *AuthModule) login(c *gin.Context) error {
	var req AuthLoginRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	res, err := m.Service.Login(RequestContext(c), req.Email, req.Password, c.ClientIP(), truncate(c.Request.UserAgent(), 300))
	if err != nil {
		return err
	}
	return OK(c, AuthLoginResponse{Token: res.Token, ExpiresAt: res.Session.ExpiresAt(), SessionID: res.Session.ID(),
		User: toAuthUser(res.Account)})
}

func (m *AuthModule) logout(c *gin.Context) error {
	if err := m.Service.Logout(RequestContext(c)); err != nil {
		return err
	}
	p, _ := PrincipalOf(c)
	return OK(c, AuthLogoutResponse{SessionID: p.SessionID, LoggedOut: true})
}

func (m *AuthModule) me(c *gin.Context) error {
	me, err := m.Service.Me(RequestContext(c))
	if err != nil {
		return err
	}
	perms := make([]string, len(me.Permissions))
	for i, p := range me.Permissions {
		perms[i] = string(p)
	}
	u := toAuthUser(me.Account)
	return OK(c, AuthMeResponse{User: u, Roles: u.Roles, Groups: u.Groups, Permissions: perms,
		SessionID: me.SessionID, TokenID: me.TokenID})
}

func (m *AuthModule) createToken(c *gin.Context) error {
	var req AuthTokenRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	in := identity.NewTokenInput{Name: req.Name, Permissions: authPermissions(req.Permissions)}
	if req.ExpiresAt != nil {
		t, err := time.Parse(time.RFC3339, *req.ExpiresAt)
		if err != nil {
			return errs.Field("expiresAt", "must be an RFC 3339 time such as 2026-12-31T23:59:59Z")
		}
		in.ExpiresAt = &t
	}
	tok, err := m.Service.CreateToken(RequestContext(c), in)
	if err != nil {
		return err
	}
	return Created(c, AuthCreatedTokenResponse{AuthTokenResponse: toAuthToken(tok.Token), Token: tok.Secret})
}

func (m *AuthModule) listTokens(c *gin.Context) error {
	toks, err := m.Service.ListTokens(RequestContext(c))
	if err != nil {
		return err
	}
	out := make([]AuthTokenResponse, 0, len(toks))
	for _, t := range toks {
		out = append(out, toAuthToken(t))
	}
	return OK(c, out)
}

func (m *AuthModule) revokeToken(c *gin.Context) error {
	tok, err := m.Service.RevokeToken(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toAuthToken(tok))
}

func (m *AuthModule) listUsers(c *gin.Context) error {
	page, err := PageFrom(c)
	if err != nil {
		return err
	}
	accts, total, err := m.Service.ListUsers(RequestContext(c), identity.UserQuery{Query: c.Query("q"),
		Role: access.Role(c.Query("role")), Status: c.Query("status"), Limit: page.Limit, Offset: page.Offset})
	if err != nil {
		return err
	}
	out := make([]AuthUser, 0, len(accts))
	for _, a := range accts {
		out = append(out, toAuthUser(a))
	}
	return List(c, out, len(out), total, page)
}

func (m *AuthModule) createUser(c *gin.Context) error {
	var req AuthCreateUserRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	a, err := m.Service.CreateUser(RequestContext(c), identity.NewUserInput{Email: req.Email, Name: req.Name,
		Password: req.Password, Roles: authRoles(req.Roles), Groups: req.Groups})
	if err != nil {
		return err
	}
	return Created(c, toAuthUser(a))
}

func (m *AuthModule) getUser(c *gin.Context) error {
	a, err := m.Service.GetUser(RequestContext(c), c.Param("id"))
	if err != nil {
		return err
	}
	return OK(c, toAuthUser(a))
}

// userActions tells the console which user actions the caller may take;
// the self rules of the use cases show as reasons.
func (m *AuthModule) userActions(c *gin.Context) error {
	id := c.Param("id")
	if _, err := m.Service.GetUser(RequestContext(c), id); err != nil {
		return err
	}
	acts, err := Actions(c, access.Ref{Type: access.ResourceUser, ID: id}, map[string]access.Permission{
		"view": access.AuthManage, "updateAccess": access.AuthManage, "resetPassword": access.AuthManage,
		"setStatus": access.AuthManage, "delete": access.AuthManage,
	})
	if err != nil {
		return err
	}
	if p, ok := PrincipalOf(c); ok && p.ID == id {
		acts["delete"] = ActionState{Permission: string(access.AuthManage), Reason: "cannot_delete_self"}
		acts["setStatus"] = ActionState{Permission: string(access.AuthManage), Reason: "cannot_disable_self"}
	}
	return OK(c, acts)
}

func (m *AuthModule) updateAccess(c *gin.Context) error {
	var req AuthUpdateAccessRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	var ch identity.AccessChange
	if req.Roles != nil {
		roles := authRoles(*req.Roles)
		ch.Roles = &roles
	}
	ch.Groups = req.Groups
	if req.Grants != nil {
		grants := make([]access.Ref, len(*req.Grants))
		for i, g := range *req.Grants {
			grants[i] = access.Ref{Type: access.ResourceType(g.ResourceType), ID: g.ResourceID}
		}
		ch.Grants = &grants
	}
	a, err := m.Service.UpdateUserAccess(RequestContext(c), c.Param("id"), ch)
	if err != nil {
		return err
	}
	return OK(c, toAuthUser(a))
}

func (m *AuthModule) resetPassword(c *gin.Context) error {
	var req AuthPasswordRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	a, err := m.Service.ResetPassword(RequestContext(c), c.Param("id"), req.Password)
	if err != nil {
		return err
	}
	return OK(c, toAuthUser(a))
}

func (m *AuthModule) setStatus(c *gin.Context) error {
	var req AuthStatusRequest
	if err := Bind(c, &req); err != nil {
		return err
	}
	if req.Disabled == nil {
		return errs.Field("disabled", "is required (true or false)")
	}
	a, err := m.Service.SetUserStatus(RequestContext(c), c.Param("id"), *req.Disabled)
	if err != nil {
		return err
	}
	return OK(c, toAuthUser(a))
}

func (m *AuthModule) deleteUser(c *gin.Context) error {
	if err := m.Service.DeleteUser(RequestContext(c), c.Param("id")); err != nil {
		return err
	}
	return OK(c, AuthDeletedResponse{ID: c.Param("id"), Deleted: true})
}

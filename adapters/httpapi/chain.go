package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
)

var (
	errRouteNotFound    = errs.NotFound("route.notFound", "no such route")
	errMethodNotAllowed = errs.New(errs.KindNotFound, "route.methodNotAllowed", "method not allowed on this route")
)

// chain builds authenticate → authorize → audit decision → handler for r.
// The decision row is written before the handler runs; if it cannot be
// written the handler does not run (fail closed).
func (s *Server) chain(r Route) gin.HandlerFunc {
	return func(c *gin.Context) {
		req := audit.Request{
			Actor:        audit.Actor{ID: "anonymous", Name: "anonymous", Type: audit.ActorAnonymous, Roles: []string{}},
			ActorContext: audit.ActorContext{IPAddress: c.ClientIP(), UserAgent: truncate(c.Request.UserAgent(), 300)},
			RequestID:    c.GetString(ctxRequestID),
		}
		c.Request = c.Request.WithContext(audit.WithRequest(c.Request.Context(), req))
		c.Set(ctxServer, s)
		switch r.Access {
		case AccessPublic, AccessCustom:
			s.run(c, r)
			return
		case AccessNode:
			s.runNode(c, r, req)
			return
		}
		var p access.Principal
		var err error
		if r.MediaTicket != "" {
			p, err = s.authenticateMedia(c, r)
		} else {
			p, err = s.authenticate(c)
		}
		if err != nil {
			if errs.KindOf(err) == errs.KindUnauthorized {
				s.recordDecision(c, r, access.Decision{Reason: access.ReasonUnauthenticated, Permission: r.Permission}, access.Global)
			}
			s.fail(c, err)
			return
		}
		req.Actor = audit.Actor{ID: p.ID, Name: p.Name, Type: audit.ActorType(p.Kind), Roles: p.RoleNames()}
		req.ActorContext.SessionID = p.SessionID
		ctx := audit.WithRequest(c.Request.Context(), req)
		ctx = access.WithPrincipal(ctx, p)
		c.Request = c.Request.WithContext(ctx)
		c.Set(ctxPrincipal, p)
		if r.Access == AccessAuthenticated {
			s.run(c, r)
			return
		}
		target := access.Global
		if r.Target != nil {
			if target, err = r.Target(c); err != nil {
				s.fail(c, err)
				return
			}
		}
		d, err := s.deps.Authorizer.Decide(ctx, p, r.Permission, target)
		if err != nil {
			s.fail(c, err)
			return
		}
		if err := s.recordDecision(c, r, d, target); err != nil {
			s.fail(c, err)
			return
		}
		if !d.Allowed {
			s.fail(c, forbidden(d))
			return
		}
		s.run(c, r)
	}
}

func (s *Server) run(c *gin.Context, r Route) {
	if err := r.Handler(c); err != nil {
		if r.Action != "" && r.Method != http.MethodGet && errs.KindOf(err) != errs.KindUnavailable && c.Request.Context().Err() == nil {
			// Writes that fail are audited with their error code; the
			// successful outcome is recorded by the use case in its transaction.
			s.recordFailure(c, r, err)
		}
		s.fail(c, err)
	}
}

func (s *Server) fail(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
}

func (s *Server) authenticate(c *gin.Context) (access.Principal, error) {
	token := BearerToken(c.Request)
	if token == "" {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return s.deps.Authenticator.Authenticate(c.Request.Context(), token)
}

// BearerToken reads "Authorization: Bearer <token>".
func BearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func forbidden(d access.Decision) error {
	msg := "missing permission " + string(d.Permission)
	switch d.Reason {
	case access.ReasonMissingScope:
		msg = "permission " + string(d.Permission) + " is not granted on " + d.Target.Key()
	case access.ReasonPolicyDenied:
		msg = "an access policy denies " + string(d.Permission) + " on " + d.Target.Key()
	}
	return &errs.Error{Kind: errs.KindForbidden, Code: "auth.forbidden", Message: msg,
		Details: map[string]any{"permission": d.Permission, "reason": d.Reason, "target": d.Target.Key()}}
}

func (s *Server) recordDecision(c *gin.Context, r Route, d access.Decision, target access.Ref) error {
	outcome := audit.Denied
	if d.Allowed {
		outcome = audit.Allowed
	}
	e := audit.Event{
		Action: actionOf(r), Outcome: outcome, Permission: string(r.Permission),
		Target:  audit.Target{Type: string(target.Type), ID: target.ID},
		Reason:  string(d.Reason),
		Details: map[string]any{"method": r.Method, "route": r.Path},
	}
	if target.IsGlobal() {
		e.Target = audit.Target{Type: "*", ID: "*"}
	}
	return s.deps.Audit.Record(c.Request.Context(), e)
}

func (s *Server) recordFailure(c *gin.Context, r Route, err error) {
	code := "internal"
	if e, ok := err.(*errs.Error); ok {
		code = e.Code
	}
	e := audit.Event{Action: actionOf(r), Outcome: audit.Failed, Permission: string(r.Permission), Reason: code,
		Target: audit.Target{Type: "route", ID: r.Path}, Details: map[string]any{"method": r.Method, "status": StatusOf(err)}}
	if werr := s.deps.Audit.Record(c.Request.Context(), e); werr != nil {
		s.deps.Log.Error("audit of failed request not written", "requestId", c.GetString(ctxRequestID), "error", werr)
	}
}

// PrincipalOf returns the authenticated caller of a request.
func PrincipalOf(c *gin.Context) (access.Principal, bool) {
	v, ok := c.Get(ctxPrincipal)
	if !ok {
		return access.Principal{}, false
	}
	p, ok := v.(access.Principal)
	return p, ok
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// actionOf is the route's audit action, or one derived from method and path.
func actionOf(r Route) string {
	if r.Action != "" {
		return r.Action
	}
	return operationID(r)
}

// runNode authenticates a node credential for a node route: the credential's
// node must be the :id of the path. Refusals are audited; accepted agent
// calls are not (a heartbeat every 5 s per node would drown the trail) —
// use cases audit the state changes they make.
func (s *Server) runNode(c *gin.Context, r Route, req audit.Request) {
	if s.deps.NodeAuthenticator == nil {
		s.fail(c, errs.New(errs.KindNotImplemented, "capability.notImplemented", "node routes are not available"))
		return
	}
	token := BearerToken(c.Request)
	var p access.Principal
	var err error = errs.ErrUnauthorized
	if token != "" {
		p, err = s.deps.NodeAuthenticator.AuthenticateNode(c.Request.Context(), token)
	}
	target := access.Ref{Type: access.ResourceNode, ID: c.Param("id")}
	if err != nil {
		if errs.KindOf(err) == errs.KindUnauthorized {
			_ = s.recordDecision(c, r, access.Decision{Reason: access.ReasonUnauthenticated, Permission: r.Permission}, target)
		}
		s.fail(c, err)
		return
	}
	req.Actor = audit.Actor{ID: p.ID, Name: p.Name, Type: audit.ActorNode, Roles: []string{}}
	req.ActorContext.SessionID = p.SessionID
	ctx := access.WithPrincipal(audit.WithRequest(c.Request.Context(), req), p)
	c.Request = c.Request.WithContext(ctx)
	c.Set(ctxPrincipal, p)
	if id := c.Param("id"); id != "" && id != p.ID {
		d := access.Decision{Reason: access.ReasonMissingScope, Permission: r.Permission, Target: target}
		if err := s.recordDecision(c, r, d, target); err != nil {
			s.fail(c, err)
			return
		}
		s.fail(c, &errs.Error{Kind: errs.KindForbidden, Code: "node.credentialMismatch",
			Message: "this node credential belongs to another node", Details: map[string]any{"reason": d.Reason}})
		return
	}
	s.run(c, r)
}

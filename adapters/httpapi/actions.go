package httpapi

import (
	"github.com/gin-gonic/gin"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

// ActionState tells the console whether the caller may take one action on a
// resource, and if not, why (the permission and the decision reason).
type ActionState struct {
	Allowed    bool   `json:"allowed"`
	Permission string `json:"permission"`
	Reason     string `json:"reason,omitempty"`
}

// Actions evaluates each named action's permission on target for the caller
// of c, without auditing (it is advice for the console; the server still
// decides on the real request).
func Actions(c *gin.Context, target access.Ref, actions map[string]access.Permission) (map[string]ActionState, error) {
	p, ok := PrincipalOf(c)
	if !ok {
		return nil, errs.ErrUnauthorized
	}
	s := c.MustGet(ctxServer).(*Server)
	out := make(map[string]ActionState, len(actions))
	for name, perm := range actions {
		d, err := s.deps.Authorizer.Decide(c.Request.Context(), p, perm, target)
		if err != nil {
			return nil, err
		}
		st := ActionState{Allowed: d.Allowed, Permission: string(perm)}
		if !d.Allowed {
			st.Reason = string(d.Reason)
		}
		out[name] = st
	}
	return out, nil
}

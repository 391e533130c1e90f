// Package audit holds the audit event, its canonical form and the hash chain
// that makes the trail tamper evident.
package audit

import (
	"context"
	"time"
)

// Outcome is what happened to an audited action.
type Outcome string

// The outcomes: decisions are allowed/denied, handler and service outcomes
// succeeded/failed/partial.
const (
	Allowed   Outcome = "allowed"
	Denied    Outcome = "denied"
	Succeeded Outcome = "succeeded"
	Failed    Outcome = "failed"
	Partial   Outcome = "partial"
)

// ActorType says who acted.
type ActorType string

// The actor types.
const (
	ActorUser      ActorType = "user"
	ActorNode      ActorType = "node"
	ActorSystem    ActorType = "system"
	ActorAnonymous ActorType = "anonymous"
)

// Actor is who acted: a user, a node or a system runner ("system:scheduler").
type Actor struct {
	ID    string    `json:"id"`
	Name  string    `json:"name"`
	Type  ActorType `json:"type"`
	Roles []string  `json:"roles"`
}

// ActorContext is where the actor acted from.
type ActorContext struct {
	IPAddress string `json:"ipAddress"`
	SessionID string `json:"sessionId"`
	UserAgent string `json:"userAgent"`
}

// Target is what the action was on.
type Target struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Event is one audit row. Seq, ID, CreatedAt, PrevHash and Hash are assigned
// when it is appended to the chain.
type Event struct {
	Seq            int64
	ID             string
	CreatedAt      time.Time
	Action         string
	Outcome        Outcome
	Permission     string
	Actor          Actor
	ActorContext   ActorContext
	Target         Target
	Before         any
	After          any
	Details        map[string]any
	CorrelationIDs map[string]string
	Reason         string
	PrevHash       string
	Hash           string
}

// Request is the per-request (or per-run) information every audit row of
// that request carries.
type Request struct {
	Actor        Actor
	ActorContext ActorContext
	RequestID    string
}

type requestKey struct{}

// WithRequest returns ctx carrying r.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request info in ctx, or a system actor when none.
func RequestFrom(ctx context.Context) (Request, bool) {
	r, ok := ctx.Value(requestKey{}).(Request)
	return r, ok
}

// SystemActor is the actor of a background runner, e.g. SystemActor("scheduler").
func SystemActor(name string) Actor {
	return Actor{ID: "system:" + name, Name: "system:" + name, Type: ActorSystem, Roles: []string{}}
}

// Valid reports whether o is one of the known outcomes.
func (o Outcome) Valid() bool {
	switch o {
	case Allowed, Denied, Succeeded, Failed, Partial:
		return true
	}
	return false
}

// ActionWithOutcome returns the stored action: the dotted action with the
// outcome appended ("auth.users.create" + succeeded →
// "auth.users.create.succeeded"). An action that already ends with the
// outcome is returned unchanged.
func ActionWithOutcome(action string, o Outcome) string {
	suffix := "." + string(o)
	if len(action) >= len(suffix) && action[len(action)-len(suffix):] == suffix {
		return action
	}
	return action + suffix
}

package identitytest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/ports"
)

// Stores bundles the four identity stores and the transactor they share.
type Stores struct {
	// Tx is the transactor the stores take part in.
	Tx ports.Transactor
	// Users, Groups, Sessions and Tokens are the stores under test.
	Users    ports.UserStore
	Groups   ports.GroupStore
	Sessions ports.SessionStore
	Tokens   ports.APITokenStore
}

// Memory is a set of in-memory stores wired like a database: deleting a
// user deletes their sessions and tokens.
type Memory struct {
	// Users, Groups, Sessions and Tokens are the fakes; set their Err to
	// simulate an outage.
	Users    *Users
	Groups   *Groups
	Sessions *Sessions
	Tokens   *Tokens
}

// NewMemory returns empty, wired in-memory stores.
func NewMemory() *Memory {
	m := &Memory{Users: NewUsers(), Groups: NewGroups(), Sessions: NewSessions(), Tokens: NewTokens()}
	m.Users.cascade = []func(string){m.Sessions.deleteUser, m.Tokens.deleteUser}
	return m
}

// Stores returns m as a Stores bundle with a pass-through transactor.
func (m *Memory) Stores() Stores {
	return Stores{Tx: Tx{}, Users: m.Users, Groups: m.Groups, Sessions: m.Sessions, Tokens: m.Tokens}
}

// Tx is a ports.Transactor that just runs fn (the fakes do not roll back).
type Tx struct{}

// InTx runs fn.
func (Tx) InTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

// Clock is a settable ports.Clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Hasher is a fast, transparent ports.PasswordHasher ("fake$" + password)
// that counts verifications.
type Hasher struct {
	mu sync.Mutex
	// Verifies counts Verify calls.
	Verifies int
}

// Hash returns "fake$" + password.
func (h *Hasher) Hash(password string) (string, error) { return "fake$" + password, nil }

// Verify compares, counting the call; a hash without the prefix is malformed.
func (h *Hasher) Verify(password, encoded string) (bool, error) {
	h.mu.Lock()
	h.Verifies++
	h.mu.Unlock()
	if !strings.HasPrefix(encoded, "fake$") {
		return false, errors.New("malformed fake hash")
	}
	return encoded == "fake$"+password, nil
}

// Audit is a ports.AuditRecorder that keeps events with the request in ctx.
// Err, when set, fails every Record.
type Audit struct {
	mu sync.Mutex
	// Events are the recorded rows; Requests the audit request in ctx of each.
	Events   []audit.Event
	Requests []audit.Request
	// Err, when set, fails every Record.
	Err error
}

// Record keeps e.
func (a *Audit) Record(ctx context.Context, e audit.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Err != nil {
		return a.Err
	}
	req, _ := audit.RequestFrom(ctx)
	a.Events = append(a.Events, e)
	a.Requests = append(a.Requests, req)
	return nil
}

// Actions lists "action.outcome[:reason]" of every event, in order.
func (a *Audit) Actions() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.Events))
	for _, e := range a.Events {
		s := e.Action + "." + string(e.Outcome)
		if e.Reason != "" {
			s += ":" + e.Reason
		}
		out = append(out, s)
	}
	return out
}

// Last returns the last event and the request it was recorded with.
func (a *Audit) Last() (audit.Event, audit.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.Events) == 0 {
		return audit.Event{}, audit.Request{}
	}
	return a.Events[len(a.Events)-1], a.Requests[len(a.Requests)-1]
}

// Permissions is a ports.PermissionLister from roles alone: the union of
// the principal's role permissions, narrowed by its token.
type Permissions struct{}

// EffectivePermissions lists what p's roles grant, within its token limit.
func (Permissions) EffectivePermissions(_ context.Context, p access.Principal) ([]access.Permission, error) {
	out := []access.Permission{}
	for _, r := range p.Roles {
		for _, perm := range r.Permissions() {
			if p.TokenAllows(perm) && !slices.Contains(out, perm) {
				out = append(out, perm)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

var (
	_ ports.Transactor       = Tx{}
	_ ports.Clock            = (*Clock)(nil)
	_ ports.PasswordHasher   = (*Hasher)(nil)
	_ ports.AuditRecorder    = (*Audit)(nil)
	_ ports.PermissionLister = Permissions{}
)

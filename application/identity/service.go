// Package identity holds the identity use cases: login with throttling,
// bearer authentication, logout, the caller's own view and API tokens, and
// the management of users and groups. Roles, group memberships and grants
// are written through ports.RoleBindings (the Casbin policy) in the same
// transaction as the user rows and their audit rows.
package identity

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// DefaultSessionTTL is the lifetime of a login session.
const DefaultSessionTTL = 12 * time.Hour

// Deps are the ports and settings the service needs. Every port is
// required; Clock, SessionTTL, Throttle fields, OnLoginFailure and Log have
// defaults.
type Deps struct {
	// Tx runs each write with its audit row in one transaction.
	Tx ports.Transactor
	// Users, Groups, Sessions and Tokens are the identity stores.
	Users    ports.UserStore
	Groups   ports.GroupStore
	Sessions ports.SessionStore
	Tokens   ports.APITokenStore
	// Hasher hashes and verifies passwords (argon2id in production).
	Hasher ports.PasswordHasher
	// Bindings holds roles, group memberships and grants (the Casbin policy).
	Bindings ports.RoleBindings
	// Permissions tells a principal's effective permissions (me, token limits).
	Permissions ports.PermissionLister
	// Audit records the succeeded and failed rows of the use cases.
	Audit ports.AuditRecorder
	// Clock defaults to the system clock.
	Clock ports.Clock
	// SessionTTL defaults to DefaultSessionTTL.
	SessionTTL time.Duration
	// Throttle configures the login back-off.
	Throttle ThrottleConfig
	// OnLoginFailure, when set, is called with the reason of each failed
	// login (invalid_credentials, user_disabled, throttled), e.g. for metrics.
	OnLoginFailure func(reason string)
	// Log defaults to slog.Default().
	Log *slog.Logger
}

// Service implements the identity use cases and ports.Authenticator.
type Service struct {
	d         Deps
	throttle  *throttle
	dummyOnce sync.Once
	dummyHash string
}

// New checks deps, fills in defaults and returns the service.
func New(d Deps) (*Service, error) {
	if err := ports.RequireDeps("identity", map[string]bool{"Tx": d.Tx != nil, "Users": d.Users != nil, "Groups": d.Groups != nil, "Sessions": d.Sessions != nil, "Tokens": d.Tokens != nil, "Hasher": d.Hasher != nil, "Bindings": d.Bindings != nil, "Permissions": d.Permissions != nil, "Audit": d.Audit != nil}); err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	if d.SessionTTL <= 0 {
		d.SessionTTL = DefaultSessionTTL
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d, throttle: newThrottle(d.Throttle.withDefaults())}, nil
}

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC() }

// caller returns the authenticated user in ctx.
func caller(ctx context.Context) (access.Principal, error) {
	p, ok := access.PrincipalFrom(ctx)
	if !ok || p.Kind != access.PrincipalUser || p.ID == "" {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return p, nil
}

// callerIsOwner reports whether the caller in ctx holds the owner role.
// Calls without a principal come from the controller itself (bootstrap) and
// count as owner.
func callerIsOwner(ctx context.Context) bool {
	p, ok := access.PrincipalFrom(ctx)
	return !ok || slices.Contains(p.Roles, access.RoleOwner)
}

// record appends a succeeded audit row; inside InTx it commits with the work.
func (s *Service) record(ctx context.Context, action string, perm access.Permission, target audit.Target, before, after any, details map[string]any) error {
	return s.d.Audit.Record(ctx, audit.Event{
		Action: action, Outcome: audit.Succeeded, Permission: string(perm),
		Target: target, Before: before, After: after, Details: details,
	})
}

// dummy returns a hash of a random password, verified against on unknown
// emails so that a login takes as long whether or not the account exists.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		h, err := s.d.Hasher.Hash(ident.GeneratePassword())
		if err != nil {
			s.d.Log.Error("dummy password hash failed", "error", err)
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

var _ ports.Authenticator = (*Service)(nil)

package identity

import (
	"context"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
)

// The reasons of a failed login, in audit rows and OnLoginFailure.
const (
	ReasonInvalidCredentials = "invalid_credentials"
	ReasonUserDisabled       = "user_disabled"
	ReasonThrottled          = "throttled"
)

// rehasher is implemented by hashers that can tell an outdated hash.
type rehasher interface {
	NeedsRehash(encoded string) bool
}

// Login checks an email and password and starts a session. Failures are
// audited (auth.login failed) and throttled per account and per client
// address; a blocked attempt is a 429 auth.throttled with retryAfterSeconds.
// Unknown emails cost one password verification too, so timing does not
// tell which accounts exist.
func (s *Service) Login(ctx context.Context, email, password, ip, userAgent string) (LoginResult, error) {
	var is errs.Issues
	if strings.TrimSpace(email) == "" {
		is.Add("email", "is required")
	}
	if password == "" {
		is.Add("password", "is required")
	}
	if err := is.Err(); err != nil {
		return LoginResult{}, err
	}
	key := strings.ToLower(strings.TrimSpace(email))
	if n, err := ident.NormalizeEmail(email); err == nil {
		key = n
	}
	now := s.now()
	if wait := s.throttle.wait(key, ip, now); wait > 0 {
		return LoginResult{}, s.loginFailed(ctx, key, nil, ReasonThrottled, throttledError(wait))
	}
	u, err := s.d.Users.GetByEmail(ctx, key)
	if err != nil && errs.KindOf(err) != errs.KindNotFound {
		return LoginResult{}, err
	}
	found := err == nil && u.PasswordHash() != ""
	hash := s.dummy()
	if found {
		hash = u.PasswordHash()
	}
	ok, verr := s.d.Hasher.Verify(password, hash)
	if verr != nil && found {
		s.d.Log.Error("password hash cannot be verified", "userId", u.ID(), "error", verr)
	}
	if !found || !ok || verr != nil {
		s.throttle.fail(key, ip, now)
		var known *ident.User
		if found {
			known = &u
		}
		return LoginResult{}, s.loginFailed(ctx, key, known, ReasonInvalidCredentials, ident.ErrInvalidCredentials)
	}
	if u.Disabled() {
		return LoginResult{}, s.loginFailed(ctx, key, &u, ReasonUserDisabled, ident.ErrUserDisabled)
	}
	s.throttle.reset(key)
	return s.startSession(ctx, u, password, ip, userAgent)
}

func (s *Service) startSession(ctx context.Context, u ident.User, password, ip, userAgent string) (LoginResult, error) {
	now := s.now()
	sess, token, err := ident.NewSession(u.ID(), s.d.SessionTTL, ip, userAgent, now)
	if err != nil {
		return LoginResult{}, err
	}
	var res LoginResult
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		acct, err := s.withAccess(ctx, u)
		if err != nil {
			return err
		}
		if rh, ok := s.d.Hasher.(rehasher); ok && rh.NeedsRehash(u.PasswordHash()) {
			if hash, err := s.d.Hasher.Hash(password); err == nil {
				if acct.User, err = s.d.Users.Update(ctx, u.ID(), func(u *ident.User) error { return u.SetPasswordHash(hash, now) }); err != nil {
					return err
				}
			}
		}
		if err := s.d.Sessions.Create(ctx, sess); err != nil {
			return err
		}
		actx := withActor(ctx, acct, sess.ID())
		after := map[string]any{"sessionId": sess.ID(), "expiresAt": sess.ExpiresAt()}
		if err := s.record(actx, "auth.login", "", userTarget(u), nil, after, nil); err != nil {
			return err
		}
		res = LoginResult{Token: token, Session: sess, Account: acct}
		return nil
	})
	return res, err
}

// withActor returns ctx whose audit request names the user who just logged
// in (the request came in anonymous).
func withActor(ctx context.Context, a Account, sessionID string) context.Context {
	req, _ := audit.RequestFrom(ctx)
	roles := make([]string, 0, len(a.Roles))
	for _, r := range a.Roles {
		roles = append(roles, string(r))
	}
	req.Actor = audit.Actor{ID: a.User.ID(), Name: a.User.Name(), Type: audit.ActorUser, Roles: roles}
	req.ActorContext.SessionID = sessionID
	return audit.WithRequest(ctx, req)
}

// loginFailed audits a failed login and returns failure, or the audit error
// when the row cannot be written (fail closed).
func (s *Service) loginFailed(ctx context.Context, email string, u *ident.User, reason string, failure error) error {
	if s.d.OnLoginFailure != nil {
		s.d.OnLoginFailure(reason)
	}
	target := audit.Target{Type: string(access.ResourceUser), Name: clipString(email, ident.MaxEmailLength)}
	if u != nil {
		target.ID = u.ID()
	}
	err := s.d.Audit.Record(ctx, audit.Event{Action: "auth.login", Outcome: audit.Failed, Reason: reason, Target: target})
	if err != nil {
		return err
	}
	return failure
}

// Logout ends the caller's session. A caller using an API token gets
// auth.notASession: tokens are revoked through RevokeToken.
func (s *Service) Logout(ctx context.Context) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if p.TokenID != "" {
		return ident.ErrNotASession
	}
	return s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Sessions.Revoke(ctx, p.SessionID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, "auth.logout", "", audit.Target{Type: string(access.ResourceUser), ID: p.ID, Name: p.Email},
			nil, nil, map[string]any{"sessionId": p.SessionID})
	})
}

// PurgeExpiredSessions deletes sessions that expired more than a day ago
// (kept that long so a late request still reads auth.sessionExpired).
func (s *Service) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	return s.d.Sessions.DeleteExpired(ctx, s.now().Add(-24*time.Hour))
}

func clipString(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}

package identity

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/application/identity/identitytest"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
)

// fixture is a service on in-memory fakes.
type fixture struct {
	svc      *Service
	mem      *identitytest.Memory
	bind     *identitytest.Bindings
	audit    *identitytest.Audit
	clock    *identitytest.Clock
	hasher   *identitytest.Hasher
	failures []string
}

const testPassword = "correct horse battery"

func newFixture(t *testing.T, tweak ...func(*Deps)) *fixture {
	t.Helper()
	f := &fixture{mem: identitytest.NewMemory(), bind: identitytest.NewBindings(), audit: &identitytest.Audit{},
		clock: identitytest.NewClock(identitytest.T0), hasher: &identitytest.Hasher{}}
	d := Deps{Tx: identitytest.Tx{}, Users: f.mem.Users, Groups: f.mem.Groups, Sessions: f.mem.Sessions, Tokens: f.mem.Tokens,
		Hasher: f.hasher, Bindings: f.bind, Permissions: identitytest.Permissions{}, Audit: f.audit, Clock: f.clock,
		OnLoginFailure: func(reason string) { f.failures = append(f.failures, reason) }}
	for _, fn := range tweak {
		fn(&d)
	}
	svc, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

// user creates a user with roles through the stores (no audit row).
func (f *fixture) user(t *testing.T, local string, roles ...access.Role) Account {
	t.Helper()
	u := identitytest.MustUser(t, f.mem.Users, local, strings.ToUpper(local[:1])+local[1:])
	if _, err := f.mem.Users.Update(context.Background(), u.ID(), func(u *ident.User) error {
		return u.SetPasswordHash("fake$"+testPassword, identitytest.T0)
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.bind.SetUserAccess(context.Background(), u.ID(), roles, nil, nil); err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.GetUser(context.Background(), u.ID())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// as returns a context whose caller is a (with a session id).
func as(a Account) context.Context {
	return access.WithPrincipal(context.Background(), access.Principal{Kind: access.PrincipalUser, ID: a.User.ID(),
		Name: a.User.Name(), Email: a.User.Email(), Roles: a.Roles, SessionID: "session-of-" + a.User.ID()})
}

// login logs a in with the test password and returns the bearer token.
func (f *fixture) login(t *testing.T, a Account) string {
	t.Helper()
	res, err := f.svc.Login(context.Background(), a.User.Email(), testPassword, "192.0.2.1", "test")
	if err != nil {
		t.Fatalf("login %s: %v", a.User.Email(), err)
	}
	return res.Token
}

// wantCode fails unless err is an *errs.Error with code.
func wantCode(t *testing.T, err error, code string) *errs.Error {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("got error %v, want code %s", err, code)
	}
	return e
}

// wantFields fails unless err is a validation error naming exactly fields.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	e := wantCode(t, err, "request.invalid")
	issues, _ := e.Details.(map[string]any)["issues"].([]errs.FieldIssue)
	var got []string
	for _, is := range issues {
		got = append(got, is.Field)
	}
	if strings.Join(got, ",") != strings.Join(fields, ",") {
		t.Fatalf("fields %v, want %v (%v)", got, fields, err)
	}
}

// noSecretsAudited fails if any audit row carries a password or hash.
func (f *fixture) noSecretsAudited(t *testing.T, secrets ...string) {
	t.Helper()
	for _, e := range f.audit.Events {
		b, err := json.Marshal([]any{e.Before, e.After, e.Details, e.Target})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range append(secrets, "fake$", "argon2", "passwordHash", "tokenHash") {
			if strings.Contains(string(b), s) {
				t.Fatalf("audit row %s carries %q: %s", e.Action, s, b)
			}
		}
	}
}

func TestNewRequiresEveryPort(t *testing.T) {
	_, err := New(Deps{Users: identitytest.NewUsers()})
	if err == nil || !strings.Contains(err.Error(), "Audit, Bindings, Groups, Hasher, Permissions, Sessions, Tokens, Tx") {
		t.Fatalf("missing deps: %v", err)
	}
	f := newFixture(t)
	if f.svc.d.SessionTTL != 12*time.Hour || f.svc.throttle.cfg.MaxFailures != 5 || f.svc.throttle.cfg.MaxDelay != 15*time.Minute {
		t.Fatalf("defaults: %+v", f.svc.throttle.cfg)
	}
}

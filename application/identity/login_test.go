package identity

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
)

func TestLoginStartsASessionInTheSameTxAsItsAuditRow(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleOperator)
	ctx := audit.WithRequest(context.Background(), audit.Request{Actor: audit.Actor{ID: "anonymous", Type: audit.ActorAnonymous},
		ActorContext: audit.ActorContext{IPAddress: "192.0.2.7"}})
	res, err := f.svc.Login(ctx, "  ANN@example.org ", testPassword, "192.0.2.7", "Firefox")
	if err != nil {
		t.Fatal(err)
	}
	if ident.KindOfSecret(res.Token) != ident.SecretSession || !res.Session.ExpiresAt().Equal(res.Session.CreatedAt().Add(12*time.Hour)) ||
		res.Session.IPAddress() != "192.0.2.7" || res.Session.UserAgent() != "Firefox" || !slices.Equal(res.Account.Roles, []access.Role{access.RoleOperator}) {
		t.Fatalf("login result %+v", res)
	}
	e, req := f.audit.Last()
	if e.Action != "auth.login" || e.Outcome != audit.Succeeded || e.Target.ID != ann.User.ID() ||
		req.Actor.ID != ann.User.ID() || req.ActorContext.SessionID != res.Session.ID() || req.ActorContext.IPAddress != "192.0.2.7" {
		t.Fatalf("audit %+v by %+v", e, req)
	}
	p, err := f.svc.Authenticate(context.Background(), res.Token)
	if err != nil || p.ID != ann.User.ID() || p.SessionID != res.Session.ID() || p.TokenID != "" || p.TokenPermissions != nil ||
		!slices.Equal(p.Roles, []access.Role{access.RoleOperator}) || p.Email != "ann@example.org" {
		t.Fatalf("principal %+v %v", p, err)
	}
	f.noSecretsAudited(t, testPassword, res.Token)
}

func TestLoginFailuresAreAuditedAndTakeAVerification(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleViewer)
	_, err := f.svc.Login(context.Background(), "ann@example.org", "wrong password!", "192.0.2.1", "")
	wantCode(t, err, "auth.invalidCredentials")
	before := f.hasher.Verifies
	_, err = f.svc.Login(context.Background(), "nobody@example.org", testPassword, "192.0.2.1", "")
	wantCode(t, err, "auth.invalidCredentials")
	if f.hasher.Verifies != before+1 {
		t.Fatal("an unknown email skipped the password verification (timing reveals accounts)")
	}
	_, err = f.svc.Login(context.Background(), "not an email", testPassword, "192.0.2.1", "")
	wantCode(t, err, "auth.invalidCredentials")
	got := f.audit.Actions()
	want := []string{"auth.login.failed:invalid_credentials", "auth.login.failed:invalid_credentials", "auth.login.failed:invalid_credentials"}
	if !slices.Equal(got, want) || !slices.Equal(f.failures, []string{"invalid_credentials", "invalid_credentials", "invalid_credentials"}) {
		t.Fatalf("audit %v, failures %v", got, f.failures)
	}
	if f.audit.Events[0].Target.ID != ann.User.ID() || f.audit.Events[1].Target.ID != "" || f.audit.Events[1].Target.Name != "nobody@example.org" {
		t.Fatalf("targets %+v %+v", f.audit.Events[0].Target, f.audit.Events[1].Target)
	}
	f.noSecretsAudited(t, testPassword, "wrong password!")
}

func TestLoginValidationAndOutages(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.Login(context.Background(), " ", "", "", "")
	wantFields(t, err, "email", "password")

	f.user(t, "ann", access.RoleViewer)
	f.mem.Users.Err = errs.Unavailable(errors.New("connection refused"))
	_, err = f.svc.Login(context.Background(), "ann@example.org", testPassword, "", "")
	if errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("store down: %v", err)
	}
	f.mem.Users.Err = nil
	f.audit.Err = errs.Unavailable(errors.New("audit down"))
	_, err = f.svc.Login(context.Background(), "ann@example.org", "wrong password!", "", "")
	if errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("a failed login whose audit row fails must fail closed: %v", err)
	}
	_, err = f.svc.Login(context.Background(), "ann@example.org", testPassword, "", "")
	if errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("a login whose audit row fails must not start a session: %v", err)
	}
}

func TestLoginOfADisabledUser(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleViewer)
	if _, err := f.mem.Users.Update(context.Background(), ann.User.ID(), func(u *ident.User) error { u.Disable(f.clock.Now()); return nil }); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Login(context.Background(), "ann@example.org", testPassword, "", "")
	wantCode(t, err, "auth.userDisabled")
	_, err = f.svc.Login(context.Background(), "ann@example.org", "wrong password!", "", "")
	wantCode(t, err, "auth.invalidCredentials") // no hint without the password
	if got := f.audit.Actions(); !slices.Equal(got, []string{"auth.login.failed:user_disabled", "auth.login.failed:invalid_credentials"}) {
		t.Fatalf("audit %v", got)
	}
}

func retryAfter(t *testing.T, err error) int64 {
	t.Helper()
	e := wantCode(t, err, "auth.throttled")
	if e.Kind != errs.KindTooMany {
		t.Fatalf("kind %v", e.Kind)
	}
	return e.Details.(map[string]any)["retryAfterSeconds"].(int64)
}

// TestLoginBackoffSequence walks an account through the back-off: five free
// failures, then 1 s, 2 s, 4 s … capped at 15 min.
func TestLoginBackoffSequence(t *testing.T) {
	f := newFixture(t)
	f.user(t, "ann", access.RoleViewer)
	ctx := context.Background()
	fail := func(ip string) error {
		_, err := f.svc.Login(ctx, "ann@example.org", "wrong password!", ip, "")
		return err
	}
	for i := 0; i < 5; i++ {
		wantCode(t, fail("192.0.2.1"), "auth.invalidCredentials")
	}
	// The fifth failure started the back-off.
	var seq []int64
	for n := 0; n < 13; n++ {
		// A different address: the account's own back-off applies.
		wait := retryAfter(t, fail("198.51.100.9"))
		seq = append(seq, wait)
		f.clock.Advance(time.Duration(wait) * time.Second)
		wantCode(t, fail("198.51.100.9"), "auth.invalidCredentials")
	}
	want := []int64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900}
	if !slices.Equal(seq, want) {
		t.Fatalf("back-off %v, want %v", seq, want)
	}
	// While blocked even the right password waits, and is audited as throttled.
	_, err := f.svc.Login(ctx, "ann@example.org", testPassword, "203.0.113.5", "")
	if retryAfter(t, err) != 900 {
		t.Fatal("right password skipped the block")
	}
	if got := f.audit.Actions(); got[len(got)-1] != "auth.login.failed:throttled" || f.failures[len(f.failures)-1] != "throttled" {
		t.Fatalf("audit %v", got[len(got)-1])
	}
	// Once the block passes, a success resets the account's counter.
	f.clock.Advance(900 * time.Second)
	if _, err := f.svc.Login(ctx, "ann@example.org", testPassword, "203.0.113.5", ""); err != nil {
		t.Fatal(err)
	}
	wantCode(t, fail("203.0.113.5"), "auth.invalidCredentials")
	wantCode(t, fail("203.0.113.5"), "auth.invalidCredentials")
}

func TestLoginThrottlesPerClientAddress(t *testing.T) {
	f := newFixture(t)
	f.user(t, "ann", access.RoleViewer)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		_, err := f.svc.Login(ctx, "guess"+strings.Repeat("x", i)+"@example.org", "wrong password!", "192.0.2.66", "")
		wantCode(t, err, "auth.invalidCredentials")
	}
	_, err := f.svc.Login(ctx, "ann@example.org", testPassword, "192.0.2.66", "")
	if retryAfter(t, err) != 1 {
		t.Fatal("guessing address not throttled")
	}
	if _, err := f.svc.Login(ctx, "ann@example.org", testPassword, "192.0.2.67", ""); err != nil {
		t.Fatalf("another address is throttled too: %v", err)
	}
}

func TestThrottleIsBoundedAndForgets(t *testing.T) {
	th := newThrottle(ThrottleConfig{MaxEntries: 3}.withDefaults())
	now := time.Unix(1_700_000_000, 0)
	for i := 0; i < 20; i++ {
		th.fail("acct"+strings.Repeat("x", i), "10.0.0."+strings.Repeat("1", i%4+1), now.Add(time.Duration(i)*time.Second))
	}
	if a, c := th.size(); a > 3 || c > 3 {
		t.Fatalf("maps grew to %d/%d entries", a, c)
	}
	for i := 0; i < 6; i++ {
		th.fail("ann", "", now)
	}
	if th.wait("ann", "", now) != 2*time.Second {
		t.Fatalf("wait %v", th.wait("ann", "", now))
	}
	// Quiet for the forget period after the block: failures start over.
	later := now.Add(2*time.Second + 15*time.Minute)
	th.fail("ann", "", later)
	if th.wait("ann", "", later) != 0 {
		t.Fatal("old failures were not forgotten")
	}
	if d := th.delay(200); d != 15*time.Minute {
		t.Fatalf("delay overflow: %v", d)
	}
}

func TestLogout(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleViewer)
	token := f.login(t, ann)
	p, err := f.svc.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Logout(access.WithPrincipal(context.Background(), p)); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Authenticate(context.Background(), token)
	wantCode(t, err, "auth.invalidToken")
	if got := f.audit.Actions(); got[len(got)-1] != "auth.logout.succeeded" {
		t.Fatalf("audit %v", got)
	}
	p.TokenID = "tok"
	wantCode(t, f.svc.Logout(access.WithPrincipal(context.Background(), p)), "auth.notASession")
	if err := f.svc.Logout(context.Background()); errs.KindOf(err) != errs.KindUnauthorized {
		t.Fatalf("anonymous logout: %v", err)
	}
}

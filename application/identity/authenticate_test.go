package identity

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
)

func TestAuthenticateRejects(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleViewer)
	token := f.login(t, ann)
	cases := map[string]string{
		"":                                    "auth.invalidToken",
		"garbage":                             "auth.invalidToken",
		ident.NewSessionSecret():              "auth.invalidToken",
		ident.NewAPITokenSecret():             "auth.invalidToken",
		token + "x":                           "auth.invalidToken",
		"rakkr_node_" + token[len(token)-40:]: "auth.invalidToken",
	}
	for bearer, code := range cases {
		_, err := f.svc.Authenticate(context.Background(), bearer)
		wantCode(t, err, code)
	}
	f.clock.Advance(12 * time.Hour)
	_, err := f.svc.Authenticate(context.Background(), token)
	wantCode(t, err, "auth.sessionExpired")
}

func TestAuthenticateStoreDownIsUnavailable(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleViewer)
	token := f.login(t, ann)
	f.mem.Sessions.Err = errs.Unavailable(errors.New("down"))
	if _, err := f.svc.Authenticate(context.Background(), token); errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("sessions down: %v", err)
	}
	f.mem.Sessions.Err = nil
	f.mem.Users.Err = errs.Unavailable(errors.New("down"))
	if _, err := f.svc.Authenticate(context.Background(), token); errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("users down: %v", err)
	}
}

// TestDisableRevokesAtOnce checks that disabling a user ends their sessions
// and tokens at once, and that a disabled user's unexpired credentials are
// refused even if a revocation were missed.
func TestDisableRevokesAtOnce(t *testing.T) {
	f := newFixture(t)
	owner := f.user(t, "olga", access.RoleOwner)
	ann := f.user(t, "ann", access.RoleOperator)
	session := f.login(t, ann)
	p, _ := f.svc.Authenticate(context.Background(), session)
	tok, err := f.svc.CreateToken(access.WithPrincipal(context.Background(), p), NewTokenInput{Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Authenticate(context.Background(), tok.Secret); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetUserStatus(as(owner), ann.User.ID(), true); err != nil {
		t.Fatal(err)
	}
	for _, bearer := range []string{session, tok.Secret} {
		_, err := f.svc.Authenticate(context.Background(), bearer)
		wantCode(t, err, "auth.invalidToken")
	}
	e, _ := f.audit.Last()
	if e.Action != "auth.users.status" || e.Details["sessionsRevoked"] != int64(1) || e.Details["tokensRevoked"] != int64(1) {
		t.Fatalf("audit %+v", e)
	}

	// A disabled user's credentials that somehow survived are refused too.
	bob := f.user(t, "bob", access.RoleViewer)
	bobSession := f.login(t, bob)
	if _, err := f.mem.Users.Update(context.Background(), bob.User.ID(), func(u *ident.User) error { u.Disable(f.clock.Now()); return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Authenticate(context.Background(), bobSession)
	wantCode(t, err, "auth.invalidToken")

	// Enabling does not bring revoked credentials back.
	if _, err := f.svc.SetUserStatus(as(owner), ann.User.ID(), false); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Authenticate(context.Background(), session)
	wantCode(t, err, "auth.invalidToken")
	f.login(t, ann)
}

func TestAPITokenPrincipalAndLastUse(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleOperator)
	tok, err := f.svc.CreateToken(as(ann), NewTokenInput{Name: "ci", Permissions: []access.Permission{access.NodeRead, access.RecordingRead}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Authenticate(context.Background(), tok.Secret)
	if err != nil || p.TokenID != tok.Token.ID() || p.SessionID != tok.Token.ID() ||
		!slices.Equal(p.TokenPermissions, []access.Permission{access.NodeRead, access.RecordingRead}) || p.TokenAllows(access.NodeControl) {
		t.Fatalf("principal %+v %v", p, err)
	}
	lastUsed := func() *time.Time {
		got, _ := f.mem.Tokens.GetByHash(context.Background(), tok.Token.TokenHash())
		return got.LastUsedAt()
	}
	first := lastUsed()
	if first == nil || !first.Equal(f.clock.Now().Truncate(time.Microsecond)) {
		t.Fatalf("last use %v", first)
	}
	f.clock.Advance(30 * time.Second)
	_, _ = f.svc.Authenticate(context.Background(), tok.Secret)
	if !lastUsed().Equal(*first) {
		t.Fatal("last use written more than once a minute")
	}
	f.clock.Advance(31 * time.Second)
	_, _ = f.svc.Authenticate(context.Background(), tok.Secret)
	if lastUsed().Equal(*first) {
		t.Fatal("last use not refreshed after a minute")
	}
	// A deleted owner's token stops working.
	olga := f.user(t, "olga", access.RoleOwner)
	if err := f.svc.DeleteUser(as(olga), ann.User.ID()); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Authenticate(context.Background(), tok.Secret)
	wantCode(t, err, "auth.invalidToken")
}

// TestAuthenticateDigest checks that a credential digest resolves like its
// bearer, is not itself a bearer, and stops working when the session ends.
func TestAuthenticateDigest(t *testing.T) {
	f := newFixture(t)
	ann := f.user(t, "ann", access.RoleViewer)
	token := f.login(t, ann)
	ctx := context.Background()
	d := f.svc.CredentialDigest(token)
	p, err := f.svc.AuthenticateDigest(ctx, d)
	if err != nil || p.ID != ann.User.ID() {
		t.Fatalf("digest: %v %+v", err, p)
	}
	if _, err := f.svc.Authenticate(ctx, d); err == nil {
		t.Fatal("a digest worked as a bearer")
	}
	for _, bad := range []string{"", "x", "1:", ":" + ident.HashSecret(token), "2:" + ident.HashSecret(token)} {
		_, err := f.svc.AuthenticateDigest(ctx, bad)
		wantCode(t, err, "auth.invalidToken")
	}
	if err := f.svc.Logout(access.WithPrincipal(ctx, p)); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.AuthenticateDigest(ctx, d)
	if errs.KindOf(err) != errs.KindUnauthorized {
		t.Fatalf("after logout: %v", err)
	}
}

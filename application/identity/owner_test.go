package identity

import (
	"context"
	"slices"
	"testing"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
)

func TestEnsureOwnerGeneratesAPassword(t *testing.T) {
	f := newFixture(t)
	pw, created, err := f.svc.EnsureOwner(context.Background(), "Admin@Rakkr.local", "Administrator", "")
	if err != nil || !created || len(pw) != 24 {
		t.Fatalf("ensure owner: %q %v %v", pw, created, err)
	}
	res, err := f.svc.Login(context.Background(), "admin@rakkr.local", pw, "", "")
	if err != nil || !slices.Equal(res.Account.Roles, []access.Role{access.RoleOwner}) {
		t.Fatalf("login with the generated password: %+v %v", res.Account, err)
	}
	e, req := f.audit.Events[0], f.audit.Requests[0]
	if e.Action != "auth.users.bootstrap" || req.Actor.ID != "system:bootstrap" || req.Actor.Type != audit.ActorSystem {
		t.Fatalf("audit %+v by %+v", e, req)
	}
	f.noSecretsAudited(t, pw)

	pw2, created, err := f.svc.EnsureOwner(context.Background(), "other@rakkr.local", "Other", "")
	if err != nil || created || pw2 != "" {
		t.Fatalf("second start: %q %v %v", pw2, created, err)
	}
}

func TestEnsureOwnerWithAPassword(t *testing.T) {
	f := newFixture(t)
	pw, created, err := f.svc.EnsureOwner(context.Background(), "admin@rakkr.local", "Admin", "given password")
	if err != nil || !created || pw != "" {
		t.Fatalf("%q %v %v", pw, created, err)
	}
	if _, err := f.svc.Login(context.Background(), "admin@rakkr.local", "given password", "", ""); err != nil {
		t.Fatal(err)
	}
	f2 := newFixture(t)
	_, _, err = f2.svc.EnsureOwner(context.Background(), "admin@rakkr.local", "Admin", "short")
	wantFields(t, err, "password")
}

func TestMe(t *testing.T) {
	f := newFixture(t)
	olga := f.user(t, "olga", access.RoleOwner)
	if _, err := f.svc.CreateGroup(as(olga), GroupInput{Name: "Ops"}); err != nil {
		t.Fatal(err)
	}
	ann := f.user(t, "ann", access.RoleAuditor)
	if _, err := f.svc.SetGroupMembers(as(olga), "ops", []string{ann.User.ID()}); err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Authenticate(context.Background(), f.login(t, ann))
	if err != nil {
		t.Fatal(err)
	}
	me, err := f.svc.Me(access.WithPrincipal(context.Background(), p))
	if err != nil || me.Account.User.ID() != ann.User.ID() || !slices.Equal(me.Account.Groups, []string{"ops"}) ||
		!slices.Equal(me.Permissions, access.RoleAuditor.Permissions()) || me.SessionID != p.SessionID {
		t.Fatalf("me %+v %v", me, err)
	}
	if _, err := f.svc.Me(context.Background()); err == nil {
		t.Fatal("anonymous me")
	}
}

package identity

import (
	"context"
	"slices"
	"testing"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
)

func TestCreateUser(t *testing.T) {
	f := newFixture(t)
	olga := f.user(t, "olga", access.RoleOwner)
	adam := f.user(t, "adam", access.RoleAdmin)
	if _, err := f.svc.CreateGroup(as(olga), GroupInput{Name: "Ops"}); err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.CreateUser(as(adam), NewUserInput{Email: " New@Example.org", Name: "New One", Password: "a long password",
		Roles: []access.Role{access.RoleOperator, access.RoleOperator}, Groups: []string{"ops"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.User.Email() != "new@example.org" || !slices.Equal(a.Roles, []access.Role{access.RoleOperator}) || !slices.Equal(a.Groups, []string{"ops"}) {
		t.Fatalf("account %+v", a)
	}
	if _, err := f.svc.Login(context.Background(), "new@example.org", "a long password", "", ""); err != nil {
		t.Fatalf("new user cannot log in: %v", err)
	}
	e := f.audit.Events[1]
	if e.Action != "auth.users.create" || e.Outcome != audit.Succeeded || e.Permission != "auth:manage" || e.Before != nil ||
		e.After.(map[string]any)["email"] != "new@example.org" {
		t.Fatalf("audit %+v", e)
	}
	f.noSecretsAudited(t, "a long password")

	_, err = f.svc.CreateUser(as(adam), NewUserInput{Email: "NEW@example.org", Name: "Twin", Password: "a long password"})
	wantCode(t, err, "user.emailTaken")
	_, err = f.svc.CreateUser(as(adam), NewUserInput{Email: "x", Name: "", Password: "short",
		Roles: []access.Role{"viewer", "god"}, Groups: []string{"ops", "nope"}})
	wantFields(t, err, "email", "name", "password", "roles[1]", "groups[1]")
	_, err = f.svc.CreateUser(as(adam), NewUserInput{Email: "o2@example.org", Name: "O2", Password: "a long password", Roles: []access.Role{access.RoleOwner}})
	wantCode(t, err, "auth.ownerRequired")
	if _, err := f.svc.CreateUser(as(olga), NewUserInput{Email: "o2@example.org", Name: "O2", Password: "a long password", Roles: []access.Role{access.RoleOwner}}); err != nil {
		t.Fatalf("owner creating an owner: %v", err)
	}
}

func TestListUsers(t *testing.T) {
	f := newFixture(t)
	olga := f.user(t, "olga", access.RoleOwner)
	f.user(t, "ann", access.RoleViewer)
	bob := f.user(t, "bob", access.RoleViewer, access.RoleAuditor)
	f.user(t, "cyd", access.RoleOperator)
	if _, err := f.svc.SetUserStatus(as(olga), bob.User.ID(), true); err != nil {
		t.Fatal(err)
	}
	emails := func(q UserQuery) ([]string, int64) {
		t.Helper()
		as, total, err := f.svc.ListUsers(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range as {
			out = append(out, a.User.Email()[:3])
		}
		return out, total
	}
	check := func(q UserQuery, want []string, total int64) {
		t.Helper()
		got, n := emails(q)
		if !slices.Equal(got, want) || n != total {
			t.Fatalf("%+v: %v (%d), want %v (%d)", q, got, n, want, total)
		}
	}
	check(UserQuery{}, []string{"ann", "bob", "cyd", "olg"}, 4)
	check(UserQuery{Role: access.RoleViewer}, []string{"ann", "bob"}, 2)
	check(UserQuery{Role: access.RoleAdmin}, nil, 0)
	check(UserQuery{Status: "disabled"}, []string{"bob"}, 1)
	check(UserQuery{Status: "enabled", Limit: 2, Offset: 1}, []string{"cyd", "olg"}, 3)
	check(UserQuery{Query: "CY"}, []string{"cyd"}, 1)
	_, _, err := f.svc.ListUsers(context.Background(), UserQuery{Role: "god", Status: "gone"})
	wantFields(t, err, "status", "role")
	a, err := f.svc.GetUser(context.Background(), bob.User.ID())
	if err != nil || !a.User.Disabled() || !slices.Equal(a.Roles, []access.Role{access.RoleViewer, access.RoleAuditor}) {
		t.Fatalf("get %+v %v", a, err)
	}
	_, err = f.svc.GetUser(context.Background(), "nope")
	wantCode(t, err, "user.notFound")
}

func TestUpdateUserAccess(t *testing.T) {
	f := newFixture(t)
	olga := f.user(t, "olga", access.RoleOwner)
	adam := f.user(t, "adam", access.RoleAdmin)
	ann := f.user(t, "ann", access.RoleViewer)
	if _, err := f.svc.CreateGroup(as(olga), GroupInput{Name: "Ops"}); err != nil {
		t.Fatal(err)
	}
	roles := []access.Role{access.RoleOperator}
	groups := []string{"ops"}
	grants := []access.Ref{{Type: access.ResourceRoom, ID: "r1"}, {Type: access.ResourceNode, ID: "*"}, {Type: access.ResourceRoom, ID: "r1"}}
	a, err := f.svc.UpdateUserAccess(as(adam), ann.User.ID(), AccessChange{Roles: &roles, Groups: &groups, Grants: &grants})
	if err != nil {
		t.Fatal(err)
	}
	r, g, gr, _ := f.bind.UserAccess(context.Background(), ann.User.ID())
	if !slices.Equal(r, roles) || !slices.Equal(g, groups) || len(gr) != 2 || len(a.Grants) != 2 {
		t.Fatalf("bindings %v %v %v", r, g, gr)
	}
	e, _ := f.audit.Last()
	if e.Action != "auth.users.access" || e.Before.(map[string]any)["roles"].([]string)[0] != "viewer" ||
		e.After.(map[string]any)["grants"].([]string)[0] != "room:r1" {
		t.Fatalf("audit %+v", e)
	}
	// Only roles: groups and grants stay.
	viewer := []access.Role{access.RoleViewer}
	if _, err := f.svc.UpdateUserAccess(as(adam), ann.User.ID(), AccessChange{Roles: &viewer}); err != nil {
		t.Fatal(err)
	}
	if _, g, gr, _ := f.bind.UserAccess(context.Background(), ann.User.ID()); len(g) != 1 || len(gr) != 2 {
		t.Fatalf("partial change lost bindings: %v %v", g, gr)
	}

	badRoles := []access.Role{"viewer", "root"}
	badGroups := []string{"nope"}
	badGrants := []access.Ref{{Type: "planet", ID: "x"}, {Type: "", ID: "x"}, {Type: access.ResourceRoom, ID: "a b"}}
	_, err = f.svc.UpdateUserAccess(as(adam), ann.User.ID(), AccessChange{Roles: &badRoles, Groups: &badGroups, Grants: &badGrants})
	wantFields(t, err, "roles[1]", "groups[0]", "grants[0].resourceType", "grants[1].resourceType", "grants[2].resourceId")

	owner := []access.Role{access.RoleOwner}
	_, err = f.svc.UpdateUserAccess(as(adam), ann.User.ID(), AccessChange{Roles: &owner})
	wantCode(t, err, "auth.ownerRequired")
	_, err = f.svc.UpdateUserAccess(as(adam), olga.User.ID(), AccessChange{Roles: &viewer})
	wantCode(t, err, "auth.ownerRequired")
	_, err = f.svc.UpdateUserAccess(as(olga), olga.User.ID(), AccessChange{Roles: &viewer})
	wantCode(t, err, "user.lastOwner")
	if _, err := f.svc.UpdateUserAccess(as(olga), ann.User.ID(), AccessChange{Roles: &owner}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdateUserAccess(as(olga), olga.User.ID(), AccessChange{Roles: &viewer}); err != nil {
		t.Fatalf("demoting one of two owners: %v", err)
	}
	_, err = f.svc.UpdateUserAccess(as(adam), "nope", AccessChange{Roles: &viewer})
	wantCode(t, err, "user.notFound")
}

func TestResetPasswordRevokesEverything(t *testing.T) {
	f := newFixture(t)
	adam := f.user(t, "adam", access.RoleAdmin)
	ann := f.user(t, "ann", access.RoleOperator)
	session := f.login(t, ann)
	tok, err := f.svc.CreateToken(as(ann), NewTokenInput{Name: "ci"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.ResetPassword(as(adam), ann.User.ID(), "short")
	wantFields(t, err, "password")
	if _, err := f.svc.ResetPassword(as(adam), ann.User.ID(), "a brand new secret"); err != nil {
		t.Fatal(err)
	}
	for _, bearer := range []string{session, tok.Secret} {
		_, err := f.svc.Authenticate(context.Background(), bearer)
		wantCode(t, err, "auth.invalidToken")
	}
	_, err = f.svc.Login(context.Background(), ann.User.Email(), testPassword, "", "")
	wantCode(t, err, "auth.invalidCredentials")
	if _, err := f.svc.Login(context.Background(), ann.User.Email(), "a brand new secret", "", ""); err != nil {
		t.Fatal(err)
	}
	f.noSecretsAudited(t, "a brand new secret", testPassword)
	olga := f.user(t, "olga", access.RoleOwner)
	_, err = f.svc.ResetPassword(as(adam), olga.User.ID(), "a brand new secret")
	wantCode(t, err, "auth.ownerRequired")
}

func TestLastOwnerAndSelfRules(t *testing.T) {
	f := newFixture(t)
	olga := f.user(t, "olga", access.RoleOwner)
	adam := f.user(t, "adam", access.RoleAdmin)
	ann := f.user(t, "ann", access.RoleViewer)

	wantCode(t, f.svc.DeleteUser(as(adam), adam.User.ID()), "user.cannotDeleteSelf")
	_, err := f.svc.SetUserStatus(as(adam), adam.User.ID(), true)
	wantCode(t, err, "user.cannotDisableSelf")
	wantCode(t, f.svc.DeleteUser(as(adam), olga.User.ID()), "auth.ownerRequired")
	_, err = f.svc.SetUserStatus(as(adam), olga.User.ID(), true)
	wantCode(t, err, "auth.ownerRequired")
	// A second owner who is disabled does not count.
	owen := f.user(t, "owen", access.RoleOwner)
	if _, err := f.svc.SetUserStatus(as(olga), owen.User.ID(), true); err != nil {
		t.Fatal(err)
	}
	// Seen from a bootstrap context (no caller): still the last enabled owner.
	wantCode(t, f.svc.DeleteUser(context.Background(), olga.User.ID()), "user.lastOwner")
	_, err = f.svc.SetUserStatus(context.Background(), olga.User.ID(), true)
	wantCode(t, err, "user.lastOwner")

	if err := f.svc.DeleteUser(as(adam), ann.User.ID()); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(f.bind.Removed, "user:"+ann.User.ID()) {
		t.Fatalf("bindings not removed: %v", f.bind.Removed)
	}
	wantCode(t, f.svc.DeleteUser(as(adam), ann.User.ID()), "user.notFound")
	e, _ := f.audit.Last()
	if e.Action != "auth.users.delete" || e.Before.(map[string]any)["email"] != "ann@example.org" || e.After != nil {
		t.Fatalf("audit %+v", e)
	}
	// With owen enabled again, olga may go.
	if _, err := f.svc.SetUserStatus(as(olga), owen.User.ID(), false); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DeleteUser(as(owen), olga.User.ID()); err != nil {
		t.Fatal(err)
	}
}

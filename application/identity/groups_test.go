package identity

import (
	"context"
	"slices"
	"testing"

	"github.com/rakkr/rakkr/domain/access"
)

func TestGroupsLifecycle(t *testing.T) {
	f := newFixture(t)
	adam := f.user(t, "adam", access.RoleAdmin)
	ann := f.user(t, "ann", access.RoleViewer)
	bob := f.user(t, "bob", access.RoleOperator)
	ctx := as(adam)

	var ids []string
	for _, name := range []string{"Ops", "ops", "OPS!", "Council Chamber"} {
		g, err := f.svc.CreateGroup(ctx, GroupInput{Name: name, Description: "d"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, g.Group.ID())
	}
	if !slices.Equal(ids, []string{"ops", "ops-2", "ops-3", "council-chamber"}) {
		t.Fatalf("ids %v", ids)
	}
	_, err := f.svc.CreateGroup(ctx, GroupInput{Name: " "})
	wantFields(t, err, "name")

	name := "Operators"
	g, err := f.svc.UpdateGroup(ctx, "ops", GroupChange{Name: &name})
	if err != nil || g.Group.ID() != "ops" || g.Group.Name() != "Operators" || g.Group.Description() != "d" {
		t.Fatalf("update %+v %v", g, err)
	}
	empty := ""
	_, err = f.svc.UpdateGroup(ctx, "ops", GroupChange{Name: &empty})
	wantFields(t, err, "name")
	_, err = f.svc.UpdateGroup(ctx, "nope", GroupChange{Name: &name})
	wantCode(t, err, "group.notFound")

	g, err = f.svc.SetGroupMembers(ctx, "ops", []string{bob.User.ID(), ann.User.ID(), bob.User.ID()})
	if err != nil || len(g.Members) != 2 {
		t.Fatalf("members %+v %v", g.Members, err)
	}
	roles, groups, _, _ := f.bind.UserAccess(context.Background(), bob.User.ID())
	if !slices.Equal(groups, []string{"ops"}) || !slices.Equal(roles, []access.Role{access.RoleOperator}) {
		t.Fatalf("bob's bindings %v %v", roles, groups)
	}
	if _, err := f.svc.SetGroupMembers(ctx, "ops-2", []string{bob.User.ID()}); err != nil {
		t.Fatal(err)
	}
	g, err = f.svc.SetGroupMembers(ctx, "ops", []string{ann.User.ID()})
	if err != nil || !slices.Equal(g.Members, []string{ann.User.ID()}) {
		t.Fatalf("replace members %v %v", g.Members, err)
	}
	if _, groups, _, _ := f.bind.UserAccess(context.Background(), bob.User.ID()); !slices.Equal(groups, []string{"ops-2"}) {
		t.Fatalf("bob left ops but kept ops-2? %v", groups)
	}
	e, _ := f.audit.Last()
	if e.Action != "auth.groups.members" || len(e.Before.(map[string]any)["members"].([]string)) != 2 {
		t.Fatalf("audit %+v", e)
	}
	_, err = f.svc.SetGroupMembers(ctx, "ops", []string{"nobody"})
	wantFields(t, err, "userIds[0]")

	list, total, err := f.svc.ListGroups(ctx, GroupQuery{Query: "op"})
	if err != nil || total != 3 || list[0].Group.ID() != "ops" || len(list[0].Members) != 1 || list[2].Group.ID() != "ops-3" {
		t.Fatalf("list %d %v", total, err)
	}
	got, err := f.svc.GetGroup(ctx, "ops-2")
	if err != nil || !slices.Equal(got.Members, []string{bob.User.ID()}) {
		t.Fatalf("get %+v %v", got, err)
	}

	if err := f.svc.DeleteGroup(ctx, "ops-2"); err != nil {
		t.Fatal(err)
	}
	if _, groups, _, _ := f.bind.UserAccess(context.Background(), bob.User.ID()); len(groups) != 0 {
		t.Fatalf("membership survived the group: %v", groups)
	}
	if !slices.Contains(f.bind.Removed, "group:ops-2") {
		t.Fatalf("policies of the group not removed: %v", f.bind.Removed)
	}
	wantCode(t, f.svc.DeleteGroup(ctx, "ops-2"), "group.notFound")
	// The freed slug is reused by a new group of that name.
	if g, _ := f.svc.CreateGroup(ctx, GroupInput{Name: "OPS"}); g.Group.ID() != "ops-2" {
		t.Fatalf("id %q", g.Group.ID())
	}
}

package casbinauthz

import (
	"context"
	"slices"
	"testing"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/test/dbtest"
)

// hasRule reports whether the in-memory enforcer holds a rule.
func (a *Authorizer) hasRule(ptype string, vals ...string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return slices.ContainsFunc(a.enf.GetModel()[section(ptype)][ptype].Policy, func(r []string) bool {
		return slices.Equal(r, vals)
	})
}

func newAuthorizer(t testing.TB, c dbtest.Case) *Authorizer {
	t.Helper()
	a, err := New(context.Background(), c.DB)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func user(id string, roles ...access.Role) access.Principal {
	return access.Principal{Kind: access.PrincipalUser, ID: id, Name: id, Roles: roles}
}

func ref(t access.ResourceType, id string) access.Ref { return access.Ref{Type: t, ID: id} }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// decide returns the decision and fails the test on an error.
func decide(t testing.TB, a *Authorizer, p access.Principal, perm access.Permission, target access.Ref) access.Decision {
	t.Helper()
	d, err := a.Decide(context.Background(), p, perm, target)
	if err != nil {
		t.Fatalf("Decide(%s, %s, %s): %v", p.ID, perm, target.Key(), err)
	}
	return d
}

// expect checks the reason of one decision (granted means allowed).
func expect(t testing.TB, a *Authorizer, p access.Principal, perm access.Permission, target access.Ref, want access.Reason) {
	t.Helper()
	d := decide(t, a, p, perm, target)
	if d.Reason != want || d.Allowed != (want == access.ReasonGranted) {
		t.Errorf("%s %s on %s: got allowed=%v reason=%s, want %s", p.ID, perm, target.Key(), d.Allowed, d.Reason, want)
	}
}

// site is a small hierarchy: site s1 with rooms r1 and r2, a node in each,
// a schedule and a recording under each node, and a channel chain
// (channel → interface → node) in r1.
func site(t testing.TB, a *Authorizer) {
	t.Helper()
	ctx := context.Background()
	s1 := ref(access.ResourceSite, "s1")
	must(t, a.SetParents(ctx, s1, nil))
	for _, n := range []string{"1", "2"} {
		room := ref(access.ResourceRoom, "r"+n)
		node := ref(access.ResourceNode, "n"+n)
		sched := ref(access.ResourceSchedule, "sch"+n)
		must(t, a.SetParents(ctx, room, []access.Ref{s1}))
		must(t, a.SetParents(ctx, node, []access.Ref{room, s1}))
		must(t, a.SetParents(ctx, sched, []access.Ref{node, room, s1}))
		must(t, a.SetParents(ctx, ref(access.ResourceRecording, "rec"+n), []access.Ref{sched, node, room, s1}))
	}
	iface := ref(access.ResourceInterface, "if1")
	must(t, a.SetParents(ctx, iface, []access.Ref{ref(access.ResourceNode, "n1")}))
	must(t, a.SetParents(ctx, ref(access.ResourceChannel, "ch1"), []access.Ref{iface}))
}

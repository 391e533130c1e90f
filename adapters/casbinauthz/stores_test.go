package casbinauthz

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestRoleBindingsRoundTrip: SetUserAccess, UserAccess, UsersWithRole and
// RemoveSubject agree with each other and with the enforcer.
func TestRoleBindingsRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		grants := []access.Ref{ref(access.ResourceRoom, "r1"), ref(access.ResourceNode, "*"), access.Global}
		must(t, a.SetUserAccess(ctx, "u1", []access.Role{access.RoleOwner, access.RoleAuditor}, []string{"eng", "ops"}, grants))
		must(t, a.SetUserAccess(ctx, "u2", []access.Role{access.RoleOwner}, nil, nil))
		roles, groups, got, err := a.UserAccess(ctx, "u1")
		must(t, err)
		if !slices.Equal(roles, []access.Role{access.RoleOwner, access.RoleAuditor}) || !slices.Equal(groups, []string{"eng", "ops"}) || !reflect.DeepEqual(got, grants) {
			t.Errorf("UserAccess = %v %v %v", roles, groups, got)
		}
		owners, err := a.UsersWithRole(ctx, access.RoleOwner)
		must(t, err)
		if !slices.Equal(owners, []string{"u1", "u2"}) {
			t.Errorf("UsersWithRole(owner) = %v", owners)
		}
		roles, groups, got, err = a.UserAccess(ctx, "nobody")
		must(t, err)
		if roles == nil || groups == nil || got == nil || len(roles)+len(groups)+len(got) != 0 {
			t.Errorf("UserAccess(nobody) = %#v %#v %#v, want empty slices", roles, groups, got)
		}
		// Removing a group drops its memberships and policies.
		must(t, a.ReplacePolicies(ctx, []access.Policy{
			{Effect: access.Allow, SubjectType: access.SubjectGroup, SubjectID: "eng", Resource: ref(access.ResourceSite, "s1")},
			{Effect: access.Allow, SubjectType: access.SubjectUser, SubjectID: "u1", Resource: ref(access.ResourceSite, "s1")},
		}))
		must(t, a.RemoveSubject(ctx, "group:eng"))
		_, groups, _, err = a.UserAccess(ctx, "u1")
		must(t, err)
		if !slices.Equal(groups, []string{"ops"}) {
			t.Errorf("groups after RemoveSubject(group:eng) = %v", groups)
		}
		if a.hasRule(ptypeBinding, "user:u1", "group:eng") || a.hasRule(ptypeAllow, "group:eng", "site:s1") {
			t.Error("the enforcer still holds the removed group")
		}
		// Removing a user drops everything of it.
		must(t, a.RemoveSubject(ctx, "user:u1"))
		roles, groups, got, err = a.UserAccess(ctx, "u1")
		must(t, err)
		if len(roles)+len(groups)+len(got) != 0 {
			t.Errorf("UserAccess after RemoveSubject = %v %v %v", roles, groups, got)
		}
		pols, err := a.Policies(ctx)
		must(t, err)
		if len(pols) != 0 {
			t.Errorf("policies after removing both subjects = %v", pols)
		}
		expect(t, a, user("u1"), access.SystemAdmin, access.Global, access.ReasonMissingPerm)
		expect(t, a, user("u2"), access.SystemAdmin, access.Global, access.ReasonGranted)
		// Invalid input names the field.
		for _, err := range []error{
			a.SetUserAccess(ctx, "u3", []access.Role{"root"}, nil, nil),
			a.SetUserAccess(ctx, "u3", nil, nil, []access.Ref{{Type: "planet", ID: "x"}}),
			a.RemoveSubject(ctx, "role:owner"),
			a.SetParents(ctx, access.Global, nil),
			a.SetParents(ctx, ref(access.ResourceRoom, "r1"), []access.Ref{ref(access.ResourceRoom, "r1")}),
		} {
			if errs.KindOf(err) != errs.KindInvalid {
				t.Errorf("got %v, want an invalid-request error", err)
			}
		}
	})
}

// TestPoliciesRoundTrip: policies come back in order with their reasons;
// the owner/admin rows are not policies.
func TestPoliciesRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		in := []access.Policy{
			{Effect: access.Deny, SubjectType: access.SubjectEveryone, Resource: ref(access.ResourceRoom, "vault"), Reason: "legal hold, case 7"},
			{Effect: access.Allow, SubjectType: access.SubjectGroup, SubjectID: "eng", Resource: ref(access.ResourceNode, "*")},
			{Effect: access.Allow, SubjectType: access.SubjectUser, SubjectID: "u1", Resource: access.Global},
			// The longest values the domain allows fit the columns.
			{Effect: access.Deny, SubjectType: access.SubjectGroup, SubjectID: strings.Repeat("g", 200),
				Resource: ref(access.ResourceRecording, strings.Repeat("r", 200)), Reason: strings.Repeat("é", 250)},
		}
		must(t, a.ReplacePolicies(ctx, in))
		out, err := a.Policies(ctx)
		must(t, err)
		if !reflect.DeepEqual(out, in) {
			t.Errorf("Policies = %+v, want %+v", out, in)
		}
		must(t, a.ReplacePolicies(ctx, in[1:2]))
		out, err = a.Policies(ctx)
		must(t, err)
		if !reflect.DeepEqual(out, in[1:2]) {
			t.Errorf("Policies after replace = %+v", out)
		}
		if a.hasRule(ptypeDeny, "everyone", "room:vault", "legal hold, case 7") {
			t.Error("the enforcer kept a replaced policy")
		}
		if !a.hasRule(ptypeRule, "role:owner", "*", "allow") || !a.hasRule(ptypeRule, "*", "g5", "deny") {
			t.Error("replacing policies removed built-in rules")
		}
		err = a.ReplacePolicies(ctx, []access.Policy{{Effect: "maybe", SubjectType: access.SubjectEveryone, Resource: access.Global}})
		if errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("invalid policy: got %v", err)
		}
	})
}

// TestResourceGraphReplaceAndRemove: SetParents replaces the links,
// RemoveResource drops a resource's links both ways.
func TestResourceGraphReplaceAndRemove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		must(t, a.SetUserAccess(ctx, "v", []access.Role{access.RoleViewer}, nil, []access.Ref{ref(access.ResourceRoom, "r1")}))
		rec := ref(access.ResourceRecording, "rec2")
		expect(t, a, user("v"), access.RecordingRead, rec, access.ReasonMissingScope)
		must(t, a.SetParents(ctx, rec, []access.Ref{ref(access.ResourceRoom, "r1")}))
		expect(t, a, user("v"), access.RecordingRead, rec, access.ReasonGranted)
		must(t, a.RemoveResource(ctx, ref(access.ResourceRoom, "r1")))
		expect(t, a, user("v"), access.RecordingRead, rec, access.ReasonMissingScope)
		expect(t, a, user("v"), access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonMissingScope)
		if a.hasRule(ptypeParent, "room:r1", "site:s1") || a.hasRule(ptypeParent, "node:n1", "room:r1") {
			t.Error("links of the removed room remain in the enforcer")
		}
		b := newAuthorizer(t, c)
		expect(t, b, user("v"), access.RecordingRead, rec, access.ReasonMissingScope)
		expect(t, b, user("v"), access.RecordingRead, ref(access.ResourceRoom, "r1"), access.ReasonGranted)
	})
}

// fakeRoster authorizes recording:read in room r2 and records its calls.
type fakeRoster struct {
	mu    sync.Mutex
	calls [][]string
	fail  bool
}

func (f *fakeRoster) Authorizes(_ context.Context, _ access.Principal, perm access.Permission, _ access.Ref, rooms []string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, rooms)
	if f.fail {
		return false, errors.New("roster down")
	}
	return perm == access.RecordingRead && slices.Contains(rooms, "room:r2"), nil
}

// TestRoomRosterHook: the hook is asked with the target's rooms after the
// role and scope checks fail, never for collections or denied targets.
func TestRoomRosterHook(t *testing.T) {
	c := dbtest.SQLite(t)
	a := newAuthorizer(t, c)
	ctx := context.Background()
	site(t, a)
	must(t, a.SetUserAccess(ctx, "aud", []access.Role{access.RoleAuditor}, nil, nil))
	f := &fakeRoster{}
	a.SetRoomRoster(f)
	aud := user("aud")
	expect(t, a, aud, access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonGranted)
	expect(t, a, aud, access.RecordingPlayback, ref(access.ResourceRecording, "rec2"), access.ReasonMissingPerm)
	expect(t, a, aud, access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonMissingScope)
	expect(t, a, aud, access.RecordingPlayback, access.Global, access.ReasonMissingPerm)
	if len(f.calls) != 3 || !slices.Equal(f.calls[0], []string{"room:r2"}) {
		t.Errorf("roster calls = %v, want three, the first with [room:r2]", f.calls)
	}
	must(t, a.ReplacePolicies(ctx, []access.Policy{{Effect: access.Deny, SubjectType: access.SubjectEveryone, Resource: ref(access.ResourceRoom, "r2")}}))
	expect(t, a, aud, access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonPolicyDenied)
	if len(f.calls) != 3 {
		t.Errorf("the roster was asked about a denied target")
	}
	f.fail = true
	if _, err := a.Decide(ctx, aud, access.RecordingRead, ref(access.ResourceRoom, "r1")); err == nil {
		t.Error("a failing roster must fail the decision")
	}
	a.SetRoomRoster(nil)
	expect(t, a, aud, access.RecordingRead, ref(access.ResourceRoom, "r1"), access.ReasonMissingScope)
}

// TestConcurrentDecideAndWrites runs decisions while bindings, policies
// and the graph change and the policy reloads (run with -race).
func TestConcurrentDecideAndWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		must(t, a.SetUserAccess(ctx, "op", []access.Role{access.RoleOperator}, []string{"eng"}, []access.Ref{ref(access.ResourceRoom, "r1")}))
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					d, err := a.Decide(ctx, user("op"), access.RecordingRead, ref(access.ResourceRecording, "rec1"))
					if err != nil || !d.Allowed {
						t.Errorf("decision during writes: %+v %v", d, err)
						return
					}
					_, _ = a.EffectivePermissions(ctx, user("op"))
				}
			})
		}
		for i := range 20 {
			must(t, a.SetParents(ctx, ref(access.ResourceRecording, "x"), []access.Ref{ref(access.ResourceRoom, "r2")}))
			must(t, a.ReplacePolicies(ctx, []access.Policy{{Effect: access.Allow, SubjectType: access.SubjectGroup, SubjectID: "eng", Resource: ref(access.ResourceNode, "n2")}}))
			must(t, a.SetUserAccess(ctx, "other", []access.Role{access.RoleViewer}, nil, nil))
			if i%5 == 0 {
				must(t, a.Reload(ctx))
			}
		}
		close(stop)
		wg.Wait()
	})
}

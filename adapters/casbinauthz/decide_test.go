package casbinauthz

import (
	"context"
	"slices"
	"testing"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestRoleCatalogDecisions checks every role × permission at the global
// scope against the catalog of domain/access, and a few by hand.
func TestRoleCatalogDecisions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		for _, r := range access.AllRoles {
			must(t, a.SetUserAccess(ctx, "u-"+string(r), []access.Role{r}, nil, nil))
		}
		for _, r := range access.AllRoles {
			p := user("u-"+string(r), r)
			for _, perm := range access.AllPermissions {
				want := access.ReasonMissingPerm
				if slices.Contains(r.Permissions(), perm) {
					want = access.ReasonGranted
				}
				expect(t, a, p, perm, access.Global, want)
			}
		}
		hand := []struct {
			role access.Role
			perm access.Permission
			want access.Reason
		}{
			{access.RoleViewer, access.RecordingCreate, access.ReasonMissingPerm},
			{access.RoleViewer, access.RecordingPlayback, access.ReasonGranted},
			{access.RoleAuditor, access.AuditRead, access.ReasonGranted},
			{access.RoleAuditor, access.NodeRead, access.ReasonMissingPerm},
			{access.RoleAdmin, access.SystemAdmin, access.ReasonMissingPerm},
			{access.RoleAdmin, access.AuthManage, access.ReasonGranted},
			{access.RoleOwner, access.SystemAdmin, access.ReasonGranted},
			{access.RoleOperator, access.NodeManage, access.ReasonMissingPerm},
			{access.RoleOperator, access.SwitcherMap, access.ReasonGranted},
			{access.RoleOperator, access.RecordingDelete, access.ReasonMissingPerm},
		}
		for _, h := range hand {
			expect(t, a, user("u-"+string(h.role)), h.perm, access.Global, h.want)
		}
		// Owner and admin are in scope everywhere; the others need scope.
		site(t, a)
		rec := ref(access.ResourceRecording, "rec1")
		expect(t, a, user("u-owner"), access.RecordingDelete, rec, access.ReasonGranted)
		expect(t, a, user("u-admin"), access.RecordingDelete, rec, access.ReasonGranted)
		expect(t, a, user("u-admin"), access.NodeManage, ref(access.ResourceNode, "unregistered"), access.ReasonGranted)
		expect(t, a, user("u-operator"), access.RecordingRead, rec, access.ReasonMissingScope)
		expect(t, a, user("u-viewer"), access.RecordingRead, rec, access.ReasonMissingScope)
		expect(t, a, user("u-viewer"), access.RecordingCreate, rec, access.ReasonMissingPerm)
		expect(t, a, access.Principal{}, access.HealthRead, access.Global, access.ReasonUnauthenticated)
		expect(t, a, user("nobody"), access.HealthRead, access.Global, access.ReasonMissingPerm)
	})
}

// TestDenyBeatsOwner: a deny on a room removes it, and everything below
// it, from the scope of an owner named as a user, through a group, or as
// everyone; the rest stays in scope.
func TestDenyBeatsOwner(t *testing.T) {
	cases := []struct {
		name   string
		policy access.Policy
	}{
		{"user", access.Policy{Effect: access.Deny, SubjectType: access.SubjectUser, SubjectID: "boss"}},
		{"group", access.Policy{Effect: access.Deny, SubjectType: access.SubjectGroup, SubjectID: "board"}},
		{"everyone", access.Policy{Effect: access.Deny, SubjectType: access.SubjectEveryone}},
	}
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		must(t, a.SetUserAccess(ctx, "boss", []access.Role{access.RoleOwner}, []string{"board"}, nil))
		boss := user("boss")
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				pol := tc.policy
				pol.Resource, pol.Reason = ref(access.ResourceRoom, "r1"), "legal hold"
				must(t, a.ReplacePolicies(ctx, []access.Policy{pol}))
				for _, target := range []access.Ref{ref(access.ResourceRoom, "r1"), ref(access.ResourceRecording, "rec1"),
					ref(access.ResourceChannel, "ch1"), ref(access.ResourceSchedule, "sch1")} {
					expect(t, a, boss, access.RecordingRead, target, access.ReasonPolicyDenied)
				}
				expect(t, a, boss, access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonGranted)
				expect(t, a, boss, access.RecordingRead, access.Global, access.ReasonGranted)
				// A permission the role lacks is reported first.
				expect(t, a, user("nobody"), access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonMissingPerm)
			})
		}
		// A deny on "*" closes even collections.
		must(t, a.ReplacePolicies(ctx, []access.Policy{{Effect: access.Deny, SubjectType: access.SubjectUser, SubjectID: "boss", Resource: access.Global}}))
		expect(t, a, boss, access.AuditRead, access.Global, access.ReasonPolicyDenied)
		expect(t, a, boss, access.AuditRead, ref(access.ResourceSite, "s1"), access.ReasonPolicyDenied)
	})
}

// TestResourceGrantsNarrowScope: an operator granted room r1 may act on
// what lies below r1 (recording → node → room, channel → interface → node
// → room) and not on what lies under r2 or above r1.
func TestResourceGrantsNarrowScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		must(t, a.SetUserAccess(ctx, "op", []access.Role{access.RoleOperator}, nil, []access.Ref{ref(access.ResourceRoom, "r1")}))
		op := user("op")
		cases := []struct {
			target access.Ref
			perm   access.Permission
			want   access.Reason
		}{
			{ref(access.ResourceRecording, "rec1"), access.RecordingControl, access.ReasonGranted},
			{ref(access.ResourceRoom, "r1"), access.RecordingCreate, access.ReasonGranted},
			{ref(access.ResourceNode, "n1"), access.NodeControl, access.ReasonGranted},
			{ref(access.ResourceChannel, "ch1"), access.ListenMonitor, access.ReasonGranted},
			{ref(access.ResourceSchedule, "sch1"), access.ScheduleManage, access.ReasonGranted},
			{ref(access.ResourceRecording, "rec2"), access.RecordingControl, access.ReasonMissingScope},
			{ref(access.ResourceNode, "n2"), access.NodeRead, access.ReasonMissingScope},
			{ref(access.ResourceSite, "s1"), access.NodeRead, access.ReasonMissingScope},
			{ref(access.ResourceRecording, "rec1"), access.RecordingDelete, access.ReasonMissingPerm},
			{access.Global, access.RecordingRead, access.ReasonGranted},
		}
		for _, tc := range cases {
			expect(t, a, op, tc.perm, tc.target, tc.want)
		}
		// Through a chain only: recording → node → room.
		must(t, a.SetParents(ctx, ref(access.ResourceRecording, "viaNode1"), []access.Ref{ref(access.ResourceNode, "n1")}))
		must(t, a.SetParents(ctx, ref(access.ResourceRecording, "viaNode2"), []access.Ref{ref(access.ResourceNode, "n2")}))
		expect(t, a, op, access.RecordingControl, ref(access.ResourceRecording, "viaNode1"), access.ReasonGranted)
		expect(t, a, op, access.RecordingControl, ref(access.ResourceRecording, "viaNode2"), access.ReasonMissingScope)
		// A grant on one recording covers that recording only.
		must(t, a.SetUserAccess(ctx, "op", []access.Role{access.RoleOperator}, nil, []access.Ref{ref(access.ResourceRecording, "rec2")}))
		expect(t, a, op, access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonGranted)
		expect(t, a, op, access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonMissingScope)
		expect(t, a, op, access.NodeRead, ref(access.ResourceNode, "n2"), access.ReasonMissingScope)
		// A global grant covers everything, even resources never registered.
		must(t, a.SetUserAccess(ctx, "op", []access.Role{access.RoleOperator}, nil, []access.Ref{access.Global}))
		expect(t, a, op, access.RecordingRead, ref(access.ResourceRecording, "elsewhere"), access.ReasonGranted)
	})
}

// TestWildcardGrant: "room:*" covers every room and all below one, not
// the site; "node:*" covers nodes and their recordings.
func TestWildcardGrant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		must(t, a.SetUserAccess(ctx, "v", []access.Role{access.RoleViewer}, nil, []access.Ref{ref(access.ResourceRoom, "*")}))
		v := user("v")
		for _, id := range []string{"rec1", "rec2"} {
			expect(t, a, v, access.RecordingPlayback, ref(access.ResourceRecording, id), access.ReasonGranted)
		}
		expect(t, a, v, access.NodeRead, ref(access.ResourceNode, "n2"), access.ReasonGranted)
		expect(t, a, v, access.NodeRead, ref(access.ResourceChannel, "ch1"), access.ReasonGranted)
		expect(t, a, v, access.NodeRead, ref(access.ResourceSite, "s1"), access.ReasonMissingScope)

		must(t, a.SetUserAccess(ctx, "v", []access.Role{access.RoleViewer}, nil, []access.Ref{ref(access.ResourceNode, "*")}))
		expect(t, a, v, access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonGranted)
		expect(t, a, v, access.RecordingRead, ref(access.ResourceRoom, "r2"), access.ReasonMissingScope)

		// The same through an allow policy on everyone.
		must(t, a.SetUserAccess(ctx, "v", []access.Role{access.RoleViewer}, nil, nil))
		expect(t, a, v, access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonMissingScope)
		must(t, a.ReplacePolicies(ctx, []access.Policy{{Effect: access.Allow, SubjectType: access.SubjectEveryone, Resource: ref(access.ResourceRoom, "*")}}))
		expect(t, a, v, access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonGranted)
		expect(t, a, v, access.RecordingRead, ref(access.ResourceSite, "s1"), access.ReasonMissingScope)
	})
}

// TestAllowPolicyOnGroup: members of a group get the scope an allow
// policy gives the group; a deny for one member still wins.
func TestAllowPolicyOnGroup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		must(t, a.SetUserAccess(ctx, "ann", []access.Role{access.RoleViewer}, []string{"eng"}, nil))
		must(t, a.SetUserAccess(ctx, "bob", []access.Role{access.RoleViewer}, []string{"eng"}, nil))
		must(t, a.SetUserAccess(ctx, "cid", []access.Role{access.RoleViewer}, nil, nil))
		must(t, a.ReplacePolicies(ctx, []access.Policy{
			{Effect: access.Allow, SubjectType: access.SubjectGroup, SubjectID: "eng", Resource: ref(access.ResourceRoom, "r2")},
			{Effect: access.Deny, SubjectType: access.SubjectUser, SubjectID: "bob", Resource: ref(access.ResourceNode, "n2")},
		}))
		rec2 := ref(access.ResourceRecording, "rec2")
		expect(t, a, user("ann"), access.RecordingRead, rec2, access.ReasonGranted)
		expect(t, a, user("ann"), access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonMissingScope)
		expect(t, a, user("bob"), access.RecordingRead, rec2, access.ReasonPolicyDenied)
		expect(t, a, user("bob"), access.RecordingRead, ref(access.ResourceRoom, "r2"), access.ReasonGranted)
		expect(t, a, user("cid"), access.RecordingRead, rec2, access.ReasonMissingScope)
		// Leaving the group ends the scope at once.
		must(t, a.SetUserAccess(ctx, "ann", []access.Role{access.RoleViewer}, nil, nil))
		expect(t, a, user("ann"), access.RecordingRead, rec2, access.ReasonMissingScope)
	})
}

// TestTokenLimitNarrows: a token limited to recording:read loses the
// owner's other permissions, in decisions and in EffectivePermissions.
func TestTokenLimitNarrows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		must(t, a.SetUserAccess(ctx, "op", []access.Role{access.RoleOperator, access.RoleAuditor}, nil, []access.Ref{access.Global}))
		p := user("op")
		all, err := a.EffectivePermissions(ctx, p)
		must(t, err)
		want := []access.Permission{}
		for _, perm := range access.AllPermissions {
			if access.RolesGrant([]access.Role{access.RoleOperator, access.RoleAuditor}, perm) {
				want = append(want, perm)
			}
		}
		if !slices.Equal(all, want) {
			t.Errorf("EffectivePermissions = %v, want %v", all, want)
		}
		p.TokenID, p.TokenPermissions = "tok", []access.Permission{access.RecordingRead, access.NodeManage}
		expect(t, a, p, access.RecordingRead, ref(access.ResourceRecording, "x"), access.ReasonGranted)
		expect(t, a, p, access.RecordingCreate, ref(access.ResourceRecording, "x"), access.ReasonMissingPerm)
		expect(t, a, p, access.NodeManage, access.Global, access.ReasonMissingPerm)
		narrowed, err := a.EffectivePermissions(ctx, p)
		must(t, err)
		if !slices.Equal(narrowed, []access.Permission{access.RecordingRead}) {
			t.Errorf("narrowed EffectivePermissions = %v, want [recording:read]", narrowed)
		}
		none, err := a.EffectivePermissions(ctx, access.Principal{})
		must(t, err)
		if len(none) != 0 {
			t.Errorf("anonymous EffectivePermissions = %v", none)
		}
	})
}

package casbinauthz

import (
	"context"
	"errors"
	"testing"

	gormadapter "github.com/casbin/gorm-adapter/v3"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/test/dbtest"
)

// reopen opens a second handle on the database of c, as a restarted
// process or another replica would.
func reopen(t *testing.T, c dbtest.Case) *gormstore.DB {
	t.Helper()
	db, err := gormstore.Open(context.Background(), gormstore.Options{DatabaseURL: c.URL, DataDir: c.Dir})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestRolledBackTransactionLeavesEnforcer: writes in a transaction that
// rolls back reach neither the table nor the enforcer.
func TestRolledBackTransactionLeavesEnforcer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		must(t, a.SetUserAccess(ctx, "v", []access.Role{access.RoleViewer}, nil, nil))
		boom := errors.New("boom")
		err := c.DB.InTx(ctx, func(ctx context.Context) error {
			must(t, a.SetUserAccess(ctx, "v", []access.Role{access.RoleAdmin}, nil, nil))
			must(t, a.ReplacePolicies(ctx, []access.Policy{{Effect: access.Allow, SubjectType: access.SubjectEveryone, Resource: access.Global}}))
			must(t, a.SetParents(ctx, ref(access.ResourceRecording, "rec9"), []access.Ref{ref(access.ResourceRoom, "r1")}))
			must(t, a.RemoveResource(ctx, ref(access.ResourceRoom, "r1")))
			// Inside the transaction the table shows the change; the
			// enforcer does not yet.
			roles, _, _, err := a.UserAccess(ctx, "v")
			must(t, err)
			if len(roles) != 1 || roles[0] != access.RoleAdmin {
				t.Errorf("UserAccess in tx = %v, want [admin]", roles)
			}
			expect(t, a, user("v"), access.AuthManage, access.Global, access.ReasonMissingPerm)
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		expect(t, a, user("v"), access.AuthManage, access.Global, access.ReasonMissingPerm)
		expect(t, a, user("v"), access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonMissingScope)
		if !a.hasRule(ptypeParent, "recording:rec1", "room:r1") {
			t.Error("the rolled-back RemoveResource removed a link from the enforcer")
		}
		if a.hasRule(ptypeParent, "recording:rec9", "room:r1") {
			t.Error("the rolled-back SetParents reached the enforcer")
		}
		roles, _, _, err := a.UserAccess(ctx, "v")
		must(t, err)
		if len(roles) != 1 || roles[0] != access.RoleViewer {
			t.Errorf("UserAccess after rollback = %v, want [viewer]", roles)
		}
		pols, err := a.Policies(ctx)
		must(t, err)
		if len(pols) != 0 {
			t.Errorf("Policies after rollback = %v", pols)
		}
	})
}

// TestSetUserAccessTakesEffectAtCommit: the decision changes as soon as
// the transaction commits, and not before.
func TestSetUserAccessTakesEffectAtCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		p := user("op")
		rec := ref(access.ResourceRecording, "rec1")
		expect(t, a, p, access.RecordingCreate, rec, access.ReasonMissingPerm)
		must(t, c.DB.InTx(ctx, func(ctx context.Context) error {
			if err := a.SetUserAccess(ctx, "op", []access.Role{access.RoleOperator}, nil, []access.Ref{ref(access.ResourceRoom, "r1")}); err != nil {
				return err
			}
			expect(t, a, p, access.RecordingCreate, rec, access.ReasonMissingPerm)
			return nil
		}))
		expect(t, a, p, access.RecordingCreate, rec, access.ReasonGranted)
		// Outside a transaction the write commits on its own.
		must(t, a.SetUserAccess(ctx, "op", []access.Role{access.RoleViewer}, nil, []access.Ref{ref(access.ResourceRoom, "r1")}))
		expect(t, a, p, access.RecordingCreate, rec, access.ReasonMissingPerm)
		expect(t, a, p, access.RecordingRead, rec, access.ReasonGranted)
	})
}

// TestRestartKeepsState: a new Authorizer on a new handle to the same
// database decides as the old one did.
func TestRestartKeepsState(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newAuthorizer(t, c)
		ctx := context.Background()
		site(t, a)
		must(t, a.SetUserAccess(ctx, "op", []access.Role{access.RoleOperator}, []string{"eng"}, []access.Ref{ref(access.ResourceRoom, "r1")}))
		must(t, a.SetUserAccess(ctx, "boss", []access.Role{access.RoleOwner}, []string{"eng"}, nil))
		must(t, a.ReplacePolicies(ctx, []access.Policy{
			{Effect: access.Allow, SubjectType: access.SubjectGroup, SubjectID: "eng", Resource: ref(access.ResourceNode, "n2"), Reason: "night shift"},
			{Effect: access.Deny, SubjectType: access.SubjectGroup, SubjectID: "eng", Resource: ref(access.ResourceSchedule, "sch1")},
		}))
		check := func(a *Authorizer) {
			t.Helper()
			expect(t, a, user("op"), access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonGranted)
			expect(t, a, user("op"), access.RecordingRead, ref(access.ResourceChannel, "ch1"), access.ReasonGranted)
			expect(t, a, user("op"), access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonPolicyDenied)
			expect(t, a, user("boss"), access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonPolicyDenied)
			expect(t, a, user("boss"), access.SystemAdmin, access.Global, access.ReasonGranted)
			expect(t, a, user("op"), access.RecordingRead, ref(access.ResourceSite, "s1"), access.ReasonMissingScope)
		}
		check(a)
		b, err := New(ctx, reopen(t, c))
		must(t, err)
		check(b)
		pols, err := b.Policies(ctx)
		must(t, err)
		if len(pols) != 2 || pols[0].Reason != "night shift" || pols[1].Effect != access.Deny {
			t.Errorf("Policies after restart = %+v", pols)
		}
		// Seeding again wrote no duplicates.
		var n int64
		must(t, c.DB.Gorm.Model(&gormadapter.CasbinRule{}).Where("ptype = ?", ptypeRolePerm).Count(&n).Error)
		want := 0
		for _, r := range builtinRules() {
			if r.ptype == ptypeRolePerm {
				want++
			}
		}
		if n != int64(want) {
			t.Errorf("p rows after two starts = %d, want %d", n, want)
		}
	})
}

// TestReloadPicksUpReplicaWrites: a replica's committed writes reach this
// enforcer on Reload, not before.
func TestReloadPicksUpReplicaWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		a := newAuthorizer(t, c)
		replica, err := New(ctx, reopen(t, c))
		must(t, err)
		site(t, replica)
		must(t, replica.SetUserAccess(ctx, "v", []access.Role{access.RoleViewer}, nil, []access.Ref{ref(access.ResourceRoom, "r2")}))
		must(t, replica.ReplacePolicies(ctx, []access.Policy{{Effect: access.Deny, SubjectType: access.SubjectUser, SubjectID: "v", Resource: ref(access.ResourceNode, "n2")}}))
		expect(t, a, user("v"), access.RecordingRead, ref(access.ResourceRoom, "r2"), access.ReasonMissingPerm)
		must(t, a.Reload(ctx))
		expect(t, a, user("v"), access.RecordingRead, ref(access.ResourceRoom, "r2"), access.ReasonGranted)
		expect(t, a, user("v"), access.RecordingRead, ref(access.ResourceRecording, "rec2"), access.ReasonPolicyDenied)
		expect(t, a, user("v"), access.RecordingRead, ref(access.ResourceRecording, "rec1"), access.ReasonMissingScope)
	})
}

// TestSeedRepairsCatalog: a stray role permission row is removed and a
// missing one restored at start.
func TestSeedRepairsCatalog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		newAuthorizer(t, c)
		must(t, c.DB.Gorm.Create(&gormadapter.CasbinRule{Ptype: ptypeRolePerm, V0: "role:viewer", V1: "recording:delete"}).Error)
		must(t, c.DB.Gorm.Where("ptype = ? AND v0 = ? AND v1 = ?", ptypeRolePerm, "role:auditor", "audit:read").Delete(&gormadapter.CasbinRule{}).Error)
		a := newAuthorizer(t, c)
		must(t, a.SetUserAccess(ctx, "v", []access.Role{access.RoleViewer, access.RoleAuditor}, nil, []access.Ref{access.Global}))
		expect(t, a, user("v"), access.RecordingDelete, access.Global, access.ReasonMissingPerm)
		expect(t, a, user("v"), access.AuditRead, access.Global, access.ReasonGranted)
	})
}

// TestVersionMovesWithEveryChange: the version moves with a committed
// change here and with a reload that finds a replica's change, not with a
// reload that finds nothing new (which keeps the enforcer and its memo),
// nor with a reload that finds the change this controller already applied,
// nor with a rolled-back change.
func TestVersionMovesWithEveryChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		a := newAuthorizer(t, c)
		must(t, a.Reload(ctx))
		v0 := a.Version()
		a.mu.RLock()
		enf := a.enf
		a.mu.RUnlock()
		must(t, a.Reload(ctx))
		a.mu.RLock()
		same := a.enf == enf
		a.mu.RUnlock()
		if a.Version() != v0 || !same {
			t.Fatalf("a reload without changes moved the version (%d → %d) or replaced the enforcer (%v)", v0, a.Version(), !same)
		}
		must(t, a.SetParents(ctx, ref(access.ResourceNode, "n1"), []access.Ref{ref(access.ResourceRoom, "r1")}))
		v1 := a.Version()
		if v1 == v0 {
			t.Fatal("a committed change did not move the version")
		}
		_ = c.DB.InTx(ctx, func(ctx context.Context) error {
			must(t, a.SetParents(ctx, ref(access.ResourceNode, "n2"), []access.Ref{ref(access.ResourceRoom, "r1")}))
			return errors.New("roll back")
		})
		if a.Version() != v1 {
			t.Fatal("a rolled-back change moved the version")
		}
		must(t, a.Reload(ctx)) // finds in the table what memory already holds
		v2 := a.Version()
		if v2 != v1 {
			t.Fatal("a reload that found this controller's own change moved the version again")
		}
		must(t, a.Reload(ctx))
		if a.Version() != v2 {
			t.Fatal("a second reload without changes moved the version")
		}
		replica, err := New(ctx, reopen(t, c))
		must(t, err)
		must(t, replica.SetUserAccess(ctx, "v", []access.Role{access.RoleViewer}, nil, nil))
		if a.Version() != v2 {
			t.Fatal("a replica's change moved the version before a reload")
		}
		must(t, a.Reload(ctx))
		if a.Version() == v2 {
			t.Fatal("a reload that found a replica's change did not move the version")
		}
	})
}

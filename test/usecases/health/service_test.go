package health_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/application/auditing"
	healthapp "github.com/rakkr/rakkr/application/health"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
	"github.com/rakkr/rakkr/test/dbtest"
)

var t0 = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

type fixture struct {
	c       dbtest.Case
	svc     *healthapp.Service
	store   *gormstore.HealthStore
	mu      sync.Mutex
	changes []health.Event
}

func newFixture(t *testing.T, c dbtest.Case) *fixture {
	t.Helper()
	clock := fixedClock{t0}
	f := &fixture{c: c, store: gormstore.NewHealthStore(c.DB, clock)}
	rec := auditing.NewRecorder(c.DB, gormstore.NewAuditStore(c.DB), clock, nil)
	svc, err := healthapp.New(healthapp.Deps{Tx: c.DB, Store: f.store, Audit: rec, Clock: clock, OnChange: func(e health.Event) {
		f.mu.Lock()
		f.changes = append(f.changes, e)
		f.mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

func userCtx() context.Context {
	ctx := access.WithPrincipal(context.Background(), access.Principal{Kind: access.PrincipalUser, ID: "u1", Roles: []access.Role{access.RoleOperator}})
	return audit.WithRequest(ctx, audit.Request{Actor: audit.Actor{ID: "u1", Name: "Ola", Type: audit.ActorUser, Roles: []string{"operator"}}})
}

func agentEvent(typ, iface string, at time.Duration) agentapi.HealthEvent {
	sev := agentapi.SeverityWarning
	if strings.HasSuffix(typ, "_recovered") {
		sev = agentapi.SeverityInfo
	}
	return agentapi.HealthEvent{ID: uuid.NewString(), Type: typ, Severity: sev, OpenedAt: t0.Add(at), InterfaceID: iface,
		Details: map[string]any{"maxRmsDbfs": -130.0}}
}

type auditRow struct{ Action, DetailsJSON, BeforeJSON, AfterJSON string }

func auditRows(t *testing.T, c dbtest.Case, prefix string) []auditRow {
	t.Helper()
	var rows []auditRow
	err := c.DB.Gorm.Raw("SELECT action, details_json, COALESCE(before_json, '') AS before_json, COALESCE(after_json, '') AS after_json "+
		"FROM audit_events WHERE action LIKE ? ORDER BY seq", prefix+"%").Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestIngestRecoveryResolvesTheAnsweredFault: flatline raised, then
// flatline_recovered → the first is resolved by the node with
// resolvedByEventId; the recovery is an info row; one audit row per batch.
func TestIngestRecoveryResolvesTheAnsweredFault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(t, c)
		ctx := context.Background()
		flat := agentEvent("agent.meter.flatline", "if1", 0)
		if _, err := f.svc.Ingest(ctx, "n1", []agentapi.HealthEvent{flat}); err != nil {
			t.Fatal(err)
		}
		rec := agentEvent("agent.meter.flatline_recovered", "if1", time.Minute)
		other := agentEvent("agent.system.disk_pressure", "", 2*time.Minute)
		res, err := f.svc.Ingest(ctx, "n1", []agentapi.HealthEvent{rec, other})
		if err != nil {
			t.Fatal(err)
		}
		if res.Stored != 2 || res.Resolved != 1 || len(res.Accepted) != 2 || res.Accepted[0] != rec.ID {
			t.Fatalf("result %+v", res)
		}
		got, _ := f.svc.Get(ctx, flat.ID)
		if got.Status != health.StatusResolved || got.ResolvedBy != "node:n1" || got.ResolvedByEventID != rec.ID {
			t.Errorf("flatline after recovery: %+v", got)
		}
		r, _ := f.svc.Get(ctx, rec.ID)
		if r.Severity != health.SeverityInfo || r.Status != health.StatusResolved || r.Details["resolves"] != "agent.meter.flatline" {
			t.Errorf("recovery row: %+v", r)
		}
		rows := auditRows(t, c, "health.events.ingest")
		if len(rows) != 2 || rows[1].Action != "health.events.ingest.succeeded" ||
			!strings.Contains(rows[1].DetailsJSON, `"resolved":1`) || !strings.Contains(rows[1].DetailsJSON, `"stored":2`) {
			t.Errorf("audit rows %+v", rows)
		}
		if len(f.changes) != 4 {
			t.Errorf("OnChange saw %d events, want 4 (flat, rec, other, resolved flat)", len(f.changes))
		}
		counts, _ := f.store.OpenCounts(ctx, []string{"n1"})
		if counts["n1"] != (ports.HealthCounts{Warning: 1}) {
			t.Errorf("open counts %+v", counts)
		}
	})
}

// TestIngestStoresInfoEventsResolved: an info event such as agent.started
// needs no action, so it never counts as open.
func TestIngestStoresInfoEventsResolved(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(t, c)
		ctx := context.Background()
		started := agentEvent("agent.started", "", 0)
		started.Severity = agentapi.SeverityInfo
		if _, err := f.svc.Ingest(ctx, "n1", []agentapi.HealthEvent{started}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Get(ctx, started.ID)
		if got.Status != health.StatusResolved || got.ResolvedBy != "node:n1" {
			t.Errorf("info event stored as %+v", got)
		}
		counts, _ := f.store.OpenCounts(ctx, []string{"n1"})
		if counts["n1"] != (ports.HealthCounts{}) {
			t.Errorf("open counts %+v", counts)
		}
	})
}

// TestIngestRecoveryIsScopedToNodeAndInterface: a recovery on another node
// or interface resolves nothing; with nothing open it only stores itself;
// the system mapping resolves disk_pressure.
func TestIngestRecoveryIsScopedToNodeAndInterface(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(t, c)
		ctx := context.Background()
		flat := agentEvent("agent.meter.flatline", "if1", 0)
		disk := agentEvent("agent.system.disk_pressure", "", 0)
		if _, err := f.svc.Ingest(ctx, "n1", []agentapi.HealthEvent{flat, disk}); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.Ingest(ctx, "n2", []agentapi.HealthEvent{agentEvent("agent.meter.flatline_recovered", "if1", time.Minute)})
		if err != nil || res.Resolved != 0 || res.Stored != 1 {
			t.Fatalf("other node: %+v %v", res, err)
		}
		res, err = f.svc.Ingest(ctx, "n1", []agentapi.HealthEvent{agentEvent("agent.meter.flatline_recovered", "if2", time.Minute)})
		if err != nil || res.Resolved != 0 {
			t.Fatalf("other interface: %+v %v", res, err)
		}
		res, err = f.svc.Ingest(ctx, "n1", []agentapi.HealthEvent{agentEvent("agent.meter.clipping_recovered", "if1", time.Minute)})
		if err != nil || res.Resolved != 0 || res.Stored != 1 {
			t.Fatalf("nothing open: %+v %v", res, err)
		}
		if got, _ := f.svc.Get(ctx, flat.ID); got.Status != health.StatusOpen {
			t.Errorf("flatline was resolved: %+v", got)
		}
		res, err = f.svc.Ingest(ctx, "n1", []agentapi.HealthEvent{agentEvent("agent.system.disk_recovered", "", time.Minute)})
		if got, _ := f.svc.Get(ctx, disk.ID); err != nil || res.Resolved != 1 || got.Status != health.StatusResolved {
			t.Errorf("disk_recovered: %+v %v %+v", res, err, got)
		}
	})
}

// TestIngestIsIdempotent: a re-posted batch is accepted, not stored twice
// and its recovery not applied twice; an id of another node is a conflict.
func TestIngestIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(t, c)
		ctx := context.Background()
		flat := agentEvent("agent.meter.flatline", "if1", 0)
		rec := agentEvent("agent.meter.flatline_recovered", "if1", time.Minute)
		batch := []agentapi.HealthEvent{flat, rec, flat}
		first, err := f.svc.Ingest(ctx, "n1", batch)
		if err != nil || first.Stored != 2 || first.Duplicates != 1 || len(first.Accepted) != 2 {
			t.Fatalf("first: %+v %v", first, err)
		}
		if _, err := f.svc.Apply(userCtx(), flat.ID, healthapp.ActionReopen, time.Time{}); err != nil {
			t.Fatal(err)
		}
		again, err := f.svc.Ingest(ctx, "n1", batch[:2])
		if err != nil || again.Stored != 0 || again.Duplicates != 2 || again.Resolved != 0 || len(again.Accepted) != 2 {
			t.Fatalf("again: %+v %v", again, err)
		}
		if got, _ := f.svc.Get(ctx, flat.ID); got.Status != health.StatusOpen {
			t.Errorf("re-post re-applied the recovery: %+v", got)
		}
		var n int64
		c.DB.Gorm.Raw("SELECT COUNT(*) FROM health_events").Scan(&n)
		if n != 2 {
			t.Errorf("%d rows, want 2", n)
		}
		if _, err := f.svc.Ingest(ctx, "n2", batch[:1]); !errors.Is(err, health.ErrIDTaken) {
			t.Errorf("id of another node: %v", err)
		}
	})
}

// TestIngestValidationNamesFields: forbidden namespaces, bad severity and
// ids are 400s naming events[i].field; an oversized batch is refused.
func TestIngestValidationNamesFields(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	ctx := context.Background()
	for _, ns := range []string{"controller", "watchdog", "schedule", "switcher"} {
		_, err := f.svc.Ingest(ctx, "n1", []agentapi.HealthEvent{agentEvent(ns+".thing", "", 0)})
		if errs.KindOf(err) != errs.KindInvalid || !strings.Contains(fmt.Sprint(err.(*errs.Error).Details), "events[0].type") {
			t.Errorf("%s: %v", ns, err)
		}
	}
	batch := []agentapi.HealthEvent{agentEvent("agent.a.b", "", 0), agentEvent("agent.a.b", "", 0), agentEvent("agent.a.b", "", 0), agentEvent("agent.a.b", "", 0)}
	batch[3].Severity = "fatal"
	batch[1].ID = "not-a-uuid"
	batch[2].OpenedAt = time.Time{}
	_, err := f.svc.Ingest(ctx, "n1", batch)
	d := fmt.Sprint(err.(*errs.Error).Details)
	for _, field := range []string{"events[3].severity", "events[1].id", "events[2].openedAt"} {
		if !strings.Contains(d, field) {
			t.Errorf("%s not named in %s", field, d)
		}
	}
	if _, err := f.svc.Ingest(ctx, "n1", make([]agentapi.HealthEvent, healthapp.MaxIngestBatch+1)); errs.KindOf(err) != errs.KindInvalid {
		t.Errorf("oversized: %v", err)
	}
	if n := len(auditRows(t, f.c, "health.")); n != 0 {
		t.Errorf("%d audit rows after refused batches", n)
	}
}

package health_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	healthapp "github.com/rakkr/rakkr/application/health"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestLifecycleIsAuditedWithBeforeAndAfter walks create → acknowledge →
// suppress → reopen → resolve, checking each audit row and OnChange, and
// that an invalid transition is a 409 that changes and audits nothing.
func TestLifecycleIsAuditedWithBeforeAndAfter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(t, c)
		ctx := userCtx()
		ev, err := f.svc.Create(ctx, healthapp.CreateInput{Type: "controller.manual", Severity: "warning", NodeID: "n1"})
		if err != nil || ev.Status != health.StatusOpen {
			t.Fatalf("create: %+v %v", ev, err)
		}
		steps := []struct {
			a     healthapp.Action
			until time.Time
			want  health.Status
		}{
			{healthapp.ActionAcknowledge, time.Time{}, health.StatusAcknowledged},
			{healthapp.ActionSuppress, t0.Add(time.Hour), health.StatusSuppressed},
			{healthapp.ActionReopen, time.Time{}, health.StatusOpen},
			{healthapp.ActionResolve, time.Time{}, health.StatusResolved},
		}
		for _, s := range steps {
			got, err := f.svc.Apply(ctx, ev.ID, s.a, s.until)
			if err != nil || got.Status != s.want {
				t.Fatalf("%s: %+v %v", s.a, got, err)
			}
		}
		if got, _ := f.svc.Get(ctx, ev.ID); got.ResolvedBy != "user:u1" {
			t.Errorf("resolvedBy %q", got.ResolvedBy)
		}
		rows := auditRows(t, c, "health.events.")
		wantActions := []string{"create", "acknowledge", "suppress", "reopen", "resolve"}
		if len(rows) != len(wantActions) {
			t.Fatalf("audit rows %+v", rows)
		}
		for i, a := range wantActions {
			if rows[i].Action != "health.events."+a+".succeeded" || !strings.Contains(rows[i].AfterJSON, `"status"`) {
				t.Errorf("row %d: %+v", i, rows[i])
			}
			if i > 0 && !strings.Contains(rows[i].BeforeJSON, `"status"`) {
				t.Errorf("row %d has no before: %+v", i, rows[i])
			}
		}
		if len(f.changes) != 5 {
			t.Errorf("OnChange %d times, want 5", len(f.changes))
		}
		_, err = f.svc.Apply(ctx, ev.ID, healthapp.ActionAcknowledge, time.Time{})
		if !errors.Is(err, health.ErrInvalidTransition) || errs.KindOf(err) != errs.KindConflict {
			t.Errorf("ack resolved: %v", err)
		}
		if _, err := f.svc.Apply(ctx, ev.ID, healthapp.ActionReopen, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Apply(ctx, ev.ID, healthapp.ActionSuppress, t0.Add(31*24*time.Hour)); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("suppress 31 days: %v", err)
		}
		if _, err := f.svc.Apply(ctx, "missing", healthapp.ActionResolve, time.Time{}); !errors.Is(err, health.ErrNotFound) {
			t.Errorf("missing: %v", err)
		}
		if len(auditRows(t, c, "health.events.")) != 6 {
			t.Errorf("refused changes were audited")
		}
	})
}

// TestCreateRefusesOtherNamespaces checks manual events are controller.*.
func TestCreateRefusesOtherNamespaces(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	for _, typ := range []string{"agent.meter.flatline", "watchdog.x", "controller", ""} {
		if _, err := f.svc.Create(userCtx(), healthapp.CreateInput{Type: typ, Severity: "info"}); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("%q: %v", typ, err)
		}
	}
}

// TestBulkIsAllOrNothing: one invalid transition fails the whole request
// (naming the id and index) and changes nothing; a valid one changes all.
func TestBulkIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(t, c)
		ctx := userCtx()
		var ids []string
		for range 3 {
			ev, err := f.svc.Create(ctx, healthapp.CreateInput{Type: "controller.manual", Severity: "critical"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ev.ID)
		}
		if _, err := f.svc.Apply(ctx, ids[1], healthapp.ActionResolve, time.Time{}); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Bulk(ctx, ids, healthapp.ActionAcknowledge, time.Time{})
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.KindConflict || e.Details.(map[string]any)["index"] != 1 {
			t.Fatalf("bulk with a resolved event: %v", err)
		}
		if got, _ := f.svc.Get(ctx, ids[0]); got.Status != health.StatusOpen {
			t.Errorf("first event changed: %s", got.Status)
		}
		evs, err := f.svc.Bulk(ctx, []string{ids[0], ids[2]}, healthapp.ActionSuppress, t0.Add(time.Hour))
		if err != nil || len(evs) != 2 || evs[1].Status != health.StatusSuppressed {
			t.Fatalf("bulk suppress: %v %v", evs, err)
		}
		for name, in := range map[string][]string{"empty": nil, "repeated": {ids[0], ids[0]}, "too many": make([]string, 201)} {
			if _, err := f.svc.Bulk(ctx, in, healthapp.ActionResolve, time.Time{}); errs.KindOf(err) != errs.KindInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := f.svc.Bulk(ctx, ids, "explode", time.Time{}); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("bad action: %v", err)
		}
		page, err := f.svc.List(ctx, ports.HealthFilter{}, 10, 0)
		if err != nil || page.Summary != (ports.HealthSummary{Open: 0, Suppressed: 2, Resolved: 1}) {
			t.Errorf("summary %+v %v", page.Summary, err)
		}
	})
}

// TestExportCSVIsFormulaSafe checks the header, the effective status and
// that formula-like cells are defused.
func TestExportCSVIsFormulaSafe(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	ev, err := f.svc.Create(userCtx(), healthapp.CreateInput{Type: "controller.manual", Severity: "info",
		NodeID: "=cmd|calc", Details: map[string]any{"note": "x"}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := f.svc.ExportCSV(userCtx(), &buf, ports.HealthFilter{})
	if err != nil || n != 1 {
		t.Fatalf("export: %d %v", n, err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 2 || len(recs[0]) != len(healthapp.CSVHeader) {
		t.Fatalf("csv: %v %v", recs, err)
	}
	if recs[1][0] != ev.ID || recs[1][4] != "'=cmd|calc" || recs[1][3] != "open" {
		t.Errorf("row %v", recs[1])
	}
}

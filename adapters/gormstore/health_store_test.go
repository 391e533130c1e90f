package gormstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/dbtest"
)

var healthT0 = time.Date(2026, 6, 1, 8, 0, 0, 123456000, time.UTC)

type healthFixedClock struct{ t time.Time }

func (c healthFixedClock) Now() time.Time { return c.t }

func healthPtr(t time.Time) *time.Time { return &t }

// healthSeed stores: a open warning on n1, b acknowledged critical on n1,
// c suppressed (lapsed) warning on n1, d suppressed (running) critical on n1,
// e resolved critical on n1, f open critical on n2, g open info on n2.
func healthSeed(t *testing.T, s *gormstore.HealthStore) map[string]health.Event {
	t.Helper()
	mk := func(name string, i int, sev health.Severity, st health.Status, node string) health.Event {
		e := health.Event{ID: uuid.NewString(), Type: "agent.meter." + name, Severity: sev, Status: st, NodeID: node,
			InterfaceID: "if1", OpenedAt: healthT0.Add(time.Duration(i) * time.Minute), Details: map[string]any{"label": "=x" + name}}
		switch name {
		case "c":
			e.SuppressedUntil = healthPtr(healthT0.Add(-time.Minute))
		case "d":
			e.SuppressedUntil = healthPtr(healthT0.Add(time.Hour))
		case "e":
			e.ResolvedAt, e.ResolvedBy = healthPtr(healthT0.Add(30*time.Minute)), "user:u1"
		}
		return e
	}
	evs := map[string]health.Event{
		"a": mk("a", 1, health.SeverityWarning, health.StatusOpen, "n1"),
		"b": mk("b", 2, health.SeverityCritical, health.StatusAcknowledged, "n1"),
		"c": mk("c", 3, health.SeverityWarning, health.StatusSuppressed, "n1"),
		"d": mk("d", 4, health.SeverityCritical, health.StatusSuppressed, "n1"),
		"e": mk("e", 5, health.SeverityCritical, health.StatusResolved, "n1"),
		"f": mk("f", 6, health.SeverityCritical, health.StatusOpen, "n2"),
		"g": mk("g", 7, health.SeverityInfo, health.StatusOpen, "n2"),
	}
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		if err := s.Insert(context.Background(), evs[k]); err != nil {
			t.Fatalf("insert %s: %v", k, err)
		}
	}
	return evs
}

// TestHealthStoreListFiltersAndSummary checks filters, effective statuses,
// the summary, paging order and Scan on both databases.
func TestHealthStoreListFiltersAndSummary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		s := gormstore.NewHealthStore(c.DB, healthFixedClock{healthT0})
		evs := healthSeed(t, s)
		got, err := s.Get(ctx, evs["e"].ID)
		if err != nil || got.ResolvedBy != "user:u1" || !got.OpenedAt.Equal(evs["e"].OpenedAt) || got.Details["label"] != "=xe" {
			t.Fatalf("get: %v %+v", err, got)
		}
		if _, err := s.Get(ctx, "missing"); !errors.Is(err, health.ErrNotFound) {
			t.Fatalf("missing: %v", err)
		}
		if err := s.Insert(ctx, evs["a"]); errs.KindOf(err) != errs.KindConflict {
			t.Fatalf("duplicate insert: %v", err)
		}
		names := func(list []health.Event) string {
			out := ""
			for _, e := range list {
				out += e.Type[len("agent.meter."):]
			}
			return out
		}
		f := func(mod func(*ports.HealthFilter)) ports.HealthFilter {
			hf := ports.HealthFilter{Now: healthT0}
			mod(&hf)
			return hf
		}
		cases := map[string]struct {
			f    ports.HealthFilter
			want string
		}{
			"all":        {f(func(*ports.HealthFilter) {}), "gfedcba"},
			"open":       {f(func(h *ports.HealthFilter) { h.Statuses = []health.Status{health.StatusOpen} }), "gfca"},
			"suppressed": {f(func(h *ports.HealthFilter) { h.Statuses = []health.Status{health.StatusSuppressed} }), "d"},
			"ack+resolved": {f(func(h *ports.HealthFilter) {
				h.Statuses = []health.Status{health.StatusAcknowledged, health.StatusResolved}
			}), "eb"},
			"critical":      {f(func(h *ports.HealthFilter) { h.Severities = []health.Severity{health.SeverityCritical} }), "fedb"},
			"node n2":       {f(func(h *ports.HealthFilter) { h.NodeID = "n2" }), "gf"},
			"type prefix":   {f(func(h *ports.HealthFilter) { h.TypePrefix = "agent.meter.b" }), "b"},
			"type wildcard": {f(func(h *ports.HealthFilter) { h.TypePrefix = "agent%" }), ""},
			"q details":     {f(func(h *ports.HealthFilter) { h.Q = "=XC" }), "c"},
			"opened range": {f(func(h *ports.HealthFilter) {
				h.OpenedFrom, h.OpenedTo = healthT0.Add(2*time.Minute), healthT0.Add(4*time.Minute)
			}), "cb"},
			"resolved range": {f(func(h *ports.HealthFilter) { h.ResolvedFrom = healthT0 }), "e"},
			"ids":            {f(func(h *ports.HealthFilter) { h.IDs = []string{evs["a"].ID, evs["g"].ID} }), "ga"},
		}
		for name, tc := range cases {
			list, total, err := s.List(ctx, tc.f, 50, 0)
			if err != nil || names(list) != tc.want || total != int64(len(tc.want)) {
				t.Errorf("%s: %q total %d err %v, want %q", name, names(list), total, err, tc.want)
			}
		}
		page, total, err := s.List(ctx, f(func(*ports.HealthFilter) {}), 2, 2)
		if err != nil || names(page) != "ed" || total != 7 {
			t.Errorf("page: %q %d %v", names(page), total, err)
		}
		sum, err := s.Summary(ctx, f(func(h *ports.HealthFilter) { h.Statuses = []health.Status{health.StatusResolved} }))
		want := ports.HealthSummary{Open: 4, Acknowledged: 1, Suppressed: 1, Resolved: 1, CriticalOpen: 2}
		if err != nil || sum != want {
			t.Errorf("summary %+v %v, want %+v", sum, err, want)
		}
		var scanned []health.Event
		err = s.Scan(ctx, f(func(h *ports.HealthFilter) { h.NodeID = "n1" }), func(e health.Event) error {
			scanned = append(scanned, e)
			return nil
		})
		if err != nil || names(scanned) != "abcde" {
			t.Errorf("scan: %q %v", names(scanned), err)
		}
	})
}

// TestHealthStoreOpenCounts checks the per-node warning/critical counts:
// open and acknowledged count, a lapsed suppression counts, a running one,
// resolved and info events do not.
func TestHealthStoreOpenCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		s := gormstore.NewHealthStore(c.DB, healthFixedClock{healthT0})
		healthSeed(t, s)
		got, err := s.OpenCounts(context.Background(), []string{"n1", "n2", "n3"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]ports.HealthCounts{"n1": {Warning: 2, Critical: 1}, "n2": {Critical: 1}}
		if len(got) != len(want) || got["n1"] != want["n1"] || got["n2"] != want["n2"] {
			t.Errorf("counts %+v, want %+v", got, want)
		}
		if empty, err := s.OpenCounts(context.Background(), nil); err != nil || len(empty) != 0 {
			t.Errorf("no nodes: %v %v", empty, err)
		}
	})
}

// TestHealthStoreUpdateAndUnresolved checks a locked update and the
// recovery lookup (same node, type, interface, opened no later).
func TestHealthStoreUpdateAndUnresolved(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		s := gormstore.NewHealthStore(c.DB, nil)
		evs := healthSeed(t, s)
		err := c.DB.InTx(ctx, func(ctx context.Context) error {
			list, err := s.Unresolved(ctx, "n1", "agent.meter.d", "if1", healthT0.Add(time.Hour))
			if err != nil || len(list) != 1 || list[0].ID != evs["d"].ID {
				t.Errorf("unresolved: %v %v", list, err)
			}
			for _, miss := range [][3]string{{"n2", "agent.meter.d", "if1"}, {"n1", "agent.meter.d", "if2"}, {"n1", "agent.meter.e", ""}} {
				if l, _ := s.Unresolved(ctx, miss[0], miss[1], miss[2], healthT0.Add(time.Hour)); len(l) != 0 {
					t.Errorf("%v matched %v", miss, l)
				}
			}
			if l, _ := s.Unresolved(ctx, "n1", "agent.meter.d", "", healthT0); len(l) != 0 {
				t.Errorf("opened later matched %v", l)
			}
			_, err = s.Update(ctx, evs["d"].ID, func(e *health.Event) error { return e.Resolve("node:n1", "r1", healthT0) })
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, evs["d"].ID)
		if got.Status != health.StatusResolved || got.ResolvedByEventID != "r1" || got.SuppressedUntil == nil {
			t.Errorf("after update: %+v", got)
		}
		_, err = s.Update(ctx, evs["e"].ID, func(e *health.Event) error { return e.Acknowledge("x", healthT0) })
		if !errors.Is(err, health.ErrInvalidTransition) {
			t.Errorf("invalid transition: %v", err)
		}
		if _, err := s.Update(ctx, "nope", func(*health.Event) error { return nil }); !errors.Is(err, health.ErrNotFound) {
			t.Errorf("missing: %v", err)
		}
	})
}

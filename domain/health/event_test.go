package health_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

// TestLifecycleTransitions walks every action from every status.
func TestLifecycleTransitions(t *testing.T) {
	statuses := []health.Status{health.StatusOpen, health.StatusAcknowledged, health.StatusSuppressed, health.StatusResolved}
	allowed := map[string]map[health.Status]health.Status{
		"acknowledge": {health.StatusOpen: health.StatusAcknowledged},
		"suppress":    {health.StatusOpen: health.StatusSuppressed, health.StatusAcknowledged: health.StatusSuppressed},
		"resolve": {health.StatusOpen: health.StatusResolved, health.StatusAcknowledged: health.StatusResolved,
			health.StatusSuppressed: health.StatusResolved},
		"reopen": {health.StatusResolved: health.StatusOpen, health.StatusSuppressed: health.StatusOpen},
	}
	for action, table := range allowed {
		for _, from := range statuses {
			e := health.Event{ID: "e", Type: "agent.meter.flatline", Status: from}
			if from == health.StatusSuppressed {
				e.SuppressedUntil = at(time.Hour)
			}
			var err error
			switch action {
			case "acknowledge":
				err = e.Acknowledge("user:u", t0)
			case "suppress":
				err = e.Suppress("user:u", t0.Add(time.Hour), t0)
			case "resolve":
				err = e.Resolve("user:u", "", t0)
			case "reopen":
				err = e.Reopen(t0)
			}
			want, ok := table[from]
			if !ok {
				if !errors.Is(err, health.ErrInvalidTransition) || errs.KindOf(err) != errs.KindConflict {
					t.Errorf("%s from %s: err %v, want invalidTransition", action, from, err)
				}
				continue
			}
			if err != nil || e.Status != want {
				t.Errorf("%s from %s: status %s err %v, want %s", action, from, e.Status, err, want)
			}
		}
	}
}

// TestLifecycleFields checks who/when fields and their clearing on reopen.
func TestLifecycleFields(t *testing.T) {
	e := health.Event{ID: "e", Status: health.StatusOpen}
	if err := e.Acknowledge("user:a", t0); err != nil || e.AcknowledgedBy != "user:a" || !e.AcknowledgedAt.Equal(t0) {
		t.Fatalf("ack: %v %+v", err, e)
	}
	if err := e.Resolve("node:n1", "rec-1", t0.Add(time.Minute)); err != nil || e.ResolvedBy != "node:n1" || e.ResolvedByEventID != "rec-1" {
		t.Fatalf("resolve: %v %+v", err, e)
	}
	if err := e.Reopen(t0.Add(2 * time.Minute)); err != nil || e.ResolvedAt != nil || e.ResolvedBy != "" || e.AcknowledgedAt != nil {
		t.Fatalf("reopen: %v %+v", err, e)
	}
}

// TestSuppressUntilBounds checks until is in the future and ≤ 30 days.
func TestSuppressUntilBounds(t *testing.T) {
	for name, until := range map[string]time.Time{"zero": {}, "past": t0.Add(-time.Second), "now": t0,
		"too far": t0.Add(health.MaxSuppression + time.Second)} {
		e := health.Event{Status: health.StatusOpen}
		if err := e.Suppress("user:u", until, t0); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	e := health.Event{Status: health.StatusOpen}
	if err := e.Suppress("user:u", t0.Add(health.MaxSuppression), t0); err != nil {
		t.Errorf("30 days: %v", err)
	}
}

// TestExpiredSuppressionCountsAsOpen checks the derived status and that an
// expired suppression can be acknowledged like an open event.
func TestExpiredSuppressionCountsAsOpen(t *testing.T) {
	e := health.Event{Status: health.StatusSuppressed, SuppressedUntil: at(time.Hour)}
	if got := e.EffectiveStatus(t0); got != health.StatusSuppressed {
		t.Errorf("before until: %s", got)
	}
	if got := e.EffectiveStatus(t0.Add(time.Hour)); got != health.StatusOpen {
		t.Errorf("at until: %s", got)
	}
	if err := e.Acknowledge("user:u", t0.Add(2*time.Hour)); err != nil || e.SuppressedUntil != nil {
		t.Errorf("ack after expiry: %v %+v", err, e)
	}
}

// TestAnsweredType checks the recovery mapping.
func TestAnsweredType(t *testing.T) {
	cases := []struct{ typ, resolves, want string }{
		{"agent.meter.flatline_recovered", "", "agent.meter.flatline"},
		{"agent.meter.low_signal_recovered", "", "agent.meter.low_signal"},
		{"agent.system.disk_recovered", "", "agent.system.disk_pressure"},
		{"agent.system.cpu_recovered", "", "agent.system.cpu_pressure"},
		{"agent.system.clock_skew_recovered", "", "agent.system.clock_skew"},
		{"agent.meter.capture_recovered", "", "agent.meter.device_unavailable"},
		{"agent.upload.sync_recovered", "", "agent.upload.sync_failed"},
		{"agent.custom.thing", "agent.custom.other", "agent.custom.other"},
		{"agent.meter.flatline", "", ""},
	}
	for _, c := range cases {
		got, ok := health.AnsweredType(c.typ, c.resolves)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("AnsweredType(%q, %q) = %q %v, want %q", c.typ, c.resolves, got, ok, c.want)
		}
	}
}

// TestTypeNamespaces checks valid types and what agents may post.
func TestTypeNamespaces(t *testing.T) {
	for typ, agentOK := range map[string]bool{"agent.meter.flatline": true, "controller.manual": false,
		"watchdog.scheduled_flatline": false, "schedule.missed": false, "switcher.route_failed": false} {
		if !health.ValidType(typ) || health.AgentMayPost(typ) != agentOK {
			t.Errorf("%s: valid %v agent %v", typ, health.ValidType(typ), health.AgentMayPost(typ))
		}
	}
	for _, bad := range []string{"", "agent", "Agent.x", "other.thing", "agent..x", "agent.x-y"} {
		if health.ValidType(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

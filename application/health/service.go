// Package health holds the health event use cases: agent ingest with the
// recovery rule (a "*_recovered" event resolves the fault it answers),
// manual controller events, the lifecycle (acknowledge, suppress, resolve,
// reopen, in bulk too), listing with a status summary and CSV export. Every
// write commits with its audit row; OnChange runs after commit.
package health

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports"
)

// MaxPageSize is the largest page List returns.
const MaxPageSize = 500

// Deps are the ports the service needs; Tx, Store and Audit are required.
type Deps struct {
	// Tx runs each write with its audit row in one transaction.
	Tx ports.Transactor
	// Store keeps the events.
	Store ports.HealthStore
	// Audit records the succeeded rows.
	Audit ports.AuditRecorder
	// Clock defaults to the system clock.
	Clock ports.Clock
	// OnChange, when set, runs after commit with every event a write
	// created or changed (the WebSocket hub's "health" topic hangs off it).
	OnChange func(ev health.Event)
	// Scope, when set, filters lists and exports to the events of the nodes
	// the caller may read (events without a node only for unscoped callers).
	Scope ports.NodeScope
}

// Service implements the health event use cases.
type Service struct{ d Deps }

// New checks deps and returns the service.
func New(d Deps) (*Service, error) {
	if err := ports.RequireDeps("health", map[string]bool{"Tx": d.Tx != nil, "Store": d.Store != nil, "Audit": d.Audit != nil}); err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{d: d}, nil
}

// Page is one page of events with the total and the status summary.
type Page struct {
	Events  []health.Event
	Total   int64
	Summary ports.HealthSummary
}

// List returns the events matching f, newest first, with the summary of
// the events matching f apart from its status filter (so the console's
// status tabs show their counts). limit is 1..500, offset ≥ 0.
func (s *Service) List(ctx context.Context, f ports.HealthFilter, limit, offset int) (Page, error) {
	var is errs.Issues
	is.Page(limit, offset, MaxPageSize)
	if err := is.Err(); err != nil {
		return Page{}, err
	}
	f.Now = s.d.Clock.Now()
	if err := s.scope(ctx, &f); err != nil {
		return Page{}, err
	}
	events, total, err := s.d.Store.List(ctx, f, limit, offset)
	if err != nil {
		return Page{}, err
	}
	sum, err := s.d.Store.Summary(ctx, f)
	if err != nil {
		return Page{}, err
	}
	return Page{Events: events, Total: total, Summary: sum}, nil
}

// Get returns one event, or health.ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (health.Event, error) {
	if id == "" || len(id) > 64 {
		return health.Event{}, health.ErrNotFound
	}
	return s.d.Store.Get(ctx, id)
}

// Now is the service clock, for callers deriving effective statuses.
func (s *Service) Now() time.Time { return s.d.Clock.Now() }

// actor is the lifecycle "by" of the caller in ctx: "user:<id>",
// "node:<id>", or "system:controller" without a principal.
func actor(ctx context.Context) string {
	if p, ok := access.PrincipalFrom(ctx); ok && p.ID != "" {
		return p.Subject()
	}
	return "system:controller"
}

// record appends a succeeded audit row; inside InTx it commits with the work.
func (s *Service) record(ctx context.Context, action string, perm access.Permission, target audit.Target, before, after any, details map[string]any) error {
	return s.d.Audit.Record(ctx, audit.Event{Action: action, Outcome: audit.Succeeded, Permission: string(perm),
		Target: target, Before: before, After: after, Details: details})
}

// changed runs OnChange for each event (after commit).
func (s *Service) changed(evs ...health.Event) {
	if s.d.OnChange == nil {
		return
	}
	for _, e := range evs {
		s.d.OnChange(e)
	}
}

func eventTarget(e health.Event) audit.Target {
	return audit.Target{Type: string(access.ResourceHealth), ID: e.ID, Name: e.Type}
}

// auditView is the before/after form of an event in audit rows.
func auditView(e health.Event) map[string]any {
	m := map[string]any{"id": e.ID, "type": e.Type, "severity": string(e.Severity), "status": string(e.Status)}
	for k, v := range map[string]string{"nodeId": e.NodeID, "recordingId": e.RecordingID, "scheduleId": e.ScheduleID,
		"interfaceId": e.InterfaceID, "acknowledgedBy": e.AcknowledgedBy, "suppressedBy": e.SuppressedBy,
		"resolvedBy": e.ResolvedBy, "resolvedByEventId": e.ResolvedByEventID} {
		if v != "" {
			m[k] = v
		}
	}
	if e.SuppressedUntil != nil {
		m["suppressedUntil"] = audit.FormatTime(*e.SuppressedUntil)
	}
	return m
}

// validRef checks an optional reference id.
func validRef(is *errs.Issues, field, v string) {
	if len(v) > 64 || strings.ContainsAny(v, " \t\r\n") {
		is.Add(field, "must be at most 64 characters without spaces")
	}
}

// uniqueIDs reports the index of the first duplicate id, or -1.
func uniqueIDs(ids []string) int {
	for i := range ids {
		if slices.Contains(ids[:i], ids[i]) {
			return i
		}
	}
	return -1
}

// scope narrows f to the caller's readable nodes when a NodeScope is set.
func (s *Service) scope(ctx context.Context, f *ports.HealthFilter) error {
	only, ids, err := ports.NarrowToNodes(ctx, s.d.Scope, access.HealthRead)
	if only {
		f.OnlyNodes, f.NodeIDs = true, ids
	}
	return err
}

package ports

import (
	"context"
	"time"

	"github.com/rakkr/rakkr/domain/health"
)

// HealthFilter selects health events. Zero values select everything.
// Statuses are effective statuses: "open" includes suppressions whose
// SuppressedUntil is not after Now, "suppressed" only those still running.
type HealthFilter struct {
	IDs         []string
	Statuses    []health.Status
	Severities  []health.Severity
	TypePrefix  string
	NodeID      string
	RecordingID string
	ScheduleID  string
	// OpenedFrom/To and ResolvedFrom/To are half-open ranges [from, to).
	OpenedFrom, OpenedTo     time.Time
	ResolvedFrom, ResolvedTo time.Time
	// Q matches a case-insensitive substring of the type, the references
	// and the details, or the exact id.
	Q string
	// Now decides whether a suppression has lapsed.
	Now time.Time
	// OnlyNodes restricts the result to events of NodeIDs (none when the
	// list is empty): the caller's readable nodes, for scoped users.
	OnlyNodes bool
	NodeIDs   []string
}

// HealthSummary counts events by effective status; CriticalOpen counts
// critical events that are open or acknowledged.
type HealthSummary struct {
	Open, Acknowledged, Suppressed, Resolved, CriticalOpen int64
}

// HealthStore persists health events. A missing event is health.ErrNotFound.
type HealthStore interface {
	// Insert stores e; an existing id is a conflict.
	Insert(ctx context.Context, e health.Event) error
	// Get returns one event.
	Get(ctx context.Context, id string) (health.Event, error)
	// GetMany returns the events with these ids that exist, keyed by id.
	GetMany(ctx context.Context, ids []string) (map[string]health.Event, error)
	// Update loads the event (locking its row where the database can),
	// applies fn and saves the lifecycle fields; an error from fn saves nothing.
	Update(ctx context.Context, id string, fn func(e *health.Event) error) (health.Event, error)
	// Unresolved returns the open, acknowledged or suppressed events of typ
	// on nodeID (and interfaceID when not ""), opened at or before notAfter,
	// locked for update where the database can.
	Unresolved(ctx context.Context, nodeID, typ, interfaceID string, notAfter time.Time) ([]health.Event, error)
	// List returns one page (newest opened first) and the total matching f.
	List(ctx context.Context, f HealthFilter, limit, offset int) ([]health.Event, int64, error)
	// Summary counts the events matching f (its Statuses ignored) by status.
	Summary(ctx context.Context, f HealthFilter) (HealthSummary, error)
	// Scan calls fn for every event matching f, oldest opened first, reading
	// in batches; an error from fn stops the scan and is returned.
	Scan(ctx context.Context, f HealthFilter, fn func(health.Event) error) error
}

// Package health holds the health event: an alert about a node, recording,
// schedule or interface, raised by an agent, the watchdog, the scheduler,
// the switcher or the controller, and its lifecycle (acknowledge, suppress,
// resolve, reopen), including the rule by which an agent's "*_recovered"
// event resolves the fault it answers.
package health

import (
	"time"

	"github.com/rakkr/rakkr/domain/errs"
)

// Severity ranks an event.
type Severity string

// The severities.
const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool {
	return s == SeverityInfo || s == SeverityWarning || s == SeverityCritical
}

// Status is where an event is in its lifecycle.
type Status string

// The statuses.
const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusSuppressed   Status = "suppressed"
	StatusResolved     Status = "resolved"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusAcknowledged, StatusSuppressed, StatusResolved:
		return true
	}
	return false
}

// MaxSuppression is the longest a suppression may last.
const MaxSuppression = 30 * 24 * time.Hour

// Sentinel errors of the lifecycle.
var (
	// ErrNotFound: no event with that id.
	ErrNotFound = errs.NotFound("health.notFound", "no such health event")
	// ErrInvalidTransition: the event's status does not allow the change.
	ErrInvalidTransition = errs.Conflict("health.invalidTransition", "the health event's status does not allow this change")
	// ErrIDTaken: another node already stored an event with this id.
	ErrIDTaken = errs.Conflict("health.idTaken", "a health event with this id belongs to another node")
)

// Event is one health event. Optional references are "" when absent;
// optional times are nil. Details is a JSON object (never nil once built).
type Event struct {
	ID          string
	Type        string
	Severity    Severity
	Status      Status
	NodeID      string
	RecordingID string
	ScheduleID  string
	InterfaceID string
	OpenedAt    time.Time

	AcknowledgedAt *time.Time
	AcknowledgedBy string
	SuppressedAt   *time.Time
	SuppressedBy   string
	// SuppressedUntil is when a suppression lapses; from then on the event
	// counts as open again (see EffectiveStatus).
	SuppressedUntil *time.Time
	ResolvedAt      *time.Time
	ResolvedBy      string
	// ResolvedByEventID is the recovery event that resolved this one.
	ResolvedByEventID string

	Details map[string]any
}

// EffectiveStatus is the status as users see it at now: a suppression whose
// SuppressedUntil has passed counts as open again.
func (e Event) EffectiveStatus(now time.Time) Status {
	if e.Status == StatusSuppressed && e.SuppressedUntil != nil && !e.SuppressedUntil.After(now) {
		return StatusOpen
	}
	return e.Status
}

// transition refuses a change from the effective status unless it is one of from.
func (e Event) transition(now time.Time, to string, from ...Status) error {
	cur := e.EffectiveStatus(now)
	for _, f := range from {
		if cur == f {
			return nil
		}
	}
	err := *ErrInvalidTransition
	err.Message = "cannot " + to + " a health event that is " + string(cur)
	err.Details = map[string]any{"status": string(cur), "action": to}
	return &err
}

// Acknowledge marks an open event as seen by by (open → acknowledged).
func (e *Event) Acknowledge(by string, now time.Time) error {
	if err := e.transition(now, "acknowledge", StatusOpen); err != nil {
		return err
	}
	t := DBTime(now)
	e.Status, e.AcknowledgedAt, e.AcknowledgedBy = StatusAcknowledged, &t, by
	e.clearSuppression()
	return nil
}

// Suppress mutes an open or acknowledged event until until, which must be
// in the future and at most MaxSuppression away.
func (e *Event) Suppress(by string, until, now time.Time) error {
	if err := ValidateSuppressUntil("until", until, now); err != nil {
		return err
	}
	if err := e.transition(now, "suppress", StatusOpen, StatusAcknowledged); err != nil {
		return err
	}
	t, u := DBTime(now), DBTime(until)
	e.Status, e.SuppressedAt, e.SuppressedBy, e.SuppressedUntil = StatusSuppressed, &t, by, &u
	return nil
}

// ValidateSuppressUntil checks a suppression end: after now, within MaxSuppression.
func ValidateSuppressUntil(field string, until, now time.Time) error {
	switch {
	case until.IsZero():
		return errs.Field(field, "is required (RFC 3339 time)")
	case !until.After(now):
		return errs.Field(field, "must be in the future")
	case until.Sub(now) > MaxSuppression:
		return errs.Field(field, "must be at most 30 days ahead")
	}
	return nil
}

// Resolve closes an open, acknowledged or suppressed event. byEventID names
// the recovery event when an agent's recovery resolved it ("" otherwise).
func (e *Event) Resolve(by, byEventID string, now time.Time) error {
	if err := e.transition(now, "resolve", StatusOpen, StatusAcknowledged, StatusSuppressed); err != nil {
		return err
	}
	t := DBTime(now)
	e.Status, e.ResolvedAt, e.ResolvedBy, e.ResolvedByEventID = StatusResolved, &t, by, byEventID
	return nil
}

// Reopen puts a resolved or suppressed event back to open, clearing its
// acknowledgement, suppression and resolution.
func (e *Event) Reopen(now time.Time) error {
	if err := e.transition(now, "reopen", StatusResolved, StatusSuppressed); err != nil {
		return err
	}
	e.Status = StatusOpen
	e.AcknowledgedAt, e.AcknowledgedBy = nil, ""
	e.clearSuppression()
	e.ResolvedAt, e.ResolvedBy, e.ResolvedByEventID = nil, "", ""
	return nil
}

func (e *Event) clearSuppression() {
	e.SuppressedAt, e.SuppressedBy, e.SuppressedUntil = nil, "", nil
}

// DBTime is t in UTC at the microsecond precision both databases keep.
func DBTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

package health

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
)

// Action names a lifecycle change.
type Action string

// The lifecycle actions.
const (
	ActionAcknowledge Action = "acknowledge"
	ActionSuppress    Action = "suppress"
	ActionResolve     Action = "resolve"
	ActionReopen      Action = "reopen"
)

// Valid reports whether a is a known action.
func (a Action) Valid() bool {
	return a == ActionAcknowledge || a == ActionSuppress || a == ActionResolve || a == ActionReopen
}

// MaxBulk is the most ids one bulk lifecycle request may name.
const MaxBulk = 200

// CreateInput is a manual controller event.
type CreateInput struct {
	Type        string
	Severity    string
	NodeID      string
	RecordingID string
	ScheduleID  string
	InterfaceID string
	Details     map[string]any
}

// Create stores a manual event; its type must be controller.*.
func (s *Service) Create(ctx context.Context, in CreateInput) (health.Event, error) {
	var is errs.Issues
	if !health.ValidType(in.Type) || health.Namespace(in.Type) != health.NamespaceController {
		is.Add("type", "must be a dotted controller.* type such as controller.manual")
	}
	if !health.Severity(in.Severity).Valid() {
		is.Add("severity", "must be info, warning or critical")
	}
	validRef(&is, "nodeId", in.NodeID)
	validRef(&is, "recordingId", in.RecordingID)
	validRef(&is, "scheduleId", in.ScheduleID)
	validRef(&is, "interfaceId", in.InterfaceID)
	if err := is.Err(); err != nil {
		return health.Event{}, err
	}
	details := in.Details
	if details == nil {
		details = map[string]any{}
	}
	ev := health.Event{ID: uuid.NewString(), Type: in.Type, Severity: health.Severity(in.Severity), Status: health.StatusOpen,
		NodeID: in.NodeID, RecordingID: in.RecordingID, ScheduleID: in.ScheduleID, InterfaceID: in.InterfaceID,
		OpenedAt: health.DBTime(s.d.Clock.Now()), Details: details}
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Store.Insert(ctx, ev); err != nil {
			return err
		}
		return s.record(ctx, "health.events.create", access.HealthAcknowledge, eventTarget(ev), nil, auditView(ev), nil)
	})
	if err != nil {
		return health.Event{}, err
	}
	s.changed(ev)
	return ev, nil
}

// Apply runs one lifecycle action on the event id (until is for suppress).
// An action the status does not allow is health.ErrInvalidTransition (409).
func (s *Service) Apply(ctx context.Context, id string, a Action, until time.Time) (health.Event, error) {
	if id == "" || len(id) > 64 {
		return health.Event{}, health.ErrNotFound
	}
	if err := s.checkAction(a, until, "action", "until"); err != nil {
		return health.Event{}, err
	}
	var out health.Event
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		before, after, err := s.apply(ctx, id, a, until)
		if err != nil {
			return err
		}
		out = after
		return s.recordChange(ctx, a, before, after, nil)
	})
	if err != nil {
		return health.Event{}, err
	}
	s.changed(out)
	return out, nil
}

// Bulk runs one action on up to MaxBulk events, all or nothing: every
// event is changed in one transaction, and the first unknown id or
// disallowed transition fails the whole request (its error names the id
// and its index) with nothing changed. Each event gets its own audit row.
func (s *Service) Bulk(ctx context.Context, ids []string, a Action, until time.Time) ([]health.Event, error) {
	var is errs.Issues
	switch {
	case len(ids) == 0:
		is.Add("ids", "must name at least one event")
	case len(ids) > MaxBulk:
		is.Add("ids", fmt.Sprintf("must name at most %d events", MaxBulk))
	case uniqueIDs(ids) >= 0:
		is.Add(fmt.Sprintf("ids[%d]", uniqueIDs(ids)), "is repeated")
	}
	for i, id := range ids {
		if id == "" || len(id) > 64 {
			is.Add(fmt.Sprintf("ids[%d]", i), "must be an event id")
		}
	}
	if err := is.Err(); err != nil {
		return nil, err
	}
	if err := s.checkAction(a, until, "action", "until"); err != nil {
		return nil, err
	}
	out := make([]health.Event, 0, len(ids))
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		out = out[:0]
		befores := make([]health.Event, 0, len(ids))
		for i, id := range ids {
			before, after, err := s.apply(ctx, id, a, until)
			if err != nil {
				return errs.AtItem(err, i, id)
			}
			befores, out = append(befores, before), append(out, after)
		}
		// Audit rows last: an append holds the chain head until commit.
		for i := range out {
			if err := s.recordChange(ctx, a, befores[i], out[i], map[string]any{"bulk": true, "count": len(ids)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.changed(out...)
	return out, nil
}

// checkAction validates the action and, for suppress, until.
func (s *Service) checkAction(a Action, until time.Time, actionField, untilField string) error {
	if !a.Valid() {
		return errs.Field(actionField, "must be acknowledge, suppress, resolve or reopen")
	}
	if a == ActionSuppress {
		return health.ValidateSuppressUntil(untilField, until, s.d.Clock.Now())
	}
	return nil
}

// apply changes one event inside the caller's transaction.
func (s *Service) apply(ctx context.Context, id string, a Action, until time.Time) (before, after health.Event, err error) {
	by, now := actor(ctx), s.d.Clock.Now()
	after, err = s.d.Store.Update(ctx, id, func(e *health.Event) error {
		before = *e
		switch a {
		case ActionAcknowledge:
			return e.Acknowledge(by, now)
		case ActionSuppress:
			return e.Suppress(by, until, now)
		case ActionResolve:
			return e.Resolve(by, "", now)
		default:
			return e.Reopen(now)
		}
	})
	return before, after, err
}

// recordChange audits one lifecycle change with before and after.
func (s *Service) recordChange(ctx context.Context, a Action, before, after health.Event, details map[string]any) error {
	return s.record(ctx, "health.events."+string(a), access.HealthAcknowledge, eventTarget(after),
		auditView(before), auditView(after), details)
}

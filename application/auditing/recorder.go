// Package auditing holds the audit use cases: recording rows onto the
// tamper-evident chain (fail closed), listing, facets, CSV export and
// verification of the chain.
package auditing

import (
	"context"
	"maps"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/ports"
)

// Recorder appends audit rows to the chain. It fails closed: every error is
// returned and the caller must abort the action; nothing is ever kept in
// memory instead.
type Recorder struct {
	tx         ports.Transactor
	log        ports.AuditLog
	clock      ports.Clock
	onRecorded func(audit.Event)
}

// NewRecorder returns a recorder writing to log through tx. onRecorded (may
// be nil) runs with each stored row after its transaction commits; the
// metrics counter hangs off it.
func NewRecorder(tx ports.Transactor, log ports.AuditLog, clock ports.Clock, onRecorded func(audit.Event)) *Recorder {
	return &Recorder{tx: tx, log: log, clock: clock, onRecorded: onRecorded}
}

// Record implements ports.AuditRecorder. It fills in what the event does not
// carry from the request in ctx (actor, actor context, correlation id
// "requestId"; without a request the actor is system:controller), appends
// the outcome to the action, assigns id and time, encodes Before/After, and
// appends the row in the transaction of ctx (or its own).
func (r *Recorder) Record(ctx context.Context, e audit.Event) error {
	req, ok := audit.RequestFrom(ctx)
	if !ok {
		req = audit.Request{Actor: audit.SystemActor("controller")}
	}
	if e.Actor.ID == "" {
		e.Actor = req.Actor
	}
	if e.ActorContext == (audit.ActorContext{}) {
		e.ActorContext = req.ActorContext
	}
	if req.RequestID != "" {
		if _, set := e.CorrelationIDs["requestId"]; !set {
			ids := make(map[string]string, len(e.CorrelationIDs)+1)
			maps.Copy(ids, e.CorrelationIDs)
			ids["requestId"] = req.RequestID
			e.CorrelationIDs = ids
		}
	}
	if e.Outcome.Valid() && e.Action != "" {
		e.Action = audit.ActionWithOutcome(e.Action, e.Outcome)
	}
	e.ID = uuid.NewString()
	e.CreatedAt = r.clock.Now()
	// Encoding problems surface here, before any database work.
	e, err := audit.Normalize(e)
	if err != nil {
		return err
	}
	return r.tx.InTx(ctx, func(ctx context.Context) error {
		_, err := r.log.Append(ctx, e, r.onRecorded)
		return err
	})
}

var _ ports.AuditRecorder = (*Recorder)(nil)

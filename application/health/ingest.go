package health

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// MaxIngestBatch is the most events one agent post may carry.
const MaxIngestBatch = 500

// IngestResult tells what a batch did.
type IngestResult struct {
	// Accepted lists every id of the batch, stored now or before, in batch
	// order without repeats; the agent marks them synced.
	Accepted []string
	// Stored, Duplicates and Resolved count new rows, ids already stored
	// (or repeated in the batch) and faults closed by recovery events.
	Stored, Duplicates, Resolved int
}

// Ingest stores a batch of an agent's events for nodeID in one
// transaction, oldest first. An id already stored for this node is accepted
// and not stored again (nor are its recovery effects applied again); an id
// stored for another node is a conflict. A recovery event (see
// health.AnsweredType) is stored as an info row (already resolved) and resolves the
// unresolved events of the answered type on the same node (and interface,
// when it names one) opened no later than itself, recording
// resolvedBy "node:<id>" and resolvedByEventId. One audit row
// "health.events.ingest" with the counts covers the batch.
func (s *Service) Ingest(ctx context.Context, nodeID string, batch []agentapi.HealthEvent) (IngestResult, error) {
	if err := validateBatch(batch); err != nil {
		return IngestResult{}, err
	}
	now := s.d.Clock.Now()
	var res IngestResult
	var changed []health.Event
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		res, changed = IngestResult{Accepted: []string{}}, nil
		ids := make([]string, 0, len(batch))
		for _, in := range batch {
			ids = append(ids, in.ID)
		}
		existing, err := s.d.Store.GetMany(ctx, ids)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for i, in := range batch {
			if prev, ok := existing[in.ID]; ok && prev.NodeID != nodeID {
				e := *health.ErrIDTaken
				e.Details = map[string]any{"field": fmt.Sprintf("events[%d].id", i)}
				return &e
			}
			if seen[in.ID] || existing[in.ID].ID != "" {
				if !seen[in.ID] {
					res.Accepted = append(res.Accepted, in.ID)
				}
				seen[in.ID] = true
				res.Duplicates++
				continue
			}
			seen[in.ID] = true
			ev := fromAgent(nodeID, in, now)
			if err := s.d.Store.Insert(ctx, ev); err != nil {
				return err
			}
			res.Accepted, res.Stored = append(res.Accepted, in.ID), res.Stored+1
			changed = append(changed, ev)
			answered, ok := health.AnsweredType(in.Type, in.Resolves)
			if !ok {
				continue
			}
			open, err := s.d.Store.Unresolved(ctx, nodeID, answered, in.InterfaceID, ev.OpenedAt)
			if err != nil {
				return err
			}
			for _, o := range open {
				u, err := s.d.Store.Update(ctx, o.ID, func(e *health.Event) error {
					return e.Resolve(health.NodeActor(nodeID), ev.ID, now)
				})
				if err != nil {
					return err
				}
				res.Resolved++
				changed = append(changed, u)
			}
		}
		return s.record(ctx, "health.events.ingest", access.HealthAcknowledge,
			audit.Target{Type: string(access.ResourceNode), ID: nodeID}, nil, nil, map[string]any{
				"received": len(batch), "stored": res.Stored, "duplicates": res.Duplicates, "resolved": res.Resolved})
	})
	if err != nil {
		return IngestResult{}, err
	}
	s.changed(changed...)
	return res, nil
}

// fromAgent builds the stored event. A recovery, like any other info
// event (agent.started …), is stored already resolved by the node: it needs
// no action and must not sit in the open list or degrade the node.
func fromAgent(nodeID string, in agentapi.HealthEvent, now time.Time) health.Event {
	sev := health.Severity(in.Severity)
	details := map[string]any{}
	maps.Copy(details, in.Details)
	answered, recovery := health.AnsweredType(in.Type, in.Resolves)
	if recovery {
		sev = health.SeverityInfo
		details["resolves"] = answered
	}
	ev := health.Event{ID: in.ID, Type: in.Type, Severity: sev, Status: health.StatusOpen, NodeID: nodeID,
		RecordingID: in.RecordingID, InterfaceID: in.InterfaceID, OpenedAt: health.DBTime(in.OpenedAt), Details: details}
	if recovery || sev == health.SeverityInfo {
		_ = ev.Resolve(health.NodeActor(nodeID), "", now)
	}
	return ev
}

// validateBatch checks every event and names the field: events[3].severity.
func validateBatch(batch []agentapi.HealthEvent) error {
	if len(batch) > MaxIngestBatch {
		return errs.Field("events", fmt.Sprintf("must hold at most %d events", MaxIngestBatch))
	}
	var is errs.Issues
	for i, in := range batch {
		f := func(name string) string { return fmt.Sprintf("events[%d].%s", i, name) }
		if _, err := uuid.Parse(in.ID); err != nil || len(in.ID) != 36 {
			is.Add(f("id"), "must be a UUID")
		}
		switch {
		case !health.ValidType(in.Type):
			is.Add(f("type"), "must be a dotted type such as agent.meter.flatline")
		case !health.AgentMayPost(in.Type):
			is.Add(f("type"), "agents may post only agent.* events, not "+health.Namespace(in.Type)+".*")
		}
		if !health.Severity(in.Severity).Valid() {
			is.Add(f("severity"), "must be info, warning or critical")
		}
		if in.OpenedAt.IsZero() {
			is.Add(f("openedAt"), "is required (RFC 3339 time)")
		} else if in.OpenedAt.Year() < 2000 || in.OpenedAt.Year() > 9999 {
			is.Add(f("openedAt"), "is out of range")
		}
		if in.Resolves != "" && (!health.ValidType(in.Resolves) || !health.AgentMayPost(in.Resolves)) {
			is.Add(f("resolves"), "must be an agent.* event type")
		}
		validRef(&is, f("interfaceId"), in.InterfaceID)
		validRef(&is, f("recordingId"), in.RecordingID)
	}
	return is.Err()
}

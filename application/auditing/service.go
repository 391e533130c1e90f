package auditing

import (
	"context"
	"errors"

	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// MaxPageSize is the largest page List returns.
const MaxPageSize = 500

// Service reads and verifies the audit trail. It needs no HTTP: the CLI
// (`rakkr audit verify`) calls Verify directly.
type Service struct {
	log ports.AuditLog
}

// NewService returns the audit read and verification use cases over log.
func NewService(log ports.AuditLog) *Service { return &Service{log: log} }

// Page is one page of a list with the count of all matches.
type Page struct {
	Events []audit.Event
	Total  int64
	Limit  int
	Offset int
}

// List returns the events matching f, newest first. limit must be 1..500
// and offset ≥ 0.
func (s *Service) List(ctx context.Context, f audit.Filter, limit, offset int) (Page, error) {
	var is errs.Issues
	is.Page(limit, offset, MaxPageSize)
	if err := f.Validate(); err != nil {
		more, ok := issuesOf(err)
		if !ok {
			return Page{}, err
		}
		is = append(is, more...)
	}
	if err := is.Err(); err != nil {
		return Page{}, err
	}
	events, total, err := s.log.List(ctx, f, limit, offset)
	if err != nil {
		return Page{}, err
	}
	return Page{Events: events, Total: total, Limit: limit, Offset: offset}, nil
}

// Get returns one event, or an "audit.notFound" error.
func (s *Service) Get(ctx context.Context, id string) (audit.Event, error) {
	if id == "" || len(id) > 64 {
		return audit.Event{}, errs.NotFound("audit.notFound", "audit event not found")
	}
	return s.log.Get(ctx, id)
}

// Facets counts the events matching f by action, outcome, actor, permission
// and target type.
func (s *Service) Facets(ctx context.Context, f audit.Filter) (audit.Facets, error) {
	if err := f.Validate(); err != nil {
		return audit.Facets{}, err
	}
	return s.log.Facets(ctx, f)
}

// Verify walks the whole chain in seq order (streaming, in batches) up to
// the head read at the start, recomputing every hash. It returns the first
// broken row; an error means the walk itself failed (database down).
func (s *Service) Verify(ctx context.Context) (audit.Verification, error) {
	head, err := s.log.Head(ctx)
	if errors.Is(err, audit.ErrHeadMissing) {
		return audit.Verification{Problem: "the chain head row is missing"}, nil
	}
	if err != nil {
		return audit.Verification{}, err
	}
	return audit.VerifyChain(head, func(visit func(audit.Event) error) error {
		if head.Seq <= 0 {
			return nil
		}
		return s.log.Scan(ctx, audit.Filter{MaxSeq: head.Seq}, visit)
	})
}

// FilterParams is a filter as text, as it comes from a query string, a
// request body or a command line. Times are RFC 3339.
type FilterParams struct {
	Actor      string   // actor id, exact
	Action     string   // action prefix
	Permission string   // exact
	TargetType string   // exact
	TargetID   string   // exact
	Outcome    string   // allowed, denied, succeeded, failed or partial
	Reason     string   // exact
	From       string   // RFC 3339, inclusive
	To         string   // RFC 3339, exclusive
	Q          string   // free text
	IDs        []string // a selection (export), at most 500
}

// Filter parses and validates the parameters, naming every bad one.
func (p FilterParams) Filter() (audit.Filter, error) {
	f := audit.Filter{ActorID: p.Actor, ActionPrefix: p.Action, Permission: p.Permission, TargetType: p.TargetType,
		TargetID: p.TargetID, Outcome: audit.Outcome(p.Outcome), Reason: p.Reason, Q: p.Q, IDs: p.IDs}
	var is errs.Issues
	f.From, f.To = is.Time("from", p.From), is.Time("to", p.To)
	if err := f.Validate(); err != nil {
		more, ok := issuesOf(err)
		if !ok {
			return audit.Filter{}, err
		}
		is = append(is, more...)
	}
	if err := is.Err(); err != nil {
		return audit.Filter{}, err
	}
	return f, nil
}

// issuesOf returns the field issues of a validation error.
func issuesOf(err error) ([]errs.FieldIssue, bool) {
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
		return nil, false
	}
	d, _ := e.Details.(map[string]any)
	is, ok := d["issues"].([]errs.FieldIssue)
	return is, ok
}

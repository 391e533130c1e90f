package audit

import (
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
)

// MaxIDs is the largest number of ids a filter (an export selection) may name.
const MaxIDs = 500

// Filter selects audit rows. Zero fields do not filter. Issues name the
// fields as the API does (actor, action, permission, targetType, targetId,
// outcome, reason, from, to, q, ids).
type Filter struct {
	// ActorID matches the actor id exactly.
	ActorID string
	// ActionPrefix matches stored actions starting with it
	// ("auth.users" matches "auth.users.create.succeeded").
	ActionPrefix string
	// Permission matches exactly.
	Permission string
	// TargetType and TargetID match exactly.
	TargetType string
	TargetID   string
	// Outcome matches exactly.
	Outcome Outcome
	// Reason matches exactly.
	Reason string
	// From (inclusive) and To (exclusive) bound createdAt.
	From time.Time
	To   time.Time
	// Q is free text searched case-insensitively in the action, actor,
	// target, reason and details.
	Q string
	// IDs selects rows by id (at most MaxIDs).
	IDs []string
	// MaxSeq, when positive, keeps rows with seq ≤ MaxSeq: verification and
	// export pin the chain head so concurrent appends do not move the end.
	MaxSeq int64
}

// Validate checks the filter and names every bad field.
func (f Filter) Validate() error {
	var is errs.Issues
	for _, c := range []struct{ name, value string }{
		{"actor", f.ActorID}, {"action", f.ActionPrefix}, {"permission", f.Permission},
		{"targetType", f.TargetType}, {"targetId", f.TargetID}, {"reason", f.Reason}, {"q", f.Q},
	} {
		if len(c.value) > 200 {
			is.Add(c.name, "must be at most 200 characters")
		}
	}
	if f.Outcome != "" && !f.Outcome.Valid() {
		is.Add("outcome", "must be allowed, denied, succeeded, failed or partial")
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		is.Add("to", "must be after from")
	}
	if len(f.IDs) > MaxIDs {
		is.Add("ids", "must name at most 500 ids")
	}
	for _, id := range f.IDs {
		if strings.TrimSpace(id) == "" || len(id) > 64 {
			is.Add("ids", "must be non-empty ids of at most 64 characters")
			break
		}
	}
	if f.MaxSeq < 0 {
		is.Add("maxSeq", "must not be negative")
	}
	return is.Err()
}

// FacetCount is how many matching rows have one value of a field. Label is
// a display name where the value is an id (the actor's name).
type FacetCount struct {
	Value string
	Label string
	Count int64
}

// Facets counts the rows matching a filter by field, most frequent first.
type Facets struct {
	Actions     []FacetCount
	Outcomes    []FacetCount
	Actors      []FacetCount
	Permissions []FacetCount
	TargetTypes []FacetCount
}

// MaxFacetValues is how many values each facet lists at most.
const MaxFacetValues = 50

package ports

import (
	"context"

	"github.com/rakkr/rakkr/domain/audit"
)

// AuditLog is the append-only, hash-chained audit trail. Rows are never
// updated or deleted through it.
type AuditLog interface {
	// Append seals e onto the chain (next seq, previous hash, own hash; see
	// audit.Seal) and stores it in the transaction carried by ctx, starting
	// one when there is none. The chain head stays locked until that
	// transaction ends, so append audit rows last in a use case's
	// transaction. committed, when not nil, runs with the stored event after
	// the transaction commits, never when it rolls back. The returned event
	// is what was stored.
	Append(ctx context.Context, e audit.Event, committed func(audit.Event)) (audit.Event, error)
	// List returns the rows matching f, newest first (highest seq first),
	// skipping offset and returning at most limit, and the count of all
	// matching rows.
	List(ctx context.Context, f audit.Filter, limit, offset int) ([]audit.Event, int64, error)
	// Get returns one row, or an errs.KindNotFound error "audit.notFound".
	Get(ctx context.Context, id string) (audit.Event, error)
	// Facets counts the rows matching f by action, outcome, actor,
	// permission and target type (audit.MaxFacetValues values each).
	Facets(ctx context.Context, f audit.Filter) (audit.Facets, error)
	// Scan calls fn for every row matching f in ascending seq order, reading
	// in batches (never the whole trail at once). An error from fn stops the
	// scan and is returned; a row that cannot be decoded stops it with an
	// *audit.CorruptRowError.
	Scan(ctx context.Context, f audit.Filter, fn func(audit.Event) error) error
	// Head returns the chain head with the highest stored seq, read in one
	// statement; audit.ErrHeadMissing when the head row is gone.
	Head(ctx context.Context) (audit.Head, error)
}

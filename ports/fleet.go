package ports

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
)

// HealthCounts are the open (unresolved, unsuppressed) health events of one
// node by severity.
type HealthCounts struct {
	Warning  int
	Critical int
}

// NodeHealthSummary tells how many health events are open per node; node
// status derives degraded (warnings open) and alerting (critical open) from it.
type NodeHealthSummary interface {
	// OpenCounts returns the counts for each requested node (missing = none open).
	OpenCounts(ctx context.Context, nodeIDs []string) (map[string]HealthCounts, error)
}

// NodeScope tells which nodes the caller in ctx may use a permission on, so
// that lists of node-owned things (health events) are filtered per item.
type NodeScope interface {
	// ReadableNodes returns all=true when the caller is unscoped (owner or
	// admin: every node), else the ids of the nodes perm is allowed on.
	ReadableNodes(ctx context.Context, perm access.Permission) (all bool, ids []string, err error)
}

// NarrowToNodes is how a list filter is narrowed by a NodeScope: only=true
// with the ids when the caller holds perm on some nodes only; only=false
// when s is nil (no scoping) or the caller holds perm everywhere.
func NarrowToNodes(ctx context.Context, s NodeScope, perm access.Permission) (only bool, ids []string, err error) {
	if s == nil {
		return false, nil, nil
	}
	all, ids, err := s.ReadableNodes(ctx, perm)
	if err != nil || all {
		return false, nil, err
	}
	return true, ids, nil
}

package ports

import "context"

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

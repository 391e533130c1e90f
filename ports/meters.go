package ports

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
)

// MeterObserver receives the live-meter pipeline's counts (Prometheus
// counters in production). Implementations must be safe for concurrent use
// and must not block.
type MeterObserver interface {
	// MeterFrameReceived counts one accepted agent meter frame.
	MeterFrameReceived()
	// MeterFrameRejected counts one refused agent stream message by reason
	// (malformed, oversize, too_many_levels, node_mismatch, invalid, unknown_type).
	MeterFrameRejected(reason string)
	// MeterFramesDropped counts frames not delivered to a subscriber by
	// reason (queue_full, too_slow).
	MeterFramesDropped(reason string, n int)
	// WSSubscribersChanged adds delta to the number of open console sockets.
	WSSubscribersChanged(delta int)
}

// NopMeterObserver is a MeterObserver that counts nothing.
type NopMeterObserver struct{}

// MeterFrameReceived implements MeterObserver.
func (NopMeterObserver) MeterFrameReceived() {}

// MeterFrameRejected implements MeterObserver.
func (NopMeterObserver) MeterFrameRejected(string) {}

// MeterFramesDropped implements MeterObserver.
func (NopMeterObserver) MeterFramesDropped(string, int) {}

// WSSubscribersChanged implements MeterObserver.
func (NopMeterObserver) WSSubscribersChanged(int) {}

// NodeTargets resolves a node id to the scope a node route checks its
// permission on: the node's ref, or access.Global when the node does not
// exist (so callers holding the permission get a 404, not a 403).
// fleet.Service implements it.
type NodeTargets interface {
	// NodeTarget returns the scope for id; errors are store failures.
	NodeTarget(ctx context.Context, id string) (access.Ref, error)
}

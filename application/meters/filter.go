package meters

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// DefaultDecisionTTL is how long a Filter reuses an authorization decision.
const DefaultDecisionTTL = 5 * time.Second

// ChannelRef is the access ref of a channel: channel:<interfaceId>.<index>.
func ChannelRef(interfaceID string, index int) access.Ref {
	return access.Ref{Type: access.ResourceChannel, ID: interfaceID + "." + strconv.Itoa(index)}
}

// NodeRef is the access ref of a node.
func NodeRef(nodeID string) access.Ref { return access.Ref{Type: access.ResourceNode, ID: nodeID} }

type decision struct {
	allowed bool
	at      time.Time
}

type decisionKey struct {
	perm access.Permission
	key  string
}

// Filter answers what one principal may see, caching decisions for a few
// seconds (one per console connection or request). It fails closed: a
// decision that cannot be made denies.
type Filter struct {
	authz ports.Authorizer
	p     access.Principal
	ttl   time.Duration
	clock ports.Clock
	mu    sync.Mutex
	cache map[decisionKey]decision
}

// NewFilter builds a filter for p; ttl ≤ 0 takes DefaultDecisionTTL and a
// nil clock the system clock.
func NewFilter(authz ports.Authorizer, p access.Principal, ttl time.Duration, clock ports.Clock) *Filter {
	if ttl <= 0 {
		ttl = DefaultDecisionTTL
	}
	if clock == nil {
		clock = ports.SystemClock{}
	}
	return &Filter{authz: authz, p: p, ttl: ttl, clock: clock, cache: map[decisionKey]decision{}}
}

// Allowed reports whether the principal holds perm on target.
func (f *Filter) Allowed(ctx context.Context, perm access.Permission, target access.Ref) bool {
	now := f.clock.Now()
	k := decisionKey{perm, target.Key()}
	f.mu.Lock()
	d, ok := f.cache[k]
	f.mu.Unlock()
	if ok && now.Sub(d.at) < f.ttl {
		return d.allowed
	}
	res, err := f.authz.Decide(ctx, f.p, perm, target)
	allowed := err == nil && res.Allowed
	f.mu.Lock()
	if len(f.cache) > 4096 {
		clear(f.cache)
	}
	f.cache[k] = decision{allowed: allowed, at: now}
	f.mu.Unlock()
	return allowed
}

// Frame returns fr with only the levels whose channel the principal may
// read (node:read on channel:<interfaceId>.<index>), and whether the frame
// may be shown at all (node:read on the node and at least one visible
// level, or a frame without levels). The input is not modified.
func (f *Filter) Frame(ctx context.Context, fr agentapi.MeterFrame) (agentapi.MeterFrame, bool) {
	if !f.Allowed(ctx, access.NodeRead, NodeRef(fr.NodeID)) {
		return fr, false
	}
	out := fr
	out.Levels = make([]agentapi.LevelFrame, 0, len(fr.Levels))
	for _, l := range fr.Levels {
		if f.Allowed(ctx, access.NodeRead, ChannelRef(fr.InterfaceID, l.ChannelIndex)) {
			out.Levels = append(out.Levels, l)
		}
	}
	return out, len(out.Levels) > 0 || len(fr.Levels) == 0
}

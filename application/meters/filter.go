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

// decisionKey is a cached decision's key; the ref's parts are kept apart
// so that a lookup builds no string.
type decisionKey struct {
	perm access.Permission
	typ  access.ResourceType
	id   string
}

// frameKey names the interface a frameDecision is about.
type frameKey struct{ node, iface string }

// frameDecision is what Frame decided for one interface's channel list:
// the channel indices it saw, in order, which of them are visible, and the
// time of the oldest decision it rests on (it expires with it).
type frameDecision struct {
	at      time.Time
	node    bool
	indices []int
	visible []bool
	all     bool
}

// Filter answers what one principal may see, caching decisions for a few
// seconds (one per console connection or request). It fails closed: a
// decision that cannot be made denies.
type Filter struct {
	authz  ports.Authorizer
	p      access.Principal
	ttl    time.Duration
	clock  ports.Clock
	mu     sync.Mutex
	cache  map[decisionKey]decision
	frames map[frameKey]*frameDecision
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
	return &Filter{authz: authz, p: p, ttl: ttl, clock: clock, cache: map[decisionKey]decision{}, frames: map[frameKey]*frameDecision{}}
}

// Allowed reports whether the principal holds perm on target.
func (f *Filter) Allowed(ctx context.Context, perm access.Permission, target access.Ref) bool {
	allowed, _ := f.allowed(ctx, f.clock.Now(), perm, target)
	return allowed
}

// allowed is Allowed, also returning when the decision was made.
func (f *Filter) allowed(ctx context.Context, now time.Time, perm access.Permission, target access.Ref) (bool, time.Time) {
	k := decisionKey{perm, target.Type, target.ID}
	f.mu.Lock()
	d, ok := f.cache[k]
	f.mu.Unlock()
	if ok && now.Sub(d.at) < f.ttl {
		return d.allowed, d.at
	}
	res, err := f.authz.Decide(ctx, f.p, perm, target)
	allowed := err == nil && res.Allowed
	f.mu.Lock()
	if len(f.cache) > 4096 {
		clear(f.cache)
	}
	f.cache[k] = decision{allowed: allowed, at: now}
	f.mu.Unlock()
	return allowed, now
}

// Frame returns fr with only the levels whose channel the principal may
// read (node:read on channel:<interfaceId>.<index>), and whether the frame
// may be shown at all (node:read on the node and at least one visible
// level, or a frame without levels). The input is not modified.
//
// The answer for an interface's channel list is kept until the oldest
// decision it rests on expires, so a frame the principal may see in full
// costs one map lookup and is returned as it is (sharing its levels).
func (f *Filter) Frame(ctx context.Context, fr agentapi.MeterFrame) (agentapi.MeterFrame, bool) {
	now := f.clock.Now()
	k := frameKey{fr.NodeID, fr.InterfaceID}
	f.mu.Lock()
	d := f.frames[k]
	f.mu.Unlock()
	if d == nil || now.Sub(d.at) >= f.ttl || !sameIndices(d.indices, fr.Levels) {
		d = f.decideFrame(ctx, now, fr)
		f.mu.Lock()
		if len(f.frames) > 4096 {
			clear(f.frames)
		}
		f.frames[k] = d
		f.mu.Unlock()
	}
	if !d.node {
		return fr, false
	}
	if d.all {
		return fr, true
	}
	out := fr
	out.Levels = make([]agentapi.LevelFrame, 0, len(fr.Levels))
	for i, l := range fr.Levels {
		if d.visible[i] {
			out.Levels = append(out.Levels, l)
		}
	}
	return out, len(out.Levels) > 0 || len(fr.Levels) == 0
}

// decideFrame decides node:read on fr's node and on each of its channels.
func (f *Filter) decideFrame(ctx context.Context, now time.Time, fr agentapi.MeterFrame) *frameDecision {
	d := &frameDecision{at: now, all: true}
	ok, at := f.allowed(ctx, now, access.NodeRead, NodeRef(fr.NodeID))
	d.node = ok
	if at.Before(d.at) {
		d.at = at
	}
	// The indices are kept on a denial too, so that the node's next frames
	// reuse it instead of deciding again.
	d.indices = make([]int, len(fr.Levels))
	for i, l := range fr.Levels {
		d.indices[i] = l.ChannelIndex
	}
	if !ok {
		return d
	}
	d.visible = make([]bool, len(fr.Levels))
	for i, l := range fr.Levels {
		ok, at := f.allowed(ctx, now, access.NodeRead, ChannelRef(fr.InterfaceID, l.ChannelIndex))
		d.visible[i] = ok
		d.all = d.all && ok
		if at.Before(d.at) {
			d.at = at
		}
	}
	return d
}

// sameIndices reports whether levels carry exactly the channel indices
// idx, in order.
func sameIndices(idx []int, levels []agentapi.LevelFrame) bool {
	if len(idx) != len(levels) {
		return false
	}
	for i := range levels {
		if levels[i].ChannelIndex != idx[i] {
			return false
		}
	}
	return true
}

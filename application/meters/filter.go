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

// DefaultDecisionTTL is how long a Filter reuses an authorization decision
// when the authorizer cannot tell its version (ports.AuthorizationVersion);
// with a version, a decision is reused until the version moves.
const DefaultDecisionTTL = 5 * time.Second

// ChannelRef is the access ref of a channel: channel:<interfaceId>.<index>.
func ChannelRef(interfaceID string, index int) access.Ref {
	return access.Ref{Type: access.ResourceChannel, ID: interfaceID + "." + strconv.Itoa(index)}
}

// NodeRef is the access ref of a node.
func NodeRef(nodeID string) access.Ref { return access.Ref{Type: access.ResourceNode, ID: nodeID} }

type decision struct {
	allowed bool
	stamp   stamp
}

// stamp is when a decision was made: the authorizer's version, or the
// time when it has none.
type stamp struct {
	version uint64
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
	stamp   stamp
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
	ver    ports.AuthorizationVersion // nil: decisions expire after ttl
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
	ver, _ := authz.(ports.AuthorizationVersion)
	return &Filter{authz: authz, ver: ver, p: p, ttl: ttl, clock: clock, cache: map[decisionKey]decision{}, frames: map[frameKey]*frameDecision{}}
}

// now stamps a decision about to be made (the version is read first, so a
// change while deciding makes the next call decide again).
func (f *Filter) now() stamp {
	if f.ver != nil {
		return stamp{version: f.ver.Version()}
	}
	return stamp{at: f.clock.Now()}
}

// fresh reports whether a decision stamped s may still be used at now.
func (f *Filter) fresh(s, now stamp) bool {
	if f.ver != nil {
		return s.version == now.version
	}
	return now.at.Sub(s.at) < f.ttl
}

// older returns the staler of two stamps.
func older(a, b stamp) stamp {
	if a.version < b.version || a.at.Before(b.at) {
		return a
	}
	return b
}

// Allowed reports whether the principal holds perm on target.
func (f *Filter) Allowed(ctx context.Context, perm access.Permission, target access.Ref) bool {
	allowed, _ := f.allowed(ctx, f.now(), perm, target)
	return allowed
}

// allowed is Allowed, also returning when the decision was made.
func (f *Filter) allowed(ctx context.Context, now stamp, perm access.Permission, target access.Ref) (bool, stamp) {
	k := decisionKey{perm, target.Type, target.ID}
	f.mu.Lock()
	d, ok := f.cache[k]
	f.mu.Unlock()
	if ok && f.fresh(d.stamp, now) {
		return d.allowed, d.stamp
	}
	res, err := f.authz.Decide(ctx, f.p, perm, target)
	allowed := err == nil && res.Allowed
	f.mu.Lock()
	if len(f.cache) > 4096 {
		clear(f.cache)
	}
	f.cache[k] = decision{allowed: allowed, stamp: now}
	f.mu.Unlock()
	return allowed, now
}

// Frame returns fr with only the levels whose channel the principal may
// read (node:read on channel:<interfaceId>.<index>), and whether the frame
// may be shown at all (node:read on the node and at least one visible
// level, or a frame without levels). The input is not modified.
//
// The answer for an interface's channel list is kept until the oldest
// decision it rests on expires (or the authorizer's version moves), so a frame the principal may see in full
// costs one map lookup and is returned as it is (sharing its levels).
func (f *Filter) Frame(ctx context.Context, fr agentapi.MeterFrame) (agentapi.MeterFrame, bool) {
	now := f.now()
	k := frameKey{fr.NodeID, fr.InterfaceID}
	f.mu.Lock()
	d := f.frames[k]
	f.mu.Unlock()
	if d == nil || !f.fresh(d.stamp, now) || !sameIndices(d.indices, fr.Levels) {
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
func (f *Filter) decideFrame(ctx context.Context, now stamp, fr agentapi.MeterFrame) *frameDecision {
	d := &frameDecision{stamp: now, all: true}
	ok, at := f.allowed(ctx, now, access.NodeRead, NodeRef(fr.NodeID))
	d.node = ok
	d.stamp = older(d.stamp, at)
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
		d.stamp = older(d.stamp, at)
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

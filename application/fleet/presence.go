package fleet

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
)

// HeartbeatFlushInterval is how often FlushHeartbeats should run: the
// heartbeats received meanwhile are written in one transaction.
const HeartbeatFlushInterval = time.Second

// presence holds the heartbeats not yet written to the store (the latest
// per node) and the open health counts heartbeats answer with. Reads of
// nodes see the pending heartbeats at once (overlay), so writing them
// behind is invisible to operators.
type presence struct {
	mu      sync.Mutex
	pending map[string]node.Heartbeat
	// failure is the last flush's error: heartbeats answer it (the store is
	// unavailable) until a flush succeeds, rather than accept what cannot be
	// written.
	failure error
	// counts are each node's open health counts, refreshed after every
	// flush for the nodes it wrote.
	counts map[string]ports.HealthCounts
	// authed is what the last authentication of each node read (its config
	// version), so that the heartbeat behind it need not read the node again.
	authed map[string]authRead
}

// authRead is a node as an authentication read it, and when.
type authRead struct {
	configVersion int64
	at            time.Time
}

// authReuse is how old an authentication's read may be for the request it
// authenticated to use it.
const authReuse = time.Second

func newPresence() *presence {
	return &presence{pending: map[string]node.Heartbeat{}, counts: map[string]ports.HealthCounts{}, authed: map[string]authRead{}}
}

// put records hb unless the last flush failed.
func (p *presence) put(hb node.Heartbeat) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failure != nil {
		return p.failure
	}
	if old, ok := p.pending[hb.NodeID]; !ok || !old.SeenAt.After(hb.SeenAt) {
		p.pending[hb.NodeID] = hb
	}
	return nil
}

// overlay applies the pending heartbeat of each node newer than what the
// store returned.
func (p *presence) overlay(nodes []node.Node) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) == 0 {
		return
	}
	for i := range nodes {
		hb, ok := p.pending[nodes[i].ID]
		if ok && (nodes[i].LastSeenAt == nil || hb.SeenAt.After(*nodes[i].LastSeenAt)) {
			hb.Apply(&nodes[i])
		}
	}
}

// take removes and returns the pending heartbeats.
func (p *presence) take() []node.Heartbeat {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]node.Heartbeat, 0, len(p.pending))
	for _, hb := range p.pending {
		out = append(out, hb)
	}
	clear(p.pending)
	return out
}

// settle records a flush's outcome: on failure the heartbeats go back
// (unless a newer one arrived meanwhile) and later heartbeats are refused
// until a flush succeeds.
func (p *presence) settle(batch []node.Heartbeat, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failure = err
	if err == nil {
		return
	}
	for _, hb := range batch {
		if _, newer := p.pending[hb.NodeID]; !newer {
			p.pending[hb.NodeID] = hb
		}
	}
}

// countsOf returns the cached open counts of a node, ok=false when none
// are cached yet.
func (p *presence) countsOf(id string) (ports.HealthCounts, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.counts[id]
	return c, ok
}

// setCounts caches the counts of ids (missing from c: none open).
func (p *presence) setCounts(ids []string, c map[string]ports.HealthCounts) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, id := range ids {
		p.counts[id] = c[id]
	}
}

// forget drops what is kept of a deleted node.
func (p *presence) forget(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pending, id)
	delete(p.counts, id)
	delete(p.authed, id)
}

// authenticated keeps what authenticating n read.
func (p *presence) authenticated(n node.Node, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.authed[n.ID] = authRead{configVersion: n.ConfigVersion, at: at}
}

// configVersion is the node's config version as its authentication read
// it, if that was within authReuse of now.
func (p *presence) configVersion(id string, now time.Time) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a, ok := p.authed[id]
	if !ok || now.Sub(a.at) > authReuse || a.at.After(now) {
		return 0, false
	}
	return a.configVersion, true
}

// FlushHeartbeats writes the heartbeats received since the last flush (the
// latest of each node) in one transaction, then refreshes the open health
// counts of those nodes for the next heartbeats' answers. Run it every
// HeartbeatFlushInterval and once at shutdown. When the write fails the
// heartbeats are kept for the next run and new heartbeats answer the
// error until a flush succeeds.
func (s *Service) FlushHeartbeats(ctx context.Context) error {
	batch := s.p.take()
	if len(batch) == 0 {
		s.p.settle(nil, nil)
		return nil
	}
	err := s.saveHeartbeats(ctx, batch)
	s.p.settle(batch, err)
	if err != nil || s.d.Health == nil {
		return err
	}
	ids := make([]string, len(batch))
	for i, hb := range batch {
		ids[i] = hb.NodeID
	}
	c, err := s.d.Health.OpenCounts(ctx, ids)
	if err != nil {
		return err
	}
	s.p.setCounts(ids, c)
	return nil
}

// saveHeartbeats writes batch with the batch store when there is one, else
// node by node.
func (s *Service) saveHeartbeats(ctx context.Context, batch []node.Heartbeat) error {
	if s.d.Heartbeats != nil {
		return s.d.Heartbeats.SaveHeartbeats(ctx, batch)
	}
	return s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		for _, hb := range batch {
			_, err := s.d.Nodes.UpdateNode(ctx, hb.NodeID, func(n *node.Node) error {
				hb.Apply(n)
				return nil
			})
			if err != nil && !errors.Is(err, node.ErrNotFound) {
				return err
			}
		}
		return nil
	})
}

// openCounts returns the node's open health counts: the cached ones, or
// read once when the node has none cached yet.
func (s *Service) openCounts(ctx context.Context, id string) (ports.HealthCounts, error) {
	if s.d.Health == nil {
		return ports.HealthCounts{}, nil
	}
	if c, ok := s.p.countsOf(id); ok {
		return c, nil
	}
	c, err := s.d.Health.OpenCounts(ctx, []string{id})
	if err != nil {
		return ports.HealthCounts{}, err
	}
	s.p.setCounts([]string{id}, c)
	return c[id], nil
}

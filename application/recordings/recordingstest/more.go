package recordingstest

import (
	"context"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// ListProfiles implements ports.ProfileStore.
func (s *Store) ListProfiles(context.Context) ([]recording.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []recording.Profile{}
	for _, p := range s.Profiles {
		out = append(out, p)
	}
	return out, nil
}

// GetProfile implements ports.ProfileStore.
func (s *Store) GetProfile(_ context.Context, id string) (recording.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.Profiles[id]
	if !ok {
		return p, recording.ErrProfileNotFound
	}
	return p, nil
}

// InsertProfile implements ports.ProfileStore.
func (s *Store) InsertProfile(_ context.Context, p recording.Profile) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Profiles[p.ID] = p
	return nil
}

// UpdateProfile implements ports.ProfileStore.
func (s *Store) UpdateProfile(_ context.Context, id string, fn func(p *recording.Profile) error) (recording.Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.Profiles[id]
	if !ok {
		return p, recording.ErrProfileNotFound
	}
	if err := fn(&p); err != nil {
		return recording.Profile{}, err
	}
	s.Profiles[id] = p
	return p, nil
}

// DeleteProfile implements ports.ProfileStore.
func (s *Store) DeleteProfile(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.Profiles, id)
	return nil
}

// Nodes is a ports.NodeStore over the store's NodesByID (only the calls
// the recording use cases make do anything).
type Nodes struct{ S *Store }

// CreateNode implements ports.NodeStore.
func (n Nodes) CreateNode(_ context.Context, x node.Node) error {
	n.S.mu.Lock()
	defer n.S.mu.Unlock()
	n.S.NodesByID[x.ID] = x
	return nil
}

// GetNode implements ports.NodeStore.
func (n Nodes) GetNode(_ context.Context, id string) (node.Node, error) {
	n.S.mu.Lock()
	defer n.S.mu.Unlock()
	x, ok := n.S.NodesByID[id]
	if !ok {
		return x, node.ErrNotFound
	}
	return x, nil
}

// UpdateNode implements ports.NodeStore.
func (n Nodes) UpdateNode(_ context.Context, id string, fn func(n *node.Node) error) (node.Node, error) {
	n.S.mu.Lock()
	defer n.S.mu.Unlock()
	x, ok := n.S.NodesByID[id]
	if !ok {
		return x, node.ErrNotFound
	}
	if err := fn(&x); err != nil {
		return node.Node{}, err
	}
	n.S.NodesByID[id] = x
	return x, nil
}

// SaveInterfaces implements ports.NodeStore.
func (n Nodes) SaveInterfaces(_ context.Context, id string, ifaces []node.Interface) error {
	n.S.mu.Lock()
	defer n.S.mu.Unlock()
	x := n.S.NodesByID[id]
	x.Interfaces = ifaces
	n.S.NodesByID[id] = x
	return nil
}

// DeleteNode implements ports.NodeStore.
func (n Nodes) DeleteNode(_ context.Context, id string) error {
	n.S.mu.Lock()
	defer n.S.mu.Unlock()
	delete(n.S.NodesByID, id)
	return nil
}

// ListNodes implements ports.NodeStore (every node).
func (n Nodes) ListNodes(context.Context, ports.NodeFilter) ([]node.Node, error) {
	n.S.mu.Lock()
	defer n.S.mu.Unlock()
	out := []node.Node{}
	for _, x := range n.S.NodesByID {
		out = append(out, x)
	}
	return out, nil
}

// RoomUsage implements ports.NodeStore (not counted).
func (n Nodes) RoomUsage(context.Context, string) (int64, int64, error) { return 0, 0, nil }

// Audit keeps the audit rows recorded (also those of rolled-back work).
type Audit struct {
	mu     sync.Mutex
	Events []audit.Event
}

// Record implements ports.AuditRecorder.
func (a *Audit) Record(_ context.Context, e audit.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Events = append(a.Events, e)
	return nil
}

// Count returns how many rows have action.
func (a *Audit) Count(action string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, e := range a.Events {
		if e.Action == action {
			n++
		}
	}
	return n
}

// Health is a ports.HealthStore keeping inserted events.
type Health struct {
	ports.HealthStore
	mu     sync.Mutex
	Events []health.Event
}

// Insert implements ports.HealthStore.
func (h *Health) Insert(_ context.Context, e health.Event) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.Events = append(h.Events, e)
	return nil
}

// Clock is a settable clock.
type Clock struct {
	mu sync.Mutex
	T  time.Time
}

// Now implements ports.Clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.T }

// Advance moves the clock.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.T = c.T.Add(d); c.mu.Unlock() }

var (
	_ ports.ProfileStore   = (*Store)(nil)
	_ ports.NodeStore      = Nodes{}
	_ ports.AuditRecorder  = (*Audit)(nil)
	_ ports.RecordingFiles = (*Files)(nil)
	_ ports.AudioDecoder   = (*Decoder)(nil)
)

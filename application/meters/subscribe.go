package meters

import (
	"slices"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Delivery is one frame handed to a subscriber. Missed is the number of
// frames dropped for this subscriber since the previous delivery because
// its queue was full.
type Delivery struct {
	Frame  agentapi.MeterFrame
	Missed int
}

// ErrTooSlow ends a subscription that stayed behind longer than MaxBehind.
var ErrTooSlow = errs.New(errs.KindTooMany, "meters.subscriberTooSlow", "the subscriber fell behind the live meters and was disconnected")

// Subscription receives the frames of one node. Read C until it is closed,
// then check Err.
type Subscription struct {
	svc  *Service
	node string
	ch   chan Delivery
	// mu guards the fields below and orders sends on ch with its close.
	mu          sync.Mutex
	missed      int
	behindSince time.Time
	closed      bool
	err         error
}

// Subscribe starts delivering the node's frames. The queue is bounded: a
// subscriber that does not keep up misses frames (and is told how many in
// the next Delivery) and is closed with ErrTooSlow after MaxBehind.
func (s *Service) Subscribe(nodeID string) *Subscription {
	sub := &Subscription{svc: s, node: nodeID, ch: make(chan Delivery, s.cfg.Queue)}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.subs[nodeID]
	s.subs[nodeID] = append(old[:len(old):len(old)], sub) // copy: ingest may be ranging over old
	return sub
}

// C is the delivery channel; it is closed when the subscription ends.
func (sub *Subscription) C() <-chan Delivery { return sub.ch }

// Node is the subscribed node id.
func (sub *Subscription) Node() string { return sub.node }

// Err is nil after Close, ErrTooSlow after a disconnect for slowness.
func (sub *Subscription) Err() error {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	return sub.err
}

// Close ends the subscription; it is safe to call more than once.
func (sub *Subscription) Close() {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	sub.closeLocked(nil)
}

// closeLocked ends sub; sub.mu is held (the lock order is sub.mu, then
// the service's mu).
func (sub *Subscription) closeLocked(err error) {
	if sub.closed {
		return
	}
	sub.closed, sub.err = true, err
	s := sub.svc
	s.mu.Lock()
	if i := slices.Index(s.subs[sub.node], sub); i >= 0 {
		rest := slices.Delete(slices.Clone(s.subs[sub.node]), i, i+1) // copy: ingest may be ranging over the old slice
		if len(rest) == 0 {
			delete(s.subs, sub.node)
		} else {
			s.subs[sub.node] = rest
		}
	}
	s.mu.Unlock()
	close(sub.ch)
}

// deliver offers f to sub without blocking.
func (sub *Subscription) deliver(f agentapi.MeterFrame, now time.Time) {
	s := sub.svc
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.closed {
		return
	}
	select {
	case sub.ch <- Delivery{Frame: f, Missed: sub.missed}:
		sub.missed, sub.behindSince = 0, time.Time{}
		return
	default:
	}
	sub.missed++
	s.cfg.Observer.MeterFramesDropped("queue_full", 1)
	if sub.behindSince.IsZero() {
		sub.behindSince = now
		return
	}
	if now.Sub(sub.behindSince) > s.cfg.MaxBehind {
		sub.closeLocked(ErrTooSlow)
	}
}

// Subscribers is the number of open meter subscriptions.
func (s *Service) Subscribers() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, m := range s.subs {
		n += len(m)
	}
	return n
}

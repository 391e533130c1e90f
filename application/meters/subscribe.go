package meters

import (
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
	svc         *Service
	node        string
	ch          chan Delivery
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
	m := s.subs[nodeID]
	if m == nil {
		m = map[*Subscription]struct{}{}
		s.subs[nodeID] = m
	}
	m[sub] = struct{}{}
	return sub
}

// C is the delivery channel; it is closed when the subscription ends.
func (sub *Subscription) C() <-chan Delivery { return sub.ch }

// Node is the subscribed node id.
func (sub *Subscription) Node() string { return sub.node }

// Err is nil after Close, ErrTooSlow after a disconnect for slowness.
func (sub *Subscription) Err() error {
	sub.svc.mu.Lock()
	defer sub.svc.mu.Unlock()
	return sub.err
}

// Close ends the subscription; it is safe to call more than once.
func (sub *Subscription) Close() {
	sub.svc.mu.Lock()
	defer sub.svc.mu.Unlock()
	sub.svc.closeLocked(sub, nil)
}

func (s *Service) closeLocked(sub *Subscription, err error) {
	if sub.closed {
		return
	}
	sub.closed, sub.err = true, err
	if m := s.subs[sub.node]; m != nil {
		delete(m, sub)
		if len(m) == 0 {
			delete(s.subs, sub.node)
		}
	}
	close(sub.ch)
}

// deliverLocked offers f to sub without blocking; s.mu is held.
func (s *Service) deliverLocked(sub *Subscription, f agentapi.MeterFrame, now time.Time) {
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
		s.closeLocked(sub, ErrTooSlow)
	}
}

// Subscribers is the number of open meter subscriptions.
func (s *Service) Subscribers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.subs {
		n += len(m)
	}
	return n
}

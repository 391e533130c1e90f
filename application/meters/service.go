// Package meters keeps the live meter frames the agents stream: the latest
// frame and a bounded history per (node, interface) in memory — never a
// database row per frame — marks old frames stale, and fans frames out to
// subscribers without ever blocking ingest.
package meters

import (
	"sort"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Defaults of Config.
const (
	// DefaultHistory is the frames kept per interface: 60 s at 10 frames/s.
	DefaultHistory = 600
	// DefaultStaleAfter is the age after which a frame is stale.
	DefaultStaleAfter = 3 * time.Second
	// DefaultQueue is the per-subscriber queue length.
	DefaultQueue = 64
	// DefaultMaxBehind is how long a subscriber may keep missing frames.
	DefaultMaxBehind = 5 * time.Second
	// MaxLevels is the most channels one frame may carry.
	MaxLevels = 512
)

// Config tunes the service; zero fields take the defaults.
type Config struct {
	// History is the number of frames kept per (node, interface).
	History int
	// StaleAfter is the age after which a frame is stale (never shown as live).
	StaleAfter time.Duration
	// Queue is the per-subscriber queue length.
	Queue int
	// MaxBehind is how long a subscriber may keep missing frames before it
	// is disconnected.
	MaxBehind time.Duration
	Clock     ports.Clock
	Observer  ports.MeterObserver
}

// Reading is a stored frame with its age at the time of the query.
type Reading struct {
	Frame agentapi.MeterFrame
	// ReceivedAt is when the controller accepted the frame.
	ReceivedAt time.Time
	Age        time.Duration
	Stale      bool
}

type ifaceKey struct{ node, iface string }

// ring is a bounded history of one interface. Its own mutex guards it, so
// that the nodes' streams ingest in parallel.
type ring struct {
	key      ifaceKey
	mu       sync.Mutex
	slots    []slot
	next     int
	full     bool
	received time.Time
	labels   []string // label table of the packed levels
	posLabel []uint16 // the label index last used at each level position
}

func (r *ring) push(f *agentapi.MeterFrame) {
	s := &r.slots[r.next]
	if !r.pack(s, f) {
		c := *f
		s.full = &c
	}
	r.next = (r.next + 1) % len(r.slots)
	if r.next == 0 {
		r.full = true
	}
}

// empty reports whether r holds no frame yet (a ring is published just
// before its first frame is pushed).
func (r *ring) empty() bool { return !r.full && r.next == 0 }

func (r *ring) latest() agentapi.MeterFrame {
	return r.frame(&r.slots[(r.next-1+len(r.slots))%len(r.slots)])
}

func (r *ring) all() []agentapi.MeterFrame {
	n, start := r.next, 0
	if r.full {
		n, start = len(r.slots), r.next
	}
	out := make([]agentapi.MeterFrame, n)
	for i := range n {
		out[i] = r.frame(&r.slots[(start+i)%len(r.slots)])
	}
	return out
}

// Service is the in-memory meter store and fan-out. It is safe for
// concurrent use: mu guards only the two maps; each ring and each
// subscription has its own lock, and ingest delivers outside mu, so a
// thousand streams do not queue on one mutex.
type Service struct {
	cfg  Config
	mu   sync.RWMutex
	data map[ifaceKey]*ring
	// subs holds each node's subscriptions; a slice is never modified
	// once stored (Subscribe and close store a new one), so ingest can
	// range over it after releasing mu.
	subs map[string][]*Subscription
}

// New builds a service; zero Config fields take the defaults.
func New(cfg Config) *Service {
	if cfg.History <= 0 {
		cfg.History = DefaultHistory
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = DefaultStaleAfter
	}
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.MaxBehind <= 0 {
		cfg.MaxBehind = DefaultMaxBehind
	}
	if cfg.Clock == nil {
		cfg.Clock = ports.SystemClock{}
	}
	if cfg.Observer == nil {
		cfg.Observer = ports.NopMeterObserver{}
	}
	return &Service{cfg: cfg, data: map[ifaceKey]*ring{}, subs: map[string][]*Subscription{}}
}

// Validate checks a frame from the node nodeID; the error's code names the
// rejection reason after "meter." (meter.nodeMismatch, meter.tooManyLevels,
// meter.invalid).
func Validate(nodeID string, f *agentapi.MeterFrame) error {
	switch {
	case f == nil:
		return errs.New(errs.KindInvalid, "meter.invalid", "the message carries no meter frame")
	case f.NodeID != nodeID:
		return errs.New(errs.KindForbidden, "meter.nodeMismatch", "the frame's nodeId is not the stream's node")
	case len(f.Levels) > MaxLevels:
		return errs.New(errs.KindInvalid, "meter.tooManyLevels", "a frame carries at most 512 levels")
	case f.InterfaceID == "" || len(f.InterfaceID) > 200:
		return errs.New(errs.KindInvalid, "meter.invalid", "interfaceId must be 1-200 characters")
	case f.CapturedAt.IsZero():
		return errs.New(errs.KindInvalid, "meter.invalid", "capturedAt is required")
	}
	var seen [MaxLevels + 1]bool
	for _, l := range f.Levels {
		if l.ChannelIndex < 1 || l.ChannelIndex > MaxLevels {
			return errs.New(errs.KindInvalid, "meter.invalid", "channelIndex must be 1-512")
		}
		if seen[l.ChannelIndex] {
			return errs.New(errs.KindInvalid, "meter.invalid", "a channelIndex appears twice")
		}
		seen[l.ChannelIndex] = true
	}
	return nil
}

// Ingest validates and stores a frame streamed by nodeID and hands it to
// the node's subscribers. It never blocks on a subscriber.
func (s *Service) Ingest(nodeID string, f agentapi.MeterFrame) error {
	if err := Validate(nodeID, &f); err != nil {
		return err
	}
	now := s.cfg.Clock.Now()
	k := ifaceKey{f.NodeID, f.InterfaceID}
	s.mu.RLock()
	r := s.data[k]
	subs := s.subs[f.NodeID]
	s.mu.RUnlock()
	if r == nil {
		s.mu.Lock()
		if r = s.data[k]; r == nil {
			r = &ring{key: k, slots: make([]slot, s.cfg.History)}
			s.data[k] = r
		}
		s.mu.Unlock()
	}
	r.mu.Lock()
	r.push(&f)
	r.received = now
	r.mu.Unlock()
	s.cfg.Observer.MeterFrameReceived()
	for _, sub := range subs {
		sub.deliver(f, now)
	}
	return nil
}

// reading is the latest frame of r; r.mu is held.
func (s *Service) reading(r *ring, now time.Time) Reading {
	f := r.latest()
	// Age counts from the later of capture and receipt, so a skewed agent
	// clock cannot make a frame look fresher than its arrival.
	ref := f.CapturedAt
	if r.received.Before(ref) || ref.After(now) {
		ref = r.received
	}
	age := max(now.Sub(ref), 0)
	return Reading{Frame: f, ReceivedAt: r.received, Age: age, Stale: age > s.cfg.StaleAfter}
}

// Latest returns the newest frame of each of the node's interfaces, sorted
// by interface id, with Stale set when older than StaleAfter; nil when the
// node never sent a frame.
func (s *Service) Latest(nodeID string) []Reading {
	now := s.cfg.Clock.Now()
	var out []Reading
	for _, r := range s.rings(func(k ifaceKey) bool { return k.node == nodeID }) {
		r.mu.Lock()
		if !r.empty() {
			out = append(out, s.reading(r, now))
		}
		r.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Frame.InterfaceID < out[j].Frame.InterfaceID })
	return out
}

// Live returns the newest non-stale frame of every interface of every node
// (the Prometheus collector reads it at scrape time).
func (s *Service) Live() []agentapi.MeterFrame {
	now := s.cfg.Clock.Now()
	rings := s.rings(nil)
	out := make([]agentapi.MeterFrame, 0, len(rings))
	for _, r := range rings {
		r.mu.Lock()
		if !r.empty() {
			if rd := s.reading(r, now); !rd.Stale {
				out = append(out, rd.Frame)
			}
		}
		r.mu.Unlock()
	}
	return out
}

// rings returns the rings whose key match accepts (all when match is nil).
func (s *Service) rings(match func(ifaceKey) bool) []*ring {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []*ring
	for k, r := range s.data {
		if match == nil || match(k) {
			out = append(out, r)
		}
	}
	return out
}

// History returns the kept frames of one interface, oldest first.
func (s *Service) History(nodeID, interfaceID string) []agentapi.MeterFrame {
	s.mu.RLock()
	r := s.data[ifaceKey{nodeID, interfaceID}]
	s.mu.RUnlock()
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.all()
}

// Forget drops everything kept for a node (e.g. when it is deleted).
func (s *Service) Forget(nodeID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.data {
		if k.node == nodeID {
			delete(s.data, k)
		}
	}
}

// Package capture runs the one capture stream of each audio interface and
// fans it out: meters, recorders and live listening all tap the same open
// device (never a second open, never synthetic data during a recording).
package capture

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// Config tunes a Hub.
type Config struct {
	// Request is what the hub opens.
	Request ports.AudioRequest
	// MinBackoff and MaxBackoff bound the wait between reopen attempts; it
	// doubles after each failure (defaults 250 ms and 10 s).
	MinBackoff, MaxBackoff time.Duration
	// Logger receives state changes (default slog.Default()).
	Logger *slog.Logger
}

// Stats are a hub's counters.
type Stats struct {
	// Opens counts successful opens of the device.
	Opens int64
	// Failures counts failed opens and device errors.
	Failures int64
	// Blocks and Xruns count blocks fanned out and overruns reported.
	Blocks, Xruns int64
	// Running is true while the device is open.
	Running bool
	// Format is the format of the open (or last open) stream.
	Format pcm.Format
	// LastError is the most recent device error, nil after a reopen.
	LastError error
}

// Hub owns one interface's capture stream. Run opens the device once and
// delivers every block to every subscriber through a bounded channel; a
// subscriber that does not keep up loses blocks (and is told so), never
// slowing capture or the other subscribers. When the device fails, the hub
// tells the subscribers, reopens it with back-off and resumes; the running
// sample index continues across the outage.
type Hub struct {
	opener ports.AudioOpener
	cfg    Config

	mu    sync.Mutex
	subs  []*Subscription
	done  bool
	stats Stats
}

// NewHub returns a hub that will open req through opener when Run starts.
func NewHub(opener ports.AudioOpener, cfg Config) *Hub {
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 250 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(10*time.Second, cfg.MinBackoff)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Hub{opener: opener, cfg: cfg}
}

// Subscribe adds a listener whose channel holds buffer messages (at least
// 1). Subscribing to a stopped hub returns a closed subscription.
func (h *Hub) Subscribe(buffer int) *Subscription {
	s := &Subscription{hub: h, ch: make(chan Message, max(1, buffer))}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done {
		s.closed = true
		close(s.ch)
		return s
	}
	h.subs = append(h.subs, s)
	return s
}

func (h *Hub) unsubscribe(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	close(s.ch)
	for i, x := range h.subs {
		if x == s {
			h.subs = append(h.subs[:i], h.subs[i+1:]...)
			break
		}
	}
}

// Stats returns a snapshot of the counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

// broadcast delivers m to every subscriber without blocking.
func (h *Hub) broadcast(m Message) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.subs {
		s.deliver(m)
	}
}

// Run captures until ctx ends, then closes every subscription and returns
// ctx's error. A hub runs once.
func (h *Hub) Run(ctx context.Context) error {
	defer h.stop()
	var (
		t       timeline
		backoff = h.cfg.MinBackoff
		lost    = false // subscribers were told the device is lost
	)
	for {
		src, err := h.opener.OpenAudio(ctx, h.cfg.Request)
		if err == nil {
			h.opened(src.Format(), lost)
			lost = false
			began := time.Now()
			err = h.pump(ctx, src, &t)
			_ = src.Close()
			if time.Since(began) >= h.cfg.MaxBackoff {
				backoff = h.cfg.MinBackoff // it ran well: start the back-off afresh
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		h.failed(err, !lost)
		lost = true
		if err := h.wait(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, h.cfg.MaxBackoff)
	}
}

// flushEvery is how often status messages held for full listeners are
// retried while no blocks flow (blocks retry them as they pass).
const flushEvery = 50 * time.Millisecond

// wait sleeps d, meanwhile handing held status messages (such as "device
// lost") to listeners that have made room for them.
func (h *Hub) wait(ctx context.Context, d time.Duration) error {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	for {
		h.mu.Lock()
		for _, s := range h.subs {
			s.flush()
		}
		h.mu.Unlock()
		select {
		case <-deadline.C:
			return nil
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// pump reads src and fans its blocks out until a device error or ctx ends.
func (h *Hub) pump(ctx context.Context, src ports.AudioSource, t *timeline) error {
	t.reopened = true
	for {
		b, err := src.Read(ctx)
		if err != nil {
			var x *ports.XrunError
			if !errors.As(err, &x) {
				return err
			}
			h.mu.Lock()
			h.stats.Xruns++
			h.mu.Unlock()
			h.broadcast(Message{Kind: KindXrun, Err: err})
			continue
		}
		t.place(&b)
		h.mu.Lock()
		h.stats.Blocks++
		for _, s := range h.subs {
			s.deliver(Message{Kind: KindBlock, Block: b})
		}
		h.mu.Unlock()
	}
}

func (h *Hub) opened(f pcm.Format, wasLost bool) {
	h.mu.Lock()
	h.stats.Opens++
	h.stats.Running, h.stats.Format, h.stats.LastError = true, f, nil
	h.mu.Unlock()
	if wasLost {
		h.cfg.Logger.Info("capture device resumed", "device", h.cfg.Request.Device, "format", f.String())
		h.broadcast(Message{Kind: KindDeviceResumed})
	}
}

// failed records a device error and, once per outage, tells subscribers.
func (h *Hub) failed(err error, tell bool) {
	if err == nil {
		err = ports.DeviceUnavailable(h.cfg.Request.Device, errors.New("the stream ended"))
	}
	h.mu.Lock()
	h.stats.Failures++
	h.stats.Running, h.stats.LastError = false, err
	h.mu.Unlock()
	if tell {
		h.cfg.Logger.Warn("capture device lost; reopening with back-off", "device", h.cfg.Request.Device, "err", err)
		h.broadcast(Message{Kind: KindDeviceLost, Err: err})
	}
}

// stop closes every subscription; later subscriptions start closed.
func (h *Hub) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.done = true
	h.stats.Running = false
	for _, s := range h.subs {
		s.closed = true
		close(s.ch)
	}
	h.subs = nil
}

// timeline maps each open's sample index onto the hub's running index.
type timeline struct {
	started  bool
	reopened bool
	offset   int64     // hub index − source index
	end      int64     // hub index after the last block
	endAt    time.Time // wall-clock time the last block ended
}

// place rewrites b's index (and, after a reopen, its gap) onto the running
// index: after an outage the index advances by the wall-clock time the
// device was away, so recorders can keep audio aligned with time.
func (t *timeline) place(b *ports.AudioBlock) {
	if t.reopened {
		t.reopened = false
		if !t.started {
			t.offset = -b.Index
		} else {
			away := b.CapturedAt.Sub(t.endAt).Seconds() * float64(b.Format.SampleRate)
			gap := max(0, int64(math.Round(away)))
			t.offset = t.end + gap - b.Index
			b.Gap += gap
			b.Discontinuity = true
		}
		t.started = true
	}
	b.Index += t.offset
	t.end = b.End()
	t.endAt = b.CapturedAt.Add(b.Duration())
}

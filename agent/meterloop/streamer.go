package meterloop

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/rakkr/rakkr/agent/healthlog"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// StreamOpener opens the agent's stream (ports.ControllerClient does).
type StreamOpener interface {
	// OpenStream dials the controller's agent stream.
	OpenStream(ctx context.Context) (ports.StreamConn, error)
}

// Streamer sends frames to the controller over the agent WebSocket,
// reconnecting with back-off. Frames are live data: those offered while
// disconnected, or beyond the small buffer, are dropped, never queued.
type Streamer struct {
	opener StreamOpener
	cfg    StreamerConfig
	ch     chan agentapi.MeterFrame

	connected atomic.Bool
	sent      atomic.Int64
	dropped   atomic.Int64
}

// StreamerConfig tunes a Streamer.
type StreamerConfig struct {
	// Buffer is how many frames may wait for the connection (default 32).
	Buffer int
	// MinBackoff and MaxBackoff bound the reconnect wait (1 s … 60 s).
	MinBackoff, MaxBackoff time.Duration
	// Fatal, when not nil, tells whether a dial error must stop Run.
	Fatal func(error) bool
	// Logger receives connection changes (default slog.Default()).
	Logger *slog.Logger
}

// NewStreamer returns a streamer using opener.
func NewStreamer(opener StreamOpener, cfg StreamerConfig) *Streamer {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 32
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(60*time.Second, cfg.MinBackoff)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Streamer{opener: opener, cfg: cfg, ch: make(chan agentapi.MeterFrame, cfg.Buffer)}
}

// Offer implements FrameSink.
func (s *Streamer) Offer(f agentapi.MeterFrame) {
	if !s.connected.Load() {
		s.dropped.Add(1)
		return
	}
	select {
	case s.ch <- f:
	default:
		s.dropped.Add(1)
	}
}

// Counts returns how many frames were sent and dropped so far.
func (s *Streamer) Counts() (sent, dropped int64) { return s.sent.Load(), s.dropped.Load() }

// Run keeps the stream connected and sends frames until ctx ends; it
// returns ctx's error or the dial error Fatal accepted.
func (s *Streamer) Run(ctx context.Context) error {
	backoff := s.cfg.MinBackoff
	for {
		conn, err := s.opener.OpenStream(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if s.cfg.Fatal != nil && s.cfg.Fatal(err) {
				return err
			}
			s.cfg.Logger.Warn("meter stream unavailable; retrying", "err", err, "in", backoff)
			if !sleep(ctx, healthlog.Jitter(backoff)) {
				return ctx.Err()
			}
			backoff = min(2*backoff, s.cfg.MaxBackoff)
			continue
		}
		began := time.Now()
		s.cfg.Logger.Info("meter stream connected")
		s.connected.Store(true)
		err = s.pump(ctx, conn)
		s.connected.Store(false)
		_ = conn.Close()
		s.drain()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Since(began) > s.cfg.MaxBackoff {
			backoff = s.cfg.MinBackoff
		}
		s.cfg.Logger.Warn("meter stream lost; reconnecting", "err", err, "in", backoff)
		if !sleep(ctx, healthlog.Jitter(backoff)) {
			return ctx.Err()
		}
		backoff = min(2*backoff, s.cfg.MaxBackoff)
	}
}

// pump sends buffered frames until a send fails or ctx ends.
func (s *Streamer) pump(ctx context.Context, conn ports.StreamConn) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case f := <-s.ch:
			if err := conn.Send(ctx, agentapi.StreamMessage{Type: "meter", Meter: &f}); err != nil {
				return err
			}
			s.sent.Add(1)
		}
	}
}

// drain drops the frames left in the buffer (they are stale now).
func (s *Streamer) drain() {
	for {
		select {
		case <-s.ch:
			s.dropped.Add(1)
		default:
			return
		}
	}
}

// sleep waits d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

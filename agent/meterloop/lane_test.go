package meterloop_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/agent/meterloop"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// events is an in-memory EventSink.
type events struct {
	mu  sync.Mutex
	all []agentapi.HealthEvent
}

func (e *events) Append(ev agentapi.HealthEvent) (agentapi.HealthEvent, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.all = append(e.all, ev)
	return ev, nil
}

func (e *events) count(typ string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.all {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

// frames is an in-memory FrameSink.
type frames struct{ n atomic.Int64 }

func (f *frames) Offer(agentapi.MeterFrame) { f.n.Add(1) }

// scripted is a source that plays 20 ms blocks of a quiet tone in real
// time, reports an xrun every xrunEvery blocks, and fails after failAfter
// blocks (once per opener).
type scripted struct {
	format            pcm.Format
	blocks, xrunEvery int
	failAfter         int
	xrunsUntil        int // no xruns after this many blocks (0: always)
	closed            atomic.Bool
}

func (s *scripted) Format() pcm.Format { return s.format }

func (s *scripted) Read(ctx context.Context) (ports.AudioBlock, error) {
	if s.closed.Load() {
		return ports.AudioBlock{}, ports.ErrSourceClosed
	}
	select {
	case <-ctx.Done():
		return ports.AudioBlock{}, ctx.Err()
	case <-time.After(20 * time.Millisecond):
	}
	s.blocks++
	if s.failAfter > 0 && s.blocks > s.failAfter {
		return ports.AudioBlock{}, ports.DeviceUnavailable("scripted", errors.New("unplugged"))
	}
	if s.xrunEvery > 0 && s.blocks%s.xrunEvery == 0 && (s.xrunsUntil == 0 || s.blocks <= s.xrunsUntil) {
		return ports.AudioBlock{}, &ports.XrunError{LostFrames: 10}
	}
	n := s.format.FramesIn(20 * time.Millisecond)
	b := ports.AudioBlock{Format: s.format, Samples: make([]float32, n*s.format.Channels), CapturedAt: time.Now().Add(-20 * time.Millisecond)}
	for i := range b.Samples {
		b.Samples[i] = 0.1 * float32(i%7-3)
	}
	return b, nil
}

func (s *scripted) Close() error { s.closed.Store(true); return nil }

// opener hands out scripted sources; the first fails after 10 blocks.
type opener struct {
	opens      atomic.Int64
	xrunEvery  int
	xrunsUntil int
	noFailure  bool
}

func (o *opener) OpenAudio(ctx context.Context, _ ports.AudioRequest) (ports.AudioSource, error) {
	n := o.opens.Add(1)
	s := &scripted{format: pcm.Format{SampleRate: 8000, Channels: 2}, xrunEvery: o.xrunEvery, xrunsUntil: o.xrunsUntil}
	if n == 1 && !o.noFailure {
		s.failAfter = 10
	}
	return s, nil
}

func run(t *testing.T, o *opener, d time.Duration, tune ...func(*meterloop.Lane)) (*events, *frames) {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := capture.NewHub(o, capture.Config{MinBackoff: 100 * time.Millisecond, Logger: quiet})
	ev, fr := &events{}, &frames{}
	lane := &meterloop.Lane{Hub: hub, SystemRef: "test:1", NodeID: "n", InterfaceID: func() string { return "if-1" },
		Frames: fr, Events: ev, XrunInterval: 10 * time.Second, Logger: quiet}
	for _, f := range tune {
		f(lane)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = hub.Run(ctx) }()
	go func() { defer wg.Done(); _ = lane.Run(ctx) }()
	wg.Wait()
	return ev, fr
}

func TestLaneDeviceLostAndRecovered(t *testing.T) {
	ev, fr := run(t, &opener{}, 1500*time.Millisecond)
	if ev.count(meterloop.EventDeviceUnavailable) != 1 || ev.count(meterloop.EventDeviceRecovered) != 1 {
		t.Fatalf("events %+v", ev.all)
	}
	for _, e := range ev.all {
		if e.Type == meterloop.EventDeviceUnavailable && (e.Severity != agentapi.SeverityCritical || e.InterfaceID != "if-1") {
			t.Fatalf("device event %+v", e)
		}
		if e.Type == meterloop.EventDeviceRecovered && e.Resolves != meterloop.EventDeviceUnavailable {
			t.Fatalf("recovery %+v", e)
		}
	}
	if fr.n.Load() < 5 {
		t.Fatalf("only %d frames", fr.n.Load())
	}
}

func TestLaneXrunRateLimited(t *testing.T) {
	ev, _ := run(t, &opener{xrunEvery: 5}, 1500*time.Millisecond)
	if n := ev.count(meterloop.EventXrun); n != 1 {
		t.Fatalf("%d xrun events within 10 s; want 1", n)
	}
}

func TestLaneXrunResolvesAfterAQuietSpell(t *testing.T) {
	ev, _ := run(t, &opener{xrunEvery: 3, xrunsUntil: 9, noFailure: true}, 1500*time.Millisecond,
		func(l *meterloop.Lane) { l.XrunQuiet = 400 * time.Millisecond })
	if ev.count(meterloop.EventXrun) != 1 || ev.count(meterloop.EventXrun+"_recovered") != 1 {
		t.Fatalf("events %+v", ev.all)
	}
	for _, e := range ev.all {
		if e.Type == meterloop.EventXrun+"_recovered" && (e.Resolves != meterloop.EventXrun || e.Severity != agentapi.SeverityInfo) {
			t.Fatalf("recovery %+v", e)
		}
	}
}

func TestLaneXrunStaysOpenWhileOverrunsGoOn(t *testing.T) {
	ev, _ := run(t, &opener{xrunEvery: 5, noFailure: true}, 1200*time.Millisecond,
		func(l *meterloop.Lane) { l.XrunQuiet = 400 * time.Millisecond })
	if ev.count(meterloop.EventXrun+"_recovered") != 0 {
		t.Fatalf("xrun resolved while overruns continued: %+v", ev.all)
	}
}

// conns fails to open until open is set; it counts sent frames.
type conns struct {
	open atomic.Bool
	sent atomic.Int64
}

func (c *conns) OpenStream(context.Context) (ports.StreamConn, error) {
	if !c.open.Load() {
		return nil, errors.New("refused")
	}
	return c, nil
}
func (c *conns) Send(context.Context, agentapi.StreamMessage) error { c.sent.Add(1); return nil }
func (c *conns) Close() error                                       { return nil }

func TestStreamerDropsFramesWhileDisconnected(t *testing.T) {
	c := &conns{}
	s := meterloop.NewStreamer(c, meterloop.StreamerConfig{Buffer: 4, MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	for i := 0; i < 100; i++ {
		s.Offer(agentapi.MeterFrame{})
	}
	if sent, dropped := s.Counts(); sent != 0 || dropped != 100 {
		t.Fatalf("while disconnected sent %d dropped %d", sent, dropped)
	}
	c.open.Store(true)
	deadline := time.Now().Add(2 * time.Second)
	for c.sent.Load() < 5 && time.Now().Before(deadline) {
		s.Offer(agentapi.MeterFrame{})
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if c.sent.Load() < 5 {
		t.Fatalf("sent %d after connecting", c.sent.Load())
	}
}

// Package meterloop turns an interface's capture stream into live meter
// frames (10 per second) for the controller and into health events: the
// debounced fault rules of domain/quality, device loss and overruns.
package meterloop

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/quality"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Health event types emitted by a Lane besides the fault transitions
// (quality.Transition.EventType).
const (
	EventDeviceUnavailable = "agent.meter.device_unavailable"
	EventDeviceRecovered   = "agent.meter.device_recovered"
	EventXrun              = "agent.meter.xrun"
)

// FrameSink receives wire frames. Offer must not block.
type FrameSink interface {
	// Offer hands over a frame, which the sink owns from then on.
	Offer(f agentapi.MeterFrame)
}

// EventSink records health events durably.
type EventSink interface {
	// Append records e, filling its id and time when empty.
	Append(e agentapi.HealthEvent) (agentapi.HealthEvent, error)
}

// Lane meters one interface: it subscribes to the interface's capture hub
// (the device is opened once, by the hub), meters every FrameDuration of
// audio, offers each frame to Frames and records fault transitions,
// device loss and overruns in Events.
type Lane struct {
	// Hub is the interface's capture hub.
	Hub *capture.Hub
	// SystemRef is the interface's stable identity (put in event details).
	SystemRef string
	// NodeID is written into each frame.
	NodeID string
	// InterfaceID returns the controller's id of the interface; while it
	// returns "" (not reconciled yet) frames are not offered.
	InterfaceID func() string
	// Labels are the channel labels (default "Input N").
	Labels []string
	// Quality configures the meter (zero: quality.DefaultConfig()).
	Quality quality.Config
	// Faults configures the fault rules (zero: quality.DefaultFaultConfig()).
	Faults quality.FaultConfig
	// Frames receives the frames; Events the health events.
	Frames FrameSink
	Events EventSink
	// XrunInterval rate-limits xrun events (default 10 s).
	XrunInterval time.Duration
	// XrunQuiet is how long capture must run without an xrun before an
	// "agent.meter.xrun_recovered" event resolves the xrun warning
	// (default 60 s): one overrun must not leave a node degraded for good.
	XrunQuiet time.Duration
	// Logger receives failures (default slog.Default()).
	Logger *slog.Logger
}

// laneState is the running state of Lane.Run.
type laneState struct {
	analyzer *quality.Analyzer
	tracker  *quality.FaultTracker
	format   pcm.Format
	buf      []float32
	at       time.Time
	lastXrun time.Time
	// xrunSeen is the last overrun while an xrun warning is open (zero
	// when none is).
	xrunSeen time.Time
}

// Run meters until ctx ends or the hub stops, and returns ctx's error (nil
// when the hub stopped first).
func (l *Lane) Run(ctx context.Context) error {
	if l.Quality == (quality.Config{}) {
		l.Quality = quality.DefaultConfig()
	}
	if l.Faults == (quality.FaultConfig{}) {
		l.Faults = quality.DefaultFaultConfig()
	}
	if l.XrunInterval <= 0 {
		l.XrunInterval = 10 * time.Second
	}
	if l.XrunQuiet <= 0 {
		l.XrunQuiet = time.Minute
	}
	if l.Logger == nil {
		l.Logger = slog.Default()
	}
	tracker, err := quality.NewFaultTracker(l.Faults)
	if err != nil {
		return fmt.Errorf("meter lane %s: %w", l.SystemRef, err)
	}
	st := &laneState{tracker: tracker}
	sub := l.Hub.Subscribe(64)
	defer sub.Close()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m, ok := <-sub.C():
			if !ok {
				return ctx.Err()
			}
			if err := l.handle(st, m); err != nil {
				return err
			}
		}
	}
}

// handle processes one hub message.
func (l *Lane) handle(st *laneState, m capture.Message) error {
	if m.MissedBlocks > 0 {
		st.buf = st.buf[:0] // the frame would not be contiguous audio
	}
	switch m.Kind {
	case capture.KindBlock:
		if !st.xrunSeen.IsZero() && time.Since(st.xrunSeen) >= l.XrunQuiet {
			st.xrunSeen = time.Time{}
			l.event(agentapi.HealthEvent{Type: EventXrun + "_recovered", Severity: agentapi.SeverityInfo, Resolves: EventXrun,
				Details: map[string]any{"quietSeconds": l.XrunQuiet.Seconds()}})
		}
		return l.block(st, m)
	case capture.KindXrun:
		st.buf = st.buf[:0]
		now := time.Now()
		st.xrunSeen = now
		if st.lastXrun.IsZero() || now.Sub(st.lastXrun) >= l.XrunInterval {
			st.lastXrun = now
			l.event(agentapi.HealthEvent{Type: EventXrun, Severity: agentapi.SeverityWarning, Details: map[string]any{"error": errText(m.Err)}})
		}
	case capture.KindDeviceLost:
		st.buf = st.buf[:0]
		l.event(agentapi.HealthEvent{Type: EventDeviceUnavailable, Severity: agentapi.SeverityCritical, Details: map[string]any{"error": errText(m.Err)}})
	case capture.KindDeviceResumed:
		l.event(agentapi.HealthEvent{Type: EventDeviceRecovered, Severity: agentapi.SeverityInfo, Resolves: EventDeviceUnavailable})
	}
	return nil
}

// block appends a block's samples and meters every complete frame.
func (l *Lane) block(st *laneState, m capture.Message) error {
	b := m.Block
	if b.Format != st.format || st.analyzer == nil {
		a, err := quality.NewAnalyzer(b.Format, l.Quality)
		if err != nil {
			return fmt.Errorf("meter lane %s: %w", l.SystemRef, err)
		}
		st.analyzer, st.format, st.buf = a, b.Format, st.buf[:0]
	}
	if b.Discontinuity || b.Gap > 0 {
		st.buf = st.buf[:0]
	}
	ch := b.Format.Channels
	need := st.analyzer.FrameLength() * ch
	samples := b.Samples
	offset := 0 // frames of b consumed
	for len(samples) > 0 {
		if len(st.buf) == 0 {
			st.at = b.CapturedAt.Add(b.Format.Duration(int64(offset)))
		}
		n := min(need-len(st.buf), len(samples))
		st.buf = append(st.buf, samples[:n]...)
		samples = samples[n:]
		offset += n / ch
		if len(st.buf) < need {
			break
		}
		f, err := st.analyzer.Analyze(st.buf)
		st.buf = st.buf[:0]
		if err != nil {
			return fmt.Errorf("meter lane %s: %w", l.SystemRef, err)
		}
		l.frame(st, f)
	}
	return nil
}

// frame offers one analysed frame and records its fault transitions.
func (l *Lane) frame(st *laneState, f quality.Frame) {
	id := l.interfaceID()
	if id != "" && l.Frames != nil {
		var wire agentapi.MeterFrame
		agentapi.FromQualityFrame(&wire, l.NodeID, id, st.at, f, l.Labels)
		l.Frames.Offer(wire)
	}
	for _, t := range st.tracker.Observe(f, st.at) {
		l.event(transitionEvent(t))
	}
}

func (l *Lane) interfaceID() string {
	if l.InterfaceID == nil {
		return ""
	}
	return l.InterfaceID()
}

// event fills the interface fields and records e.
func (l *Lane) event(e agentapi.HealthEvent) {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details["systemRef"] = l.SystemRef
	e.InterfaceID = l.interfaceID()
	if l.Events == nil {
		return
	}
	if _, err := l.Events.Append(e); err != nil {
		l.Logger.Error("cannot record health event", "type", e.Type, "err", err)
	}
}

// transitionEvent converts a fault transition into a health event.
func transitionEvent(t quality.Transition) agentapi.HealthEvent {
	ev := t.Evidence
	e := agentapi.HealthEvent{
		Type: t.EventType(), Severity: agentapi.SeverityWarning, OpenedAt: t.At.UTC(),
		Details: map[string]any{
			"fault": string(t.Fault), "since": ev.Since.UTC().Format(time.RFC3339Nano), "frames": ev.Frames,
			"maxSpeech": r3(ev.MaxSpeech), "maxNoise": r3(ev.MaxNoise), "maxBroadband": r3(ev.MaxBroadband),
			"maxHum": r3(ev.MaxHum), "maxStatic": r3(ev.MaxStatic), "minSnrDb": r3(ev.MinSNRDB),
			"minIntelligibility": r3(ev.MinIntelligibility), "maxRmsDbfs": r3(ev.MaxRMSDBFS), "maxPeakDbfs": r3(ev.MaxPeakDBFS),
		},
	}
	if t.Raised {
		e.Details["score"] = r3(t.Score)
	} else {
		e.Severity = agentapi.SeverityInfo
		e.Resolves = "agent.meter." + string(t.Fault)
	}
	return e
}

func r3(v float64) float64 { return math.Round(v*1000)/1000 + 0 }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

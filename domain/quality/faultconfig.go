package quality

import (
	"fmt"
	"time"
)

// Fault names a condition of the meter stream that is raised and cleared.
type Fault string

// The faults, named as in the agent's health events.
const (
	FaultFlatline    Fault = "flatline"
	FaultLowSignal   Fault = "low_signal"
	FaultClipping    Fault = "clipping"
	FaultCorrelation Fault = "channel_correlation"
)

// Faults lists every fault in reporting order.
var Faults = []Fault{FaultFlatline, FaultLowSignal, FaultClipping, FaultCorrelation}

// FaultConfig holds the thresholds and debounce spans of the fault rules.
type FaultConfig struct {
	// FlatlineDBFS: a frame is flat when every channel's RMS is at or below.
	FlatlineDBFS float64
	// FlatlineSpan is how long flat frames must last to raise, and non-flat
	// frames to clear.
	FlatlineSpan time.Duration
	// LowSignalDBFS: a frame is low when its loudest channel's RMS is at or
	// below.
	LowSignalDBFS float64
	// LowSignalSpan is the raise and clear span of low signal.
	LowSignalSpan time.Duration
	// CorrelationMin: a frame shows duplicated channels when some pair has
	// |r| at or above.
	CorrelationMin float64
	// CorrelationSpan is the raise and clear span of channel correlation.
	CorrelationSpan time.Duration
	// ClippingFrames clipped frames within ClippingWindow raise clipping;
	// a ClippingWindow without any clipped frame clears it.
	ClippingFrames int
	// ClippingWindow is the clipping window.
	ClippingWindow time.Duration
	// ClipDBFS is the clip threshold used for the clipping severity score;
	// keep it equal to Config.ClipDBFS.
	ClipDBFS float64
	// MaxGap is the largest hole between consecutive frames that still
	// counts as a continuous stream; after a longer hole every pending span
	// starts again (raised faults stay raised).
	MaxGap time.Duration
}

// DefaultFaultConfig returns the defaults documented in docs/quality.md.
func DefaultFaultConfig() FaultConfig {
	return FaultConfig{
		FlatlineDBFS:    -120,
		FlatlineSpan:    5 * time.Second,
		LowSignalDBFS:   -55,
		LowSignalSpan:   10 * time.Second,
		CorrelationMin:  0.98,
		CorrelationSpan: 10 * time.Second,
		ClippingFrames:  3,
		ClippingWindow:  3 * time.Second,
		ClipDBFS:        -1,
		MaxGap:          time.Second,
	}
}

// Validate reports the first setting that is out of range.
func (c FaultConfig) Validate() error {
	spans := []struct {
		name string
		d    time.Duration
	}{{"flatline span", c.FlatlineSpan}, {"low signal span", c.LowSignalSpan}, {"correlation span", c.CorrelationSpan}, {"clipping window", c.ClippingWindow}, {"max gap", c.MaxGap}}
	for _, s := range spans {
		if s.d <= 0 || s.d > time.Hour {
			return fmt.Errorf("%w: %s %s (want 0..1h)", ErrInvalidConfig, s.name, s.d)
		}
	}
	switch {
	case c.FlatlineDBFS < FloorDBFS || c.FlatlineDBFS >= c.LowSignalDBFS:
		return fmt.Errorf("%w: flatline threshold %.1f dBFS must be above %v and below the low-signal threshold", ErrInvalidConfig, c.FlatlineDBFS, FloorDBFS)
	case c.LowSignalDBFS >= 0:
		return fmt.Errorf("%w: low-signal threshold %.1f dBFS (want below 0)", ErrInvalidConfig, c.LowSignalDBFS)
	case c.CorrelationMin <= 0 || c.CorrelationMin > 1:
		return fmt.Errorf("%w: correlation threshold %.3f (want 0..1]", ErrInvalidConfig, c.CorrelationMin)
	case c.ClippingFrames < 1 || c.ClippingFrames > 1000:
		return fmt.Errorf("%w: clipping frames %d (want 1..1000)", ErrInvalidConfig, c.ClippingFrames)
	case c.ClipDBFS > 0 || c.ClipDBFS < -20:
		return fmt.Errorf("%w: clip threshold %.1f dBFS (want -20..0)", ErrInvalidConfig, c.ClipDBFS)
	}
	return nil
}

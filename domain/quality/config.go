package quality

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidConfig is wrapped by every configuration validation failure.
var ErrInvalidConfig = errors.New("invalid quality configuration")

// Config holds the per-frame metering settings.
type Config struct {
	// FrameDuration is the length of one meter frame; 100 ms gives the live
	// rate of 10 frames per second.
	FrameDuration time.Duration
	// ClipDBFS is the sample peak at or above which a frame counts as
	// clipping.
	ClipDBFS float64
	// CorrelationReportMin is the smallest |r| reported as a channel's
	// correlated peer.
	CorrelationReportMin float64
	// CorrelationMinDBFS is the RMS both channels of a pair must exceed for
	// their correlation to be computed (quieter channels are noise floor).
	CorrelationMinDBFS float64
}

// DefaultConfig returns the settings documented in docs/quality.md.
func DefaultConfig() Config {
	return Config{
		FrameDuration:        100 * time.Millisecond,
		ClipDBFS:             -1.0,
		CorrelationReportMin: 0.80,
		CorrelationMinDBFS:   -65,
	}
}

// Validate reports the first setting that is out of range.
func (c Config) Validate() error {
	switch {
	case c.FrameDuration < 20*time.Millisecond || c.FrameDuration > time.Second:
		return fmt.Errorf("%w: frame duration %s (want 20ms..1s)", ErrInvalidConfig, c.FrameDuration)
	case c.ClipDBFS > 0 || c.ClipDBFS < -20:
		return fmt.Errorf("%w: clip threshold %.1f dBFS (want -20..0)", ErrInvalidConfig, c.ClipDBFS)
	case c.CorrelationReportMin <= 0 || c.CorrelationReportMin > 1:
		return fmt.Errorf("%w: correlation report minimum %.2f (want 0..1]", ErrInvalidConfig, c.CorrelationReportMin)
	case c.CorrelationMinDBFS < FloorDBFS || c.CorrelationMinDBFS > 0:
		return fmt.Errorf("%w: correlation level gate %.1f dBFS (want %v..0)", ErrInvalidConfig, c.CorrelationMinDBFS, FloorDBFS)
	}
	return nil
}

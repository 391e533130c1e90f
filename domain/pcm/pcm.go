// Package pcm describes blocks of audio samples as the rest of the system
// sees them: interleaved float32 frames normalised to ±1, a channel count and
// a sample rate. Decoders (WAV files, capture devices) produce it; metering
// and quality scoring consume it.
package pcm

import (
	"errors"
	"fmt"
	"time"
)

// MaxChannels bounds the channel count accepted anywhere in Rakkr; larger
// values in a header are almost certainly corruption.
const MaxChannels = 64

// MinSampleRate and MaxSampleRate bound the sample rates Rakkr accepts.
const (
	MinSampleRate = 8000
	MaxSampleRate = 384000
)

// ErrInvalidFormat is wrapped by every Format validation failure.
var ErrInvalidFormat = errors.New("invalid audio format")

// Format is the shape of a sample stream: samples per second per channel and
// the number of interleaved channels.
type Format struct {
	SampleRate int
	Channels   int
}

// Validate reports whether the format is one Rakkr can meter.
func (f Format) Validate() error {
	if f.Channels < 1 || f.Channels > MaxChannels {
		return fmt.Errorf("%w: %d channels (want 1..%d)", ErrInvalidFormat, f.Channels, MaxChannels)
	}
	if f.SampleRate < MinSampleRate || f.SampleRate > MaxSampleRate {
		return fmt.Errorf("%w: sample rate %d Hz (want %d..%d)", ErrInvalidFormat, f.SampleRate, MinSampleRate, MaxSampleRate)
	}
	return nil
}

// FramesIn returns how many sample frames (one sample per channel) cover d,
// rounded to the nearest frame and at least one.
func (f Format) FramesIn(d time.Duration) int {
	n := int((int64(f.SampleRate)*int64(d) + int64(time.Second)/2) / int64(time.Second))
	if n < 1 {
		n = 1
	}
	return n
}

// Duration returns the playing time of n sample frames.
func (f Format) Duration(n int64) time.Duration {
	if f.SampleRate <= 0 {
		return 0
	}
	sec := n / int64(f.SampleRate)
	rem := n % int64(f.SampleRate)
	return time.Duration(sec)*time.Second + time.Duration(rem*int64(time.Second)/int64(f.SampleRate))
}

// String renders the format as "48000 Hz, 2 ch".
func (f Format) String() string {
	return fmt.Sprintf("%d Hz, %d ch", f.SampleRate, f.Channels)
}

// Package demosource is a synthetic input for machines without a capture
// device: two talkers with pauses at −20 dBFS, played at real time. It is
// always listed with backend "demo" and the name "Demo signal (not a real
// input)" so that nobody mistakes it for a microphone.
package demosource

import (
	"context"
	"fmt"
	"sync"

	"github.com/rakkr/rakkr/adapters/filesource"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
	"github.com/rakkr/rakkr/ports"
)

// The demo input's identity in inventories and in RAKKR_AUDIO_SOURCE.
const (
	// Device is the device name and the RAKKR_AUDIO_SOURCE value.
	Device = "demo"
	// Name is the systemName shown to operators.
	Name = "Demo signal (not a real input)"
	// SystemRef is the stable identity of the demo input.
	SystemRef = "demo:signal"
	// Channels is the demo's channel count.
	Channels = 2
	// SampleRate is the demo's default sample rate.
	SampleRate = 48000
	// LevelDBFS is the RMS level of the talkers while they talk.
	LevelDBFS = -20
	// loopSeconds is the length of the repeating clip.
	loopSeconds = 12
)

// Signal returns loopSeconds of the demo signal at rate, interleaved: a
// low voice on channel 1 and a higher one on channel 2, each talking in
// sentences with pauses over a quiet room-noise floor. The loop starts
// mid-sentence, so that a meter taken right after opening shows speech.
func Signal(rate int) []float32 {
	left := synth.Speech(synth.Voice{Rate: rate, Seconds: loopSeconds, PitchHz: 115, LevelDBFS: LevelDBFS, NoiseDBFS: -70, Seed: 1})
	right := synth.Speech(synth.Voice{Rate: rate, Seconds: loopSeconds, PitchHz: 205, LevelDBFS: LevelDBFS, NoiseDBFS: -70, Seed: 2})
	s := synth.Interleave(left, right)
	start := 2 * (rate / 2) // 0.5 s in
	return append(s[start:], s[:start]...)
}

// Opener opens the demo signal. The clip is synthesised once per sample
// rate and shared by every open.
type Opener struct {
	mu    sync.Mutex
	clips map[int][]float32
}

// OpenAudio starts the demo signal. Device must be "", "demo" or Name; Channels
// may be 0, 1 or 2; SampleRate 0 means 48000.
func (o *Opener) OpenAudio(ctx context.Context, req ports.AudioRequest) (ports.AudioSource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if req.Device != "" && req.Device != Device && req.Device != Name {
		return nil, ports.DeviceUnavailable(req.Device, fmt.Errorf("the demo source has only the device %q", Device))
	}
	rate := req.SampleRate
	if rate <= 0 {
		rate = SampleRate
	}
	format := pcm.Format{SampleRate: rate, Channels: Channels}
	if err := format.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ports.ErrFormatUnsupported, err)
	}
	if req.Channels > Channels {
		return nil, fmt.Errorf("%w: the demo signal has %d channels", ports.ErrFormatUnsupported, Channels)
	}
	samples := o.clip(rate)
	if req.Channels == 1 {
		mono := make([]float32, len(samples)/2)
		for i := range mono {
			mono[i] = samples[2*i]
		}
		samples, format.Channels = mono, 1
	}
	return filesource.NewClip(format, samples, req.BlockDuration)
}

func (o *Opener) clip(rate int) []float32 {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.clips == nil {
		o.clips = map[int][]float32{}
	}
	if c, ok := o.clips[rate]; ok {
		return c
	}
	c := Signal(rate)
	o.clips[rate] = c
	return c
}

// Lister lists the demo input.
type Lister struct{}

// ListAudioDevices returns the one demo device.
func (Lister) ListAudioDevices(context.Context) ([]ports.AudioDevice, error) {
	return []ports.AudioDevice{Describe()}, nil
}

// Describe returns the demo input as an audio device.
func Describe() ports.AudioDevice {
	return ports.AudioDevice{
		Name: Name, HostAPI: "demo", Backend: ports.BackendDemo,
		MaxInputChannels: Channels, Channels: Channels,
		DefaultSampleRate: SampleRate, SampleRates: []int{44100, 48000, 96000},
		SystemRef: SystemRef,
	}
}

var (
	_ ports.AudioOpener  = (*Opener)(nil)
	_ ports.DeviceLister = Lister{}
)

package portaudio

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	pa "github.com/gordonklaus/portaudio"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// SampleFormat is a PortAudio sample format the Opener can request.
type SampleFormat int

// The formats, in the order they are tried by default: float32 needs no
// conversion; the integer formats are fallbacks for devices (or host APIs)
// that refuse it.
const (
	Float32 SampleFormat = iota + 1
	Int32
	Int16
)

// String names the format.
func (f SampleFormat) String() string {
	switch f {
	case Float32:
		return "float32"
	case Int32:
		return "int32"
	case Int16:
		return "int16"
	}
	return fmt.Sprintf("SampleFormat(%d)", int(f))
}

// preferredRate is the rate opened when a request leaves it 0.
const preferredRate = 48000

// Opener opens PortAudio input streams. The zero value is ready to use.
type Opener struct {
	// Formats restricts and orders the sample formats tried; empty means
	// Float32, Int32, Int16.
	Formats []SampleFormat
}

// OpenAudio finds the device by name (exact, then "hw:C,D", then
// case-insensitive; "" or "default" is the default input), opens a blocking
// input stream with the first format the device accepts and starts it.
func (o Opener) OpenAudio(ctx context.Context, req ports.AudioRequest) (ports.AudioSource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	block := req.BlockDuration
	if block <= 0 {
		block = ports.DefaultBlockDuration
	}
	formats := o.Formats
	if len(formats) == 0 {
		formats = []SampleFormat{Float32, Int32, Int16}
	}
	library.mu.Lock()
	defer library.mu.Unlock()
	if err := acquire(); err != nil {
		return nil, ports.DeviceUnavailable(req.Device, err)
	}
	s, err := openLocked(req, block, formats)
	if err != nil {
		release()
		return nil, err
	}
	library.openRates[s.key] = s.format.SampleRate
	go s.loop()
	return s, nil
}

// openLocked resolves the device and opens and starts the stream.
func openLocked(req ports.AudioRequest, block time.Duration, formats []SampleFormat) (*source, error) {
	d, err := findDevice(req.Device)
	if err != nil {
		return nil, ports.DeviceUnavailable(req.Device, err)
	}
	channels := req.Channels
	if channels <= 0 {
		channels = describe(d).Channels
	}
	if channels > d.MaxInputChannels {
		return nil, fmt.Errorf("%w: %d channels requested, %q has %d", ports.ErrFormatUnsupported, channels, d.Name, d.MaxInputChannels)
	}
	rates := []int{req.SampleRate}
	if req.SampleRate <= 0 {
		rates = []int{preferredRate}
		if def := int(d.DefaultSampleRate + 0.5); def != preferredRate && def > 0 {
			rates = append(rates, def)
		}
	}
	var lastErr error
	for _, rate := range rates {
		format := pcm.Format{SampleRate: rate, Channels: channels}
		if err := format.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %v", ports.ErrFormatUnsupported, err)
		}
		frames := format.FramesIn(block)
		for _, sf := range formats {
			s, err := openStream(d, format, frames, sf)
			if err == nil {
				return s, nil
			}
			lastErr = err
		}
	}
	if isFormatError(lastErr) {
		return nil, fmt.Errorf("%w: %q: %v", ports.ErrFormatUnsupported, d.Name, lastErr)
	}
	return nil, ports.DeviceUnavailable(d.Name, lastErr)
}

// openStream opens and starts one stream in sample format sf.
func openStream(d *pa.DeviceInfo, format pcm.Format, frames int, sf SampleFormat) (*source, error) {
	n := frames * format.Channels
	var buf any
	switch sf {
	case Float32:
		buf = make([]float32, n)
	case Int32:
		buf = make([]int32, n)
	case Int16:
		buf = make([]int16, n)
	default:
		return nil, fmt.Errorf("unknown sample format %v", sf)
	}
	// A buffer of several blocks lets capture ride out a slow reader before
	// PortAudio reports an overflow.
	latency := max(d.DefaultHighInputLatency, format.Duration(int64(4*frames)))
	p := pa.StreamParameters{
		Input:           pa.StreamDeviceParameters{Device: d, Channels: format.Channels, Latency: latency},
		SampleRate:      float64(format.SampleRate),
		FramesPerBuffer: frames,
		// Capture must not add noise when PortAudio converts to integers.
		Flags: pa.DitherOff,
	}
	st, err := pa.OpenStream(p, buf)
	if err != nil {
		return nil, err
	}
	if err := st.Start(); err != nil {
		_ = st.Close()
		return nil, err
	}
	return newSource(st, d, format, frames, sf, buf), nil
}

// findDevice resolves a device name among the inputs.
func findDevice(name string) (*pa.DeviceInfo, error) {
	if name == "" || name == "default" {
		d, err := pa.DefaultInputDevice()
		if err != nil || d == nil || d.MaxInputChannels < 1 {
			return nil, errors.New("no default input device")
		}
		return d, nil
	}
	devs, err := pa.Devices()
	if err != nil {
		return nil, err
	}
	var inputs []*pa.DeviceInfo
	for _, d := range devs {
		if d.MaxInputChannels > 0 {
			inputs = append(inputs, d)
		}
	}
	for _, d := range inputs {
		if d.Name == name {
			return d, nil
		}
	}
	if strings.HasPrefix(name, "hw:") {
		for _, d := range inputs {
			if strings.HasSuffix(d.Name, "("+name+")") {
				return d, nil
			}
		}
	}
	for _, d := range inputs {
		if strings.EqualFold(d.Name, name) {
			return d, nil
		}
	}
	return nil, fmt.Errorf("no input device named %q", name)
}

// isFormatError reports PortAudio errors that mean "not this format".
func isFormatError(err error) bool {
	var e pa.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e {
	case pa.InvalidSampleRate, pa.InvalidChannelCount, pa.SampleFormatNotSupported:
		return true
	}
	return false
}

var _ ports.AudioOpener = Opener{}

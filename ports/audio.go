package ports

import (
	"context"
	"fmt"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/pcm"
)

// AudioBlock is one block of captured audio. Sources hand out a fresh
// Samples slice with every block and never touch it again, so a block may be
// shared by any number of readers — none of which may modify it.
type AudioBlock struct {
	// Format is the sample rate and channel count of Samples.
	Format pcm.Format
	// Samples are interleaved frames normalised to ±1 (len = frames × channels).
	Samples []float32
	// Index is the running sample-frame index of the first frame since the
	// stream started; lost frames are counted too, so consecutive blocks
	// satisfy Index == previous.Index + previous.Frames() + Gap.
	Index int64
	// Gap is the number of frames known or estimated to be lost right before
	// this block (an overrun, a reopened device); 0 normally.
	Gap int64
	// Discontinuity is true when this block does not continue the previous one
	// seamlessly, even if the size of the loss (Gap) could not be measured.
	Discontinuity bool
	// CapturedAt is the wall-clock time of the first frame (an estimate for
	// hardware: read completion minus the block's duration).
	CapturedAt time.Time
}

// Frames returns the number of sample frames in the block.
func (b AudioBlock) Frames() int {
	if b.Format.Channels <= 0 {
		return 0
	}
	return len(b.Samples) / b.Format.Channels
}

// End returns the index just after the block's last frame.
func (b AudioBlock) End() int64 { return b.Index + int64(b.Frames()) }

// Duration returns the audio time the block covers.
func (b AudioBlock) Duration() time.Duration { return b.Format.Duration(int64(b.Frames())) }

// AudioSource is one open capture stream. It is opened once (by an
// AudioOpener) and read by a single goroutine until it is closed.
type AudioSource interface {
	// Format returns the stream's sample rate and channel count, fixed at open.
	Format() pcm.Format
	// Read blocks until the next block is captured or ctx ends. It returns
	// an *XrunError (errors.Is ErrXrun) when samples were lost: the source
	// keeps running and the next block carries the Gap. Any error matching
	// ErrDeviceUnavailable is final: close the source and open a new one.
	// After Close, Read returns ErrSourceClosed.
	Read(ctx context.Context) (AudioBlock, error)
	// Close stops capture and releases the device. It is safe to call more
	// than once and while a Read is blocked (that Read returns).
	Close() error
}

// AudioRequest says which input to open and how.
type AudioRequest struct {
	// Device is the adapter's device name; "" and "default" mean the default
	// input.
	Device string
	// SampleRate in Hz; 0 lets the source choose (48000 where the device
	// supports it, else its default; a file its own rate).
	SampleRate int
	// Channels to capture; 0 means all the device's input channels.
	Channels int
	// BlockDuration is the length of one block; 0 means 20 ms.
	BlockDuration time.Duration
}

// DefaultBlockDuration is the block length used when a request leaves it 0.
const DefaultBlockDuration = 20 * time.Millisecond

// AudioOpener opens capture streams.
type AudioOpener interface {
	// OpenAudio opens and starts the input described by req. A missing,
	// busy or failing device is an error matching ErrDeviceUnavailable.
	OpenAudio(ctx context.Context, req AudioRequest) (AudioSource, error)
}

// AudioBackend names the audio system behind an input.
type AudioBackend string

// The backends an inventory reports. Demo and file inputs are never real
// microphones and must be shown as what they are.
const (
	BackendALSA     AudioBackend = "alsa"
	BackendJACK     AudioBackend = "jack"
	BackendPipeWire AudioBackend = "pipewire"
	BackendDemo     AudioBackend = "demo"
	BackendFile     AudioBackend = "file"
	BackendUnknown  AudioBackend = "unknown"
)

// ALSAHardware locates a hardware PCM ("hw:Card,Device"). The card number
// can change between boots; use it only to join with kernel card details.
type ALSAHardware struct {
	// Card is the card number (/proc/asound/cardN).
	Card int
	// Device is the PCM number on the card (stable for a given card).
	Device int
}

// AudioDevice describes one capture-capable input as its audio system
// enumerates it.
type AudioDevice struct {
	// Name is the name to pass in AudioRequest.Device.
	Name string
	// HostAPI is the audio system's own name for its API ("ALSA", "JACK
	// Audio Connection Kit", "demo").
	HostAPI string
	// Backend classifies the input.
	Backend AudioBackend
	// MaxInputChannels is what the device reports; converting plugins report
	// large numbers they merely accept.
	MaxInputChannels int
	// Channels is the channel count opened when a request gives none.
	Channels int
	// DefaultSampleRate is the device's preferred rate in Hz.
	DefaultSampleRate int
	// SampleRates lists the supported rates among those probed.
	SampleRates []int
	// IsDefault marks the system's default input.
	IsDefault bool
	// Hardware is set for ALSA hardware PCMs, nil otherwise.
	Hardware *ALSAHardware
	// SystemRef, when set by the lister, is a stable identity that survives
	// restarts (demo and file inputs know theirs; hardware gets one from the
	// inventory).
	SystemRef string
}

// DeviceLister enumerates capture inputs.
type DeviceLister interface {
	// ListAudioDevices returns the inputs that can capture now.
	ListAudioDevices(ctx context.Context) ([]AudioDevice, error)
}

// SoundCard is what the kernel (/proc/asound, sysfs) says about one card.
type SoundCard struct {
	// Index is the card number, which can change when cards are re-plugged.
	Index int
	// ID is the ALSA card id ("PCH", "U192k").
	ID string
	// Driver and Name are the short names; LongName includes the bus address.
	Driver, Name, LongName string
	// USBID is "vvvv:pppp" for USB cards.
	USBID string
	// SerialNumber is the USB serial, when the device has one.
	SerialNumber string
	// HardwarePath is the sysfs device path ("/devices/pci0000:00/…/1-2:1.0")
	// or, without sysfs, the bus address from LongName ("usb-0000:00:14.0-2").
	HardwarePath string
	// CaptureChannels and CaptureRates come from stream0 for USB cards (0/nil
	// when unknown).
	CaptureChannels int
	CaptureRates    []int
}

// SoundCardLister reads kernel details of the sound cards. Missing
// information (no /proc/asound) yields no cards, not an error.
type SoundCardLister interface {
	// ListSoundCards returns the cards present now.
	ListSoundCards(ctx context.Context) ([]SoundCard, error)
}

// Audio error sentinels; match them with errors.Is.
var (
	// ErrDeviceUnavailable: the device is missing, busy or failed. The source
	// is dead; reopen later.
	ErrDeviceUnavailable = errs.New(errs.KindUnavailable, "audio.deviceUnavailable", "the audio device is unavailable")
	// ErrXrun: samples were lost (input overrun); capture continues.
	ErrXrun = errs.New(errs.KindUnavailable, "audio.xrun", "audio samples were lost (overrun)")
	// ErrSourceClosed: Read on a closed source.
	ErrSourceClosed = errs.New(errs.KindConflict, "audio.sourceClosed", "the audio source is closed")
	// ErrFormatUnsupported: the device cannot capture the requested rate,
	// channel count or sample format.
	ErrFormatUnsupported = errs.New(errs.KindInvalid, "audio.formatUnsupported", "the audio device does not support the requested format")
)

// DeviceUnavailable wraps cause as an error matching ErrDeviceUnavailable.
func DeviceUnavailable(device string, cause error) error {
	e := errs.Wrap(errs.KindUnavailable, ErrDeviceUnavailable.Code, fmt.Sprintf("audio device %q is unavailable", device), cause)
	e.Details = map[string]any{"device": device}
	return e
}

// XrunError reports lost input samples. It matches ErrXrun.
type XrunError struct {
	// LostFrames is the number of frames lost, measured or estimated from
	// the wall clock; 0 when unknown.
	LostFrames int64
}

// Error implements error.
func (e *XrunError) Error() string {
	return fmt.Sprintf("%s: %d frames lost", ErrXrun.Error(), e.LostFrames)
}

// Unwrap makes errors.Is(err, ErrXrun) and errs.KindOf work.
func (e *XrunError) Unwrap() error { return ErrXrun }

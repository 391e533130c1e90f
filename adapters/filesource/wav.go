package filesource

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// Prefix introduces a file source in RAKKR_AUDIO_SOURCE ("file:/x.wav").
const Prefix = "file:"

// Opener opens WAV files as real-time sources; AudioRequest.Device is the
// path. The file is streamed, not loaded, and reopened at its end.
type Opener struct{}

// OpenAudio opens the WAV file named by req.Device. A request for another
// sample rate, or for more channels than the file has, is
// ErrFormatUnsupported; fewer channels take the first ones.
func (Opener) OpenAudio(ctx context.Context, req ports.AudioRequest) (ports.AudioSource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	path := strings.TrimPrefix(req.Device, Prefix)
	w, err := openWAV(path)
	if err != nil {
		return nil, err
	}
	format := w.format
	if req.SampleRate > 0 && req.SampleRate != format.SampleRate {
		w.close()
		return nil, fmt.Errorf("%w: %s is %d Hz, %d Hz requested", ports.ErrFormatUnsupported, path, format.SampleRate, req.SampleRate)
	}
	if req.Channels > format.Channels {
		w.close()
		return nil, fmt.Errorf("%w: %s has %d channels, %d requested", ports.ErrFormatUnsupported, path, format.Channels, req.Channels)
	}
	if req.Channels > 0 {
		w.keep = req.Channels
		format.Channels = req.Channels
	}
	return newPlayer(format, req.BlockDuration, w), nil
}

// Lister lists one file source as an input, so the inventory shows what the
// agent captures from.
type Lister struct {
	// Path is the WAV file.
	Path string
}

// ListAudioDevices returns the file as a device with backend "file" and the
// systemRef "file:<absolute path>".
func (l Lister) ListAudioDevices(ctx context.Context) ([]ports.AudioDevice, error) {
	path := strings.TrimPrefix(l.Path, Prefix)
	w, err := openWAV(path)
	if err != nil {
		return nil, err
	}
	w.close()
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	f := w.format
	return []ports.AudioDevice{{
		Name: path, HostAPI: "file", Backend: ports.BackendFile,
		MaxInputChannels: f.Channels, Channels: f.Channels,
		DefaultSampleRate: f.SampleRate, SampleRates: []int{f.SampleRate},
		SystemRef: Prefix + abs,
	}}, nil
}

// wavLooper streams a WAV file and starts over at its end.
type wavLooper struct {
	path   string
	format pcm.Format // of the file
	keep   int        // channels delivered; 0 = all
	r      *wavfile.Reader
	buf    []float32
}

func openWAV(path string) (*wavLooper, error) {
	r, err := wavfile.Open(path)
	if errors.Is(err, wavfile.ErrUnsupported) || errors.Is(err, wavfile.ErrMalformed) {
		return nil, fmt.Errorf("%w: %v", ports.ErrFormatUnsupported, err)
	}
	if err != nil {
		return nil, ports.DeviceUnavailable(Prefix+path, err)
	}
	if r.Info().Frames == 0 {
		r.Close()
		return nil, fmt.Errorf("%w: %s holds no audio", ports.ErrFormatUnsupported, path)
	}
	return &wavLooper{path: path, format: r.Format(), r: r}, nil
}

// next reads up to n frames of the file into w.buf, reopening at the end.
func (w *wavLooper) next(n int) (int, error) {
	ch := w.format.Channels
	if cap(w.buf) < n*ch {
		w.buf = make([]float32, n*ch)
	}
	for attempt := 0; attempt < 2; attempt++ {
		got, err := w.r.ReadFrames(w.buf[:n*ch])
		if got > 0 {
			return got, nil
		}
		if !errors.Is(err, io.EOF) {
			return 0, err
		}
		w.r.Close()
		if w.r, err = wavfile.Open(w.path); err != nil {
			return 0, err
		}
	}
	return 0, fmt.Errorf("filesource: %s yields no audio", w.path)
}

func (w *wavLooper) fill(dst []float32) error {
	out := w.format.Channels
	if w.keep > 0 {
		out = w.keep
	}
	for len(dst) > 0 {
		got, err := w.next(len(dst) / out)
		if err != nil {
			return err
		}
		for f := 0; f < got; f++ {
			copy(dst[f*out:(f+1)*out], w.buf[f*w.format.Channels:])
		}
		dst = dst[got*out:]
	}
	return nil
}

func (w *wavLooper) skip(n int64) error {
	for n > 0 {
		got, err := w.next(int(min(n, 4800)))
		if err != nil {
			return err
		}
		n -= int64(got)
	}
	return nil
}

func (w *wavLooper) close() error { return w.r.Close() }

var (
	_ ports.AudioOpener  = Opener{}
	_ ports.DeviceLister = Lister{}
)

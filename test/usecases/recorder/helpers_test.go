package recorder_test

import (
	"context"
	"errors"
	"io"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/filesource"
	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/agent/sysinfo"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// rate and fixtureFrames describe the fixture: 2 s of 3 channels.
const (
	rate          = 48000
	fixtureFrames = 2 * rate
)

// fixture writes a 3-channel 32-bit float WAV (sine, pink noise, sine) and
// returns its path and interleaved samples.
func fixture(t *testing.T) (string, []float32) {
	t.Helper()
	s := synth.Interleave(
		synth.Sine(fixtureFrames, rate, 440, synth.Amplitude(-12)),
		synth.PinkNoise(fixtureFrames, synth.Amplitude(-20), 7),
		synth.Sine(fixtureFrames, rate, 1000, synth.Amplitude(-6)),
	)
	path := filepath.Join(t.TempDir(), "fixture.wav")
	if err := wavfile.WriteFile(path, pcm.Format{SampleRate: rate, Channels: 3}, s, wavfile.WriteOptions{Encoding: wavfile.Float32}); err != nil {
		t.Fatal(err)
	}
	return path, s
}

// playHub returns a capture hub playing path at real time; it runs until
// the test ends. Subscribe before calling run so the first block is the
// file's first frame.
func playHub(t *testing.T, path string) (h *capture.Hub, run func()) {
	t.Helper()
	h = capture.NewHub(filesource.Opener{}, capture.Config{Request: ports.AudioRequest{Device: filesource.Prefix + path}})
	return h, func() {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = h.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
	}
}

// statfs is the recorder's Disk over statfs.
type statfs struct{}

func (statfs) FreeBytes(path string) (int64, error) {
	_, free := sysinfo.Disk(path)
	return free, nil
}

// events collects health events.
type events struct {
	mu  sync.Mutex
	got []agentapi.HealthEvent
}

func (e *events) Event(ev agentapi.HealthEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, ev)
}

// readAll decodes a whole file.
func readAll(t *testing.T, r ports.PCMReader) []float32 {
	t.Helper()
	var out []float32
	buf := make([]float32, 4096*r.Format().Channels)
	for {
		n, err := r.ReadFrames(buf)
		out = append(out, buf[:n*r.Format().Channels]...)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// q24 is v after 24-bit quantisation and decoding, as the FLAC encoder and
// decoder do it.
func q24(v float32) float32 {
	const full = 1 << 23
	x := math.Round(math.Max(-1, math.Min(1, float64(v))) * full)
	x = math.Max(-full, math.Min(full-1, x))
	return float32(int32(x)) * (1 / float32(full))
}

// source returns fixture channel ch (1-based) at timeline frame k (the
// file loops).
func source(s []float32, k int64, ch int) float32 {
	return s[(k%fixtureFrames)*3+int64(ch-1)]
}

// waitDone waits for a recorder-like Done channel.
func waitDone(t *testing.T, done <-chan struct{}, d time.Duration) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("not done within %v", d)
	}
}

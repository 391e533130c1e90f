package capture_test

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/portaudio"
	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/alsa"
)

// countingOpener counts the opens that reach the real opener.
type countingOpener struct {
	ports.AudioOpener
	opens atomic.Int64
}

func (c *countingOpener) OpenAudio(ctx context.Context, req ports.AudioRequest) (ports.AudioSource, error) {
	c.opens.Add(1)
	return c.AudioOpener.OpenAudio(ctx, req)
}

// TestHubFansOutOnePortAudioStream taps a real PortAudio stream (the
// file-backed ALSA device) with two listeners: the device is opened once,
// both get the same blocks, and those hold the file's samples.
func TestHubFansOutOnePortAudioStream(t *testing.T) {
	alsa.Require(t, "sox")
	env := alsa.New(t)
	wav := filepath.Join(t.TempDir(), "in.wav")
	alsa.Sox(t, "-R", "-n", "-r", "48000", "-b", "16", "-c", "2", wav, "synth", "1", "sine", "440", "sine", "660", "gain", "-6")
	raw := alsa.ToRawS16(t, wav)
	env.AddFileDevice("fakemic", raw, 48000, 2)
	data, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}

	o := &countingOpener{AudioOpener: portaudio.Opener{Formats: []portaudio.SampleFormat{portaudio.Int16}}}
	h := capture.NewHub(o, capture.Config{Request: ports.AudioRequest{Device: "fakemic"}})
	a, b := h.Subscribe(1024), h.Subscribe(1024)
	runHub(t, h)
	ga, gb := blocks(t, a, 20), blocks(t, b, 20)
	var got []float32
	for i := range ga {
		if ga[i].Index != gb[i].Index || &ga[i].Samples[0] != &gb[i].Samples[0] {
			t.Fatalf("block %d differs between listeners", i)
		}
		got = append(got, ga[i].Samples...)
	}
	if n := o.opens.Load(); n != 1 {
		t.Fatalf("device opened %d times, want once", n)
	}
	// Compare with the file, both after any leading silence.
	file := make([]float32, len(data)/2)
	for i := range file {
		file[i] = float32(int16(binary.LittleEndian.Uint16(data[2*i:]))) / 32768
	}
	gl, fl := leadingSilence(got), leadingSilence(file)
	for k := 0; k < 4800; k++ {
		if got[gl+k] != file[fl+k] {
			t.Fatalf("sample %d: got %v want %v", k, got[gl+k], file[fl+k])
		}
	}
}

// leadingSilence returns the number of leading samples in all-zero stereo frames.
func leadingSilence(s []float32) int {
	n := 0
	for n+1 < len(s) && s[n] == 0 && s[n+1] == 0 {
		n += 2
	}
	return n
}

// runHub runs h until the test ends and checks that it stops.
func runHub(t *testing.T, h *capture.Hub) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Hub.Run did not return after cancel")
		}
	})
}

// blocks reads n block messages from s, failing on anything else.
func blocks(t *testing.T, s *capture.Subscription, n int) []ports.AudioBlock {
	t.Helper()
	var out []ports.AudioBlock
	for len(out) < n {
		select {
		case m, ok := <-s.C():
			if !ok || m.Kind != capture.KindBlock {
				t.Fatalf("message %d: %v (%v), want a block", len(out), m.Kind, m.Err)
			}
			out = append(out, m.Block)
		case <-time.After(10 * time.Second):
			t.Fatalf("no block after %d", len(out))
		}
	}
	return out
}

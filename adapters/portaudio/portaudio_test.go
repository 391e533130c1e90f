package portaudio_test

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/portaudio"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/alsa"
)

// twoSines writes 1 s of two different sines (440 Hz left, 660 Hz right)
// at 48 kHz in the given sox encoding and bit depth.
func twoSines(t *testing.T, encoding string, bits int) string {
	t.Helper()
	wav := filepath.Join(t.TempDir(), "in.wav")
	alsa.Sox(t, "-R", "-n", "-r", "48000", "-e", encoding, "-b", itoa(bits), "-c", "2", wav,
		"synth", "1", "sine", "440", "sine", "660", "gain", "-6")
	return wav
}

// fakemic defines the plug-based S16_LE file device "fakemic" and returns
// the samples of its file.
func fakemic(t *testing.T) []float32 {
	t.Helper()
	alsa.Require(t, "sox")
	env := alsa.New(t)
	raw := alsa.ToRawS16(t, twoSines(t, "signed-integer", 16))
	env.AddFileDevice("fakemic", raw, 48000, 2)
	return readRaw(t, raw, portaudio.Int16)
}

func open(t *testing.T, o portaudio.Opener, req ports.AudioRequest) ports.AudioSource {
	t.Helper()
	src, err := o.OpenAudio(context.Background(), req)
	if err != nil {
		t.Fatalf("open %q: %v", req.Device, err)
	}
	t.Cleanup(func() { _ = src.Close() })
	return src
}

// read collects at least n interleaved samples, checking that blocks carry
// the stream format and a gapless running index.
func read(t *testing.T, src ports.AudioSource, n int, timeout time.Duration) []float32 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out []float32
	next := int64(0)
	for len(out) < n {
		b, err := src.Read(ctx)
		if err != nil {
			t.Fatalf("read after %d samples: %v", len(out), err)
		}
		if b.Index != next || b.Format != src.Format() || b.Discontinuity {
			t.Fatalf("block index %d format %v discontinuity %v, want %d %v", b.Index, b.Format, b.Discontinuity, next, src.Format())
		}
		next = b.End()
		out = append(out, b.Samples...)
	}
	return out
}

// firstSound returns the index of the first frame holding a non-zero sample.
func firstSound(s []float32, channels int) int {
	for i, v := range s {
		if v != 0 {
			return i - i%channels
		}
	}
	return len(s)
}

// sameAfterSilence checks that the first n samples after any leading
// silence are equal.
func sameAfterSilence(t *testing.T, got, want []float32, n int) {
	t.Helper()
	gi, wi := firstSound(got, 2), firstSound(want, 2)
	if len(got)-gi < n || len(want)-wi < n {
		t.Fatalf("too short: %d captured samples after %d leading zeros", len(got)-gi, gi)
	}
	for k := 0; k < n; k++ {
		if got[gi+k] != want[wi+k] {
			t.Fatalf("sample %d after %d leading zero samples: got %v (%.1f LSB16) want %v", k, gi, got[gi+k], got[gi+k]*32768, want[wi+k])
		}
	}
}

func TestListerListsTheFileBackedALSADevice(t *testing.T) {
	fakemic(t)
	devs, err := portaudio.Lister{}.ListAudioDevices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(devs, func(d ports.AudioDevice) bool { return d.Name == "fakemic" })
	if i < 0 {
		t.Fatalf("fakemic not listed: %+v", devs)
	}
	d := devs[i]
	if d.Backend != ports.BackendALSA || d.HostAPI != "ALSA" || d.Channels != 2 || d.Hardware != nil {
		t.Errorf("fakemic = %+v", d)
	}
	for _, r := range portaudio.ProbeRates {
		if !slices.Contains(d.SampleRates, r) {
			t.Errorf("rate %d not reported as supported: %v", r, d.SampleRates)
		}
	}
}

func TestCaptureEqualsTheFileExactly(t *testing.T) {
	const n = 2 * 24000 // 0.5 s of the 1 s file
	t.Run("int16 through plug", func(t *testing.T) {
		want := fakemic(t)
		src := open(t, portaudio.Opener{Formats: []portaudio.SampleFormat{portaudio.Int16}}, ports.AudioRequest{Device: "fakemic"})
		if f := src.Format(); f.SampleRate != 48000 || f.Channels != 2 {
			t.Fatalf("format %v", f)
		}
		sameAfterSilence(t, read(t, src, n+9600, 5*time.Second), want, n)
	})
	for _, tc := range []struct {
		name   string
		sf     portaudio.SampleFormat
		opener portaudio.Opener
		raw    func(testing.TB, string) string
		enc    string
	}{
		{"float32 by default", portaudio.Float32, portaudio.Opener{}, alsa.ToRawF32, "floating-point"},
		{"int32", portaudio.Int32, portaudio.Opener{Formats: []portaudio.SampleFormat{portaudio.Int32}}, alsa.ToRawS32, "signed-integer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			alsa.Require(t, "sox")
			env := alsa.New(t)
			raw := tc.raw(t, twoSines(t, tc.enc, 32))
			env.AddRawDevice("rawmic", raw)
			src := open(t, tc.opener, ports.AudioRequest{Device: "rawmic", Channels: 2})
			if got := src.(interface{ SampleFormat() portaudio.SampleFormat }).SampleFormat(); got != tc.sf {
				t.Fatalf("opened as %v, want %v", got, tc.sf)
			}
			sameAfterSilence(t, read(t, src, n+9600, 5*time.Second), readRaw(t, raw, tc.sf), n)
		})
	}
}

func TestJACKCaptureRunsAtWallClockSpeed(t *testing.T) {
	alsa.Require(t, "sox", "jackd", "jack_lsp", alsa.JACKPlugin)
	env := alsa.New(t)
	wav := filepath.Join(t.TempDir(), "sine.wav")
	// A 1 kHz sine with a peak of −16.99 dBFS has an RMS of −20 dBFS.
	alsa.Sox(t, "-n", "-r", "48000", "-e", "floating-point", "-b", "32", "-c", "2", wav,
		"synth", "4", "sine", "1000", "gain", "-16.9897")
	j := env.StartJACK(2)
	env.AddJACKFileDevice(j, "rtmic", alsa.ToRawF32(t, wav))

	src := open(t, portaudio.Opener{}, ports.AudioRequest{Device: "rtmic"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const window = 2 * time.Second
	var frames int64
	var sum float64
	var n int
	start := time.Now()
	for time.Since(start) < window {
		b, err := src.Read(ctx)
		if errors.Is(err, ports.ErrXrun) {
			continue // a loaded CI machine may overrun; pacing is what we check
		}
		if err != nil {
			t.Fatal(err)
		}
		frames += int64(b.Frames())
		if slices.ContainsFunc(b.Samples, func(v float32) bool { return v != 0 }) { // skip leading silence
			for _, v := range b.Samples {
				sum += float64(v) * float64(v)
			}
			n += len(b.Samples)
		}
	}
	ratio := float64(frames) / (window.Seconds() * 48000)
	t.Logf("captured %d frames in %v (%.2f× real time)", frames, time.Since(start), ratio)
	if ratio < 0.5 || ratio > 2 {
		t.Errorf("capture ran at %.2f× real time, want about 1×", ratio)
	}
	rms := 10 * math.Log10(sum/float64(n))
	t.Logf("RMS %.3f dBFS over %d samples", rms, n)
	if math.Abs(rms-(-20)) > 0.5 {
		t.Errorf("RMS %.2f dBFS, want −20 ± 0.5", rms)
	}
}

func TestOpenErrorsAreTyped(t *testing.T) {
	fakemic(t)
	_, err := portaudio.Opener{}.OpenAudio(context.Background(), ports.AudioRequest{Device: "no-such-mic"})
	if !errors.Is(err, ports.ErrDeviceUnavailable) {
		t.Fatalf("unknown device: %v, want ErrDeviceUnavailable", err)
	}
	_, err = portaudio.Opener{}.OpenAudio(context.Background(), ports.AudioRequest{Device: "fakemic", Channels: 500})
	if !errors.Is(err, ports.ErrFormatUnsupported) {
		t.Fatalf("500 channels: %v, want ErrFormatUnsupported", err)
	}
}

func TestCloseEndsReadsAndIsIdempotent(t *testing.T) {
	fakemic(t)
	src := open(t, portaudio.Opener{}, ports.AudioRequest{Device: "fakemic"})
	read(t, src, 960, 5*time.Second)
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Read(context.Background()); !errors.Is(err, ports.ErrSourceClosed) {
		t.Fatalf("read after close: %v", err)
	}
}

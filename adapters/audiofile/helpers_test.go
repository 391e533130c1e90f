package audiofile

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
	"github.com/rakkr/rakkr/ports"
)

// sliceReader is a ports.PCMReader over interleaved samples; it hands out
// at most chunk frames per call to exercise the encoders' block filling.
type sliceReader struct {
	format  pcm.Format
	samples []float32
	chunk   int
}

func (r *sliceReader) Format() pcm.Format { return r.format }

func (r *sliceReader) ReadFrames(dst []float32) (int, error) {
	ch := r.format.Channels
	n := min(len(dst)/ch, len(r.samples)/ch)
	if r.chunk > 0 {
		n = min(n, r.chunk)
	}
	if n == 0 {
		return 0, io.EOF
	}
	copy(dst, r.samples[:n*ch])
	r.samples = r.samples[n*ch:]
	return n, nil
}

func newSource(f pcm.Format, x []float32) *sliceReader {
	return &sliceReader{format: f, samples: x, chunk: 1000}
}

// testSignal returns seconds of a 440 Hz tone plus a speech-band voice on
// every channel (each channel a little different), interleaved.
func testSignal(rate, channels int, seconds float64) []float32 {
	n := int(seconds * float64(rate))
	var chans [][]float32
	for c := 0; c < channels; c++ {
		voice := synth.Speech(synth.Voice{Rate: rate, Seconds: seconds, PitchHz: 120 + 40*float64(c), LevelDBFS: -20, NoiseDBFS: -70, Seed: uint64(c + 1)})
		chans = append(chans, synth.Mix(synth.Sine(n, rate, 440*float64(c+1), 0.3), voice))
	}
	x := synth.Interleave(chans...)
	if len(x) > 2*channels {
		x[0], x[channels] = 1.5, -1.5 // beyond full scale: must clip
	}
	return x
}

// quantised returns x as a bits-bit integer encoder stores it, decoded.
func quantised(x []float32, bits int) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(quantise(v, bits)) / float32(int64(1)<<(bits-1))
	}
	return out
}

// readAll decodes r to its end and closes it.
func readAll(t testing.TB, r ports.DecodedAudio) []float32 {
	t.Helper()
	defer r.Close()
	ch := r.Format().Channels
	buf := make([]float32, 1777*ch)
	var out []float32
	for {
		n, err := r.ReadFrames(buf)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, buf[:n*ch]...)
	}
}

// decodeFile opens path with the Decoder and decodes it.
func decodeFile(t testing.TB, path string) (pcm.Format, []float32) {
	t.Helper()
	r, err := NewDecoder().OpenAudioFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return r.Format(), readAll(t, r)
}

// assertExact fails unless got equals want sample for sample.
func assertExact(t *testing.T, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("decoded %d samples, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sample %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// assertOnlyFiles fails unless dir holds exactly names.
func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
	for i := range names {
		if got[i] != names[i] {
			t.Fatalf("%s holds %v, want %v", dir, got, names)
		}
	}
}

// writeWAVPart encodes x as a WAV or FLAC part at dir/name.
func writePart(t *testing.T, dir, name string, f pcm.Format, x []float32, codec ports.Codec) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if _, err := NewEncoder().Encode(t.Context(), p, newSource(f, x), ports.EncodeOptions{Codec: codec}); err != nil {
		t.Fatal(err)
	}
	return p
}

// correlation returns the normalised cross-correlation of a and b[lag:].
func correlation(a, b []float32, lag int) float64 {
	var ab, aa, bb float64
	for i := range a {
		j := i + lag
		if j < 0 || j >= len(b) {
			continue
		}
		ab += float64(a[i]) * float64(b[j])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[j]) * float64(b[j])
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

package audiofile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// checkResult verifies the size, frames and hash of a written file and that
// no temporary file is left beside it.
func checkResult(t *testing.T, path string, res ports.EncodeResult, frames int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if res.SizeBytes != int64(len(b)) || res.Frames != frames || res.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("result %+v; file has %d bytes, sha256 %x; want %d frames", res, len(b), sum, frames)
	}
	if _, err := os.Stat(path + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

func TestWAVAndFLACRoundTripsAreExact(t *testing.T) {
	for _, codec := range []ports.Codec{ports.CodecWAV, ports.CodecFLAC} {
		for _, bits := range []int{0, 16, 24} {
			for _, ch := range []int{1, 2, 3, 6} {
				t.Run(fmt.Sprintf("%s/%dbit/%dch", codec, bits, ch), func(t *testing.T) {
					f := pcm.Format{SampleRate: 44100, Channels: ch}
					x := testSignal(f.SampleRate, ch, 0.5)
					dst := filepath.Join(t.TempDir(), "out"+codec.Extension())
					res, err := NewEncoder().Encode(t.Context(), dst, newSource(f, x), ports.EncodeOptions{Codec: codec, BitDepth: bits})
					if err != nil {
						t.Fatal(err)
					}
					checkResult(t, dst, res, int64(len(x)/ch))
					gotF, got := decodeFile(t, dst)
					if gotF != f {
						t.Errorf("format %v, want %v", gotF, f)
					}
					want := max(bits, 16)
					assertExact(t, got, quantised(x, want))
					if got[0] != float32(1-1/float64(int64(1)<<(want-1))) || got[ch] != -1 {
						t.Errorf("over-range samples decoded as %v, %v; want clipped to full scale", got[0], got[ch])
					}
				})
			}
		}
	}
}

func TestWAVHeaderIsTheExpectedEncoding(t *testing.T) {
	for _, tt := range []struct {
		bits, ch   int
		enc        wavfile.Encoding
		extensible bool
	}{{16, 2, wavfile.PCM16, false}, {24, 2, wavfile.PCM24, true}, {16, 4, wavfile.PCM16, true}} {
		f := pcm.Format{SampleRate: 48000, Channels: tt.ch}
		dst := filepath.Join(t.TempDir(), "a.wav")
		if _, err := NewEncoder().Encode(t.Context(), dst, newSource(f, testSignal(48000, tt.ch, 0.1)), ports.EncodeOptions{Codec: ports.CodecWAV, BitDepth: tt.bits}); err != nil {
			t.Fatal(err)
		}
		r, err := wavfile.Open(dst)
		if err != nil {
			t.Fatal(err)
		}
		info := r.Info()
		r.Close()
		if info.Encoding != tt.enc || info.Extensible != tt.extensible || info.Frames != 4800 {
			t.Errorf("%d bit %d ch: info %+v", tt.bits, tt.ch, info)
		}
	}
}

func TestFLACIsClearlySmallerThanWAV(t *testing.T) {
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	x := testSignal(48000, 2, 5)
	dir := t.TempDir()
	sizes := map[ports.Codec]int64{}
	for _, codec := range []ports.Codec{ports.CodecWAV, ports.CodecFLAC} {
		res, err := NewEncoder().Encode(t.Context(), filepath.Join(dir, "a"+codec.Extension()), newSource(f, x), ports.EncodeOptions{Codec: codec})
		if err != nil {
			t.Fatal(err)
		}
		sizes[codec] = res.SizeBytes
	}
	ratio := float64(sizes[ports.CodecFLAC]) / float64(sizes[ports.CodecWAV])
	t.Logf("FLAC %d bytes, WAV %d bytes: %.2f", sizes[ports.CodecFLAC], sizes[ports.CodecWAV], ratio)
	if ratio > 0.7 {
		t.Errorf("FLAC is %.0f%% of the WAV size; want clearly smaller (≤ 70%%)", 100*ratio)
	}
}

func TestEncodeRejectsBadOptions(t *testing.T) {
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	for _, tt := range []struct {
		name string
		f    pcm.Format
		opt  ports.EncodeOptions
		says string
	}{
		{"unknown codec", f, ports.EncodeOptions{Codec: "ogg"}, `unknown codec "ogg"`},
		{"8-bit WAV", f, ports.EncodeOptions{Codec: ports.CodecWAV, BitDepth: 8}, "bit depth 8"},
		{"32-bit FLAC", f, ports.EncodeOptions{Codec: ports.CodecFLAC, BitDepth: 32}, "bit depth 32"},
		{"9-channel FLAC", pcm.Format{SampleRate: 48000, Channels: 9}, ports.EncodeOptions{Codec: ports.CodecFLAC}, "at most 8 channels"},
		{"3-channel MP3", pcm.Format{SampleRate: 48000, Channels: 3}, ports.EncodeOptions{Codec: ports.CodecMP3}, "mono or stereo"},
		{"bad format", pcm.Format{SampleRate: 10, Channels: 2}, ports.EncodeOptions{Codec: ports.CodecWAV}, "sample rate 10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			x := make([]float32, 100*tt.f.Channels)
			_, err := NewEncoder().Encode(t.Context(), filepath.Join(dir, "out"), newSource(tt.f, x), tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("error %v; want one saying %q", err, tt.says)
			}
			assertOnlyFiles(t, dir)
		})
	}
}

// failingReader yields frames, then calls after (cancel, or returns an
// error) once it has handed out failAfter frames.
type failingReader struct {
	sliceReader
	failAfter int
	given     int
	after     func() error
}

func (r *failingReader) ReadFrames(dst []float32) (int, error) {
	if r.given >= r.failAfter {
		if err := r.after(); err != nil {
			return 0, err
		}
	}
	n, err := r.sliceReader.ReadFrames(dst)
	r.given += n
	return n, err
}

func TestFailureLeavesNoDst(t *testing.T) {
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	for _, codec := range []ports.Codec{ports.CodecWAV, ports.CodecFLAC, ports.CodecMP3} {
		t.Run(string(codec)+"/context cancelled before", func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := NewEncoder().Encode(ctx, filepath.Join(dir, "out"), newSource(f, testSignal(48000, 2, 1)), ports.EncodeOptions{Codec: codec})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			assertOnlyFiles(t, dir)
		})
		t.Run(string(codec)+"/context cancelled midway", func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(t.Context())
			src := &failingReader{sliceReader: *newSource(f, testSignal(48000, 2, 10)), failAfter: 48000 * 3, after: func() error { cancel(); return nil }}
			_, err := NewEncoder().Encode(ctx, filepath.Join(dir, "out"), src, ports.EncodeOptions{Codec: codec})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if src.given >= 48000*10 {
				t.Error("the whole source was read after cancellation")
			}
			assertOnlyFiles(t, dir)
		})
		t.Run(string(codec)+"/source fails", func(t *testing.T) {
			dir := t.TempDir()
			boom := errors.New("disk on fire")
			src := &failingReader{sliceReader: *newSource(f, testSignal(48000, 2, 2)), failAfter: 48000, after: func() error { return boom }}
			_, err := NewEncoder().Encode(t.Context(), filepath.Join(dir, "out"), src, ports.EncodeOptions{Codec: codec})
			if !errors.Is(err, boom) {
				t.Errorf("error %v, want %v", err, boom)
			}
			assertOnlyFiles(t, dir)
		})
		t.Run(string(codec)+"/unwritable directory", func(t *testing.T) {
			dir := t.TempDir()
			blocker := filepath.Join(dir, "file")
			if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := NewEncoder().Encode(t.Context(), filepath.Join(blocker, "out"), newSource(f, testSignal(48000, 2, 0.2)), ports.EncodeOptions{Codec: codec})
			if err == nil {
				t.Fatal("wrote below a regular file")
			}
			assertOnlyFiles(t, dir, "file")
		})
	}
}

func TestExistingDstIsReplaced(t *testing.T) {
	dst := filepath.Join(t.TempDir(), "out.wav")
	if err := os.WriteFile(dst, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	f := pcm.Format{SampleRate: 8000, Channels: 1}
	res, err := NewEncoder().Encode(t.Context(), dst, newSource(f, make([]float32, 800)), ports.EncodeOptions{Codec: ports.CodecWAV})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, dst, res, 800)
	if res.SizeBytes != 44+1600 {
		t.Errorf("size %d, want %d", res.SizeBytes, 44+1600)
	}
}

func TestEmptySourceMakesValidFiles(t *testing.T) {
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	for _, codec := range []ports.Codec{ports.CodecWAV, ports.CodecFLAC} {
		dst := filepath.Join(t.TempDir(), "empty"+codec.Extension())
		res, err := NewEncoder().Encode(t.Context(), dst, newSource(f, nil), ports.EncodeOptions{Codec: codec})
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, dst, res, 0)
		gotF, got := decodeFile(t, dst)
		if gotF != f || len(got) != 0 {
			t.Errorf("%s: %v, %d samples", codec, gotF, len(got))
		}
	}
}

func TestFLACOfAnyLengthDecodes(t *testing.T) {
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	for _, frames := range []int{1, 5, 15, 16, 4095, 4096, 4097, 4096 + 5, 3*4096 + 15} {
		x := testSignal(48000, 2, float64(frames)/48000)[:2*frames]
		dst := filepath.Join(t.TempDir(), "a.flac")
		res, err := NewEncoder().Encode(t.Context(), dst, newSource(f, x), ports.EncodeOptions{Codec: ports.CodecFLAC, BitDepth: 24})
		if err != nil {
			t.Fatal(err)
		}
		checkResult(t, dst, res, int64(frames))
		_, got := decodeFile(t, dst)
		assertExact(t, got, quantised(x, 24))
	}
}

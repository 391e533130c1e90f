package wavfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
)

func TestRoundTripEveryEncoding(t *testing.T) {
	for _, enc := range []Encoding{PCM16, PCM24, PCM32, Float32} {
		for _, ext := range []bool{false, true} {
			for _, ch := range []int{1, 2, 3} {
				name := enc.String() + map[bool]string{false: " plain", true: " extensible"}[ext] + " " + string(rune('0'+ch)) + "ch"
				t.Run(name, func(t *testing.T) {
					f := pcm.Format{SampleRate: 44100, Channels: ch}
					var chans [][]float32
					for c := 0; c < ch; c++ {
						chans = append(chans, synth.Sine(1000, 44100, 440*float64(c+1), 0.5))
					}
					x := synth.Interleave(chans...)
					x[0], x[1] = 1, -1 // full scale both ways
					var buf bytes.Buffer
					if err := Write(&buf, f, x, WriteOptions{Encoding: enc, Extensible: ext}); err != nil {
						t.Fatal(err)
					}
					r, err := NewReader(bytes.NewReader(buf.Bytes()))
					if err != nil {
						t.Fatal(err)
					}
					info := r.Info()
					if info.Format != f || info.Encoding != enc || info.Extensible != ext || info.Frames != 1000 {
						t.Fatalf("info %+v", info)
					}
					tol := map[Encoding]float64{PCM16: 1.0 / 32768, PCM24: 1.0 / 8388608, PCM32: 1e-7, Float32: 0}[enc]
					got := make([]float32, 0, len(x))
					dst := make([]float32, 300*ch) // several reads per file
					for {
						n, err := r.ReadFrames(dst)
						if err == io.EOF {
							break
						}
						if err != nil {
							t.Fatal(err)
						}
						got = append(got, dst[:n*ch]...)
					}
					if len(got) != len(x) {
						t.Fatalf("read %d samples, want %d", len(got), len(x))
					}
					for i := range x {
						want := math.Min(float64(x[i]), 1-tol) // +1.0 clips to the largest code
						if enc == Float32 {
							want = float64(x[i])
						}
						if math.Abs(float64(got[i])-want) > tol+1e-9 {
							t.Fatalf("sample %d: %v, want %v ± %g", i, got[i], want, tol)
						}
					}
				})
			}
		}
	}
}

func TestReadRawAndDecodeRawMatchReadFrames(t *testing.T) {
	for _, enc := range []Encoding{PCM16, PCM24, PCM32, Float32} {
		for _, ch := range []int{1, 2, 4} {
			var chans [][]float32
			for c := 0; c < ch; c++ {
				chans = append(chans, synth.WhiteNoise(2000, 0.2, uint64(c)))
			}
			var buf bytes.Buffer
			if err := Write(&buf, pcm.Format{SampleRate: 48000, Channels: ch}, synth.Interleave(chans...), WriteOptions{Encoding: enc}); err != nil {
				t.Fatal(err)
			}
			a, _ := NewReader(bytes.NewReader(buf.Bytes()))
			b, _ := NewReader(bytes.NewReader(buf.Bytes()))
			inter := make([]float32, 700*ch)
			plane := make([]float32, 700)
			var raw []byte
			for {
				n, errA := a.ReadFrames(inter)
				var m int
				var errB error
				raw, m, errB = b.ReadRaw(raw, 700)
				if n != m || (errA == nil) != (errB == nil) {
					t.Fatalf("%s %dch: ReadFrames %d,%v vs ReadRaw %d,%v", enc, ch, n, errA, m, errB)
				}
				if n == 0 {
					break
				}
				for c := 0; c < ch; c++ {
					// Decode in two pieces, as the analyzer does frame by frame.
					b.DecodeRaw(raw, c, 0, n/3, plane)
					b.DecodeRaw(raw, c, n/3, n, plane[n/3:])
					for i := 0; i < n; i++ {
						if plane[i] != inter[i*ch+c] {
							t.Fatalf("%s %dch: channel %d sample %d: %v vs %v", enc, ch, c, i, plane[i], inter[i*ch+c])
						}
					}
				}
			}
		}
	}
}

// header builds a RIFF/WAVE file from a fmt chunk body and data bytes.
func header(fmtBody []byte, data []byte) []byte {
	le := binary.LittleEndian
	var b []byte
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(4+8+len(fmtBody)+8+len(data)))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, uint32(len(fmtBody)))
	b = append(b, fmtBody...)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

// fmtChunk builds a 16-byte fmt body.
func fmtChunk(tag uint16, ch, rate, bits int) []byte {
	le := binary.LittleEndian
	var b []byte
	b = le.AppendUint16(b, tag)
	b = le.AppendUint16(b, uint16(ch))
	b = le.AppendUint32(b, uint32(rate))
	b = le.AppendUint32(b, uint32(rate*ch*bits/8))
	b = le.AppendUint16(b, uint16(ch*bits/8))
	return le.AppendUint16(b, uint16(bits))
}

// extensible builds a 40-byte WAVE_FORMAT_EXTENSIBLE body with the given
// sub-format GUID.
func extensible(ch, rate, bits int, guid []byte) []byte {
	le := binary.LittleEndian
	b := fmtChunk(tagExtensible, ch, rate, bits)
	b = le.AppendUint16(b, 22)
	b = le.AppendUint16(b, uint16(bits))
	b = le.AppendUint32(b, 3)
	return append(b, guid...)
}

func TestRejectsUnsupportedAndMalformedFiles(t *testing.T) {
	pcmGUID := append([]byte{0x01, 0x00}, ksdataformatSubtype...)
	alienGUID := bytes.Repeat([]byte{0xAB}, 16)
	valid := header(fmtChunk(tagPCM, 2, 48000, 16), make([]byte, 16))
	tests := []struct {
		name string
		file []byte
		kind error
		says string
	}{
		{"8-bit PCM", header(fmtChunk(tagPCM, 1, 8000, 8), make([]byte, 8)), ErrUnsupported, "8-bit unsigned PCM"},
		{"12-bit PCM", header(fmtChunk(tagPCM, 1, 8000, 12), make([]byte, 8)), ErrUnsupported, "12-bit integer PCM"},
		{"Microsoft ADPCM", header(fmtChunk(0x0002, 1, 8000, 4), make([]byte, 8)), ErrUnsupported, "Microsoft ADPCM (format tag 0x0002)"},
		{"IMA ADPCM", header(fmtChunk(0x0011, 1, 8000, 4), make([]byte, 8)), ErrUnsupported, "IMA ADPCM"},
		{"µ-law", header(fmtChunk(0x0007, 1, 8000, 8), make([]byte, 8)), ErrUnsupported, "µ-law"},
		{"MP3 in WAV", header(fmtChunk(0x0055, 2, 44100, 0), make([]byte, 8)), ErrUnsupported, "MP3"},
		{"64-bit float", header(fmtChunk(tagFloat, 1, 48000, 64), make([]byte, 8)), ErrUnsupported, "64-bit float"},
		{"extensible with a foreign sub-format", header(extensible(2, 48000, 16, alienGUID), nil), ErrUnsupported, "sub-format"},
		{"extensible 8-bit", header(extensible(1, 48000, 8, pcmGUID), nil), ErrUnsupported, "8-bit unsigned PCM"},
		{"RF64", append([]byte("RF64"), valid[4:]...), ErrUnsupported, "RF64 (64-bit WAV)"},
		{"RIFX", append([]byte("RIFX"), valid[4:]...), ErrUnsupported, "big-endian"},
		{"not RIFF", []byte("ID3\x04 this is an mp3 file..."), ErrMalformed, "not a RIFF file"},
		{"not WAVE", append(append([]byte{}, valid[:8]...), "AVI "...), ErrMalformed, "not WAVE"},
		{"truncated RIFF header", valid[:7], ErrMalformed, "truncated header"},
		{"truncated fmt chunk", valid[:26], ErrMalformed, "truncated header: fmt chunk cut short"},
		{"no data chunk", valid[:36], ErrMalformed, "truncated header: no data chunk"},
		{"no fmt chunk", []byte("RIFF\x04\x00\x00\x00WAVE"), ErrMalformed, "no fmt chunk"},
		{"data before fmt", append([]byte("RIFF\x14\x00\x00\x00WAVEdata\x00\x00\x00\x00"), valid[12:]...), ErrMalformed, "data chunk before fmt chunk"},
		{"wrong block align", header(append(fmtChunk(tagPCM, 2, 48000, 16)[:12], 3, 0, 16, 0), nil), ErrMalformed, "block align 3"},
		{"zero channels", header(fmtChunk(tagPCM, 0, 48000, 16), nil), ErrUnsupported, "0 channels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tt.file))
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q is not %v", err, tt.kind)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

func TestTruncatedDataIsReadUpToTheCut(t *testing.T) {
	var buf bytes.Buffer
	x := synth.Sine(1000, 8000, 100, 0.5)
	if err := Write(&buf, pcm.Format{SampleRate: 8000, Channels: 1}, x, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	cut := buf.Bytes()[:buf.Len()-501] // 250.5 samples missing
	r, err := NewReader(bytes.NewReader(cut))
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	dst := make([]float32, 4096)
	for {
		n, err := r.ReadFrames(dst)
		if err == io.EOF {
			break
		}
		total += n
	}
	if total != 749 || !r.Truncated() {
		t.Errorf("read %d samples, truncated %v; want 749, true", total, r.Truncated())
	}
}

func TestUnknownDataSizeReadsToEOFAndSkipsOddChunks(t *testing.T) {
	le := binary.LittleEndian
	var b []byte
	b = append(b, "RIFF\xff\xff\xff\xffWAVE"...)
	b = append(b, "LIST"...) // odd-sized chunk with its pad byte
	b = le.AppendUint32(b, 3)
	b = append(b, "abc\x00"...)
	b = append(b, "fmt "...)
	b = le.AppendUint32(b, 16)
	b = append(b, fmtChunk(tagPCM, 1, 16000, 16)...)
	b = append(b, "data\xff\xff\xff\xff"...)
	for i := 0; i < 100; i++ {
		b = le.AppendUint16(b, uint16(int16(i*100)))
	}
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r.Info().Frames != -1 {
		t.Errorf("frames %d, want -1 (unknown)", r.Info().Frames)
	}
	dst := make([]float32, 1000)
	n, err := r.ReadFrames(dst)
	if err != nil || n != 100 || dst[99] != float32(9900)/32768 {
		t.Errorf("read %d (%v), last %v", n, err, dst[n-1])
	}
	if r.Truncated() {
		t.Error("a stream of unknown size reported as truncated")
	}
}

// TestReadsFilesWrittenBySox cross-checks the decoder against sox, which
// writes WAVE_FORMAT_EXTENSIBLE headers for 24/32-bit and > 2 channels.
func TestReadsFilesWrittenBySox(t *testing.T) {
	if _, err := exec.LookPath("sox"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("sox is required under CI=true: %v", err)
		}
		t.Skip("sox not installed")
	}
	dir := t.TempDir()
	sawExtensible := false
	for _, args := range [][]string{
		{"-b", "16", "-e", "signed-integer", "-c", "2"},
		{"-b", "24", "-e", "signed-integer", "-c", "2"},
		{"-b", "32", "-e", "signed-integer", "-c", "1"},
		{"-b", "32", "-e", "floating-point", "-c", "4"},
	} {
		path := filepath.Join(dir, strings.Join(args, "")+".wav")
		cmd := append([]string{"-n", "-r", "48000"}, args...)
		cmd = append(cmd, path, "synth", "1", "sine", "1000", "vol", "0.5")
		if out, err := exec.Command("sox", cmd...).CombinedOutput(); err != nil {
			t.Fatalf("sox %v: %v: %s", cmd, err, out)
		}
		r, err := Open(path)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		ch := r.Format().Channels
		sawExtensible = sawExtensible || r.Info().Extensible
		dst := make([]float32, 48000*ch)
		n, err := r.ReadFrames(dst)
		r.Close()
		if err != nil || n != 48000 {
			t.Fatalf("%v: read %d frames (%v)", args, n, err)
		}
		var ss float64
		for _, v := range dst[:n*ch] {
			ss += float64(v) * float64(v)
		}
		if rms := 10 * math.Log10(ss/float64(n*ch)); math.Abs(rms-(-9.03)) > 0.1 {
			t.Errorf("%v (%s, extensible %v): RMS %.2f dBFS, want -9.03", args, r.Info().Encoding, r.Info().Extensible, rms)
		}
	}
	if !sawExtensible {
		t.Error("sox wrote no WAVE_FORMAT_EXTENSIBLE file; the extensible path is untested against a real writer")
	}
}

func TestOpenReportsMissingFile(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "nope.wav"))
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("error %v", err)
	}
}

package audiofile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

func TestAssembleIsFrameExact(t *testing.T) {
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	lengths := []int{10007, 4096, 333} // not multiples of the FLAC block size
	for _, tt := range []struct {
		parts, out ports.Codec
		bits       int
	}{
		{ports.CodecWAV, ports.CodecWAV, 16},
		{ports.CodecFLAC, ports.CodecFLAC, 16},
		{ports.CodecWAV, ports.CodecFLAC, 24},
		{ports.CodecFLAC, ports.CodecWAV, 24},
	} {
		t.Run(fmt.Sprintf("%s parts to %d-bit %s", tt.parts, tt.bits, tt.out), func(t *testing.T) {
			dir := t.TempDir()
			var paths []string
			var want []float32
			for i, n := range lengths {
				x := testSignal(48000, 2, float64(n)/48000+0.01)[:2*n]
				paths = append(paths, writePart(t, dir, fmt.Sprintf("part%d%s", i, tt.parts.Extension()), f, x, tt.parts))
				want = append(want, quantised(x, 16)...) // parts are 16-bit
			}
			dst := filepath.Join(dir, "all"+tt.out.Extension())
			res, err := NewAssembler().Assemble(t.Context(), dst, paths, ports.EncodeOptions{Codec: tt.out, BitDepth: tt.bits})
			if err != nil {
				t.Fatal(err)
			}
			checkResult(t, dst, res, 10007+4096+333)
			gotF, got := decodeFile(t, dst)
			if gotF != f {
				t.Errorf("format %v", gotF)
			}
			assertExact(t, got, want)
		})
	}
}

func TestAssembleRawMastersToMP3(t *testing.T) {
	dir := t.TempDir()
	f := pcm.Format{SampleRate: 48000, Channels: 1}
	x := testSignal(48000, 1, 2)
	var paths []string
	for i := 0; i < 2; i++ {
		p := filepath.Join(dir, fmt.Sprintf("m%d.wav", i))
		w, err := NewPCMFiles().CreatePCM(p, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(x[i*48000 : (i+1)*48000]); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	dst := filepath.Join(dir, "all.mp3")
	res, err := NewAssembler().Assemble(t.Context(), dst, paths, ports.EncodeOptions{Codec: ports.CodecMP3, BitrateKbps: 160, VBR: true})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, dst, res, 96000)
	_, got := decodeFile(t, dst)
	lag, corr := bestLag(x, channel(got, 2, 0), 4000)
	if corr < 0.95 {
		t.Errorf("correlation %.3f at lag %d", corr, lag)
	}
}

func TestAssembleRejectsMismatchedParts(t *testing.T) {
	dir := t.TempDir()
	stereo48 := writePart(t, dir, "a.wav", pcm.Format{SampleRate: 48000, Channels: 2}, testSignal(48000, 2, 0.1), ports.CodecWAV)
	stereo44 := writePart(t, dir, "b.flac", pcm.Format{SampleRate: 44100, Channels: 2}, testSignal(44100, 2, 0.1), ports.CodecFLAC)
	mono48 := writePart(t, dir, "c.wav", pcm.Format{SampleRate: 48000, Channels: 1}, testSignal(48000, 1, 0.1), ports.CodecWAV)
	garbage := filepath.Join(dir, "d.wav")
	if err := os.WriteFile(garbage, []byte("garbage garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		parts []string
		says  []string
	}{
		{"sample rate", []string{stereo48, stereo48, stereo44}, []string{"part 3", stereo44, "44100 Hz", "48000 Hz"}},
		{"channels", []string{stereo48, mono48}, []string{"part 2", mono48, "1 ch"}},
		{"undecodable", []string{stereo48, garbage}, []string{"part 2", garbage, "text"}},
		{"missing", []string{stereo48, filepath.Join(dir, "gone.wav")}, []string{"part 2", "no such file"}},
		{"none", nil, []string{"no parts"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			_, err := NewAssembler().Assemble(t.Context(), filepath.Join(out, "all.wav"), tt.parts, ports.EncodeOptions{Codec: ports.CodecWAV})
			if err == nil {
				t.Fatal("assembled")
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			assertOnlyFiles(t, out)
		})
	}
}

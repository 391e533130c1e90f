package audiofile

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

func TestMP3RoundTripCorrelates(t *testing.T) {
	for _, tt := range []struct {
		name string
		ch   int
		rate int
		opt  ports.EncodeOptions
	}{
		{"mono CBR default", 1, 48000, ports.EncodeOptions{Codec: ports.CodecMP3}},
		{"stereo CBR 192", 2, 48000, ports.EncodeOptions{Codec: ports.CodecMP3, BitrateKbps: 192}},
		{"stereo VBR 190", 2, 44100, ports.EncodeOptions{Codec: ports.CodecMP3, BitrateKbps: 190, VBR: true}},
		{"mono VBR 96", 1, 32000, ports.EncodeOptions{Codec: ports.CodecMP3, BitrateKbps: 96, VBR: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := pcm.Format{SampleRate: tt.rate, Channels: tt.ch}
			x := testSignal(tt.rate, tt.ch, 3)
			dst := filepath.Join(t.TempDir(), "out.mp3")
			res, err := NewEncoder().Encode(t.Context(), dst, newSource(f, x), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			frames := len(x) / tt.ch
			checkResult(t, dst, res, int64(frames))
			gotF, got := decodeFile(t, dst)
			if gotF != (pcm.Format{SampleRate: tt.rate, Channels: 2}) {
				t.Fatalf("decoded format %v", gotF)
			}
			gotFrames := len(got) / 2
			if d := math.Abs(float64(gotFrames-frames)) / float64(tt.rate); d > 0.1 {
				t.Errorf("decoded %d frames, source %d: %.3f s apart", gotFrames, frames, d)
			}
			for c := 0; c < 2; c++ {
				want := channel(x, tt.ch, min(c, tt.ch-1))
				have := channel(got, 2, c)
				lag, corr := bestLag(want, have, 4000)
				t.Logf("channel %d: lag %d samples, correlation %.4f", c, lag, corr)
				if corr < 0.95 {
					t.Errorf("channel %d: correlation %.4f at lag %d, want ≥ 0.95", c, corr, lag)
				}
			}
		})
	}
}

// channel extracts channel c of an interleaved stream.
func channel(x []float32, channels, c int) []float32 {
	out := make([]float32, len(x)/channels)
	for i := range out {
		out[i] = x[i*channels+c]
	}
	return out
}

// bestLag finds the delay of b against a (0..maxLag) at which a half-second
// window of a correlates best, and returns it with the correlation of the
// whole of a at that delay.
func bestLag(a, b []float32, maxLag int) (int, float64) {
	from := min(len(a)/4, 24000)
	win := a[from:min(len(a), from+24000)]
	best, bestCorr := 0, -2.0
	for lag := 0; lag <= maxLag; lag++ {
		if c := correlation(win, b, from+lag); c > bestCorr {
			best, bestCorr = lag, c
		}
	}
	return best, correlation(a, b, best)
}

func TestVBRQualityFollowsTheBitrateTable(t *testing.T) {
	for kbps, want := range map[int]int{
		320: 0, 245: 0, 244: 1, 225: 1, 224: 2, 190: 2, 189: 3, 175: 3, 174: 4, 165: 4,
		164: 5, 128: 5, 127: 6, 112: 6, 111: 7, 96: 7, 95: 8, 80: 8, 79: 9, 0: 9,
	} {
		if got := vbrQuality(kbps); got != want {
			t.Errorf("%d kbps: -V%d, want -V%d", kbps, got, want)
		}
	}
}

func TestLameArguments(t *testing.T) {
	mono, stereo := pcm.Format{SampleRate: 44100, Channels: 1}, pcm.Format{SampleRate: 48000, Channels: 2}
	for _, tt := range []struct {
		f    pcm.Format
		opt  ports.EncodeOptions
		want []string
	}{
		{mono, ports.EncodeOptions{}, []string{"-s 44.1", "-m m", "-b 128"}},
		{stereo, ports.EncodeOptions{BitrateKbps: 256}, []string{"-s 48", "-m j", "-b 256"}},
		{stereo, ports.EncodeOptions{BitrateKbps: 130, VBR: true}, []string{"-m j", "-V 5"}},
	} {
		args := lameArgs(tt.f, tt.opt, "/x/out.mp3.tmp")
		joined := strings.Join(args, " ")
		for _, w := range tt.want {
			if !strings.Contains(joined, w) {
				t.Errorf("%v %+v: args %q lack %q", tt.f, tt.opt, joined, w)
			}
		}
		if tt.opt.VBR == slices.Contains(args, "-b") {
			t.Errorf("VBR %v but args %q", tt.opt.VBR, joined)
		}
		if !strings.HasSuffix(joined, " - /x/out.mp3.tmp") {
			t.Errorf("args %q do not read stdin and write the temporary file", joined)
		}
	}
}

func TestMissingLameSaysWhatToInstall(t *testing.T) {
	dir := t.TempDir()
	enc := &Encoder{LamePath: filepath.Join(dir, "no-lame-here")}
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	_, err := enc.Encode(t.Context(), filepath.Join(dir, "out.mp3"), newSource(f, testSignal(48000, 2, 0.1)), ports.EncodeOptions{Codec: ports.CodecMP3})
	if err == nil || !strings.Contains(err.Error(), "install the Debian package lame") {
		t.Fatalf("error %v", err)
	}
	assertOnlyFiles(t, dir)
}

func TestFailingLameLeavesNoDst(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "lame")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'lame: broken on purpose' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	_, err := (&Encoder{LamePath: fake}).Encode(t.Context(), filepath.Join(out, "out.mp3"), newSource(f, testSignal(48000, 2, 2)), ports.EncodeOptions{Codec: ports.CodecMP3})
	if err == nil || !strings.Contains(err.Error(), "broken on purpose") {
		t.Fatalf("error %v; want lame's message", err)
	}
	assertOnlyFiles(t, out)
}

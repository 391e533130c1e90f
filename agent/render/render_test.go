package render_test

import (
	"context"
	"math"
	"testing"

	"github.com/rakkr/rakkr/agent/render"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// raw3 is a 3-channel raw master of n frames: channel c of frame f is c + f/10000.
func raw3(n int) []float32 {
	out := make([]float32, 0, 3*n)
	for f := range n {
		for c := range 3 {
			out = append(out, float32(c)+float32(f)/10000)
		}
	}
	return out
}

func TestRenderAppliesTheChannelMap(t *testing.T) {
	files := &memFiles{format: pcm.Format{SampleRate: 48000, Channels: 3}, samples: map[string][]float32{"a.raw.wav": raw3(2500)}, piece: 333}
	m := channelmap.Map{Mode: channelmap.ModeMultichannel, Entries: []channelmap.Entry{
		{Source: 5, Output: 2, Included: true}, {Source: 1, Included: false}, {Source: 2, Output: 1, Included: true},
	}}
	enc := &encoder{}
	opt := ports.EncodeOptions{Codec: ports.CodecFLAC, BitDepth: 24}
	res, err := render.Render(context.Background(), files, enc, "a.raw.wav", "a.flac", m, opt)
	if err != nil {
		t.Fatal(err)
	}
	if res.Frames != 2500 || enc.dst != "a.flac" || enc.opt != opt || enc.format != (pcm.Format{SampleRate: 48000, Channels: 2}) {
		t.Fatalf("result %+v, encoder %+v %v %+v", res, enc.dst, enc.format, enc.opt)
	}
	// Output 1 is entry 2 (raw column 2), output 2 is entry 0 (raw column 0).
	for f := range 2500 {
		want := [2]float32{2 + float32(f)/10000, float32(f) / 10000}
		if got := [2]float32{enc.samples[2*f], enc.samples[2*f+1]}; got != want {
			t.Fatalf("frame %d: %v, want %v", f, got, want)
		}
	}
}

func TestRenderMixesToMono(t *testing.T) {
	files := &memFiles{format: pcm.Format{SampleRate: 44100, Channels: 3}, samples: map[string][]float32{"a": raw3(10)}, piece: 4}
	enc := &encoder{}
	m := channelmap.FromSelection(channelmap.ModeMono, []int{1, 2, 3})
	if _, err := render.Render(context.Background(), files, enc, "a", "b", m, ports.EncodeOptions{Codec: ports.CodecWAV}); err != nil {
		t.Fatal(err)
	}
	if enc.format.Channels != 1 || len(enc.samples) != 10 || math.Abs(float64(enc.samples[0])-1) > 1e-6 {
		t.Fatalf("format %v, samples %v", enc.format, enc.samples)
	}
}

func TestRenderRefusesAMapOfAnotherWidth(t *testing.T) {
	files := &memFiles{format: pcm.Format{SampleRate: 48000, Channels: 3}, samples: map[string][]float32{"a": raw3(10)}, piece: 4}
	m := channelmap.FromSelection(channelmap.ModeStereo, []int{1, 2})
	_, err := render.Render(context.Background(), files, &encoder{}, "a", "b", m, ports.EncodeOptions{})
	if errs.KindOf(err) != errs.KindConflict {
		t.Fatalf("err %v", err)
	}
	if _, err := render.Render(context.Background(), files, &encoder{}, "missing", "b", m, ports.EncodeOptions{}); err == nil {
		t.Fatal("rendered a missing file")
	}
}

func TestLevelsStreamsTheRawMaster(t *testing.T) {
	n := 48000
	s := make([]float32, 2*n)
	for i := range n {
		s[2*i] = float32(0.5 * math.Sin(2*math.Pi*1000*float64(i)/48000))
	}
	files := &memFiles{format: pcm.Format{SampleRate: 48000, Channels: 2}, samples: map[string][]float32{"a": s, "z": make([]float32, 200), "e": nil}, piece: 1000}
	peak, rms, err := render.Levels(files, "a")
	// Peak 0.5 → −6.02 dBFS; RMS over both channels (one silent) 0.5/√2/√2 = 0.25 → −12.04 dBFS.
	if err != nil || math.Abs(peak+6.0206) > 0.01 || math.Abs(rms+12.0412) > 0.01 {
		t.Fatalf("peak %.3f rms %.3f, %v", peak, rms, err)
	}
	for _, p := range []string{"z", "e"} {
		if peak, rms, err := render.Levels(files, p); err != nil || peak != render.MinDbfs || rms != render.MinDbfs {
			t.Fatalf("%s: peak %v rms %v, %v", p, peak, rms, err)
		}
	}
}

// TestRenderMeasuresWhatLevelsWould: the levels Render measures on its one
// read of the raw master are Levels' (so the report need not read it again).
func TestRenderMeasuresWhatLevelsWould(t *testing.T) {
	n := 48000
	s := make([]float32, 2*n)
	for i := range n {
		s[2*i] = float32(0.5 * math.Sin(2*math.Pi*1000*float64(i)/48000))
		s[2*i+1] = float32(0.1 * math.Sin(2*math.Pi*440*float64(i)/48000))
	}
	files := &memFiles{format: pcm.Format{SampleRate: 48000, Channels: 2}, samples: map[string][]float32{"a": s}, piece: 1000}
	peak, rms, err := render.Levels(files, "a")
	if err != nil {
		t.Fatal(err)
	}
	m := channelmap.FromSelection(channelmap.ModeMono, []int{1, 2})
	res, err := render.Render(context.Background(), files, &encoder{}, "a", "b", m, ports.EncodeOptions{Codec: ports.CodecWAV})
	if err != nil || res.Frames != int64(n) || math.Abs(res.PeakDbfs-peak) > 1e-9 || math.Abs(res.RmsDbfs-rms) > 1e-9 {
		t.Fatalf("render %+v (levels %.4f %.4f) %v", res, peak, rms, err)
	}
}

package quality

import (
	"math"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
)

func TestLevelsOfSinesAtKnownDBFS(t *testing.T) {
	tests := []struct {
		name    string
		rate    int
		hz      float64
		rmsDBFS float64
	}{
		{"1 kHz at -6 dBFS", 48000, 1000, -6},
		{"1 kHz at -20 dBFS", 48000, 1000, -20},
		{"440 Hz at -40 dBFS", 48000, 440, -40},
		{"100 Hz at -60 dBFS", 48000, 100, -60},
		{"1 kHz at -20 dBFS, 44.1 kHz", 44100, 1000, -20},
		{"250 Hz at -30 dBFS, 16 kHz", 16000, 250, -30},
		{"full-scale sine", 48000, 997, -3.0103},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := synth.Sine(3*tt.rate, tt.rate, tt.hz, synth.SineRMS(tt.rmsDBFS))
			frames := run(t, tt.rate, x)
			for i, f := range frames {
				c := f.Channels[0]
				if math.Abs(c.RMSDBFS-tt.rmsDBFS) > 0.1 {
					t.Fatalf("frame %d: RMS %.3f dBFS, want %.1f ± 0.1", i, c.RMSDBFS, tt.rmsDBFS)
				}
				if want := tt.rmsDBFS + 3.0103; math.Abs(c.PeakDBFS-want) > 0.1 {
					t.Fatalf("frame %d: peak %.3f dBFS, want %.2f ± 0.1", i, c.PeakDBFS, want)
				}
				if math.Abs(c.CrestFactorDB-3.01) > 0.1 {
					t.Fatalf("frame %d: crest factor %.2f dB, want 3.01", i, c.CrestFactorDB)
				}
				if want := 2 * tt.hz / float64(tt.rate); math.Abs(c.ZeroCrossingRate-want) > 0.1*want {
					t.Fatalf("frame %d: zero-crossing rate %.5f, want %.5f", i, c.ZeroCrossingRate, want)
				}
				if c.Clipping != (tt.rmsDBFS+3.0103 >= -1) {
					t.Fatalf("frame %d: clipping %v at peak %.2f dBFS", i, c.Clipping, c.PeakDBFS)
				}
			}
		})
	}
}

func TestSilenceReadsFloorAndZeroScores(t *testing.T) {
	frames := run(t, testRate, synth.Silence(seconds(4)), synth.Silence(seconds(4)))
	for i, f := range frames {
		if f.PairsMeasured != 0 {
			t.Fatalf("frame %d: %d pairs measured on silence", i, f.PairsMeasured)
		}
		for c, m := range f.Channels {
			if m.RMSDBFS != FloorDBFS || m.PeakDBFS != FloorDBFS || m.Clipping || m.CrestFactorDB != 0 || m.ZeroCrossingRate != 0 {
				t.Fatalf("frame %d ch %d: %+v, want floor levels", i, c, m)
			}
			if m.Scores != (Scores{}) {
				t.Fatalf("frame %d ch %d: scores %+v, want all 0", i, c, m.Scores)
			}
			if m.Correlation.Valid() {
				t.Fatalf("frame %d ch %d: correlation %+v on silence", i, c, m.Correlation)
			}
		}
	}
}

func TestClippingThresholdIsConfigurable(t *testing.T) {
	x := synth.Sine(testRate, testRate, 1000, synth.Amplitude(-2)) // peak −2 dBFS
	for _, tt := range []struct {
		clip float64
		want bool
	}{{-1, false}, {-3, true}, {-2.05, true}} {
		cfg := DefaultConfig()
		cfg.ClipDBFS = tt.clip
		a, err := NewAnalyzer(pcm.Format{SampleRate: testRate, Channels: 1}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		f, err := a.Analyze(x[:a.FrameLength()])
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Channels[0].Clipping; got != tt.want {
			t.Errorf("clip threshold %.2f: clipping %v at peak %.2f, want %v", tt.clip, got, f.Channels[0].PeakDBFS, tt.want)
		}
	}
}

func TestZeroCrossingsIgnoreZeroSamples(t *testing.T) {
	// −1, 0, −1 is not a crossing; −1, 0, +1 is one.
	x := []float32{-0.5, 0, -0.5, 0, 0.5, 0.5, 0, 0.5, -0.5}
	a, err := NewAnalyzer(pcm.Format{SampleRate: 8000, Channels: 1}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	f, err := a.Analyze(x)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Channels[0].ZeroCrossingRate, 2.0/8; got != want {
		t.Errorf("zero-crossing rate %v, want %v", got, want)
	}
}

func TestAnalyzerRejectsBadInput(t *testing.T) {
	a, err := NewAnalyzer(pcm.Format{SampleRate: testRate, Channels: 2}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Analyze(make([]float32, 3)); err == nil {
		t.Error("odd sample count for 2 channels accepted")
	}
	if _, err := a.Analyze(make([]float32, 2*a.FrameLength()+2)); err == nil {
		t.Error("over-long frame accepted")
	}
	if _, err := NewAnalyzer(pcm.Format{SampleRate: 100, Channels: 1}, DefaultConfig()); err == nil {
		t.Error("100 Hz sample rate accepted")
	}
	cfg := DefaultConfig()
	cfg.ClipDBFS = 3
	if _, err := NewAnalyzer(pcm.Format{SampleRate: testRate, Channels: 1}, cfg); err == nil {
		t.Error("clip threshold above 0 dBFS accepted")
	}
}

func TestResetForgetsHistory(t *testing.T) {
	v := voice(4, 3)
	fresh, _ := NewAnalyzer(pcm.Format{SampleRate: testRate, Channels: 1}, DefaultConfig())
	used, _ := NewAnalyzer(pcm.Format{SampleRate: testRate, Channels: 1}, DefaultConfig())
	fl := fresh.FrameLength()
	for i := 0; i+fl <= len(v); i += fl {
		if _, err := used.Analyze(v[len(v)-fl-i : len(v)-i]); err != nil {
			t.Fatal(err)
		}
	}
	used.Reset()
	for i := 0; i+fl <= len(v); i += fl {
		a, _ := fresh.Analyze(v[i : i+fl])
		want := a.Channels[0]
		b, _ := used.Analyze(v[i : i+fl])
		if b.Channels[0] != want {
			t.Fatalf("frame %d after Reset: %+v, fresh analyzer: %+v", i/fl, b.Channels[0], want)
		}
	}
}

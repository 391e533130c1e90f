package quality

import (
	"math"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
)

// humRatioOf runs x through an Analyzer and returns the hum-line share
// after the coherent window has filled.
func humRatioOf(t *testing.T, rate int, x []float32) float64 {
	t.Helper()
	a, err := NewAnalyzer(pcm.Format{SampleRate: rate, Channels: 1}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	fl := a.FrameLength()
	for i := 0; i+fl <= len(x); i += fl {
		if _, err := a.Analyze(x[i : i+fl]); err != nil {
			t.Fatal(err)
		}
	}
	return a.chans[0].hum.ratio(a.hum)
}

func TestHumLineShare(t *testing.T) {
	tests := []struct {
		name   string
		rate   int
		x      func(rate int) []float32
		lo, hi float64
	}{
		{"50 Hz sine", 48000, func(r int) []float32 { return synth.Sine(2*r, r, 50, 0.1) }, 0.97, 1.0},
		{"60 Hz sine at 44.1 kHz", 44100, func(r int) []float32 { return synth.Sine(2*r, r, 60, 0.1) }, 0.97, 1.0},
		{"50 Hz buzz with harmonics at 16 kHz", 16000, func(r int) []float32 { return synth.Hum(2*r, r, 50, 0.1) }, 0.97, 1.0},
		{"mains running 0.2 Hz fast", 48000, func(r int) []float32 { return synth.Hum(2*r, r, 50.2, 0.1) }, 0.85, 1.0},
		{"hum 20 dB under white noise", 48000, func(r int) []float32 {
			return synth.Mix(synth.Sine(2*r, r, 50, 0.1), synth.WhiteNoise(2*r, 0.1*math.Sqrt(0.5)*10, 5))
		}, 0.005, 0.02},
		{"110 Hz tone (between the lines)", 48000, func(r int) []float32 { return synth.Sine(2*r, r, 110, 0.1) }, 0, 0.02},
		{"white noise", 48000, func(r int) []float32 { return synth.WhiteNoise(2*r, 0.1, 6) }, 0, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := humRatioOf(t, tt.rate, tt.x(tt.rate))
			if got < tt.lo || got > tt.hi {
				t.Errorf("hum-line share %.4f, want %.3f..%.3f", got, tt.lo, tt.hi)
			}
		})
	}
}

func TestEnvelopeModulationDepth(t *testing.T) {
	var e envelope
	// 4 Hz sinusoidal modulation of depth 0.5 at the 100 Hz step rate.
	for i := 0; i < 3*envWindow; i++ {
		e.push(1 + 0.5*math.Sin(2*math.Pi*4*float64(i)/100))
	}
	total, syllabic := e.depths()
	if math.Abs(total-0.5) > 0.01 || math.Abs(syllabic-0.5) > 0.01 {
		t.Errorf("depths %.3f, %.3f; want 0.5, 0.5", total, syllabic)
	}
	var steady envelope
	for i := 0; i < envWindow; i++ {
		steady.push(0.3)
	}
	if total, syl := steady.depths(); total > 1e-6 || syl > 1e-6 {
		t.Errorf("steady envelope depths %.g, %.g", total, syl)
	}
}

func TestLevelHistoryPercentiles(t *testing.T) {
	var h levelHistory
	for i := 0; i < 1000; i++ { // older values fall out of the 300-step window
		ms := 1e-6 // −60 dBFS
		if i%10 < 3 {
			ms = 1e-2 // −20 dBFS
		}
		h.push(ms)
	}
	if p := h.percentile(0.10); p != -60 {
		t.Errorf("P10 = %v, want -60", p)
	}
	if p := h.percentile(0.85); p != -20 {
		t.Errorf("P85 = %v, want -20", p)
	}
}

func TestEnvelopeSlidingSumsDoNotDrift(t *testing.T) {
	var e envelope
	x := synth.WhiteNoise(recomputeEvery-1+3*envWindow/2, 0.3, 9)
	for _, v := range x {
		e.push(math.Abs(float64(v)))
	}
	exact := e
	exact.recompute()
	total, syl := e.depths()
	wantTotal, wantSyl := exact.depths()
	if math.Abs(total-wantTotal) > 1e-9 || math.Abs(syl-wantSyl) > 1e-9 {
		t.Errorf("sliding depths %.12f %.12f, exact %.12f %.12f", total, syl, wantTotal, wantSyl)
	}
}

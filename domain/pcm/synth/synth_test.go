package synth

import (
	"math"
	"slices"
	"testing"
)

func rms(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return 10 * math.Log10(s/float64(len(x)))
}

func TestGeneratorsAreDeterministicAndAtLevel(t *testing.T) {
	if got := rms(Sine(48000, 48000, 1000, SineRMS(-20))); math.Abs(got+20) > 0.01 {
		t.Errorf("sine RMS %.3f dBFS, want -20", got)
	}
	if got := rms(WhiteNoise(48000, 0.1, 1)); math.Abs(got+20) > 0.2 {
		t.Errorf("white noise RMS %.2f dBFS, want -20", got)
	}
	v := Voice{Rate: 16000, Seconds: 5, PitchHz: 120, LevelDBFS: -20, NoiseDBFS: -60, ZeroPauses: true, Seed: 7}
	a, b := Speech(v), Speech(v)
	if len(a) != 80000 || !slices.Equal(a, b) {
		t.Fatal("speech is not deterministic or has the wrong length")
	}
	zeros := 0
	for _, s := range a {
		if s == 0 {
			zeros++
		}
	}
	if zeros < 8000 {
		t.Errorf("%d exact zeros, want the sentence pauses (≥ 0.5 s) to be digital silence", zeros)
	}
	if d := Delay([]float32{1, 2, 3}, 1); !slices.Equal(d, []float32{0, 1, 2}) {
		t.Errorf("Delay = %v", d)
	}
	if m := Mix([]float32{0.75, -0.75}, []float32{0.75, 0.25}); !slices.Equal(m, []float32{1, -0.5}) {
		t.Errorf("Mix = %v", m)
	}
}

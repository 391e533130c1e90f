package quality

import (
	"testing"

	"github.com/rakkr/rakkr/domain/pcm/synth"
)

// score getters for the table below.
var (
	speechOf    = func(m ChannelMetrics) float64 { return m.Scores.Speech }
	noiseOf     = func(m ChannelMetrics) float64 { return m.Scores.Noise }
	humOf       = func(m ChannelMetrics) float64 { return m.Scores.Hum }
	staticOf    = func(m ChannelMetrics) float64 { return m.Scores.Static }
	broadOf     = func(m ChannelMetrics) float64 { return m.Scores.Broadband }
	snrOf       = func(m ChannelMetrics) float64 { return m.Scores.SNRDB }
	intellOf    = func(m ChannelMetrics) float64 { return m.Scores.Intelligibility }
	rmsOf       = func(m ChannelMetrics) float64 { return m.RMSDBFS }
	clippedOf   = func(m ChannelMetrics) float64 { return b2f(m.Clipping) }
	speechLikeF = func(m ChannelMetrics) float64 { return b2f(m.Scores.SpeechLike) }
)

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// TestScoresOnGeneratedSignals checks every quality score on signals whose
// nature is known. Frames of the first 2 s are skipped: the modulation and
// noise-floor history needs them. Targets follow REFERENCE §K.
func TestScoresOnGeneratedSignals(t *testing.T) {
	const secs = 12
	n := seconds(secs)
	speech := voice(secs, 1)
	tests := []struct {
		name  string
		x     []float32
		check func(t *testing.T, frames []Frame)
	}{
		{"speech (male)", speech, checkHealthySpeech},
		{"speech (female, digital-zero pauses)", synth.Speech(synth.Voice{Rate: testRate, Seconds: secs, PitchHz: 210, LevelDBFS: -24, ZeroPauses: true, NoiseDBFS: -200, Seed: 2}), checkHealthySpeech},
		{"speech (pitch 100 Hz, on a mains harmonic)", synth.Speech(synth.Voice{Rate: testRate, Seconds: secs, PitchHz: 100, LevelDBFS: -20, NoiseDBFS: -75, Seed: 5}), checkHealthySpeech},
		{"50 Hz hum", synth.Hum(n, testRate, 50, 0.05), checkHum},
		{"60 Hz hum", synth.Hum(n, testRate, 60, 0.05), checkHum},
		{"white noise", synth.WhiteNoise(n, 0.05, 1), checkBroadband},
		{"pink noise", synth.PinkNoise(n, 0.05, 2), checkBroadband},
		{"hiss above 8 kHz", synth.HighPass(synth.WhiteNoise(n, 0.1, 3), testRate, 8000), func(t *testing.T, f []Frame) {
			atLeast(t, "median static", collect(f, 0, 20, staticOf).quantile(0.5), 0.85)
			below(t, "max speech", collect(f, 0, 20, speechOf).max(), 0.35)
		}},
		{"crackle", synth.Crackle(n, testRate, 200, 0.5, 4), func(t *testing.T, f []Frame) {
			atLeast(t, "median static", collect(f, 0, 20, staticOf).quantile(0.5), 0.65)
			below(t, "max speech", collect(f, 0, 20, speechOf).max(), 0.35)
		}},
		{"low speech (-48 dB)", synth.Gain(speech, -48), func(t *testing.T, f []Frame) {
			atMost(t, "max RMS", collect(f, 0, 0, rmsOf).max(), -55)
			below(t, "max speech", collect(f, 0, 0, speechOf).max(), SpeechLikeMin)
		}},
		{"clipped speech (+18 dB)", synth.Gain(speech, 18), func(t *testing.T, f []Frame) {
			atLeast(t, "clipped frames", sum(collect(f, 0, 0, clippedOf)), 10)
			atLeast(t, "max speech", collect(f, 0, 20, speechOf).max(), 0.65)
		}},
		{"steady 1 kHz tone", synth.Sine(n, testRate, 1000, 0.1), func(t *testing.T, f []Frame) {
			below(t, "max speech", collect(f, 0, 20, speechOf).max(), 0.35)
			atLeast(t, "min noise", collect(f, 0, 20, noiseOf).min(), 0.65)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, run(t, testRate, tt.x)) })
	}
}

func checkHealthySpeech(t *testing.T, f []Frame) {
	t.Helper()
	sp := collect(f, 0, 20, speechOf)
	atLeast(t, "max speech", sp.max(), 0.65)
	atLeast(t, "speech-like share", sum(collect(f, 0, 20, speechLikeF))/float64(len(sp)), 0.4)
	below(t, "max noise vs max speech", collect(f, 0, 20, noiseOf).max(), sp.max())
	below(t, "max hum", collect(f, 0, 20, humOf).max(), 0.35)
	below(t, "max static", collect(f, 0, 20, staticOf).max(), 0.35)
	below(t, "max broadband", collect(f, 0, 20, broadOf).max(), 0.35)
	var snr, intel stats
	for _, fr := range f[20:] {
		if m := fr.Channels[0]; m.Scores.SpeechLike {
			snr = append(snr, m.Scores.SNRDB)
			intel = append(intel, m.Scores.Intelligibility)
		}
	}
	atLeast(t, "median SNR of speech frames", snr.quantile(0.5), 12)
	atLeast(t, "median intelligibility of speech frames", intel.quantile(0.5), 0.45)
}

func checkHum(t *testing.T, f []Frame) {
	t.Helper()
	h := collect(f, 0, 20, humOf)
	atLeast(t, "min hum", h.min(), 0.65)
	below(t, "max speech", collect(f, 0, 20, speechOf).max(), h.min())
	below(t, "max static", collect(f, 0, 20, staticOf).max(), h.min())
}

func checkBroadband(t *testing.T, f []Frame) {
	t.Helper()
	atLeast(t, "median broadband", collect(f, 0, 20, broadOf).quantile(0.5), 0.65)
	below(t, "max speech", collect(f, 0, 20, speechOf).max(), 0.35)
	below(t, "max hum", collect(f, 0, 20, humOf).max(), 0.35)
	atMost(t, "max SNR", collect(f, 0, 20, snrOf).max(), 8)
	below(t, "max intelligibility", collect(f, 0, 20, intellOf).max(), 0.2)
}

func sum(s stats) float64 {
	t := 0.0
	for _, v := range s {
		t += v
	}
	return t
}

func atLeast(t *testing.T, what string, got, want float64) {
	t.Helper()
	if got < want {
		t.Errorf("%s = %.3f, want ≥ %.3f", what, got, want)
	}
}

func atMost(t *testing.T, what string, got, want float64) {
	t.Helper()
	if got > want {
		t.Errorf("%s = %.3f, want ≤ %.3f", what, got, want)
	}
}

func below(t *testing.T, what string, got, want float64) {
	t.Helper()
	if got >= want {
		t.Errorf("%s = %.3f, want < %.3f", what, got, want)
	}
}

package quality

import (
	"math"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm/synth"
)

func TestChannelCorrelation(t *testing.T) {
	const secs = 10
	v := voice(secs, 11)
	delayed := synth.Delay(v, seconds(0.083))
	noise := synth.WhiteNoise(seconds(secs), 0.05, 12)
	tests := []struct {
		name     string
		channels [][]float32
		// want is each channel's expected peer (−1: none) in frames where
		// every channel is audible; phase applies to peers.
		want  []int
		phase Phase
		// maxAbsR bounds |r| in every frame (0: no bound).
		maxAbsR float64
	}{
		{"identical channels", [][]float32{v, v}, []int{1, 0}, PhaseSame, 0},
		{"inverted channels", [][]float32{v, synth.Invert(v)}, []int{1, 0}, PhaseInverted, 0},
		{"scaled copy (-6 dB)", [][]float32{v, synth.Gain(v, -6)}, []int{1, 0}, PhaseSame, 0},
		{"healthy stereo: right delayed 83 ms", [][]float32{v, delayed}, []int{-1, -1}, "", 0.98},
		{"independent voices", [][]float32{v, voice(secs, 13)}, []int{-1, -1}, "", 0.80},
		{"independent noise", [][]float32{noise, synth.WhiteNoise(seconds(secs), 0.05, 14)}, []int{-1, -1}, "", 0.80},
		{"one silent channel", [][]float32{v, synth.Silence(seconds(secs))}, []int{-1, -1}, "", 0},
		{"duplicate among three", [][]float32{v, noise, v}, []int{2, -1, 0}, PhaseSame, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames := run(t, testRate, tt.channels...)
			checked := 0
			for i, f := range frames {
				if tt.maxAbsR > 0 && f.MaxAbsCorrelation() >= tt.maxAbsR {
					t.Fatalf("frame %d: |r| = %.3f, want < %.2f", i, f.MaxAbsCorrelation(), tt.maxAbsR)
				}
				audible := true
				for _, m := range f.Channels {
					audible = audible && m.RMSDBFS > -50
				}
				if f.Channels[0].RMSDBFS > -50 {
					checked++
				}
				for c, m := range f.Channels {
					if tt.want[c] < 0 && m.Correlation.Valid() {
						t.Fatalf("frame %d ch %d: peer %d (r %.3f), want none", i, c, m.Correlation.Peer, m.Correlation.R)
					}
					if !audible {
						continue
					}
					if m.Correlation.Peer != tt.want[c] {
						t.Fatalf("frame %d ch %d: peer %d (r %.3f), want %d", i, c, m.Correlation.Peer, m.Correlation.R, tt.want[c])
					}
					if tt.want[c] >= 0 {
						if math.Abs(m.Correlation.R) <= 0.98 || m.Correlation.Phase() != tt.phase {
							t.Fatalf("frame %d ch %d: r %.4f %s, want |r| > 0.98 %s", i, c, m.Correlation.R, m.Correlation.Phase(), tt.phase)
						}
					}
				}
			}
			if checked < 20 {
				t.Fatalf("only %d frames with every channel audible", checked)
			}
		})
	}
}

// TestHealthyDelayedStereoSpeechIsNotDuplicated uses the fault rule itself:
// an 83 ms delayed copy must never raise channel_correlation.
func TestHealthyDelayedStereoSpeechIsNotDuplicated(t *testing.T) {
	v := voice(40, 21)
	frames := run(t, testRate, v, synth.Delay(v, seconds(0.083)))
	tr := mustTracker(t, DefaultFaultConfig())
	for i, f := range frames {
		for _, x := range tr.Observe(f, at(i)) {
			t.Fatalf("frame %d: %s", i, x)
		}
	}
}

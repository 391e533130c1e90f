package quality

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm/synth"
)

// requireTools skips the test when a tool is missing, except under CI=true
// where the tools are part of the contract and the test fails instead.
func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required under CI=true (apt-get install -y espeak-ng sox libsox-fmt-all): %v", tool, err)
			}
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
}

// espeak renders text with espeak-ng and returns it as 48 kHz mono float32.
func espeak(t *testing.T, voice, text string) []float32 {
	t.Helper()
	requireTools(t, "espeak-ng", "sox")
	dir := t.TempDir()
	wav := filepath.Join(dir, "speech.wav")
	if out, err := exec.Command("espeak-ng", "-v", voice, "-s", "150", "-w", wav, text).CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v: %s", err, out)
	}
	raw := filepath.Join(dir, "speech.f32")
	if out, err := exec.Command("sox", wav, "-t", "raw", "-e", "floating-point", "-b", "32", "-r", "48000", "-c", "1", raw).CombinedOutput(); err != nil {
		t.Fatalf("sox: %v: %s", err, out)
	}
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}

const councilText = "The council will now come to order. The first item on the agenda is the budget for the coming year. " +
	"Are there any questions from the members? Thank you. We will proceed to the vote after a short pause. " +
	"All those in favour, please raise your hands."

func TestScoresOnRealSpeech(t *testing.T) {
	for _, v := range []string{"en-us", "en-us+f3", "en-gb+m3"} {
		t.Run(v, func(t *testing.T) {
			x := espeak(t, v, councilText)
			checkHealthySpeech(t, run(t, testRate, x))
		})
	}
}

func TestRealSpeechFaultLanes(t *testing.T) {
	x := espeak(t, "en-us", councilText)
	// Sentence pauses as exact digital zeros (espeak-ng leaves them).
	delayed := synth.Delay(x, seconds(0.083))
	lanes := []struct {
		name     string
		channels [][]float32
		want     map[Fault]bool
	}{
		{"healthy delayed stereo", [][]float32{x, delayed}, map[Fault]bool{}},
		{"duplicated mono", [][]float32{x, x}, map[Fault]bool{FaultCorrelation: true}},
		{"low (-45 dB)", [][]float32{synth.Gain(x, -45), synth.Gain(delayed, -45)}, map[Fault]bool{FaultLowSignal: true}},
		{"clipped (+18 dB)", [][]float32{synth.Gain(x, 18), synth.Gain(delayed, 18)}, map[Fault]bool{FaultClipping: true}},
	}
	for _, l := range lanes {
		t.Run(l.name, func(t *testing.T) {
			tr := mustTracker(t, DefaultFaultConfig())
			raised := map[Fault]bool{}
			for i, f := range run(t, testRate, l.channels...) {
				for _, x := range tr.Observe(f, at(i)) {
					if x.Raised {
						raised[x.Fault] = true
					}
				}
			}
			for _, f := range Faults {
				if raised[f] != l.want[f] {
					t.Errorf("%s raised = %v, want %v", f, raised[f], l.want[f])
				}
			}
		})
	}
}

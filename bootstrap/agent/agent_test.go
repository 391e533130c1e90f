package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// agentRun runs rakkr-agent in-process and returns the exit code and output.
func agentRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := RunAgent(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// agentAnalyzeOut is what the tests read back from `analyze`.
type agentAnalyzeOut struct {
	frames  []agentapi.MeterFrame
	summary analyzeSummaryJSON
}

func agentAnalyze(t *testing.T, path string, args ...string) agentAnalyzeOut {
	t.Helper()
	code, stdout, stderr := agentRun(t, append(append([]string{"analyze"}, args...), path)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res agentAnalyzeOut
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.HasPrefix(line, []byte(`{"summary":`)) {
			var s analyzeOutput
			if err := json.Unmarshal(line, &s); err != nil {
				t.Fatalf("summary line: %v", err)
			}
			res.summary = s.Summary
			continue
		}
		var f agentapi.MeterFrame
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("frame line %q: %v", line, err)
		}
		res.frames = append(res.frames, f)
	}
	return res
}

func agentWriteWAV(t *testing.T, name string, opt wavfile.WriteOptions, chans ...[]float32) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := wavfile.WriteFile(path, pcm.Format{SampleRate: 48000, Channels: len(chans)}, synth.Interleave(chans...), opt); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAnalyzeVerdictsOnGeneratedFiles(t *testing.T) {
	const fs = 48000
	v := synth.Speech(synth.Voice{Rate: fs, Seconds: 20, PitchHz: 120, LevelDBFS: -22, NoiseDBFS: -70, ZeroPauses: true, SentencePause: 1.5, Seed: 4})
	delayed := synth.Delay(v, fs*83/1000)
	tests := []struct {
		name  string
		opt   wavfile.WriteOptions
		chans [][]float32
		want  analyzeVerdictsJSON
	}{
		{"healthy.wav", wavfile.WriteOptions{}, [][]float32{v, delayed}, analyzeVerdictsJSON{SpeechPresent: true}},
		{"correlated.wav", wavfile.WriteOptions{Encoding: wavfile.PCM24, Extensible: true}, [][]float32{v, v}, analyzeVerdictsJSON{ChannelCorrelation: true, SpeechPresent: true}},
		{"inverted.wav", wavfile.WriteOptions{Encoding: wavfile.Float32}, [][]float32{v, synth.Invert(v)}, analyzeVerdictsJSON{ChannelCorrelation: true, SpeechPresent: true}},
		{"low.wav", wavfile.WriteOptions{}, [][]float32{synth.Gain(v, -48), synth.Gain(delayed, -48)}, analyzeVerdictsJSON{LowSignal: true}},
		{"clipped.wav", wavfile.WriteOptions{Encoding: wavfile.PCM32}, [][]float32{synth.Gain(v, 18), synth.Gain(delayed, 18)}, analyzeVerdictsJSON{Clipping: true, SpeechPresent: true}},
		{"flat.wav", wavfile.WriteOptions{}, [][]float32{synth.Silence(8 * fs), synth.Silence(8 * fs)}, analyzeVerdictsJSON{Flatline: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := agentAnalyze(t, agentWriteWAV(t, tt.name, tt.opt, tt.chans...))
			s := res.summary
			if s.Verdicts != tt.want {
				t.Errorf("verdicts %+v, want %+v; transitions %+v", s.Verdicts, tt.want, s.Transitions)
			}
			if len(res.frames) != s.Frames || s.Frames != int(s.DurationSeconds*10+0.999) {
				t.Errorf("%d frame lines, summary says %d frames of %.3f s", len(res.frames), s.Frames, s.DurationSeconds)
			}
			f := res.frames[len(res.frames)/2]
			if f.NodeID != "local" || f.InterfaceID != "file:"+tt.name || len(f.Levels) != 2 || f.Levels[1].ChannelIndex != 2 || f.Levels[0].Label != "Input 1" {
				t.Errorf("frame %+v", f)
			}
			if len(s.Channels) != 2 || s.Channels[0].SpeechScore.Max < s.Channels[0].SpeechScore.Min {
				t.Errorf("channel summary %+v", s.Channels)
			}
		})
	}
}

// TestAnalyzeReferenceLanes builds the fault lanes of REFERENCE §K from real
// espeak-ng speech shaped with sox, as the loopback smoke test does.
func TestAnalyzeReferenceLanes(t *testing.T) {
	for _, tool := range []string{"espeak-ng", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is required under CI=true (apt-get install -y espeak-ng sox libsox-fmt-all)", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	sh := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v: %s", name, args, err, out)
		}
	}
	sh("espeak-ng", "-v", "en-us", "-s", "150", "-w", p("voice.wav"),
		"Good morning everyone. Let us begin with the minutes of the last meeting, which were circulated on Monday. "+
			"Is there anything to add? Then I will sign them as a true record. Next, the report of the treasurer. "+
			"Our accounts are in order and the audit found nothing of concern.")
	sh("sox", p("voice.wav"), "-r", "48000", "-b", "16", p("mono.wav"), "gain", "-n", "-10")
	sh("sox", p("mono.wav"), "-c", "2", p("healthy.wav"), "remix", "1", "1", "delay", "0", "0.083")
	sh("sox", p("healthy.wav"), p("loud.wav"), "gain", "18")
	sh("sox", "-n", "-r", "48000", "-c", "2", "-b", "16", p("noise.wav"), "synth", "30", "whitenoise", "vol", "0.12")
	sh("sox", "-m", "-v", "1", p("loud.wav"), "-v", "1", p("noise.wav"), p("clipped.wav"), "gain", "4", "trim", "0", "25")
	sh("sox", p("healthy.wav"), p("low.wav"), "gain", "-38")
	sh("sox", p("mono.wav"), "-c", "2", p("correlated.wav"), "remix", "1", "1")

	lanes := map[string]analyzeVerdictsJSON{
		"healthy.wav":    {SpeechPresent: true},
		"clipped.wav":    {Clipping: true, SpeechPresent: true},
		"low.wav":        {LowSignal: true},
		"correlated.wav": {ChannelCorrelation: true, SpeechPresent: true},
	}
	for name, want := range lanes {
		t.Run(name, func(t *testing.T) {
			s := agentAnalyze(t, p(name), "-summary-only").summary
			if s.Verdicts != want {
				t.Errorf("verdicts %+v, want %+v; transitions %+v", s.Verdicts, want, s.Transitions)
			}
			c := s.Channels[0]
			switch name {
			case "healthy.wav":
				if c.SpeechScore.Max < 0.55 || c.NoiseScore.Max >= c.SpeechScore.Max || c.PeakDBFS.Max >= -1 || c.CorrelationScore.Max >= 0.98 {
					t.Errorf("healthy channel %+v", c)
				}
			case "clipped.wav":
				if c.PeakDBFS.Max < -1 {
					t.Errorf("clipped lane peak %.1f", c.PeakDBFS.Max)
				}
			case "low.wav":
				if c.RMSDBFS.Max > -55 || c.SpeechScore.Max >= 0.55 {
					t.Errorf("low lane %+v", c)
				}
			case "correlated.wav":
				if c.CorrelationScore.Max < 0.98 {
					t.Errorf("correlated lane |r| %.3f", c.CorrelationScore.Max)
				}
			}
		})
	}
}

func TestAgentCommandLine(t *testing.T) {
	dir := t.TempDir()
	eightBit := filepath.Join(dir, "u8.wav")
	// A valid 8-bit PCM file: supported by WAV, rejected by Rakkr.
	hdr := []byte("RIFF\x28\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x40\x1f\x00\x00\x01\x00\x08\x00data\x04\x00\x00\x00\x80\x80\x80\x80")
	if err := os.WriteFile(eightBit, hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args     []string
		code     int
		contains string // in stdout+stderr
	}{
		{nil, 2, "usage: rakkr-agent"},
		{[]string{"version"}, 0, "rakkr-agent 0.0.0-dev (agent wire v1"},
		{[]string{"run", "--data-dir", dir}, 1, "no node credential: enroll first"},
		{[]string{"enroll"}, 2, "--controller URL and --token T are required"},
		{[]string{"inventory", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"analyze"}, 2, "exactly one WAV file is required"},
		{[]string{"analyze", "-start", "yesterday", "x.wav"}, 2, "not an RFC 3339 time"},
		{[]string{"analyze", filepath.Join(dir, "missing.wav")}, 1, "no such file"},
		{[]string{"analyze", eightBit}, 1, "unsupported WAV file: 8-bit unsigned PCM"},
	}
	for _, tt := range tests {
		code, stdout, stderr := agentRun(t, tt.args...)
		if code != tt.code || !strings.Contains(stdout+stderr, tt.contains) {
			t.Errorf("rakkr-agent %q: exit %d, output %q; want exit %d containing %q", tt.args, code, stdout+stderr, tt.code, tt.contains)
		}
	}
}

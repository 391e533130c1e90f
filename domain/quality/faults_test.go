package quality

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

const frameDur = 100 * time.Millisecond

// at is the start of frame i of a 10 frames/s stream.
func at(i int) time.Time { return t0.Add(time.Duration(i) * frameDur) }

func mustTracker(t *testing.T, cfg FaultConfig) *FaultTracker {
	t.Helper()
	tr, err := NewFaultTracker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// fr builds a 2-channel frame with the given loudest RMS; options tweak it.
func fr(rms float64, opts ...func(*Frame)) Frame {
	f := Frame{Samples: 4800, Duration: frameDur, Channels: []ChannelMetrics{
		{RMSDBFS: rms, PeakDBFS: min(0, rms+12), Correlation: noCorrelation, Scores: Scores{Speech: 0.7, SNRDB: 30, Intelligibility: 0.6}},
		{RMSDBFS: rms - 3, PeakDBFS: min(0, rms+9), Correlation: noCorrelation},
	}}
	if rms > -65 {
		f.PairsMeasured = 1
	}
	for _, o := range opts {
		o(&f)
	}
	return f
}

func clipped(f *Frame) { f.Channels[0].Clipping, f.Channels[0].PeakDBFS = true, 0 }

func correlated(r float64) func(*Frame) {
	return func(f *Frame) {
		f.Channels[0].Correlation = Correlation{Peer: 1, R: r}
		f.Channels[1].Correlation = Correlation{Peer: 0, R: r}
	}
}

// transition records one observed transition with the index of its frame.
type transition struct {
	frame int
	Transition
}

// feed observes frames (frame i starts at at(i)) and returns the transitions.
func feed(tr *FaultTracker, frames []Frame) []transition {
	var out []transition
	for i, f := range frames {
		for _, x := range tr.Observe(f, at(i)) {
			out = append(out, transition{i, x})
		}
	}
	return out
}

// repeat returns n copies of f.
func repeat(f Frame, n int) []Frame {
	out := make([]Frame, n)
	for i := range out {
		out[i] = f
	}
	return out
}

func concat(parts ...[]Frame) []Frame {
	var out []Frame
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestFaultRulesRaiseAndClearAfterTheirSpans(t *testing.T) {
	talk := fr(-20)
	tests := []struct {
		name   string
		frames []Frame
		want   []string // "fault raised|cleared @frame"
	}{
		{"flatline raises after 5 s, clears after 5 s", concat(repeat(fr(-160), 80), repeat(talk, 60)),
			[]string{"flatline raised @49", "flatline cleared @129"}},
		{"4.9 s of flatline is not enough", concat(repeat(fr(-160), 49), repeat(talk, 10), repeat(fr(-160), 49)), nil},
		{"low signal raises after 10 s, clears after 10 s", concat(repeat(fr(-60), 120), repeat(talk, 120)),
			[]string{"low_signal raised @99", "low_signal cleared @219"}},
		{"a loud frame restarts the low-signal span", concat(repeat(fr(-60), 95), repeat(talk, 1), repeat(fr(-60), 99)), nil},
		{"correlation raises after 10 s, clears after 10 s", concat(repeat(fr(-20, correlated(0.995)), 110), repeat(talk, 100)),
			[]string{"channel_correlation raised @99", "channel_correlation cleared @209"}},
		{"inverted channels count as duplicated", repeat(fr(-20, correlated(-0.99)), 100), []string{"channel_correlation raised @99"}},
		{"r = 0.97 is not duplicated", repeat(fr(-20, correlated(0.97)), 200), nil},
		{"clipping: 3 clipped frames within 3 s raise, 3 s without clear", concat(
			[]Frame{fr(-10, clipped)}, repeat(talk, 9), []Frame{fr(-10, clipped)}, repeat(talk, 9), []Frame{fr(-10, clipped)}, repeat(talk, 40)),
			[]string{"clipping raised @20", "clipping cleared @50"}},
		{"clipping: 3 clipped frames spread over 4 s do not raise", concat(
			[]Frame{fr(-10, clipped)}, repeat(talk, 19), []Frame{fr(-10, clipped)}, repeat(talk, 19), []Frame{fr(-10, clipped)}, repeat(talk, 40)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := describe(feed(mustTracker(t, DefaultFaultConfig()), tt.frames))
			if strings.Join(got, "; ") != strings.Join(tt.want, "; ") {
				t.Errorf("transitions\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func describe(ts []transition) []string {
	var out []string
	for _, x := range ts {
		verb := "cleared"
		if x.Raised {
			verb = "raised"
		}
		out = append(out, string(x.Fault)+" "+verb+" @"+itoa(x.frame))
	}
	return out
}

func itoa(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		i /= 10
		if i == 0 {
			return s
		}
	}
}

// TestPausesInSpeechDoNotRaise checks that natural pauses, including 1.5 s
// runs of digital zeros between sentences, raise neither flatline nor low
// signal, while the same pattern at a low level does raise low signal.
func TestPausesInSpeechDoNotRaise(t *testing.T) {
	sentence := concat(repeat(fr(-22), 25), repeat(fr(-48), 5), repeat(fr(-24), 30))
	zeros := repeat(fr(-160), 15) // 1.5 s of exact zeros
	var talk, quiet []Frame
	for i := 0; i < 12; i++ {
		talk = concat(talk, sentence, zeros)
		quiet = concat(quiet, repeat(fr(-62), 60), zeros)
	}
	if got := describe(feed(mustTracker(t, DefaultFaultConfig()), talk)); got != nil {
		t.Errorf("speech with pauses raised %q", got)
	}
	got := describe(feed(mustTracker(t, DefaultFaultConfig()), quiet))
	if len(got) != 1 || got[0] != "low_signal raised @99" {
		t.Errorf("quiet speech with zero pauses: %q, want low_signal raised @99 only", got)
	}
}

// TestDeadInputIsFlatlineNotLowSignal: digital silence is flatline's; low
// signal counts only the quiet-but-live time after it.
func TestDeadInputIsFlatlineNotLowSignal(t *testing.T) {
	frames := concat(repeat(fr(-160), 120), repeat(fr(-60), 120))
	got := describe(feed(mustTracker(t, DefaultFaultConfig()), frames))
	want := []string{"flatline raised @49", "flatline cleared @169", "low_signal raised @219"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSilenceNeitherConfirmsNorRefutesCorrelation(t *testing.T) {
	dup := fr(-20, correlated(0.999))
	// Duplicated talk with 1 s pauses (no correlation measurable) raises.
	var frames []Frame
	for i := 0; i < 6; i++ {
		frames = concat(frames, repeat(dup, 20), repeat(fr(-90), 10))
	}
	got := describe(only(FaultCorrelation, feed(mustTracker(t, DefaultFaultConfig()), frames)))
	if len(got) != 1 || got[0] != "channel_correlation raised @99" {
		t.Errorf("got %q, want channel_correlation raised @99", got)
	}
	// One duplicated frame followed by silence does not.
	got = describe(only(FaultCorrelation, feed(mustTracker(t, DefaultFaultConfig()), concat(repeat(dup, 2), repeat(fr(-90), 200)))))
	if got != nil {
		t.Errorf("one duplicated frame then silence raised %q", got)
	}
}

func TestGapRestartsPendingSpans(t *testing.T) {
	tr := mustTracker(t, DefaultFaultConfig())
	for i := 0; i < 40; i++ { // 4 s flat
		if x := tr.Observe(fr(-160), at(i)); len(x) > 0 {
			t.Fatalf("early %v", x)
		}
	}
	// 2 s hole, then 4 s flat again: no 5 s of continuous evidence.
	for i := 60; i < 100; i++ {
		if x := tr.Observe(fr(-160), at(i)); len(x) > 0 {
			t.Fatalf("frame %d: %v after a gap", i, x)
		}
	}
	if x := tr.Observe(fr(-160), at(100)); len(x) != 0 {
		t.Fatalf("raised at 4.1 s after the gap: %v", x)
	}
}

func TestTransitionCarriesEvidenceAndEventNames(t *testing.T) {
	frames := concat(repeat(fr(-20, clipped), 3))
	frames[1].Channels[0].Scores.Hum = 0.4
	frames[2].Channels[0].Scores.SNRDB = 12
	ts := feed(mustTracker(t, DefaultFaultConfig()), frames)
	if len(ts) != 1 {
		t.Fatalf("got %d transitions, want 1", len(ts))
	}
	x := ts[0].Transition
	if x.EventType() != "agent.meter.clipping" || x.Score != 1 || !x.At.Equal(at(3)) {
		t.Errorf("transition %+v", x)
	}
	e := x.Evidence
	if e.Frames != 3 || e.Audible != 3 || !e.Since.Equal(at(0)) || e.MaxHum != 0.4 || e.MinSNRDB != 12 || e.MaxSpeech != 0.7 || e.MaxPeakDBFS != 0 {
		t.Errorf("evidence %+v", e)
	}
	cleared := Transition{Fault: FaultLowSignal}
	if cleared.EventType() != "agent.meter.low_signal_recovered" {
		t.Errorf("event type %q", cleared.EventType())
	}
}

func TestFaultSpansAreConfigurable(t *testing.T) {
	cfg := DefaultFaultConfig()
	cfg.FlatlineSpan = 2 * time.Second
	got := describe(feed(mustTracker(t, cfg), repeat(fr(-160), 30)))
	if len(got) != 1 || got[0] != "flatline raised @19" {
		t.Errorf("got %q, want flatline raised @19", got)
	}
	cfg.ClippingFrames = 0
	if _, err := NewFaultTracker(cfg); err == nil {
		t.Error("0 clipping frames accepted")
	}
}

// only keeps the transitions of one fault.
func only(f Fault, ts []transition) []transition {
	var out []transition
	for _, x := range ts {
		if x.Fault == f {
			out = append(out, x)
		}
	}
	return out
}

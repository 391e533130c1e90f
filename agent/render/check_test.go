package render_test

import (
	"slices"
	"testing"
	"time"

	"github.com/rakkr/rakkr/agent/render"
)

func TestCheck(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	loud := func(in render.CheckInput) render.CheckInput { in.PeakDbfs, in.RmsDbfs = -6, -20; return in }
	cases := []struct {
		name     string
		in       render.CheckInput
		ok       bool
		expected int64
		problems []string
	}{
		{"complete", loud(render.CheckInput{StartedAt: t0, EndedAt: at(60 * time.Second), SampleRate: 48000, CapturedFrames: 2_880_000}), true, 2_880_000, nil},
		{"empty", loud(render.CheckInput{StartedAt: t0, EndedAt: at(time.Minute), SampleRate: 48000}), false, 2_880_000, []string{"empty"}},
		{"short within 0.5 s", loud(render.CheckInput{StartedAt: t0, EndedAt: at(10 * time.Second), SampleRate: 48000, CapturedFrames: 480_000 - 24_000}), true, 480_000, nil},
		{"short beyond 0.5 s", loud(render.CheckInput{StartedAt: t0, EndedAt: at(10 * time.Second), SampleRate: 48000, CapturedFrames: 480_000 - 24_001}), false, 480_000, []string{"duration_short"}},
		{"short within 1 % of an hour", loud(render.CheckInput{StartedAt: t0, EndedAt: at(time.Hour), SampleRate: 48000, CapturedFrames: 172_800_000 - 1_728_000}), true, 172_800_000, nil},
		{"short beyond 1 % of an hour", loud(render.CheckInput{StartedAt: t0, EndedAt: at(time.Hour), SampleRate: 48000, CapturedFrames: 172_800_000 - 1_728_001}), false, 172_800_000, []string{"duration_short"}},
		{"longer is fine", loud(render.CheckInput{StartedAt: t0, EndedAt: at(time.Second), SampleRate: 48000, CapturedFrames: 50_000}), true, 48_000, nil},
		{"silent", render.CheckInput{StartedAt: t0, EndedAt: at(time.Second), SampleRate: 48000, CapturedFrames: 48_000, PeakDbfs: -120, RmsDbfs: -130}, false, 48_000, []string{"silent"}},
		{"custom floor", render.CheckInput{StartedAt: t0, EndedAt: at(time.Second), SampleRate: 48000, CapturedFrames: 48_000, PeakDbfs: -70, RmsDbfs: -80, FloorDbfs: -60}, false, 48_000, []string{"silent"}},
		{"quiet above the default floor", render.CheckInput{StartedAt: t0, EndedAt: at(time.Second), SampleRate: 48000, CapturedFrames: 48_000, PeakDbfs: -70, RmsDbfs: -80}, true, 48_000, nil},
		{"small gaps", loud(render.CheckInput{StartedAt: t0, EndedAt: at(100 * time.Second), SampleRate: 48000, CapturedFrames: 4_800_000, GapFrames: 48_000}), true, 4_800_000, []string{"gaps"}},
		{"large gaps", loud(render.CheckInput{StartedAt: t0, EndedAt: at(100 * time.Second), SampleRate: 48000, CapturedFrames: 4_800_000, GapFrames: 48_001}), false, 4_800_000, []string{"gaps"}},
		{"several", render.CheckInput{StartedAt: t0, EndedAt: at(10 * time.Second), SampleRate: 48000, CapturedFrames: 48_000, GapFrames: 10, PeakDbfs: -160, RmsDbfs: -160}, false, 480_000, []string{"duration_short", "silent", "gaps"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := render.Check(c.in)
			if c.problems == nil {
				c.problems = []string{}
			}
			if v.OK != c.ok || v.ExpectedFrames != c.expected || !slices.Equal(v.Problems, c.problems) ||
				v.CapturedFrames != c.in.CapturedFrames || v.GapFrames != c.in.GapFrames || v.PeakDbfs != c.in.PeakDbfs || v.RmsDbfs != c.in.RmsDbfs {
				t.Fatalf("%+v, want ok %v expected %d problems %v", v, c.ok, c.expected, c.problems)
			}
		})
	}
}

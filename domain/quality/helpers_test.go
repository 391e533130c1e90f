package quality

import (
	"sort"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
)

const testRate = 48000

// run meters equally long channels and returns a copy of every frame.
func run(t *testing.T, rate int, channels ...[]float32) []Frame {
	t.Helper()
	a, err := NewAnalyzer(pcm.Format{SampleRate: rate, Channels: len(channels)}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	x := synth.Interleave(channels...)
	step := a.FrameLength() * len(channels)
	var out []Frame
	for i := 0; i < len(x); i += step {
		f, err := a.Analyze(x[i:min(i+step, len(x))])
		if err != nil {
			t.Fatal(err)
		}
		f.Channels = append([]ChannelMetrics(nil), f.Channels...)
		out = append(out, f)
	}
	return out
}

// stats collects one channel's values of a reading over frames [from, to).
type stats []float64

func collect(frames []Frame, ch int, skip int, get func(ChannelMetrics) float64) stats {
	var s stats
	for i := skip; i < len(frames); i++ {
		s = append(s, get(frames[i].Channels[ch]))
	}
	return s
}

func (s stats) max() float64 {
	m := -1e9
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

func (s stats) min() float64 {
	m := 1e9
	for _, v := range s {
		m = min(m, v)
	}
	return m
}

// quantile returns the q-quantile (0..1) of the values.
func (s stats) quantile(q float64) float64 {
	c := append(stats(nil), s...)
	sort.Float64s(c)
	if len(c) == 0 {
		return 0
	}
	return c[min(len(c)-1, int(q*float64(len(c))))]
}

func seconds(s float64) int { return int(s * testRate) }

// voice is the standard synthetic talker of the tests.
func voice(seconds float64, seed uint64) []float32 {
	return synth.Speech(synth.Voice{Rate: testRate, Seconds: seconds, PitchHz: 115, LevelDBFS: -20, NoiseDBFS: -75, Seed: seed})
}

package analysis

import (
	"math"
	"time"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/quality"
)

// Range is the smallest and largest value seen.
type Range struct {
	Min, Max float64
}

func emptyRange() Range { return Range{Min: math.Inf(1), Max: math.Inf(-1)} }

func (r *Range) add(v float64) {
	r.Min = min(r.Min, v)
	r.Max = max(r.Max, v)
}

// ChannelSummary holds the ranges of one channel's readings over the run.
type ChannelSummary struct {
	RMSDBFS, PeakDBFS, CrestFactorDB, ZeroCrossingRate            Range
	Speech, Noise, Broadband, Hum, Static, SNRDB, Intelligibility Range
	// Correlation is the range of |r| with the reported peer (0 in frames
	// without one).
	Correlation Range
	// ClippedFrames and SpeechLikeFrames count frames.
	ClippedFrames, SpeechLikeFrames int
}

// Verdicts say which faults the daemon's rules would have raised at some
// point of the stream, and whether it contains speech.
type Verdicts struct {
	Flatline, LowSignal, Clipping, ChannelCorrelation, SpeechPresent bool
}

// Summary is the result of a run.
type Summary struct {
	Format   pcm.Format
	Frames   int
	Duration time.Duration
	Channels []ChannelSummary
	// Transitions lists every fault raised or cleared, in order.
	Transitions []quality.Transition
	Verdicts    Verdicts
	// SpeechLike is the audio time in which some channel was speech-like.
	SpeechLike time.Duration
}

// summer accumulates a Summary.
type summer struct {
	s         Summary
	speechMin time.Duration
}

func newSummary(f pcm.Format, speechMin time.Duration) *summer {
	s := &summer{s: Summary{Format: f, Channels: make([]ChannelSummary, f.Channels)}, speechMin: speechMin}
	for i := range s.s.Channels {
		c := &s.s.Channels[i]
		for _, r := range []*Range{&c.RMSDBFS, &c.PeakDBFS, &c.CrestFactorDB, &c.ZeroCrossingRate, &c.Speech, &c.Noise, &c.Broadband, &c.Hum, &c.Static, &c.SNRDB, &c.Intelligibility, &c.Correlation} {
			*r = emptyRange()
		}
	}
	return s
}

func (s *summer) addFrame(f quality.Frame) {
	s.s.Frames++
	speech := false
	for i, m := range f.Channels {
		c := &s.s.Channels[i]
		c.RMSDBFS.add(m.RMSDBFS)
		c.PeakDBFS.add(m.PeakDBFS)
		c.CrestFactorDB.add(m.CrestFactorDB)
		c.ZeroCrossingRate.add(m.ZeroCrossingRate)
		c.Speech.add(m.Scores.Speech)
		c.Noise.add(m.Scores.Noise)
		c.Broadband.add(m.Scores.Broadband)
		c.Hum.add(m.Scores.Hum)
		c.Static.add(m.Scores.Static)
		c.SNRDB.add(m.Scores.SNRDB)
		c.Intelligibility.add(m.Scores.Intelligibility)
		c.Correlation.add(math.Abs(m.Correlation.R))
		if m.Clipping {
			c.ClippedFrames++
		}
		if m.Scores.SpeechLike {
			c.SpeechLikeFrames++
			speech = true
		}
	}
	if speech {
		s.s.SpeechLike += f.Duration
	}
}

func (s *summer) addTransition(t quality.Transition) {
	s.s.Transitions = append(s.s.Transitions, t)
	if !t.Raised {
		return
	}
	v := &s.s.Verdicts
	switch t.Fault {
	case quality.FaultFlatline:
		v.Flatline = true
	case quality.FaultLowSignal:
		v.LowSignal = true
	case quality.FaultClipping:
		v.Clipping = true
	case quality.FaultCorrelation:
		v.ChannelCorrelation = true
	}
}

func (s *summer) finish(d time.Duration) Summary {
	s.s.Duration = d
	s.s.Verdicts.SpeechPresent = s.s.SpeechLike >= s.speechMin
	if s.s.Frames == 0 {
		for i := range s.s.Channels {
			s.s.Channels[i] = ChannelSummary{}
		}
	}
	return s.s
}

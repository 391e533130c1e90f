package quality

import (
	"fmt"
	"time"
)

// Evidence summarises the frames over which a fault was decided: the span
// a condition held (raise) or stayed absent (clear).
type Evidence struct {
	// Since and Until bound the span (first frame start, last frame end).
	Since, Until time.Time
	// Frames is the number of frames in the span.
	Frames int
	// Highest scores of the best channel over the span.
	MaxSpeech, MaxNoise, MaxBroadband, MaxHum, MaxStatic float64
	// Lowest SNR and intelligibility of the best channel over the audible
	// frames of the span (silent frames have none); 0 without any.
	MinSNRDB, MinIntelligibility float64
	// Audible is the number of frames whose loudest channel was above
	// −65 dBFS, where scores are defined.
	Audible int
	// Loudest RMS and peak of any channel, and the largest reported |r|.
	MaxRMSDBFS, MaxPeakDBFS, MaxAbsCorrelation float64
}

// add folds one frame into the evidence.
func (e *Evidence) add(f Frame, at, end time.Time) {
	b := f.Best()
	if e.Frames == 0 {
		*e = Evidence{Since: at, MaxRMSDBFS: FloorDBFS, MaxPeakDBFS: FloorDBFS}
	}
	if f.MaxRMSDBFS() > audibleDBFS {
		if e.Audible == 0 {
			e.MinSNRDB, e.MinIntelligibility = b.SNRDB, b.Intelligibility
		}
		e.Audible++
		e.MinSNRDB = min(e.MinSNRDB, b.SNRDB)
		e.MinIntelligibility = min(e.MinIntelligibility, b.Intelligibility)
	}
	e.Frames++
	e.Until = end
	e.MaxSpeech = max(e.MaxSpeech, b.Speech)
	e.MaxNoise = max(e.MaxNoise, b.Noise)
	e.MaxBroadband = max(e.MaxBroadband, b.Broadband)
	e.MaxHum = max(e.MaxHum, b.Hum)
	e.MaxStatic = max(e.MaxStatic, b.Static)
	e.MaxRMSDBFS = max(e.MaxRMSDBFS, f.MaxRMSDBFS())
	e.MaxPeakDBFS = max(e.MaxPeakDBFS, f.MaxPeakDBFS())
	e.MaxAbsCorrelation = max(e.MaxAbsCorrelation, f.MaxAbsCorrelation())
}

// audibleDBFS is the level below which a frame has no scores (audibility
// ramp starts at −65 dBFS).
const audibleDBFS = -65.0

// Transition is a fault being raised or cleared.
type Transition struct {
	// Fault is the fault concerned.
	Fault Fault
	// Raised is true when the fault starts, false when it clears.
	Raised bool
	// At is when the decision was taken: the end of the frame that
	// completed the span.
	At time.Time
	// Score is the severity of the fault over the span, in [0, 1] (see
	// docs/quality.md); 0 for a clearing.
	Score float64
	// Evidence describes the span.
	Evidence Evidence
}

// EventType names the agent health event of the transition, e.g.
// "agent.meter.clipping" or "agent.meter.clipping_recovered".
func (t Transition) EventType() string {
	if t.Raised {
		return "agent.meter." + string(t.Fault)
	}
	return "agent.meter." + string(t.Fault) + "_recovered"
}

// String renders the transition for logs.
func (t Transition) String() string {
	verb := "cleared"
	if t.Raised {
		verb = "raised"
	}
	return fmt.Sprintf("%s %s at %s (span %s, %d frames)", t.Fault, verb, t.At.Format(time.RFC3339Nano), t.Evidence.Until.Sub(t.Evidence.Since), t.Evidence.Frames)
}

// verdict is what one frame says about a condition.
type verdict int

const (
	absent  verdict = iota // the condition does not hold
	present                // the condition holds
	neutral                // the frame cannot tell (e.g. silence for correlation)
)

// spanRule debounces one condition in time: the state flips only after the
// opposite verdict has held, without a contrary frame, for span. Neutral
// frames neither break nor start a streak; at least half of the span must
// be decisive frames.
type spanRule struct {
	fault    Fault
	span     time.Duration
	active   bool
	pending  bool          // a streak of the opposite verdict is running
	decisive time.Duration // non-neutral audio time in the streak
	ev       Evidence
	score    float64
}

// observe folds in one frame's verdict and reports whether the state flipped.
func (r *spanRule) observe(v verdict, f Frame, at, end time.Time, score float64, hold bool) (Transition, bool) {
	opposite := (v == present) != r.active
	if v == neutral {
		opposite = r.pending // silence neither confirms nor refutes
	}
	if !opposite {
		r.pending = false
		return Transition{}, false
	}
	if !r.pending {
		r.pending, r.ev, r.score, r.decisive = true, Evidence{}, 0, 0
	}
	r.ev.add(f, at, end)
	if v != neutral {
		r.decisive += f.Duration
		r.score = max(r.score, score)
	}
	if end.Sub(r.ev.Since) < r.span || 2*r.decisive < r.span || (hold && !r.active) {
		return Transition{}, false
	}
	r.active, r.pending = !r.active, false
	t := Transition{Fault: r.fault, Raised: r.active, At: end, Evidence: r.ev}
	if r.active {
		t.Score = r.score
	}
	return t, true
}

// FaultTracker turns a stream of analysed frames into fault transitions.
// It is not safe for concurrent use.
type FaultTracker struct {
	cfg       FaultConfig
	flat      spanRule
	low       spanRule
	corr      spanRule
	clipping  bool
	clipTimes []time.Time // starts of the recent clipped frames, oldest first
	clipEv    Evidence
	clipScore float64
	lastEnd   time.Time
	out       []Transition
}

// NewFaultTracker returns a tracker with every fault cleared.
func NewFaultTracker(cfg FaultConfig) (*FaultTracker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &FaultTracker{
		cfg:       cfg,
		flat:      spanRule{fault: FaultFlatline, span: cfg.FlatlineSpan},
		low:       spanRule{fault: FaultLowSignal, span: cfg.LowSignalSpan},
		corr:      spanRule{fault: FaultCorrelation, span: cfg.CorrelationSpan},
		clipTimes: make([]time.Time, 0, cfg.ClippingFrames),
		out:       make([]Transition, 0, 4),
	}, nil
}

// Active reports whether a fault is currently raised.
func (t *FaultTracker) Active(f Fault) bool {
	switch f {
	case FaultFlatline:
		return t.flat.active
	case FaultLowSignal:
		return t.low.active
	case FaultCorrelation:
		return t.corr.active
	case FaultClipping:
		return t.clipping
	}
	return false
}

// Observe folds in one frame whose first sample was captured at `at` and
// returns the transitions it caused, in the order of Faults. The slice is
// reused by the next call.
func (t *FaultTracker) Observe(f Frame, at time.Time) []Transition {
	t.out = t.out[:0]
	end := at.Add(f.Duration)
	if !t.lastEnd.IsZero() && at.Sub(t.lastEnd) > t.cfg.MaxGap {
		t.flat.pending, t.low.pending, t.corr.pending = false, false, false
		t.clipTimes = t.clipTimes[:0]
		t.clipEv = Evidence{}
	}
	t.lastEnd = end
	maxRMS := f.MaxRMSDBFS()

	flat := verdictOf(maxRMS <= t.cfg.FlatlineDBFS)
	t.emit(t.flat.observe(flat, f, at, end, fall(maxRMS, t.cfg.FlatlineDBFS-40, t.cfg.FlatlineDBFS), false))

	low := verdictOf(maxRMS <= t.cfg.LowSignalDBFS)
	if flat == present {
		low = neutral // silence inside quiet talk is part of it; a dead input is flatline's
	}
	lowScore := fall(maxRMS, t.cfg.LowSignalDBFS-30, t.cfg.LowSignalDBFS)
	t.emit(t.low.observe(low, f, at, end, lowScore, t.flat.active))

	t.observeClipping(f, at, end)

	corr := neutral
	if f.PairsMeasured > 0 {
		corr = verdictOf(f.MaxAbsCorrelation() >= t.cfg.CorrelationMin)
	}
	corrScore := clamp01((f.MaxAbsCorrelation() - t.cfg.CorrelationMin) / (1 - t.cfg.CorrelationMin + 1e-9))
	t.emit(t.corr.observe(corr, f, at, end, corrScore, false))
	return t.out
}

// observeClipping raises clipping at the ClippingFrames-th clipped frame
// within ClippingWindow and clears it after a ClippingWindow with none.
func (t *FaultTracker) observeClipping(f Frame, at, end time.Time) {
	clipped := f.AnyClipping()
	score := rise(f.MaxPeakDBFS(), t.cfg.ClipDBFS, 0)
	if clipped {
		if len(t.clipTimes) == t.cfg.ClippingFrames {
			t.clipTimes = append(t.clipTimes[:0], t.clipTimes[1:]...)
		}
		t.clipTimes = append(t.clipTimes, at)
	}
	if !t.clipping {
		for len(t.clipTimes) > 0 && end.Sub(t.clipTimes[0]) > t.cfg.ClippingWindow {
			t.clipTimes = append(t.clipTimes[:0], t.clipTimes[1:]...)
		}
		if len(t.clipTimes) == 0 {
			t.clipEv, t.clipScore = Evidence{}, 0
			return
		}
		t.clipEv.add(f, at, end)
		t.clipScore = max(t.clipScore, score)
		if len(t.clipTimes) >= t.cfg.ClippingFrames {
			t.clipping = true
			t.emit(Transition{Fault: FaultClipping, Raised: true, At: end, Score: t.clipScore, Evidence: t.clipEv}, true)
			t.clipEv = Evidence{}
		}
		return
	}
	if clipped {
		t.clipEv = Evidence{}
		return
	}
	t.clipEv.add(f, at, end)
	if end.Sub(t.clipEv.Since) >= t.cfg.ClippingWindow {
		t.clipping = false
		t.clipTimes = t.clipTimes[:0]
		t.emit(Transition{Fault: FaultClipping, At: end, Evidence: t.clipEv}, true)
		t.clipEv, t.clipScore = Evidence{}, 0
	}
}

func (t *FaultTracker) emit(tr Transition, ok bool) {
	if ok {
		t.out = append(t.out, tr)
	}
}

func verdictOf(b bool) verdict {
	if b {
		return present
	}
	return absent
}

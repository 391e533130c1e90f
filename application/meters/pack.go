package meters

import (
	"math"
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// The history keeps frames in a compact, pointer-free form: at 1,000
// interfaces × 8 channels × 600 frames the decoded form (≈1.3 KB a frame:
// 136-byte LevelFrames, label and id strings) held ≈800 MB that the garbage
// collector had to scan on every cycle; packed it is ≈32 bytes a level in
// storage the collector skips, reused once the ring has wrapped (no
// allocation per frame).
//
// Packing is lossless or not done: every value is stored as an int16 at the
// resolution the agent rounds it to (agentapi.FromQualityFrame: 0.1 dB,
// 0.001 for scores, 0.0001 for the zero-crossing rate) only when unpacking
// gives back the identical float64; a frame with any value that does not
// (an agent that does not round, a time zone other than UTC, an unusual
// label or phase) is kept as it came.

// The packed values of a level, with their scales.
const (
	pvRMS = iota
	pvPeak
	pvSpeech
	pvNoise
	pvBroadband
	pvHum
	pvStatic
	pvSNR
	pvIntelligibility
	pvCrest
	pvZCR
	pvCorrScore
	pvCount
)

var packScale = [pvCount]float64{10, 10, 1000, 1000, 1000, 1000, 1000, 10, 1000, 10, 10000, 1000}

const (
	flagClipping = 1 << iota
	flagSpeechLike
	flagCorrelation
	flagInverted
)

// maxLabels bounds the label table of one interface.
const maxLabels = 2048

// packedLevel is one LevelFrame without pointers.
type packedLevel struct {
	index uint16
	label uint16 // index into the ring's label table
	v     [pvCount]int16
	peer  uint16
	flags uint8
}

// slot is one kept frame: packed (levels, at) or, when it could not be
// packed losslessly, the frame itself (full).
type slot struct {
	at        int64 // capturedAt, Unix nanoseconds, UTC
	levels    []packedLevel
	nilLevels bool
	full      *agentapi.MeterFrame
}

func packValue(v, scale float64) (int16, bool) {
	k := math.Round(v * scale)
	if k < math.MinInt16 || k > math.MaxInt16 || k/scale != v || (v == 0 && math.Signbit(v)) {
		return 0, false
	}
	return int16(k), true
}

// labelIndex returns the table index of label, adding it when new; false
// when the table is full.
func (r *ring) labelIndex(pos int, label string) (uint16, bool) {
	if pos < len(r.posLabel) {
		if i := r.posLabel[pos]; r.labels[i] == label {
			return i, true
		}
	}
	i := -1
	for j, l := range r.labels {
		if l == label {
			i = j
			break
		}
	}
	if i < 0 {
		if len(r.labels) >= maxLabels {
			return 0, false
		}
		i = len(r.labels)
		r.labels = append(r.labels, label)
	}
	for len(r.posLabel) <= pos && len(r.posLabel) < MaxLevels {
		r.posLabel = append(r.posLabel, 0)
	}
	if pos < len(r.posLabel) {
		r.posLabel[pos] = uint16(i)
	}
	return uint16(i), true
}

// pack stores f into s (reusing s's level storage); false when f cannot be
// packed losslessly (s is then left for the caller to overwrite).
func (r *ring) pack(s *slot, f *agentapi.MeterFrame) bool {
	at := f.CapturedAt.UnixNano()
	if back := time.Unix(0, at).UTC(); back != f.CapturedAt {
		return false // monotonic reading, another zone, or out of the int64 range
	}
	levels := s.levels[:0]
	for i := range f.Levels {
		l := &f.Levels[i]
		q := &l.Quality
		p := packedLevel{index: uint16(l.ChannelIndex)} // Validate bounds it to 1..512
		var ok bool
		if p.label, ok = r.labelIndex(i, l.Label); !ok {
			return false
		}
		vals := [pvCount]float64{l.RMSDBFS, l.PeakDBFS, q.SpeechScore, q.NoiseScore, q.BroadbandNoiseScore, q.HumScore,
			q.StaticScore, q.EstimatedSNRDB, q.IntelligibilityScore, q.CrestFactorDB, q.ZeroCrossingRate, 0}
		if l.Clipping {
			p.flags |= flagClipping
		}
		if q.SpeechLike {
			p.flags |= flagSpeechLike
		}
		if c := q.ChannelCorrelation; c != nil {
			p.flags |= flagCorrelation
			switch c.Phase {
			case agentapi.PhaseSame:
			case agentapi.PhaseInverted:
				p.flags |= flagInverted
			default:
				return false
			}
			if c.PeerChannelIndex < 0 || c.PeerChannelIndex > math.MaxUint16 {
				return false
			}
			p.peer = uint16(c.PeerChannelIndex)
			vals[pvCorrScore] = c.Score
		}
		for j, v := range vals {
			if p.v[j], ok = packValue(v, packScale[j]); !ok {
				return false
			}
		}
		levels = append(levels, p)
	}
	s.at, s.levels, s.nilLevels, s.full = at, levels, f.Levels == nil, nil
	return true
}

// frame rebuilds the kept frame of s.
func (r *ring) frame(s *slot) agentapi.MeterFrame {
	if s.full != nil {
		return *s.full
	}
	f := agentapi.MeterFrame{NodeID: r.key.node, InterfaceID: r.key.iface, CapturedAt: time.Unix(0, s.at).UTC()}
	if s.nilLevels {
		return f
	}
	f.Levels = make([]agentapi.LevelFrame, len(s.levels))
	for i := range s.levels {
		p := &s.levels[i]
		val := func(j int) float64 { return float64(p.v[j]) / packScale[j] }
		l := agentapi.LevelFrame{ChannelIndex: int(p.index), Label: r.labels[p.label], RMSDBFS: val(pvRMS), PeakDBFS: val(pvPeak),
			Clipping: p.flags&flagClipping != 0,
			Quality: agentapi.Quality{SpeechScore: val(pvSpeech), SpeechLike: p.flags&flagSpeechLike != 0, NoiseScore: val(pvNoise),
				BroadbandNoiseScore: val(pvBroadband), HumScore: val(pvHum), StaticScore: val(pvStatic), EstimatedSNRDB: val(pvSNR),
				IntelligibilityScore: val(pvIntelligibility), CrestFactorDB: val(pvCrest), ZeroCrossingRate: val(pvZCR)}}
		if p.flags&flagCorrelation != 0 {
			phase := agentapi.PhaseSame
			if p.flags&flagInverted != 0 {
				phase = agentapi.PhaseInverted
			}
			l.Quality.ChannelCorrelation = &agentapi.ChannelCorrelation{PeerChannelIndex: int(p.peer), Phase: phase, Score: val(pvCorrScore)}
		}
		f.Levels[i] = l
	}
	return f
}

package agentapi

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

// binReader walks an encoded message; the first failure sticks in err.
type binReader struct {
	b   []byte
	err error
}

func (r *binReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s", ErrMeterBinaryMalformed, what)
	}
}

func (r *binReader) take(n int) []byte {
	if r.err != nil || len(r.b) < n {
		r.fail("truncated")
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *binReader) u8() byte {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *binReader) u16() uint16 {
	if p := r.take(2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (r *binReader) u64() uint64 {
	if p := r.take(8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (r *binReader) float() float64 {
	v := math.Float64frombits(r.u64())
	if !finite(v) {
		r.fail("non-finite float")
		return 0
	}
	return v
}

// str reads a length-prefixed string, keeping old (no allocation) when
// the bytes are the same.
func (r *binReader) str(old string) string {
	p := r.take(int(r.u8()))
	if r.err != nil {
		return ""
	}
	if !utf8.Valid(p) {
		r.fail("string is not UTF-8")
		return ""
	}
	if string(p) == old {
		return old
	}
	return string(p)
}

// DecodeMeterBinary decodes one binary meter message into f, reusing f's
// Levels storage, channelCorrelation values and strings equal to those
// already in f, so a steady stream decodes into the same frame without
// allocating. capturedAt comes back in UTC; Levels is never nil. The whole of b must be one
// message: truncated input, trailing bytes, an unknown version or type,
// unknown flag bits, invalid UTF-8 or a NaN/Inf float give an error
// wrapping ErrMeterBinaryMalformed, a level count above 512 one wrapping
// ErrMeterBinaryTooManyLevels. On error f holds partial data.
func DecodeMeterBinary(b []byte, f *MeterFrame) error {
	r := binReader{b: b}
	if r.u8() != MeterBinaryVersion {
		r.fail("unknown version")
	}
	if r.u8() != MeterBinaryTypeMeter {
		r.fail("unknown message type")
	}
	f.NodeID = r.str(f.NodeID)
	f.InterfaceID = r.str(f.InterfaceID)
	at := int64(r.u64())
	n := int(r.u16())
	if r.err != nil {
		return r.err
	}
	f.CapturedAt = time.Unix(0, at).UTC()
	if n > MaxMeterBinaryLevels {
		return fmt.Errorf("%w (%d)", ErrMeterBinaryTooManyLevels, n)
	}
	if n*binLevelMin > len(r.b) { // before allocating anything for the levels
		r.fail("truncated")
		return r.err
	}
	if cap(f.Levels) < n || f.Levels == nil {
		f.Levels = make([]LevelFrame, n) // never nil: "levels":[] in JSON
	}
	f.Levels = f.Levels[:n]
	for i := range f.Levels {
		if r.err != nil {
			break
		}
		r.level(&f.Levels[i])
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	return r.err
}

// level decodes one level into l, reusing its label and correlation.
func (r *binReader) level(l *LevelFrame) {
	q := &l.Quality
	l.ChannelIndex = int(r.u16())
	l.Label = r.str(l.Label)
	flags := r.u8()
	if flags&^binFlagsKnown != 0 || (flags&binInverted != 0 && flags&binCorrelation == 0) {
		r.fail("unknown flags")
	}
	l.Clipping, q.SpeechLike = flags&binClipping != 0, flags&binSpeechLike != 0
	l.RMSDBFS, l.PeakDBFS = r.float(), r.float()
	q.SpeechScore, q.NoiseScore, q.BroadbandNoiseScore = r.float(), r.float(), r.float()
	q.HumScore, q.StaticScore, q.EstimatedSNRDB = r.float(), r.float(), r.float()
	q.IntelligibilityScore, q.CrestFactorDB, q.ZeroCrossingRate = r.float(), r.float(), r.float()
	if flags&binCorrelation == 0 {
		q.ChannelCorrelation = nil
		return
	}
	peer, score := int(r.u16()), r.float()
	if r.err != nil {
		return
	}
	c := q.ChannelCorrelation
	if c == nil {
		c = new(ChannelCorrelation)
		q.ChannelCorrelation = c
	}
	c.PeerChannelIndex, c.Score, c.Phase = peer, score, PhaseSame
	if flags&binInverted != 0 {
		c.Phase = PhaseInverted
	}
}

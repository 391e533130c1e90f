package agentapi

// The binary encoding of stream messages, used on an agent stream whose
// WebSocket handshake negotiated StreamProtocolBinary (one binary WebSocket
// message per stream message; JSON text messages stay accepted on every
// stream). All integers and floats are little-endian; the layout is fixed:
//
//	offset  size  field
//	0       1     version, MeterBinaryVersion (0xB1)
//	1       1     message type, MeterBinaryTypeMeter (0x01)
//	2       1+n   nodeId: u8 length n (0-255), n bytes UTF-8
//	.       1+n   interfaceId: u8 length, bytes
//	.       8     capturedAt: int64 Unix nanoseconds (decoded as UTC)
//	.       2     level count: u16, at most MaxMeterBinaryLevels (512)
//	then per level:
//	        2     channelIndex: u16
//	        1+n   label: u8 length, bytes
//	        1     flags: bit 0 clipping, 1 speechLike, 2 has channelCorrelation,
//	              3 phase inverted (only with bit 2); bits 4-7 are zero
//	        8×11  float64: rmsDbfs, peakDbfs, speechScore, noiseScore,
//	              broadbandNoiseScore, humScore, staticScore, estimatedSnrDb,
//	              intelligibilityScore, crestFactorDb, zeroCrossingRate
//	with flag bit 2 only:
//	        2     channelCorrelation.peerChannelIndex: u16
//	        8     channelCorrelation.score: float64
//
// Floats are the IEEE-754 bits of the values, so a frame round-trips
// exactly; NaN and ±Inf are refused (JSON cannot carry them either). The
// encoding is canonical: a message the decoder accepts re-encodes to the
// same bytes. An 8-channel frame is ≈870 bytes (≈2.8 KB as JSON).

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// StreamProtocolBinary is the WebSocket subprotocol an agent offers on
// PathStream to send meter messages in the binary encoding.
const StreamProtocolBinary = "rakkr.meter.bin.v1"

// The first two bytes of a binary stream message.
const (
	// MeterBinaryVersion is the version byte of the encoding.
	MeterBinaryVersion byte = 0xB1
	// MeterBinaryTypeMeter marks a meter message (one MeterFrame).
	MeterBinaryTypeMeter byte = 0x01
)

// Limits of the binary encoding.
const (
	// MaxMeterBinaryString is the longest nodeId, interfaceId or label in bytes.
	MaxMeterBinaryString = 255
	// MaxMeterBinaryLevels is the most levels the decoder accepts (the
	// controller's limit; the encoder could carry more).
	MaxMeterBinaryLevels = 512
)

// Errors of DecodeMeterBinary; the returned errors wrap one of them.
var (
	// ErrMeterBinaryMalformed: truncated, trailing bytes, unknown version
	// or type, invalid UTF-8, unknown flag bits or a non-finite float.
	ErrMeterBinaryMalformed = errors.New("malformed binary meter message")
	// ErrMeterBinaryTooManyLevels: the level count is above MaxMeterBinaryLevels.
	ErrMeterBinaryTooManyLevels = errors.New("a frame carries at most 512 levels")
)

const (
	binClipping = 1 << iota
	binSpeechLike
	binCorrelation
	binInverted
	binFlagsKnown = binClipping | binSpeechLike | binCorrelation | binInverted
)

// binLevelMin is the smallest encoded level (empty label, no correlation).
const binLevelMin = 2 + 1 + 1 + 11*8

// CheckMeterBinary reports whether AppendMeterBinary can carry f: every
// string at most 255 bytes of valid UTF-8, at most 65535 levels, channel
// and peer indexes 0-65535, finite floats, a phase of PhaseSame or
// PhaseInverted, and capturedAt within int64 Unix nanoseconds (years
// 1678-2262; the zero time is not). A frame it refuses can go as JSON.
func CheckMeterBinary(f *MeterFrame) error {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrMeterBinaryMalformed, what) }
	if !binString(f.NodeID) || !binString(f.InterfaceID) {
		return bad("nodeId or interfaceId not 0-255 bytes of UTF-8")
	}
	if y := f.CapturedAt.Year(); y < 1678 || y > 2261 {
		return bad("capturedAt outside int64 Unix nanoseconds")
	}
	if len(f.Levels) > math.MaxUint16 {
		return bad("more than 65535 levels")
	}
	for i := range f.Levels {
		l := &f.Levels[i]
		q := &l.Quality
		if l.ChannelIndex < 0 || l.ChannelIndex > math.MaxUint16 || !binString(l.Label) {
			return bad("channelIndex or label out of range")
		}
		for _, v := range [...]float64{l.RMSDBFS, l.PeakDBFS, q.SpeechScore, q.NoiseScore, q.BroadbandNoiseScore, q.HumScore,
			q.StaticScore, q.EstimatedSNRDB, q.IntelligibilityScore, q.CrestFactorDB, q.ZeroCrossingRate} {
			if !finite(v) {
				return bad("non-finite value")
			}
		}
		if c := q.ChannelCorrelation; c != nil {
			if c.PeerChannelIndex < 0 || c.PeerChannelIndex > math.MaxUint16 || !finite(c.Score) ||
				(c.Phase != PhaseSame && c.Phase != PhaseInverted) {
				return bad("channelCorrelation out of range")
			}
		}
	}
	return nil
}

func binString(s string) bool { return len(s) <= MaxMeterBinaryString && utf8.ValidString(s) }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// AppendMeterBinary appends f as one binary meter message to buf and
// returns the extended buffer; it does not allocate when buf has room. f
// must pass CheckMeterBinary: otherwise the bytes are unspecified (strings
// are cut at 255 bytes, indexes wrap) and may not decode.
func AppendMeterBinary(buf []byte, f MeterFrame) []byte {
	buf = append(buf, MeterBinaryVersion, MeterBinaryTypeMeter)
	buf = appendBinString(buf, f.NodeID)
	buf = appendBinString(buf, f.InterfaceID)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(f.CapturedAt.UnixNano()))
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(f.Levels)))
	for i := range f.Levels {
		l := &f.Levels[i]
		q := &l.Quality
		buf = binary.LittleEndian.AppendUint16(buf, uint16(l.ChannelIndex))
		buf = appendBinString(buf, l.Label)
		var flags byte
		if l.Clipping {
			flags |= binClipping
		}
		if q.SpeechLike {
			flags |= binSpeechLike
		}
		c := q.ChannelCorrelation
		if c != nil {
			flags |= binCorrelation
			if c.Phase == PhaseInverted {
				flags |= binInverted
			}
		}
		buf = append(buf, flags)
		for _, v := range [...]float64{l.RMSDBFS, l.PeakDBFS, q.SpeechScore, q.NoiseScore, q.BroadbandNoiseScore, q.HumScore,
			q.StaticScore, q.EstimatedSNRDB, q.IntelligibilityScore, q.CrestFactorDB, q.ZeroCrossingRate} {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
		if c != nil {
			buf = binary.LittleEndian.AppendUint16(buf, uint16(c.PeerChannelIndex))
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(c.Score))
		}
	}
	return buf
}

func appendBinString(buf []byte, s string) []byte {
	if len(s) > MaxMeterBinaryString {
		s = s[:MaxMeterBinaryString]
	}
	return append(append(buf, byte(len(s))), s...)
}

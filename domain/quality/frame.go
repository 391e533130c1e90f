package quality

import "time"

// Phase says whether a correlated peer carries the same signal or the same
// signal with its polarity inverted.
type Phase string

// The two phases of a correlated channel pair.
const (
	PhaseSame     Phase = "same"
	PhaseInverted Phase = "inverted"
)

// Correlation is a channel's most strongly correlated peer in one frame.
type Correlation struct {
	// Peer is the 0-based index of the peer channel, or -1 when no peer
	// reached the report threshold.
	Peer int
	// R is the Pearson correlation coefficient with the peer, in [−1, 1].
	R float64
}

// Valid reports whether a peer was found.
func (c Correlation) Valid() bool { return c.Peer >= 0 }

// Phase is PhaseInverted for a negative coefficient, else PhaseSame.
func (c Correlation) Phase() Phase {
	if c.R < 0 {
		return PhaseInverted
	}
	return PhaseSame
}

// noCorrelation is the value of a channel without a correlated peer.
var noCorrelation = Correlation{Peer: -1}

// Scores are the quality scores of one channel in one frame. Scores are in
// [0, 1]; every score of an inaudible frame is 0.
type Scores struct {
	// Speech is the evidence that the channel carries speech.
	Speech float64
	// SpeechLike is Speech ≥ SpeechLikeMin.
	SpeechLike bool
	// Noise is the evidence that whatever is audible is not speech.
	Noise float64
	// Broadband is the evidence of steady wide-band noise (fans, hiss,
	// white or pink noise).
	Broadband float64
	// Hum is the share of mains hum (50/60 Hz and harmonics) in the signal.
	Hum float64
	// Static is the evidence of crackle or of hiss above the speech band.
	Static float64
	// SNRDB is the estimated signal-to-noise ratio in dB, 0..80.
	SNRDB float64
	// Intelligibility estimates how well speech on the channel can be
	// understood.
	Intelligibility float64
}

// SpeechLikeMin is the speech score from which a frame counts as speech.
const SpeechLikeMin = 0.55

// ChannelMetrics are the meter readings of one channel in one frame.
type ChannelMetrics struct {
	// RMSDBFS is the RMS level in dBFS (full-scale sine = −3.01), floored at
	// FloorDBFS.
	RMSDBFS float64
	// PeakDBFS is the sample peak in dBFS, floored at FloorDBFS.
	PeakDBFS float64
	// Clipping is PeakDBFS ≥ Config.ClipDBFS.
	Clipping bool
	// CrestFactorDB is max(0, PeakDBFS − RMSDBFS).
	CrestFactorDB float64
	// ZeroCrossingRate is the number of sign changes between non-zero
	// samples divided by (n − 1).
	ZeroCrossingRate float64
	// Scores are the quality scores.
	Scores Scores
	// Correlation is the most correlated peer, if any.
	Correlation Correlation

	// Sums kept from MeasureChannel for Correlate.
	sum, sumSq float64
	samples    int
}

// Frame is the analysis of one meter frame of every channel.
type Frame struct {
	// Samples is the number of sample frames analysed (per channel).
	Samples int
	// Duration is the audio time the frame covers.
	Duration time.Duration
	// Channels holds one entry per channel in channel order.
	Channels []ChannelMetrics
	// PairsMeasured is the number of channel pairs whose correlation could
	// be computed (both channels above the level gate); when 0 the frame
	// says nothing about duplicated channels.
	PairsMeasured int
}

// MaxRMSDBFS is the loudest channel's RMS, or FloorDBFS without channels.
func (f Frame) MaxRMSDBFS() float64 {
	m := FloorDBFS
	for i := range f.Channels {
		m = max(m, f.Channels[i].RMSDBFS)
	}
	return m
}

// MaxPeakDBFS is the highest channel peak, or FloorDBFS without channels.
func (f Frame) MaxPeakDBFS() float64 {
	m := FloorDBFS
	for i := range f.Channels {
		m = max(m, f.Channels[i].PeakDBFS)
	}
	return m
}

// AnyClipping reports whether any channel clipped.
func (f Frame) AnyClipping() bool {
	for i := range f.Channels {
		if f.Channels[i].Clipping {
			return true
		}
	}
	return false
}

// MaxAbsCorrelation is the largest |r| of any reported channel pair, 0 when
// none was reported.
func (f Frame) MaxAbsCorrelation() float64 {
	m := 0.0
	for i := range f.Channels {
		if c := f.Channels[i].Correlation; c.Valid() {
			m = max(m, abs(c.R))
		}
	}
	return m
}

// Best returns, score by score, the best value over the channels: the
// highest of every score including SNR and intelligibility.
func (f Frame) Best() Scores {
	var b Scores
	for i := range f.Channels {
		s := f.Channels[i].Scores
		b.Speech = max(b.Speech, s.Speech)
		b.SpeechLike = b.SpeechLike || s.SpeechLike
		b.Noise = max(b.Noise, s.Noise)
		b.Broadband = max(b.Broadband, s.Broadband)
		b.Hum = max(b.Hum, s.Hum)
		b.Static = max(b.Static, s.Static)
		b.SNRDB = max(b.SNRDB, s.SNRDB)
		b.Intelligibility = max(b.Intelligibility, s.Intelligibility)
	}
	return b
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

package quality

import (
	"fmt"
	"math"

	"github.com/rakkr/rakkr/domain/pcm"
)

// subBlockSeconds is the length of one envelope step: speech modulation and
// the noise floor are tracked on 10 ms levels (100 per second).
const subBlockSeconds = 0.010

// Analyzer meters frames of one stream. It is not safe for concurrent use,
// except that MeasureChannel may run concurrently for distinct channels.
// Give every stream its own Analyzer.
type Analyzer struct {
	cfg      Config
	format   pcm.Format
	frameLen int
	layout   layout
	hum      *humTables
	planar   [][]float32 // deinterleave buffers of Analyze
	chans    []channelState
	metrics  []ChannelMetrics
}

// NewAnalyzer returns an Analyzer for a stream of the given format.
func NewAnalyzer(format pcm.Format, cfg Config) (*Analyzer, error) {
	if err := format.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Analyzer{cfg: cfg, format: format}
	a.frameLen = format.FramesIn(cfg.FrameDuration)
	a.layout = newLayout(format.SampleRate, a.frameLen)
	a.hum = newHumTables(format.SampleRate, a.layout)
	a.planar = make([][]float32, format.Channels)
	a.chans = make([]channelState, format.Channels)
	a.metrics = make([]ChannelMetrics, format.Channels)
	for c := range a.chans {
		a.planar[c] = make([]float32, a.frameLen)
		a.chans[c] = newChannelState(a.frameLen)
	}
	return a, nil
}

// Format returns the stream format the Analyzer was built for.
func (a *Analyzer) Format() pcm.Format { return a.format }

// FrameLength returns the number of sample frames in one meter frame.
func (a *Analyzer) FrameLength() int { return a.frameLen }

// Reset forgets the history (modulation, hum coherence, noise floor), as at
// the start of a new stream.
func (a *Analyzer) Reset() {
	for c := range a.chans {
		a.chans[c].reset()
	}
}

// Analyze meters one frame of interleaved samples: between 1 and
// FrameLength() sample frames (a short frame ends a stream). The returned
// Frame shares memory with the Analyzer and is valid until the next call.
func (a *Analyzer) Analyze(interleaved []float32) (Frame, error) {
	ch := a.format.Channels
	if len(interleaved)%ch != 0 {
		return Frame{}, fmt.Errorf("quality: %d samples is not a whole number of %d-channel frames", len(interleaved), ch)
	}
	n := len(interleaved) / ch
	if n < 1 || n > a.frameLen {
		return Frame{}, fmt.Errorf("quality: frame of %d samples per channel (want 1..%d)", n, a.frameLen)
	}
	deinterleave(a.planar, interleaved, n)
	for c := range a.planar {
		a.planar[c] = a.planar[c][:n]
	}
	f, err := a.AnalyzePlanar(a.planar)
	for c := range a.planar {
		a.planar[c] = a.planar[c][:a.frameLen]
	}
	return f, err
}

// AnalyzePlanar meters one frame given as one slice per channel, all of the
// same length between 1 and FrameLength(). The Frame is valid until the next
// call.
func (a *Analyzer) AnalyzePlanar(channels [][]float32) (Frame, error) {
	if len(channels) != a.format.Channels {
		return Frame{}, fmt.Errorf("quality: %d channel slices for a %d-channel stream", len(channels), a.format.Channels)
	}
	for c, x := range channels {
		m, err := a.MeasureChannel(c, x)
		if err != nil {
			return Frame{}, err
		}
		a.metrics[c] = m
	}
	return a.Correlate(a.metrics, channels)
}

// MeasureChannel is the first step of AnalyzePlanar: it meters the next
// frame of channel c and returns its readings without the correlation.
// Each channel's frames must be measured in stream order, but channels are
// independent: calls for distinct channels may run concurrently, and a
// channel may run ahead of the others.
func (a *Analyzer) MeasureChannel(c int, x []float32) (ChannelMetrics, error) {
	if c < 0 || c >= a.format.Channels {
		return ChannelMetrics{}, fmt.Errorf("quality: channel %d of a %d-channel stream", c, a.format.Channels)
	}
	if len(x) < 1 || len(x) > a.frameLen {
		return ChannelMetrics{}, fmt.Errorf("quality: frame of %d samples per channel (want 1..%d)", len(x), a.frameLen)
	}
	s := &a.chans[c]
	s.measure(x, &a.layout, a.hum)
	var m ChannelMetrics
	m.RMSDBFS = powerDB(s.power)
	m.PeakDBFS = amplitudeDB(float64(s.peak))
	m.Clipping = m.PeakDBFS >= a.cfg.ClipDBFS
	m.CrestFactorDB = max(0, m.PeakDBFS-m.RMSDBFS)
	if len(x) > 1 {
		m.ZeroCrossingRate = float64(s.crossings) / float64(len(x)-1)
	}
	m.Scores = score(s.features(&a.layout, a.hum, m.RMSDBFS, m.CrestFactorDB))
	m.Correlation = noCorrelation
	m.sum, m.sumSq, m.samples = s.sum, s.sumSq, len(x)
	return m, nil
}

// Correlate is the second step of AnalyzePlanar: given one frame's
// readings of every channel (from MeasureChannel) and the same frame's
// samples, it finds each channel's correlated peer, writing into channels,
// and returns the Frame built on that slice.
func (a *Analyzer) Correlate(channels []ChannelMetrics, samples [][]float32) (Frame, error) {
	if len(channels) != a.format.Channels || len(samples) != a.format.Channels {
		return Frame{}, fmt.Errorf("quality: %d readings and %d sample slices for a %d-channel stream", len(channels), len(samples), a.format.Channels)
	}
	n := channels[0].samples
	for c := range channels {
		if channels[c].samples != n || len(samples[c]) != n || n == 0 {
			return Frame{}, fmt.Errorf("quality: channel %d was measured on %d samples, frame has %d (want equal, non-zero)", c, channels[c].samples, len(samples[c]))
		}
		channels[c].Correlation = noCorrelation
	}
	pairs := a.correlate(channels, samples, n)
	return Frame{Samples: n, Duration: a.format.Duration(int64(n)), Channels: channels, PairsMeasured: pairs}, nil
}

// deinterleave splits n interleaved frames into one slice per channel.
func deinterleave(dst [][]float32, src []float32, n int) {
	switch len(dst) {
	case 1:
		copy(dst[0][:n], src[:n])
	case 2:
		l, r := dst[0][:n], dst[1][:n]
		src = src[:2*n]
		for i := range l {
			l[i] = src[2*i]
			r[i] = src[2*i+1]
		}
	default:
		ch := len(dst)
		for c, d := range dst {
			d = d[:n]
			for i := range d {
				d[i] = src[i*ch+c]
			}
		}
	}
}

// layout holds the sample-rate dependent geometry shared by all channels.
type layout struct {
	sampleRate float64
	subLen     int       // samples per 10 ms envelope step
	levels     int       // Haar detail levels (octave bands)
	humLevel   int       // Haar level whose approximation feeds the hum detector
	centre     []float64 // geometric centre frequency of each band, Hz (index 0 = level 1)
	width      []float64 // bandwidth of each band, Hz
}

// newLayout derives the band split for a sample rate: octave bands from
// Nyquist down to the first band whose lower edge is below 80 Hz, and the
// coarsest approximation level still sampled at ≥ 1 kHz for hum lines.
func newLayout(rate, frameLen int) layout {
	l := layout{sampleRate: float64(rate)}
	l.subLen = max(8, 8*int(math.Round(float64(rate)*subBlockSeconds/8))) // whole groups of eight
	for lv := 1; ; lv++ {
		lower := l.sampleRate / math.Ldexp(1, lv+1)
		if frameLen>>lv < 1 {
			break
		}
		l.levels = lv
		l.centre = append(l.centre, lower*math.Sqrt2)
		l.width = append(l.width, lower)
		if lower < 80 {
			break
		}
	}
	for lv := 1; lv <= l.levels; lv++ {
		if l.sampleRate/math.Ldexp(1, lv) >= 1000 {
			l.humLevel = lv
		}
	}
	return l
}

package recording

// WaveformBins is the number of peak values in a waveform preview.
const WaveformBins = 256

// Waveform is a recording's peak preview.
type Waveform struct {
	// Peaks are absolute peak values 0..1, one per bin.
	Peaks        []float32
	ChannelCount int
	SampleCount  int64
	SampleRate   int
}

// PeakBins accumulates the absolute peaks of a stream of interleaved frames
// into bins; the number of frames must be known in advance.
type PeakBins struct {
	bins     []float32
	total    int64
	channels int
	seen     int64
}

// NewPeakBins prepares bins for total frames of channels channels.
func NewPeakBins(total int64, channels, bins int) *PeakBins {
	if bins <= 0 {
		bins = WaveformBins
	}
	if total < int64(bins) {
		bins = max(1, int(total))
	}
	return &PeakBins{bins: make([]float32, bins), total: max(total, 1), channels: max(channels, 1)}
}

// Add feeds interleaved frames.
func (p *PeakBins) Add(samples []float32) {
	for i := 0; i+p.channels <= len(samples); i += p.channels {
		b := int(p.seen * int64(len(p.bins)) / p.total)
		if b >= len(p.bins) {
			b = len(p.bins) - 1
		}
		for _, v := range samples[i : i+p.channels] {
			if v < 0 {
				v = -v
			}
			if v > 1 {
				v = 1
			}
			if v > p.bins[b] {
				p.bins[b] = v
			}
		}
		p.seen++
	}
}

// Peaks returns the bins.
func (p *PeakBins) Peaks() []float32 { return p.bins }

// MergePeaks combines the previews of consecutive chunks (weighted by their
// frame counts) into one preview of bins values.
func MergePeaks(chunks []Chunk, bins int) []float32 {
	var total int64
	for _, c := range chunks {
		total += c.Frames
	}
	if total == 0 || bins <= 0 {
		return nil
	}
	out := make([]float32, bins)
	var at int64
	for _, c := range chunks {
		n := len(c.Peaks)
		for i, v := range c.Peaks {
			pos := at + c.Frames*int64(i)/int64(max(n, 1))
			b := int(pos * int64(bins) / total)
			if b >= bins {
				b = bins - 1
			}
			out[b] = max(out[b], v)
		}
		at += c.Frames
	}
	// Fill bins that no chunk bin landed in (short previews) from the left.
	for i := 1; i < bins; i++ {
		if out[i] == 0 && out[i-1] != 0 && bins > len(chunks)*WaveformBins {
			out[i] = out[i-1]
		}
	}
	return out
}

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
	bin      int   // the bin of frame seen
	next     int64 // the first frame of bin+1
}

// NewPeakBins prepares bins for total frames of channels channels.
func NewPeakBins(total int64, channels, bins int) *PeakBins {
	if bins <= 0 {
		bins = WaveformBins
	}
	if total < int64(bins) {
		bins = max(1, int(total))
	}
	p := &PeakBins{bins: make([]float32, bins), total: max(total, 1), channels: max(channels, 1)}
	p.next = p.start(1)
	return p
}

// start is the first frame of bin b (frame f falls in bin f·bins/total).
func (p *PeakBins) start(b int) int64 {
	n := int64(len(p.bins))
	return (int64(b)*p.total + n - 1) / n
}

// Add feeds interleaved frames. It walks bin boundaries instead of
// dividing per frame (the controller bins every uploaded chunk: an hour
// of audio is 170 million frames).
func (p *PeakBins) Add(samples []float32) {
	last := len(p.bins) - 1
	for i := 0; i+p.channels <= len(samples); {
		for p.seen >= p.next && p.bin < last {
			p.bin++
			p.next = p.start(p.bin + 1)
		}
		// Frames up to the next boundary all land in p.bin.
		n := len(samples) - i
		if p.bin < last {
			n = min(n, int(p.next-p.seen)*p.channels)
		}
		n -= n % p.channels
		peak := p.bins[p.bin]
		for _, v := range samples[i : i+n] {
			if v < 0 {
				v = -v
			}
			if v > peak {
				peak = v
			}
		}
		p.bins[p.bin] = min(peak, 1)
		i += n
		p.seen += int64(n / p.channels)
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
	return out
}

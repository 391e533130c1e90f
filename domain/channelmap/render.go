package channelmap

// Renderer applies a map to interleaved frames whose channels are the map's
// entries in order (what the recorder keeps in the raw master).
type Renderer struct {
	mode Mode
	in   int
	pos  []int // included entry positions in output order
	gain float32
}

// NewRenderer returns the renderer of m (which must be valid).
func NewRenderer(m Map) *Renderer {
	pos := m.included()
	g := float32(1)
	if len(pos) > 0 {
		g = 1 / float32(len(pos))
	}
	return &Renderer{mode: m.Mode, in: len(m.Entries), pos: pos, gain: g}
}

// InputChannels is the channel count Render expects.
func (r *Renderer) InputChannels() int { return r.in }

// OutputChannels is the channel count Render writes.
func (r *Renderer) OutputChannels() int { return outputChannels(r.mode, len(r.pos)) }

// Render writes the output frames of src into dst (grown as needed) and
// returns it. Mono is the equal-gain (1/N) mix of the included channels;
// mono-to-stereo puts that mix on both sides; stereo and multichannel copy
// the included channels in output order.
func (r *Renderer) Render(dst, src []float32) []float32 {
	frames := 0
	if r.in > 0 {
		frames = len(src) / r.in
	}
	out := r.OutputChannels()
	need := frames * out
	if cap(dst) < need {
		dst = make([]float32, need)
	}
	dst = dst[:need]
	for f := 0; f < frames; f++ {
		in := src[f*r.in : (f+1)*r.in]
		o := dst[f*out : (f+1)*out]
		switch r.mode {
		case ModeMono, ModeMonoToStereoMix:
			var sum float32
			for _, p := range r.pos {
				sum += in[p]
			}
			sum *= r.gain
			for i := range o {
				o[i] = sum
			}
		default:
			for i, p := range r.pos {
				o[i] = in[p]
			}
		}
	}
	return dst
}

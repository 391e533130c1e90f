package quality

import "math"

// maxBands bounds the octave bands (plus the residual low band) per channel.
const maxBands = 20

// channelState is everything the Analyzer keeps per channel: the readings of
// the current frame and the short history the scores look back on.
type channelState struct {
	// Readings of the current frame.
	power     float64 // mean square
	sum       float64 // Σx, for the correlation
	sumSq     float64 // Σx², for the correlation
	peak      float32 // max |x|
	crossings int     // sign changes between non-zero samples
	bands     [maxBands]float64

	// History.
	pos      int64   // samples measured before the current frame
	subAcc   float64 // Σx² of the unfinished 10 ms step
	subCount int     // samples in the unfinished 10 ms step
	env      envelope
	levels   levelHistory
	hum      humState
	haar     []float32
}

func newChannelState(frameLen int) channelState {
	return channelState{haar: make([]float32, frameLen/8+1)}
}

func (s *channelState) reset() {
	*s = channelState{haar: s.haar}
}

// measure computes the readings of the next frame x of this channel. The
// frame is processed in groups of eight samples by one fused kernel (levels,
// peak, zero crossings and the first three Haar levels); the last n mod 8
// samples only count towards the level readings.
func (s *channelState) measure(x []float32, l *layout, ht *humTables) {
	n := len(x)
	n8 := n &^ 7
	h := s.haar[:n8/8]
	last := firstSign(x)
	var a1, a2, a3, a4, sum, sumSq float64
	var peak uint32
	crossings := 0
	for i := 0; i < n8; {
		take := min(l.subLen-s.subCount, n8-i)
		k := kernel(x[i:i+take], h[i/8:(i+take)/8], last)
		last = k.last
		crossings += k.zc
		peak = max(peak, k.peak)
		a1 += float64(k.d1)
		a2 += float64(k.d2)
		a3 += float64(k.d3)
		a4 += float64(k.a3)
		sum += float64(k.sum)
		e := float64(k.d1)/2 + float64(k.d2)/4 + float64(k.d3)/8 + float64(k.a3)/8
		sumSq += e
		s.subAcc += e
		s.subCount += take
		i += take
		if s.subCount == l.subLen {
			ms := s.subAcc / float64(s.subCount)
			s.env.push(math.Sqrt(ms))
			s.levels.push(ms)
			s.subAcc, s.subCount = 0, 0
		}
	}
	if n8 < n {
		e, sm, pk, zc := tail(x[n8:], last)
		crossings += zc
		peak = max(peak, pk)
		sum += float64(sm)
		sumSq += float64(e)
		s.subAcc += float64(e) // counted in the current step, not in its length
	}
	s.sum, s.sumSq, s.crossings = sum, sumSq, crossings
	s.peak = math.Float32frombits(peak)
	s.power = sumSq / float64(n)
	s.octaves(h, n8, [4]float64{a1, a2, a3, a4}, l, ht)
	s.pos += int64(n)
}

// octaves derives the octave band powers from the first three Haar levels
// (detail energies d[0..2], approximation energy d[3], h = the sums of eight
// samples) and continues the cascade on h, feeding the hum detector at the
// hum level. bands[i] is the mean power per sample of level i+1;
// bands[levels] is the residual band below the last level.
func (s *channelState) octaves(h []float32, samples int, d [4]float64, l *layout, ht *humTables) {
	for i := range s.bands {
		s.bands[i] = 0
	}
	m := len(h)
	if m == 0 {
		return
	}
	for lv := 1; lv <= 3 && lv <= l.levels; lv++ {
		s.bands[lv-1] = d[lv-1] / math.Ldexp(1, lv) / float64(samples)
	}
	last := min(3, l.levels)
	for lv := 4; lv <= l.levels; lv++ {
		half := m / 2
		if half == 0 {
			break
		}
		d2 := haarNext(h[:2*half])
		scale := math.Ldexp(1, lv)
		s.bands[lv-1] = float64(d2) / scale / (float64(half) * scale)
		m = half
		h = h[:m]
		last = lv
		if lv == l.humLevel {
			s.hum.observe(ht, h, s.pos, s.sumSq, s.sum, samples)
		}
	}
	var e float32
	for _, v := range h {
		e += v * v
	}
	scale := math.Ldexp(1, last)
	s.bands[l.levels] = float64(e) / scale / (float64(len(h)) * scale)
}

// firstSign returns the sign bit of the first non-zero sample of x (0 when
// all are zero), so crossings are counted only between non-zero samples.
func firstSign(x []float32) uint32 {
	for _, v := range x {
		if v != 0 {
			return math.Float32bits(v) >> 31
		}
	}
	return 0
}

// kernelOut is what kernel gathers over its samples.
type kernelOut struct {
	d1, d2, d3 float32 // Σ squared Haar details of levels 1..3 (unnormalised)
	a3         float32 // Σ squared sums of eight (unnormalised level-3 approximation)
	sum        float32 // Σx
	peak       uint32  // max |x| as float bits
	zc         int     // sign changes between non-zero samples
	last       uint32  // sign of the last non-zero sample
}

// kernel is the hot loop of the meter. For every group of eight samples it
// updates the peak and the zero-crossing count (branch-free), and computes
// the first three levels of an orthogonal Haar cascade: h receives the sum
// of the group, and the squared details accumulate. By orthogonality the
// energy Σx² = d1/2 + d2/4 + d3/8 + a3/8, so no separate sum of squares is
// needed. len(x) must be 8·len(h).
func kernel(x []float32, h []float32, last uint32) kernelOut {
	var d1a, d1b, d2, d3, a3, sum float32
	var peak, z uint32
	x = x[:8*len(h)]
	for j := range h {
		v := x[8*j : 8*j+8 : 8*j+8]
		b0, b1, b2, b3 := math.Float32bits(v[0]), math.Float32bits(v[1]), math.Float32bits(v[2]), math.Float32bits(v[3])
		b4, b5, b6, b7 := math.Float32bits(v[4]), math.Float32bits(v[5]), math.Float32bits(v[6]), math.Float32bits(v[7])
		m0, m1, m2, m3 := b0&0x7fffffff, b1&0x7fffffff, b2&0x7fffffff, b3&0x7fffffff
		m4, m5, m6, m7 := b4&0x7fffffff, b5&0x7fffffff, b6&0x7fffffff, b7&0x7fffffff
		// Trees, not chains, so the eight comparisons overlap.
		peak = max(peak, max(max(m0, m1), max(m2, m3)), max(max(m4, m5), max(m6, m7)))
		if min(min(min(m0, m1), min(m2, m3)), min(min(m4, m5), min(m6, m7))) != 0 {
			// No zero sample: a crossing is a sign change between
			// neighbours, eight independent XORs.
			s0, s1, s2, s3 := b0>>31, b1>>31, b2>>31, b3>>31
			s4, s5, s6, s7 := b4>>31, b5>>31, b6>>31, b7>>31
			z += (s0 ^ last) + (s1 ^ s0) + (s2 ^ s1) + (s3 ^ s2) + (s4 ^ s3) + (s5 ^ s4) + (s6 ^ s5) + (s7 ^ s6)
			last = s7
		} else if m0|m1|m2|m3|m4|m5|m6|m7 != 0 {
			// Some zeros: carry the sign of the last non-zero sample.
			for _, b := range [8]uint32{b0, b1, b2, b3, b4, b5, b6, b7} {
				f := (b>>31 ^ last) & (((b & 0x7fffffff) + 0x7fffffff) >> 31)
				last ^= f
				z += f
			}
		}
		s0, s1, s2, s3 := v[0]+v[1], v[2]+v[3], v[4]+v[5], v[6]+v[7]
		p0, p1, p2, p3 := v[0]-v[1], v[2]-v[3], v[4]-v[5], v[6]-v[7]
		d1a += p0*p0 + p1*p1
		d1b += p2*p2 + p3*p3
		t0, t1 := s0+s1, s2+s3
		u0, u1 := s0-s1, s2-s3
		d2 += u0*u0 + u1*u1
		w := t0 - t1
		d3 += w * w
		g := t0 + t1
		a3 += g * g
		sum += g
		h[j] = g
	}
	return kernelOut{d1: d1a + d1b, d2: d2, d3: d3, a3: a3, sum: sum, peak: peak, zc: int(z), last: last}
}

// tail returns Σx², Σx, the peak bits and the zero crossings of the few
// samples after the last group of eight.
func tail(x []float32, last uint32) (e, sum float32, peak uint32, zc int) {
	for _, s := range x {
		e += s * s
		sum += s
		b := math.Float32bits(s)
		m := b & 0x7fffffff
		peak = max(peak, m)
		f := (b>>31 ^ last) & ((m + 0x7fffffff) >> 31)
		last ^= f
		zc += int(f)
	}
	return e, sum, peak, zc
}

// haarNext does one more Haar level in place: h[:len/2] becomes the pairwise
// sums; it returns Σ of the squared pairwise differences.
func haarNext(h []float32) float32 {
	var d0, d1 float32
	half := len(h) / 2
	j := 0
	for ; j+1 < half; j += 2 {
		v := h[2*j : 2*j+4 : 2*j+4]
		a, b, c, d := v[0], v[1], v[2], v[3]
		p, q := a-b, c-d
		d0 += p * p
		d1 += q * q
		h[j], h[j+1] = a+b, c+d
	}
	if j < half {
		a, b := h[2*j], h[2*j+1]
		h[j] = a + b
		d0 += (a - b) * (a - b)
	}
	return d0 + d1
}

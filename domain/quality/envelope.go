package quality

import (
	"math"
	"math/cmplx"
)

// envWindow is the modulation history: 200 steps of 10 ms = 2 s, which
// resolves the envelope spectrum in 0.5 Hz bins.
const envWindow = 200

// Syllabic modulation band: bins 4..16 of the 2 s window = 2..8 Hz.
const (
	sylFirstBin = 4
	sylLastBin  = 16
	sylBins     = sylLastBin - sylFirstBin + 1
)

// sylTwiddle[k] rotates the sliding DFT of bin sylFirstBin+k by one step.
var sylTwiddle = func() (t [sylBins]complex128) {
	for k := range t {
		t[k] = cmplx.Rect(1, 2*math.Pi*float64(sylFirstBin+k)/envWindow)
	}
	return t
}()

// recomputeEvery is how many steps the running sums run before they are
// rebuilt exactly (20 s); float64 rounding over that many updates stays
// below 1e-12 of the window sum.
const recomputeEvery = 10 * envWindow

// sylKernel[k][i] is e^(−2πi·(sylFirstBin+k)·i/envWindow), for the exact
// recomputation of the syllabic bins.
var sylKernel = func() (t [sylBins][envWindow]complex128) {
	for k := range t {
		for i := range t[k] {
			t[k][i] = cmplx.Rect(1, -2*math.Pi*float64((sylFirstBin+k)*i)/envWindow)
		}
	}
	return t
}()

// envelope tracks the amplitude envelope of a channel (RMS of 10 ms steps)
// over the last 2 s and its modulation spectrum in the syllabic band, with
// a sliding DFT: O(1) work per step.
type envelope struct {
	ring   [envWindow]float64
	pos    int
	primed bool
	since  int // steps since the last exact recomputation
	sum    float64
	sumSq  float64
	bins   [sylBins]complex128
}

// push appends one envelope step. The first step fills the whole window, so
// a stream does not start with an artificial onset.
func (e *envelope) push(v float64) {
	if !e.primed {
		for i := range e.ring {
			e.ring[i] = v
		}
		e.sum, e.sumSq = v*envWindow, v*v*envWindow
		e.primed = true
		return
	}
	old := e.ring[e.pos]
	e.ring[e.pos] = v
	e.pos++
	if e.pos == envWindow {
		e.pos = 0
	}
	e.sum += v - old
	e.sumSq += v*v - old*old
	delta := complex(v-old, 0)
	for k := range e.bins {
		e.bins[k] = (e.bins[k] + delta) * sylTwiddle[k]
	}
	e.since++
	if e.since == recomputeEvery {
		e.recompute()
	}
}

// recompute rebuilds the running sums exactly, so rounding never drifts.
func (e *envelope) recompute() {
	e.since = 0
	e.sum, e.sumSq = 0, 0
	var bins [sylBins]complex128
	for i := 0; i < envWindow; i++ {
		v := e.ring[(e.pos+i)%envWindow]
		e.sum += v
		e.sumSq += v * v
		for k := range bins {
			bins[k] += complex(v, 0) * sylKernel[k][i]
		}
	}
	e.bins = bins
}

// depths returns the total modulation depth of the envelope (√(2·var)/mean:
// 0 for a steady level, m for a level modulated sinusoidally by depth m) and
// the part of it in the 2–8 Hz syllabic band.
func (e *envelope) depths() (total, syllabic float64) {
	mean := e.sum / envWindow
	if !e.primed || mean <= 1e-9 {
		return 0, 0
	}
	variance := max(0, e.sumSq/envWindow-mean*mean)
	total = math.Sqrt(2*variance) / mean
	var p float64
	for _, b := range e.bins {
		p += real(b)*real(b) + imag(b)*imag(b)
	}
	syllabic = 2 * math.Sqrt(p) / (envWindow * mean)
	return total, syllabic
}

// levelWindow is the noise-floor history: 300 steps of 10 ms = 3 s.
const levelWindow = 300

// levelBinsPerDB sets the histogram resolution (0.5 dB).
const levelBinsPerDB = 2

// levelBins covers FloorDBFS .. +10 dBFS.
const levelBins = (10-FloorDBFS)*levelBinsPerDB + 1

// levelHistory keeps a histogram of the 10 ms levels of the last 3 s, so
// percentiles cost a scan of the histogram instead of a sort.
type levelHistory struct {
	ring  [levelWindow]uint16
	hist  [int(levelBins)]uint16
	pos   int
	count int
}

// push adds one 10 ms mean-square level.
func (h *levelHistory) push(ms float64) {
	b := uint16(min(levelBins-1, max(0, (powerDB(ms)-FloorDBFS)*levelBinsPerDB)))
	if h.count == levelWindow {
		h.hist[h.ring[h.pos]]--
	} else {
		h.count++
	}
	h.ring[h.pos] = b
	h.hist[b]++
	h.pos++
	if h.pos == levelWindow {
		h.pos = 0
	}
}

// percentile returns the level in dBFS below which fraction p of the
// history lies (FloorDBFS when empty).
func (h *levelHistory) percentile(p float64) float64 {
	if h.count == 0 {
		return FloorDBFS
	}
	target := int(math.Ceil(p * float64(h.count)))
	target = max(1, target)
	seen := 0
	for b, n := range h.hist {
		seen += int(n)
		if seen >= target {
			return FloorDBFS + float64(b)/levelBinsPerDB
		}
	}
	return FloorDBFS + (levelBins-1)/levelBinsPerDB
}

package quality

import (
	"math"
)

// mainsLines are the hum lines looked for: the first six harmonics of 50 Hz
// mains, then of 60 Hz mains.
var mainsLines = [2 * humHarmonics]int{50, 100, 150, 200, 250, 300, 60, 120, 180, 240, 300, 360}

// humHarmonics is the number of harmonics per mains frequency.
const humHarmonics = 6

// humFrames is how many frames are summed coherently (0.5 s at 10 frames per
// second): steady mains lines add up in phase, the wandering harmonics of a
// voice do not.
const humFrames = 5

// humTables holds the Goertzel coefficients of the mains lines at the
// decimated rate of the hum level, shared by all channels of a stream.
type humTables struct {
	rate  int64
	block int                         // input samples per decimated sample
	coef  [len(mainsLines)]float32    // 2·cos ω
	rot   [len(mainsLines)]complex128 // e^(−iω)
	omega [len(mainsLines)]float64    // ω in radians per decimated sample
	gain  [len(mainsLines)]float64    // amplitude gain of the block sum at the line
}

func newHumTables(rate int, l layout) *humTables {
	t := &humTables{rate: int64(rate)}
	if l.humLevel == 0 {
		return t
	}
	t.block = 1 << l.humLevel
	for i, f := range mainsLines {
		w := 2 * math.Pi * float64(f) * float64(t.block) / float64(rate)
		t.omega[i] = w
		t.coef[i] = float32(2 * math.Cos(w))
		t.rot[i] = complex(math.Cos(w), -math.Sin(w))
		x := math.Pi * float64(f) / float64(rate)
		t.gain[i] = math.Abs(math.Sin(x*float64(t.block)) / (float64(t.block) * math.Sin(x)))
	}
	return t
}

// humEntry is one frame's contribution to the coherent sum.
type humEntry struct {
	x       [len(mainsLines)]complex128
	blocks  int
	energy  float64
	sum     float64
	samples int
}

// humState is a channel's ring of the last humFrames frames.
type humState struct {
	ring  [humFrames]humEntry
	pos   int
	count int
	cache [len(mainsLines)]phaseCache
}

// observe adds one frame: a holds the block sums (decimated samples) of the
// frame, start is the stream position of the frame's first sample, energy,
// sum and samples describe the whole frame.
func (h *humState) observe(t *humTables, a []float32, start int64, energy, sum float64, samples int) {
	if t.block == 0 {
		return
	}
	e := &h.ring[h.pos]
	h.pos = (h.pos + 1) % humFrames
	h.count = min(h.count+1, humFrames)
	e.blocks, e.energy, e.sum, e.samples = len(a), energy, sum, samples
	var st [len(mainsLines)][2]float32
	goertzel4(a, t.coef[0:4], st[0:4])
	goertzel4(a, t.coef[4:8], st[4:8])
	goertzel4(a, t.coef[8:12], st[8:12])
	n := len(a)
	for i, f := range mainsLines {
		// X(ω) = e^(−iω(n−1))·(s[n−1] − e^(−iω)·s[n−2]), then refer the
		// phase to the stream origin so frames add coherently.
		y := complex(float64(st[i][0]), 0) - t.rot[i]*complex(float64(st[i][1]), 0)
		cycles := (int64(f) * start) % t.rate
		e.x[i] = y * h.phase(t, i, n, cycles)
	}
}

// phase returns e^(−i(ω(n−1) + 2π·cycles/rate)) for line i. Frames of a
// steady stream repeat the same (n, cycles), so the last value is cached.
func (h *humState) phase(t *humTables, i, n int, cycles int64) complex128 {
	c := &h.cache[i]
	if c.valid && c.n == n && c.cycles == cycles {
		return c.rot
	}
	ps, pc := math.Sincos(-t.omega[i]*float64(n-1) - 2*math.Pi*float64(cycles)/float64(t.rate))
	*c = phaseCache{valid: true, n: n, cycles: cycles, rot: complex(pc, ps)}
	return c.rot
}

// phaseCache remembers the last phase factor of one line.
type phaseCache struct {
	valid  bool
	n      int
	cycles int64
	rot    complex128
}

// goertzel4 runs the Goertzel recurrence for four lines at once (four
// independent chains keep the FPU busy) and leaves s[n−1], s[n−2] in st.
func goertzel4(a []float32, coef []float32, st [][2]float32) {
	c0, c1, c2, c3 := coef[0], coef[1], coef[2], coef[3]
	var p0, q0, p1, q1, p2, q2, p3, q3 float32
	for _, v := range a {
		p0, q0 = v+c0*p0-q0, p0
		p1, q1 = v+c1*p1-q1, p1
		p2, q2 = v+c2*p2-q2, p2
		p3, q3 = v+c3*p3-q3, p3
	}
	st[0], st[1], st[2], st[3] = [2]float32{p0, q0}, [2]float32{p1, q1}, [2]float32{p2, q2}, [2]float32{p3, q3}
}

// ratio returns the share of the AC power of the last frames that lies in
// the mains lines of the stronger mains family (50 or 60 Hz), in [0, 1].
func (h *humState) ratio(t *humTables) float64 {
	if h.count == 0 || t.block == 0 {
		return 0
	}
	var sums [len(mainsLines)]complex128
	blocks, samples := 0, 0
	var energy, sum float64
	for k := 0; k < h.count; k++ {
		e := &h.ring[k]
		for i := range sums {
			sums[i] += e.x[i]
		}
		blocks += e.blocks
		samples += e.samples
		energy += e.energy
		sum += e.sum
	}
	ac := (energy - sum*sum/float64(samples)) / float64(samples)
	if blocks == 0 || ac <= floorPower {
		return 0
	}
	best := 0.0
	for fam := 0; fam < 2; fam++ {
		p := 0.0
		for i := fam * humHarmonics; i < (fam+1)*humHarmonics; i++ {
			g := float64(blocks*t.block) * t.gain[i]
			if g <= 0 {
				continue
			}
			re, im := real(sums[i]), imag(sums[i])
			p += 2 * (re*re + im*im) / (g * g)
		}
		best = max(best, p)
	}
	return clamp01(best / ac)
}

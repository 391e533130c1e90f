package synth

import (
	"math"
	"math/rand/v2"
)

// Voice describes a synthetic talker for Speech.
type Voice struct {
	// Rate is the sample rate in Hz.
	Rate int
	// Seconds is the length of the result.
	Seconds float64
	// PitchHz is the talker's mean fundamental (≈110 male, ≈200 female).
	PitchHz float64
	// LevelDBFS is the RMS level of the voice while it is talking.
	LevelDBFS float64
	// NoiseDBFS is the RMS level of the room-noise floor under the voice;
	// at or below −150 no floor is added.
	NoiseDBFS float64
	// ZeroPauses makes the pauses between sentences exact digital zeros
	// (as an editor or a muting gate leaves them), floor included.
	ZeroPauses bool
	// SentencePause is the pause between sentences in seconds (0 → 0.9 s).
	SentencePause float64
	// Seed makes the voice deterministic; different seeds say different
	// "words".
	Seed uint64
}

// vowels are (F1, F2, F3) formant frequencies of English vowels, Hz.
var vowels = [][3]float64{
	{730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240}, {530, 1840, 2480},
	{570, 840, 2410}, {660, 1720, 2410}, {520, 1190, 2390}, {440, 1020, 2240},
}

// Speech synthesises a speech-like signal: a glottal pulse train with
// jitter, declining intonation and accents, shaped by three formant
// resonators that move from vowel to vowel, with fricative and plosive
// noise, syllables of 120–320 ms, short gaps between words and longer pauses
// between sentences. It is not intelligible, but it has the spectrum, the
// 2–8 Hz syllabic rhythm and the pauses of running speech.
func Speech(v Voice) []float32 {
	n := int(v.Seconds * float64(v.Rate))
	out := make([]float64, n)
	r := rand.New(rand.NewPCG(v.Seed, 0x5bee))
	pause := v.SentencePause
	if pause <= 0 {
		pause = 0.9
	}
	fs := float64(v.Rate)
	active := make([]bool, n)
	i := int(0.15 * fs)
	for i < n {
		// One sentence: 2–4 s of words, declining pitch.
		sentence := int((2 + 2*r.Float64()) * fs)
		end := min(n, i+sentence)
		start := i
		for i < end {
			words := 1 + r.IntN(3)
			for w := 0; w < words && i < end; w++ {
				syl := int((0.12 + 0.2*r.Float64()) * fs)
				syl = min(syl, end-i)
				progress := float64(i-start) / float64(max(1, end-start))
				f0 := v.PitchHz * (1.12 - 0.25*progress) * (1 + 0.08*(r.Float64()-0.3))
				syllable(out[i:i+syl], fs, f0, vowels[r.IntN(len(vowels))], vowels[r.IntN(len(vowels))], r)
				for k := i; k < i+syl; k++ {
					active[k] = true
				}
				i += syl
			}
			i += int((0.03 + 0.09*r.Float64()) * fs) // gap between words
		}
		i = end + int(pause*(0.7+0.6*r.Float64())*fs)
	}
	normalise(out, active, Amplitude(v.LevelDBFS))
	res := make([]float32, n)
	var floor []float32
	if v.NoiseDBFS > -150 {
		floor = PinkNoise(n, Amplitude(v.NoiseDBFS), v.Seed+7)
	}
	for k := range res {
		x := out[k]
		if floor != nil {
			x += float64(floor[k])
		}
		res[k] = clip(x)
	}
	if v.ZeroPauses {
		zeroLongGaps(res, active, int(0.25*fs))
	}
	return res
}

// syllable renders one syllable into dst: an optional consonant, then a
// voiced nucleus gliding from vowel a to vowel b, under an attack-decay
// envelope.
func syllable(dst []float64, fs, f0 float64, a, b [3]float64, r *rand.Rand) {
	n := len(dst)
	if n == 0 {
		return
	}
	onset := 0
	switch r.IntN(4) {
	case 0: // fricative "s"/"sh"
		onset = min(n/3, int((0.04+0.05*r.Float64())*fs))
		hp := newBiquad(int(fs), 2500+2500*r.Float64(), 0.7, true)
		for k := 0; k < onset; k++ {
			env := math.Sin(math.Pi * float64(k) / float64(onset))
			dst[k] += 0.002 * env * hp.step(r.NormFloat64())
		}
	case 1: // plosive burst
		onset = min(n/4, int(0.012*fs))
		for k := 0; k < onset; k++ {
			dst[k] += 0.006 * r.NormFloat64() * math.Exp(-float64(k)/(0.003*fs))
		}
	}
	res := [3]resonator{}
	bw := [3]float64{70, 100, 140}
	phase := r.Float64()
	var tilt float64
	voiced := n - onset
	for k := 0; k < voiced; k++ {
		t := float64(k) / float64(max(1, voiced))
		if k%64 == 0 {
			for f := range res {
				res[f].tune(fs, a[f]+(b[f]-a[f])*t, bw[f])
			}
		}
		pitch := f0 * (1 + 0.06*math.Sin(math.Pi*t)) * (1 + 0.01*r.NormFloat64())
		phase += pitch / fs
		src := 0.0
		if phase >= 1 {
			phase -= math.Floor(phase)
			src = 1
		}
		tilt = 0.9*tilt + src
		x := tilt + 0.02*r.NormFloat64()
		for f := range res {
			x = res[f].step(x)
		}
		env := math.Min(1, t/0.15) * math.Min(1, (1-t)/0.35)
		dst[onset+k] += 0.02 * x * env
	}
}

// resonator is a Klatt formant resonator.
type resonator struct{ a, b, c, y1, y2 float64 }

func (r *resonator) tune(fs, hz, bw float64) {
	r.c = -math.Exp(-2 * math.Pi * bw / fs)
	r.b = 2 * math.Exp(-math.Pi*bw/fs) * math.Cos(2*math.Pi*hz/fs)
	r.a = 1 - r.b - r.c
}

func (r *resonator) step(x float64) float64 {
	y := r.a*x + r.b*r.y1 + r.c*r.y2
	r.y2, r.y1 = r.y1, y
	return y
}

// normalise scales x so that its RMS over the active samples is rms.
func normalise(x []float64, active []bool, rms float64) {
	var s float64
	n := 0
	for i, v := range x {
		if active[i] {
			s += v * v
			n++
		}
	}
	if n == 0 || s == 0 {
		return
	}
	g := rms / math.Sqrt(s/float64(n))
	for i := range x {
		x[i] *= g
	}
}

// zeroLongGaps sets runs of inactive samples longer than minRun to zero.
func zeroLongGaps(x []float32, active []bool, minRun int) {
	run := 0
	for i := 0; i <= len(x); i++ {
		if i < len(x) && !active[i] {
			run++
			continue
		}
		if run >= minRun {
			for k := i - run; k < i; k++ {
				x[k] = 0
			}
		}
		run = 0
	}
}

// biquad is a second-order IIR section (RBJ cookbook).
type biquad struct{ b0, b1, b2, a1, a2, x1, x2, y1, y2 float64 }

func newBiquad(rate int, hz, q float64, highPass bool) *biquad {
	w := 2 * math.Pi * hz / float64(rate)
	alpha := math.Sin(w) / (2 * q)
	cw := math.Cos(w)
	a0 := 1 + alpha
	b := &biquad{a1: -2 * cw / a0, a2: (1 - alpha) / a0}
	if highPass {
		b.b0, b.b1, b.b2 = (1+cw)/2/a0, -(1+cw)/a0, (1+cw)/2/a0
	} else {
		b.b0, b.b1, b.b2 = (1-cw)/2/a0, (1-cw)/a0, (1-cw)/2/a0
	}
	return b
}

func (b *biquad) step(x float64) float64 {
	y := b.b0*x + b.b1*b.x1 + b.b2*b.x2 - b.a1*b.y1 - b.a2*b.y2
	b.x2, b.x1 = b.x1, x
	b.y2, b.y1 = b.y1, y
	return y
}

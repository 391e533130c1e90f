// Package synth generates deterministic test and demonstration signals:
// sines at a known level, silence, white and pink noise, mains hum, crackle
// and a speech-like voice. Every generator writes mono float32 samples
// normalised to ±1; Interleave builds multi-channel streams from them.
//
// The agent uses these for its clearly labelled demo source and the tests use
// them so that the quality rules can be checked without external tools.
package synth

import (
	"math"
	"math/rand/v2"
)

// Amplitude returns the linear amplitude of a peak level in dBFS.
func Amplitude(dbfs float64) float64 { return math.Pow(10, dbfs/20) }

// SineRMS returns the amplitude of a sine whose RMS is rmsDBFS.
func SineRMS(rmsDBFS float64) float64 { return Amplitude(rmsDBFS) * math.Sqrt2 }

// Sine returns n samples of a sine of frequency hz and amplitude amp.
func Sine(n, rate int, hz, amp float64) []float32 {
	out := make([]float32, n)
	w := 2 * math.Pi * hz / float64(rate)
	for i := range out {
		out[i] = float32(amp * math.Sin(w*float64(i)))
	}
	return out
}

// Silence returns n zero samples.
func Silence(n int) []float32 { return make([]float32, n) }

// WhiteNoise returns n samples of Gaussian white noise with the given RMS
// amplitude (clipped to ±1), from a fixed seed.
func WhiteNoise(n int, rms float64, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]float32, n)
	for i := range out {
		out[i] = clip(r.NormFloat64() * rms)
	}
	return out
}

// PinkNoise returns n samples of pink (1/f) noise with roughly the given
// RMS amplitude (Paul Kellet's economy filter on white noise).
func PinkNoise(n int, rms float64, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0x9171))
	out := make([]float32, n)
	var b0, b1, b2 float64
	raw := make([]float64, n)
	var sumSq float64
	for i := range raw {
		w := r.NormFloat64()
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		raw[i] = b0 + b1 + b2 + w*0.1848
		sumSq += raw[i] * raw[i]
	}
	g := 0.0
	if sumSq > 0 {
		g = rms / math.Sqrt(sumSq/float64(n))
	}
	for i := range out {
		out[i] = clip(raw[i] * g)
	}
	return out
}

// Hum returns n samples of mains hum: a fundamental at mainsHz with
// amplitude amp plus weaker 2nd and 3rd harmonics, as a ground loop sounds.
func Hum(n, rate int, mainsHz, amp float64) []float32 {
	out := make([]float32, n)
	w := 2 * math.Pi * mainsHz / float64(rate)
	for i := range out {
		t := w * float64(i)
		out[i] = float32(amp * (math.Sin(t) + 0.3*math.Sin(2*t+0.4) + 0.15*math.Sin(3*t+1.1)) / 1.1)
	}
	return out
}

// Crackle returns n samples of static crackle: perSecond random
// impulses per second of peak amp, each a few samples long, over a faint
// noise floor.
func Crackle(n, rate int, perSecond, amp float64, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 0xc1c))
	out := WhiteNoise(n, amp*0.002, seed+1)
	p := perSecond / float64(rate)
	for i := 0; i < n; i++ {
		if r.Float64() >= p {
			continue
		}
		a := amp * (0.3 + 0.7*r.Float64())
		if r.IntN(2) == 0 {
			a = -a
		}
		for k := 0; k < 4 && i+k < n; k++ {
			out[i+k] += float32(a * math.Pow(-0.5, float64(k)))
		}
	}
	return out
}

// HighPass returns x filtered by a second-order high-pass at cutoff hz
// (applied twice: 24 dB per octave), e.g. to turn white noise into hiss.
func HighPass(x []float32, rate int, hz float64) []float32 {
	out := append([]float32(nil), x...)
	for pass := 0; pass < 2; pass++ {
		b := newBiquad(rate, hz, 0.7071, true)
		for i, v := range out {
			out[i] = float32(b.step(float64(v)))
		}
	}
	return out
}

// Gain returns x scaled by db decibels, hard-clipped to ±1 (so +18 dB on
// speech clips it like an overdriven input).
func Gain(x []float32, db float64) []float32 {
	g := Amplitude(db)
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = clip(float64(v) * g)
	}
	return out
}

// Mix returns the sample-wise sum of the signals (the length of the
// shortest), hard-clipped to ±1.
func Mix(signals ...[]float32) []float32 {
	n := math.MaxInt
	for _, s := range signals {
		n = min(n, len(s))
	}
	if len(signals) == 0 {
		n = 0
	}
	out := make([]float32, n)
	for i := range out {
		var v float64
		for _, s := range signals {
			v += float64(s[i])
		}
		out[i] = clip(v)
	}
	return out
}

// Delay returns x delayed by d samples (zeros first), keeping its length.
func Delay(x []float32, d int) []float32 {
	out := make([]float32, len(x))
	if d < len(x) {
		copy(out[d:], x[:len(x)-d])
	}
	return out
}

// Invert returns −x.
func Invert(x []float32) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = -v
	}
	return out
}

// Interleave builds one interleaved stream from equally long channels.
func Interleave(channels ...[]float32) []float32 {
	if len(channels) == 0 {
		return nil
	}
	n := len(channels[0])
	out := make([]float32, n*len(channels))
	for c, ch := range channels {
		for i := 0; i < n && i < len(ch); i++ {
			out[i*len(channels)+c] = ch[i]
		}
	}
	return out
}

func clip(v float64) float32 {
	if v > 1 {
		return 1
	}
	if v < -1 {
		return -1
	}
	return float32(v)
}

package e2e

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// envelopeBlock is the length of one step of the test signal's random
// envelope (10 ms at 48 kHz); recordings are located in the source by it.
const envelopeBlock = 480

// knownSignal returns seconds of a deterministic 48 kHz signal of channels
// channels: independent white noise per channel under a random 10 ms
// envelope, so that any excerpt can be found again in the source and
// compared sample by sample.
func knownSignal(seconds, channels int) []float32 {
	rng := rand.New(rand.NewPCG(2026, 11))
	frames := seconds * 48000
	out := make([]float32, frames*channels)
	gain := make([]float32, channels)
	for f := 0; f < frames; f++ {
		if f%envelopeBlock == 0 {
			for c := range gain {
				gain[c] = float32(0.05 + 0.45*rng.Float64())
			}
		}
		for c := 0; c < channels; c++ {
			out[f*channels+c] = gain[c] * float32(2*rng.Float64()-1)
		}
	}
	return out
}

// writeF32 writes samples as raw little-endian float32 (the JACK test
// device's input).
func writeF32(t *testing.T, path string, samples []float32) {
	t.Helper()
	b := make([]byte, 4*len(samples))
	for i, v := range samples {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// channel extracts channel c of interleaved frames.
func channel(samples []float32, channels, c int) []float32 {
	out := make([]float32, len(samples)/channels)
	for i := range out {
		out[i] = samples[i*channels+c]
	}
	return out
}

// blockRMS returns the RMS of consecutive envelope blocks.
func blockRMS(x []float32) []float64 {
	out := make([]float64, len(x)/envelopeBlock)
	for b := range out {
		var s float64
		for _, v := range x[b*envelopeBlock : (b+1)*envelopeBlock] {
			s += float64(v) * float64(v)
		}
		out[b] = math.Sqrt(s / envelopeBlock)
	}
	return out
}

// pearson is the correlation coefficient of two equal-length series.
func pearson[T float32 | float64](a, b []T) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return 0
	}
	var sa, sb, saa, sbb, sab float64
	for i := 0; i < n; i++ {
		x, y := float64(a[i]), float64(b[i])
		sa, sb, saa, sbb, sab = sa+x, sb+y, saa+x*x, sbb+y*y, sab+x*y
	}
	fn := float64(n)
	num := sab - sa*sb/fn
	den := math.Sqrt((saa - sa*sa/fn) * (sbb - sb*sb/fn))
	if den == 0 {
		return 0
	}
	return num / den
}

// locate finds where rec (one channel) starts in src (the same channel of
// the source): a coarse search on the 10 ms envelope, then a sample-exact
// search around it. It returns the offset in frames and the correlation of
// the first second at that offset.
func locate(t *testing.T, src, rec []float32) (int, float64) {
	t.Helper()
	rs, ss := blockRMS(rec), blockRMS(src)
	n := min(len(rs), 500)
	if n < 20 {
		t.Fatalf("recording too short to locate: %d frames", len(rec))
	}
	best, bestR := 0, -2.0
	for o := 0; o+n <= len(ss); o++ {
		if r := pearson(rs[:n], ss[o:o+n]); r > bestR {
			best, bestR = o, r
		}
	}
	probe := rec[:min(len(rec), 48000)]
	at, atR := 0, -2.0
	for s := max(0, (best-2)*envelopeBlock); s <= (best+2)*envelopeBlock && s+len(probe) <= len(src); s++ {
		if r := pearson(probe, src[s:s+len(probe)]); r > atR {
			at, atR = s, r
		}
	}
	return at, atR
}

package quality

import "math"

// FloorDBFS is the lowest level ever reported: digital silence reads −160.
const FloorDBFS = -160.0

// floorPower is the mean-square power that corresponds to FloorDBFS.
const floorPower = 1e-16

// clamp01 limits v to [0, 1].
func clamp01(v float64) float64 {
	if v < 0 {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

// rise ramps from 0 at a to 1 at b (linear, clamped).
func rise(v, a, b float64) float64 { return clamp01((v - a) / (b - a)) }

// fall is 1 − rise: 1 at a, 0 at b.
func fall(v, a, b float64) float64 { return 1 - rise(v, a, b) }

// powerDB converts a mean-square power of samples normalised to ±1 into dBFS,
// floored at FloorDBFS.
func powerDB(p float64) float64 {
	if p <= floorPower {
		return FloorDBFS
	}
	return 10 * math.Log10(p)
}

// amplitudeDB converts a sample magnitude into dBFS, floored at FloorDBFS.
func amplitudeDB(a float64) float64 {
	if a <= 1e-8 {
		return FloorDBFS
	}
	return 20 * math.Log10(a)
}

package quality

import "math"

// minCorrelationSamples is the fewest samples a correlation is computed on.
const minCorrelationSamples = 8

// correlate finds every channel's most correlated peer (Pearson r over the
// frame) among the pairs where both channels are above the level gate,
// records it when |r| reaches the report threshold, and returns the number
// of pairs it could compute.
func (a *Analyzer) correlate(ms []ChannelMetrics, x [][]float32, n int) (pairs int) {
	if n < minCorrelationSamples {
		return 0
	}
	for i := range ms {
		if ms[i].RMSDBFS <= a.cfg.CorrelationMinDBFS {
			continue
		}
		for j := i + 1; j < len(ms); j++ {
			if ms[j].RMSDBFS <= a.cfg.CorrelationMinDBFS {
				continue
			}
			r, ok := pearson(x[i][:n], x[j][:n], &ms[i], &ms[j])
			if !ok {
				continue
			}
			pairs++
			if math.Abs(r) < a.cfg.CorrelationReportMin {
				continue
			}
			offer(&ms[i], j, r)
			offer(&ms[j], i, r)
		}
	}
	return pairs
}

// offer records peer as m's correlated peer if it beats the current one.
func offer(m *ChannelMetrics, peer int, r float64) {
	if !m.Correlation.Valid() || math.Abs(r) > math.Abs(m.Correlation.R) {
		m.Correlation = Correlation{Peer: peer, R: r}
	}
}

// pearson returns the correlation coefficient of x and y, using the sums
// gathered while measuring each channel; ok is false when either has no
// variance.
func pearson(x, y []float32, mx, my *ChannelMetrics) (float64, bool) {
	n := float64(len(x))
	sxy := dot(x, y)
	cov := sxy - mx.sum*my.sum/n
	vx := mx.sumSq - mx.sum*mx.sum/n
	vy := my.sumSq - my.sum*my.sum/n
	if vx <= 1e-12*n || vy <= 1e-12*n {
		return 0, false
	}
	r := cov / math.Sqrt(vx*vy)
	return max(-1, min(1, r)), true
}

// dot returns Σ x·y, accumulated in float32 blocks and summed in float64.
func dot(x, y []float32) float64 {
	y = y[:len(x)]
	var total float64
	for len(x) > 0 {
		k := min(len(x), 512)
		var a0, a1, a2, a3 float32
		xs, ys := x[:k], y[:k]
		i := 0
		for ; i+3 < k; i += 4 {
			a0 += xs[i] * ys[i]
			a1 += xs[i+1] * ys[i+1]
			a2 += xs[i+2] * ys[i+2]
			a3 += xs[i+3] * ys[i+3]
		}
		for ; i < k; i++ {
			a0 += xs[i] * ys[i]
		}
		total += float64(a0 + a1 + a2 + a3)
		x, y = x[k:], y[k:]
	}
	return total
}

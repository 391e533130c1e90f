package quality

import "math"

// Band limits used by the spectral features, in Hz (band centres).
const (
	speechBandLow  = 120.0  // lowest band centre counted as speech band
	speechBandHigh = 4300.0 // highest band centre counted as speech band
	hissBandLow    = 7000.0 // lowest band centre counted as "above speech"
	flatBandLow    = 60.0   // lowest band centre included in flatness
)

// features are the measurements the scores are computed from; each is
// explained in docs/quality.md.
type features struct {
	rmsDB      float64 // RMS level, dBFS
	crestDB    float64 // peak − RMS, dB
	speechBand float64 // share of power in bands centred 120 Hz–4.3 kHz
	highBand   float64 // share of power in bands centred ≥ 7 kHz
	flatHz     float64 // spectral flatness of the power density per Hz
	flatOct    float64 // spectral flatness of the power per octave
	hum        float64 // share of AC power in mains lines (coherent, 0.5 s)
	modTotal   float64 // envelope modulation depth over 2 s
	modSyl     float64 // envelope modulation depth at 2–8 Hz over 2 s
	snrDB      float64 // P85 − P10 of the 10 ms levels over 3 s
}

// features derives the score inputs from the frame just measured.
func (s *channelState) features(l *layout, ht *humTables, rmsDB, crestDB float64) features {
	f := features{rmsDB: rmsDB, crestDB: crestDB}
	var total, speech, high float64
	var nHz, logHz, sumHz, nOct, logOct, sumOct float64
	const tiny = 1e-30
	for i := 0; i < l.levels; i++ {
		p := s.bands[i]
		total += p
		c := l.centre[i]
		if c >= speechBandLow && c <= speechBandHigh {
			speech += p
		}
		if c >= hissBandLow {
			high += p
		}
		if c >= flatBandLow {
			d := p / l.width[i]
			nHz++
			logHz += math.Log(d + tiny)
			sumHz += d
			nOct++
			logOct += math.Log(p + tiny)
			sumOct += p
		}
	}
	total += s.bands[l.levels]
	if total > floorPower {
		f.speechBand = speech / total
		f.highBand = high / total
	}
	if sumHz > 0 {
		f.flatHz = clamp01(math.Exp(logHz/nHz) / (sumHz / nHz))
		f.flatOct = clamp01(math.Exp(logOct/nOct) / (sumOct / nOct))
	}
	f.hum = s.hum.ratio(ht)
	f.modTotal, f.modSyl = s.env.depths()
	f.snrDB = max(0, s.levels.percentile(0.85)-s.levels.percentile(0.10))
	return f
}

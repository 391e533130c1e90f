package render

import (
	"errors"
	"io"
	"math"

	"github.com/rakkr/rakkr/ports"
)

// MinDbfs is the level reported for digital silence.
const MinDbfs = -160.0

// levelMeter accumulates the peak and the energy of samples.
type levelMeter struct {
	peak, sum float64
	n         int64
}

// add measures samples (all channels alike).
func (l *levelMeter) add(samples []float32) {
	for _, s := range samples {
		x := math.Abs(float64(s))
		l.peak = max(l.peak, x)
		l.sum += x * x
	}
	l.n += int64(len(samples))
}

// dbfs returns the peak and RMS level measured, in dBFS (MinDbfs at least).
func (l *levelMeter) dbfs() (peakDbfs, rmsDbfs float64) {
	if l.n == 0 {
		return MinDbfs, MinDbfs
	}
	return dbfs(l.peak), dbfs(math.Sqrt(l.sum / float64(l.n)))
}

// Levels streams the raw master at rawPath and returns its peak and RMS
// level over all samples of all channels, in dBFS (MinDbfs at least).
// Render measures the same while it reads; Levels is for a raw master that
// was not rendered.
func Levels(files ports.PCMFiles, rawPath string) (peakDbfs, rmsDbfs float64, err error) {
	src, err := files.OpenPCM(rawPath)
	if err != nil {
		return MinDbfs, MinDbfs, err
	}
	defer src.Close()
	ch := max(1, src.Format().Channels)
	buf := make([]float32, 4096*ch)
	var l levelMeter
	for {
		k, err := src.ReadFrames(buf)
		l.add(buf[:k*ch])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return MinDbfs, MinDbfs, err
		}
		if k == 0 {
			return MinDbfs, MinDbfs, errors.New("render: the raw master reader made no progress")
		}
	}
	peakDbfs, rmsDbfs = l.dbfs()
	return peakDbfs, rmsDbfs, nil
}

// dbfs converts a linear level to dBFS, no lower than MinDbfs.
func dbfs(x float64) float64 {
	if x <= 0 {
		return MinDbfs
	}
	return max(MinDbfs, 20*math.Log10(x))
}

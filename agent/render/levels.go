package render

import (
	"errors"
	"io"
	"math"

	"github.com/rakkr/rakkr/ports"
)

// MinDbfs is the level reported for digital silence.
const MinDbfs = -160.0

// Levels streams the raw master at rawPath and returns its peak and RMS
// level over all samples of all channels, in dBFS (MinDbfs at least).
func Levels(files ports.PCMFiles, rawPath string) (peakDbfs, rmsDbfs float64, err error) {
	src, err := files.OpenPCM(rawPath)
	if err != nil {
		return MinDbfs, MinDbfs, err
	}
	defer src.Close()
	ch := max(1, src.Format().Channels)
	buf := make([]float32, 4096*ch)
	var (
		peak, sum float64
		n         int64
	)
	for {
		k, err := src.ReadFrames(buf)
		for _, s := range buf[:k*ch] {
			x := math.Abs(float64(s))
			peak = max(peak, x)
			sum += x * x
		}
		n += int64(k * ch)
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
	if n == 0 {
		return MinDbfs, MinDbfs, nil
	}
	return dbfs(peak), dbfs(math.Sqrt(sum / float64(n))), nil
}

// dbfs converts a linear level to dBFS, no lower than MinDbfs.
func dbfs(x float64) float64 {
	if x <= 0 {
		return MinDbfs
	}
	return max(MinDbfs, 20*math.Log10(x))
}

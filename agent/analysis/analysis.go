// Package analysis is the agent's offline analyzer use case: it meters a
// sample source frame by frame at the live rate (10 frames per second of
// audio), runs the same debounced fault rules the daemon runs, and sums the
// result up into per-channel ranges and fault verdicts.
package analysis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/quality"
)

// Source is a stream of audio to analyse: a WAV file, later a capture
// device. (It belongs in ports/ once the daemon's capture port exists.)
type Source interface {
	// Format returns the sample rate and channel count.
	Format() pcm.Format
	// Next reads the next block of up to n sample frames and returns how
	// many it read; at the end of the stream it returns 0 and io.EOF.
	Next(n int) (int, error)
	// Decode writes channel c of the block read by Next into dst. Calls for
	// distinct channels may run concurrently.
	Decode(c int, dst []float32)
}

// Options configure a run.
type Options struct {
	// Quality configures the meter (zero value: quality.DefaultConfig()).
	Quality quality.Config
	// Faults configures the fault rules (zero value: DefaultFaultConfig()).
	Faults quality.FaultConfig
	// Start is the capture time of the first sample; frame times follow
	// from the sample position, never from the wall clock.
	Start time.Time
	// Workers is how many goroutines meter channels in parallel; 0 means
	// min(channels, GOMAXPROCS).
	Workers int
	// SpeechPresentMin is how much speech-like audio (on any channel) makes
	// the speech_present verdict true; 0 means 1 s.
	SpeechPresentMin time.Duration
}

// blockFrames is how many frames are read and metered at a time.
const blockFrames = 10

// FrameFunc receives every analysed frame with its capture time. The frame
// is only valid during the call.
type FrameFunc func(at time.Time, f quality.Frame) error

// Run analyses src to its end, calling onFrame (if not nil) for every frame,
// and returns the summary. It stops early with ctx's error when ctx ends.
func Run(ctx context.Context, src Source, opt Options, onFrame FrameFunc) (Summary, error) {
	if opt.Quality == (quality.Config{}) {
		opt.Quality = quality.DefaultConfig()
	}
	if opt.Faults == (quality.FaultConfig{}) {
		opt.Faults = quality.DefaultFaultConfig()
	}
	if opt.SpeechPresentMin <= 0 {
		opt.SpeechPresentMin = time.Second
	}
	format := src.Format()
	analyzer, err := quality.NewAnalyzer(format, opt.Quality)
	if err != nil {
		return Summary{}, fmt.Errorf("analysis: %w", err)
	}
	tracker, err := quality.NewFaultTracker(opt.Faults)
	if err != nil {
		return Summary{}, fmt.Errorf("analysis: %w", err)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, format.Channels))

	// Work in blocks of blockFrames frames. A reader goroutine reads and
	// decodes the next block while the channels of the current one are
	// metered in parallel; then the frames are correlated and reported in
	// order.
	frameLen := analyzer.FrameLength()
	rd := startReader(src, format.Channels, blockFrames*frameLen)
	defer rd.stop()
	readings := make([][]quality.ChannelMetrics, blockFrames)
	for k := range readings {
		readings[k] = make([]quality.ChannelMetrics, format.Channels)
	}
	samples := make([][]float32, format.Channels)
	var cur *block
	measure := func(c int) {
		x := cur.planar[c][:cur.n]
		for k, lo := 0, 0; lo < cur.n; k, lo = k+1, lo+frameLen {
			// Lengths are in range by construction, so this cannot fail.
			readings[k][c], _ = analyzer.MeasureChannel(c, x[lo:min(lo+frameLen, cur.n)])
		}
	}
	tm := newTeam(workers, format.Channels, measure)
	defer tm.close()

	sum := newSummary(format, opt.SpeechPresentMin)
	var pos int64
	for {
		if err := ctx.Err(); err != nil {
			return Summary{}, err
		}
		cur = rd.next()
		if cur.n == 0 {
			if cur.err != nil && !errors.Is(cur.err, io.EOF) {
				return Summary{}, fmt.Errorf("analysis: reading audio: %w", cur.err)
			}
			break
		}
		tm.run()
		for k, lo := 0, 0; lo < cur.n; k, lo = k+1, lo+frameLen {
			hi := min(lo+frameLen, cur.n)
			for c := range samples {
				samples[c] = cur.planar[c][lo:hi]
			}
			f, err := analyzer.Correlate(readings[k], samples)
			if err != nil {
				return Summary{}, fmt.Errorf("analysis: %w", err)
			}
			at := opt.Start.Add(format.Duration(pos))
			pos += int64(hi - lo)
			if onFrame != nil {
				if err := onFrame(at, f); err != nil {
					return Summary{}, err
				}
			}
			sum.addFrame(f)
			for _, t := range tracker.Observe(f, at) {
				sum.addTransition(t)
			}
		}
		rd.release(cur)
	}
	return sum.finish(format.Duration(pos)), nil
}

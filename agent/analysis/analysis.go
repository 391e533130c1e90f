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
// device. Reading and decoding are separate calls so a pipeline can place
// them where they are cheapest (and decode channels in parallel if it wants
// to). (It belongs in ports/ once the daemon's capture port exists.)
type Source interface {
	// Format returns the sample rate and channel count.
	Format() pcm.Format
	// ReadRaw reads up to n sample frames of undecoded audio into buf
	// (grown when too small) and returns it with the number of frames; at
	// the end of the stream it returns 0 frames and io.EOF.
	ReadRaw(buf []byte, n int) ([]byte, int, error)
	// DecodeRaw writes channel c of sample frames [from, to) of raw into
	// dst[:to-from]. It must be safe to call concurrently.
	DecodeRaw(raw []byte, c, from, to int, dst []float32)
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
	// min(channels, GOMAXPROCS). Reading and reporting run on goroutines of
	// their own, overlapping the metering.
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

	// Work in blocks of blockFrames frames, as a pipeline: a reader
	// goroutine reads and decodes block i+2 (decoding right after the read,
	// while the bytes are in its cache, measured faster than decoding on the
	// metering goroutines), helper goroutines meter the channels of block
	// i+1, and this goroutine correlates and reports the frames of block i
	// in order.
	frameLen := analyzer.FrameLength()
	rd := startReader(src, format.Channels, blockFrames*frameLen, blockFrames)
	defer rd.stop()
	measure := func(b *block, c int) {
		x := b.planar[c]
		for k, lo := 0, 0; lo < b.n; k, lo = k+1, lo+frameLen {
			hi := min(lo+frameLen, b.n)
			// Lengths are in range by construction, so this cannot fail.
			b.readings[k][c], _ = analyzer.MeasureChannel(c, x[lo:hi])
		}
	}
	tm := newTeam(workers, format.Channels, measure)
	defer tm.close()

	sum := newSummary(format, opt.SpeechPresentMin)
	samples := make([][]float32, format.Channels)
	var pos int64
	report := func(b *block) error {
		for k, lo := 0, 0; lo < b.n; k, lo = k+1, lo+frameLen {
			hi := min(lo+frameLen, b.n)
			for c := range samples {
				samples[c] = b.planar[c][lo:hi]
			}
			f, err := analyzer.Correlate(b.readings[k], samples)
			if err != nil {
				return fmt.Errorf("analysis: %w", err)
			}
			at := opt.Start.Add(format.Duration(pos))
			pos += int64(hi - lo)
			if onFrame != nil {
				if err := onFrame(at, f); err != nil {
					return err
				}
			}
			sum.addFrame(f)
			for _, t := range tracker.Observe(f, at) {
				sum.addTransition(t)
			}
		}
		return nil
	}
	cur := rd.next()
	if cur.n > 0 {
		tm.run(cur)
	}
	for cur.n > 0 {
		if err := ctx.Err(); err != nil {
			return Summary{}, err
		}
		tm.wait()
		done := cur
		cur = rd.next()
		if cur.n > 0 {
			tm.run(cur)
		}
		if err := report(done); err != nil {
			return Summary{}, err
		}
		rd.release(done)
	}
	if cur.err != nil && !errors.Is(cur.err, io.EOF) {
		return Summary{}, fmt.Errorf("analysis: reading audio: %w", cur.err)
	}
	return sum.finish(format.Duration(pos)), nil
}

package portaudio

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync"
	"time"

	pa "github.com/gordonklaus/portaudio"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// closeTimeout bounds how long Close waits for a read stuck in a failed
// device before it aborts the stream.
const closeTimeout = 2 * time.Second

// result is one item from the read loop: a block or an error.
type result struct {
	block ports.AudioBlock
	err   error
}

// source is an open PortAudio input stream read by its own goroutine.
type source struct {
	stream *pa.Stream
	name   string
	key    string
	format pcm.Format
	frames int
	sf     SampleFormat
	buf    any

	results chan result   // closed by the loop when it ends
	stop    chan struct{} // closed by Close
	done    chan struct{} // closed when the loop has returned

	closeOnce sync.Once
	closeErr  error
	mu        sync.Mutex
	final     error // the error that ended the loop, reported once drained
}

func newSource(st *pa.Stream, d *pa.DeviceInfo, format pcm.Format, frames int, sf SampleFormat, buf any) *source {
	return &source{
		stream: st, name: d.Name, key: deviceKey(d), format: format, frames: frames, sf: sf, buf: buf,
		results: make(chan result, 8),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
}

// Format returns the stream format.
func (s *source) Format() pcm.Format { return s.format }

// DeviceName returns the name of the device the stream captures from (the
// resolved name when "default" was requested).
func (s *source) DeviceName() string { return s.name }

// SampleFormat returns the PortAudio sample format the stream was opened
// with (for diagnostics and tests).
func (s *source) SampleFormat() SampleFormat { return s.sf }

// Read returns the next block, an *ports.XrunError, or the device error
// that ended capture.
func (s *source) Read(ctx context.Context) (ports.AudioBlock, error) {
	select {
	case <-s.stop:
		return ports.AudioBlock{}, ports.ErrSourceClosed
	default:
	}
	select {
	case r, ok := <-s.results:
		if !ok {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.final != nil {
				return ports.AudioBlock{}, s.final
			}
			return ports.AudioBlock{}, ports.ErrSourceClosed
		}
		return r.block, r.err
	case <-ctx.Done():
		return ports.AudioBlock{}, ctx.Err()
	case <-s.stop:
		return ports.AudioBlock{}, ports.ErrSourceClosed
	}
}

// loop reads blocks until Close or a device error. Blocking on a full
// results channel is deliberate: PortAudio's buffer then fills and the
// next read reports the overflow, as for any other slow reader.
func (s *source) loop() {
	defer close(s.done)
	defer close(s.results)
	var (
		index    int64
		lastRead time.Time
		backlog  int // frames buffered after the previous read
	)
	blockDur := s.format.Duration(int64(s.frames))
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		err := s.stream.Read()
		now := time.Now()
		overflow := errors.Is(err, pa.InputOverflowed)
		if err != nil && !overflow {
			s.fail(ports.DeviceUnavailable(s.name, err))
			return
		}
		avail, _ := s.stream.AvailableToRead()
		blk := ports.AudioBlock{Format: s.format, Samples: s.convert(), Index: index, CapturedAt: now.Add(-blockDur)}
		if overflow {
			lost := int64(0)
			if !lastRead.IsZero() {
				captured := int64(math.Round(now.Sub(lastRead).Seconds() * float64(s.format.SampleRate)))
				lost = max(0, int64(backlog)+captured-int64(s.frames)-int64(avail))
			}
			blk.Gap, blk.Index, blk.Discontinuity = lost, index+lost, true
			if !s.send(result{err: &ports.XrunError{LostFrames: lost}}) {
				return
			}
		}
		index = blk.End()
		lastRead, backlog = now, avail
		if !s.send(result{block: blk}) {
			return
		}
	}
}

// send hands r to Read unless the source is closing.
func (s *source) send(r result) bool {
	select {
	case s.results <- r:
		return true
	case <-s.stop:
		return false
	}
}

// fail records the error that ends the loop.
func (s *source) fail(err error) {
	s.mu.Lock()
	s.final = err
	s.mu.Unlock()
}

// convert copies the read buffer into a new float32 slice normalised to ±1.
func (s *source) convert() []float32 {
	switch b := s.buf.(type) {
	case []float32:
		return append([]float32(nil), b...)
	case []int32:
		out := make([]float32, len(b))
		for i, v := range b {
			out[i] = float32(float64(v) / (1 << 31))
		}
		return out
	case []int16:
		out := make([]float32, len(b))
		for i, v := range b {
			out[i] = float32(v) / (1 << 15)
		}
		return out
	}
	return nil
}

// Close stops the read loop and the stream and releases PortAudio. A read
// stuck in a dead device is aborted after closeTimeout.
func (s *source) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		if !waitFor(s.done, closeTimeout) {
			_ = s.stream.Abort()
			if !waitFor(s.done, closeTimeout) {
				slog.Warn("portaudio: capture read did not return; leaving the stream open", "device", s.name)
				s.closeErr = ports.DeviceUnavailable(s.name, errors.New("read did not return after abort"))
				return
			}
		}
		library.mu.Lock()
		defer library.mu.Unlock()
		_ = s.stream.Abort()
		if err := s.stream.Close(); err != nil {
			s.closeErr = ports.DeviceUnavailable(s.name, err)
		}
		delete(library.openRates, s.key)
		release()
	})
	return s.closeErr
}

// waitFor reports whether ch closed within d.
func waitFor(ch <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

var _ ports.AudioSource = (*source)(nil)

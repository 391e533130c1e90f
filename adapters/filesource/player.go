// Package filesource plays audio as if it were captured live: a WAV file
// (`file:<path.wav>`) or an in-memory clip, looping forever, paced by the
// wall clock so that a second of audio takes a second to arrive. It serves
// development and tests; its inventory entry says "file", never a device.
package filesource

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// MaxLag is how far a reader may fall behind real time before the player
// drops audio and reports an overrun, as a capture device's buffer would.
const MaxLag = 500 * time.Millisecond

// looper yields interleaved frames endlessly, starting over at the end.
type looper interface {
	// fill writes len(dst)/channels frames into dst.
	fill(dst []float32) error
	// skip drops n frames.
	skip(n int64) error
	// close releases the underlying file.
	close() error
}

// player paces a looper at real time as a ports.AudioSource.
type player struct {
	format pcm.Format
	frames int // frames per block
	src    looper
	now    func() time.Time

	mu      sync.Mutex // guards src and closed against Close
	closed  bool
	stop    chan struct{}
	start   time.Time // wall-clock time of frame 0
	index   int64     // index of the next frame
	pending int64     // frames lost before the next block (after an overrun)
}

func newPlayer(format pcm.Format, block time.Duration, src looper) *player {
	if block <= 0 {
		block = ports.DefaultBlockDuration
	}
	p := &player{format: format, frames: format.FramesIn(block), src: src, now: time.Now, stop: make(chan struct{})}
	p.start = p.now()
	return p
}

// Format returns the stream format.
func (p *player) Format() pcm.Format { return p.format }

// Read waits until the next block is due and returns it. A reader more than
// MaxLag behind gets an *ports.XrunError; the audio it missed is skipped.
func (p *player) Read(ctx context.Context) (ports.AudioBlock, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ports.AudioBlock{}, ports.ErrSourceClosed
	}
	end := p.index + int64(p.frames)
	due := p.start.Add(p.format.Duration(end))
	if lag := p.now().Sub(due); lag > MaxLag {
		// Drop whole blocks until the next one is due within one block.
		lost := int64(math.Ceil(lag.Seconds()*float64(p.format.SampleRate)/float64(p.frames))) * int64(p.frames)
		err := p.src.skip(lost)
		p.index += lost
		p.pending += lost
		p.mu.Unlock()
		if err != nil {
			return ports.AudioBlock{}, ports.DeviceUnavailable("file", err)
		}
		return ports.AudioBlock{}, &ports.XrunError{LostFrames: lost}
	}
	p.mu.Unlock()

	if wait := due.Sub(p.now()); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ports.AudioBlock{}, ctx.Err()
		case <-p.stop:
			return ports.AudioBlock{}, ports.ErrSourceClosed
		}
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ports.AudioBlock{}, ports.ErrSourceClosed
	}
	b := ports.AudioBlock{
		Format:     p.format,
		Samples:    make([]float32, p.frames*p.format.Channels),
		Index:      p.index,
		Gap:        p.pending,
		CapturedAt: p.start.Add(p.format.Duration(p.index)),
	}
	b.Discontinuity = p.pending > 0
	if err := p.src.fill(b.Samples); err != nil {
		return ports.AudioBlock{}, ports.DeviceUnavailable("file", err)
	}
	p.index += int64(p.frames)
	p.pending = 0
	return b, nil
}

// Close stops the player; a blocked Read returns ErrSourceClosed.
func (p *player) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	close(p.stop)
	return p.src.close()
}

var _ ports.AudioSource = (*player)(nil)

// clip loops interleaved samples held in memory.
type clip struct {
	samples  []float32
	channels int
	pos      int // sample (not frame) offset of the next frame
}

// NewClip returns a source that plays the interleaved samples (a whole
// number of frames, at least one) at real time in blocks of block (0: 20 ms),
// looping. The source keeps, and never modifies, samples.
func NewClip(format pcm.Format, samples []float32, block time.Duration) (ports.AudioSource, error) {
	if err := format.Validate(); err != nil {
		return nil, err
	}
	if len(samples) == 0 || len(samples)%format.Channels != 0 {
		return nil, errors.New("filesource: a clip needs a whole, non-zero number of frames")
	}
	return newPlayer(format, block, &clip{samples: samples, channels: format.Channels}), nil
}

func (c *clip) fill(dst []float32) error {
	for len(dst) > 0 {
		n := copy(dst, c.samples[c.pos:])
		dst = dst[n:]
		c.pos = (c.pos + n) % len(c.samples)
	}
	return nil
}

func (c *clip) skip(frames int64) error {
	c.pos = int((int64(c.pos) + frames*int64(c.channels)) % int64(len(c.samples)))
	return nil
}

func (c *clip) close() error { return nil }

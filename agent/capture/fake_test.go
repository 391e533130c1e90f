package capture_test

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// plan scripts one open attempt of fakeOpener.
type plan struct {
	openErr   error // the open fails with this
	failAfter int   // the source fails after this many blocks (0: never)
	xrunAt    int   // the source reports an overrun before this block (0: never)
}

// fakeOpener opens paced synthetic sources following its plans (the last
// plan repeats) and counts the attempts.
type fakeOpener struct {
	frames int           // per block
	period time.Duration // between blocks
	plans  []plan

	mu       sync.Mutex
	attempts int
}

var fakeFormat = pcm.Format{SampleRate: 48000, Channels: 1}

func (o *fakeOpener) OpenAudio(ctx context.Context, req ports.AudioRequest) (ports.AudioSource, error) {
	o.mu.Lock()
	p := o.plans[min(o.attempts, len(o.plans)-1)]
	o.attempts++
	o.mu.Unlock()
	if p.openErr != nil {
		return nil, p.openErr
	}
	return &fakeSource{o: o, p: p, start: time.Now(), closed: make(chan struct{})}, nil
}

func (o *fakeOpener) Attempts() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.attempts
}

type fakeSource struct {
	o         *fakeOpener
	p         plan
	start     time.Time
	n         int // blocks delivered
	index     int64
	xrunDone  bool
	closeOnce sync.Once
	closed    chan struct{}
}

func (s *fakeSource) Format() pcm.Format { return fakeFormat }

func (s *fakeSource) Read(ctx context.Context) (ports.AudioBlock, error) {
	select {
	case <-time.After(s.o.period):
	case <-ctx.Done():
		return ports.AudioBlock{}, ctx.Err()
	case <-s.closed:
		return ports.AudioBlock{}, ports.ErrSourceClosed
	}
	if s.p.failAfter > 0 && s.n == s.p.failAfter {
		return ports.AudioBlock{}, ports.DeviceUnavailable("fake", errors.New("unplugged"))
	}
	var gap int64
	if s.p.xrunAt > 0 && s.n == s.p.xrunAt && !s.xrunDone {
		s.xrunDone = true
		s.index += 1000
		return ports.AudioBlock{}, &ports.XrunError{LostFrames: 1000}
	}
	if s.xrunDone && s.n == s.p.xrunAt {
		gap = 1000
	}
	samples := make([]float32, s.o.frames)
	for i := range samples {
		samples[i] = float32(s.index+int64(i)) / 1e6
	}
	b := ports.AudioBlock{Format: fakeFormat, Samples: samples, Index: s.index, Gap: gap, Discontinuity: gap > 0,
		CapturedAt: s.start.Add(fakeFormat.Duration(s.index))}
	s.index = b.End()
	s.n++
	return b, nil
}

func (s *fakeSource) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	return nil
}

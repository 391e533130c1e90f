package recorder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// step scripts one Read of a scriptSource.
type step struct {
	frames int   // deliver a block of this many frames
	xrun   int64 // report an overrun losing this many frames
	lose   bool  // fail the device
	away   int64 // with lose: frames of wall-clock time until it is back
}

// script is a fake ports.AudioOpener whose sources play the steps the test
// sends, with capture times on a simulated clock.
type script struct {
	format pcm.Format
	steps  chan step
	base   time.Time

	mu    sync.Mutex
	clock int64 // simulated wall clock, in frames since base
	g     int64 // frames of audio produced so far (sample values)
}

func newScript(f pcm.Format) *script {
	return &script{format: f, steps: make(chan step), base: time.Now()}
}

// sample is the value of channel c (0-based) of produced frame g: the
// integer part names the channel, the fraction the frame.
func sample(g int64, c int) float32 { return float32(c) + float32(g%65536)/65536 }

func (s *script) OpenAudio(ctx context.Context, req ports.AudioRequest) (ports.AudioSource, error) {
	return &scriptSource{s: s, closed: make(chan struct{})}, nil
}

type scriptSource struct {
	s         *script
	index     int64
	gap       int64
	closeOnce sync.Once
	closed    chan struct{}
}

func (x *scriptSource) Format() pcm.Format { return x.s.format }

func (x *scriptSource) Read(ctx context.Context) (ports.AudioBlock, error) {
	var st step
	select {
	case st = <-x.s.steps:
	case <-ctx.Done():
		return ports.AudioBlock{}, ctx.Err()
	case <-x.closed:
		return ports.AudioBlock{}, ports.ErrSourceClosed
	}
	s := x.s
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case st.lose:
		s.clock += st.away
		return ports.AudioBlock{}, ports.DeviceUnavailable("script", errors.New("unplugged"))
	case st.xrun > 0:
		x.index += st.xrun
		x.gap += st.xrun
		s.clock += st.xrun
		return ports.AudioBlock{}, &ports.XrunError{LostFrames: st.xrun}
	}
	ch := s.format.Channels
	samples := make([]float32, st.frames*ch)
	for f := range st.frames {
		for c := range ch {
			samples[f*ch+c] = sample(s.g+int64(f), c)
		}
	}
	b := ports.AudioBlock{Format: s.format, Samples: samples, Index: x.index, Gap: x.gap, Discontinuity: x.gap > 0,
		CapturedAt: s.base.Add(s.format.Duration(s.clock))}
	x.index += int64(st.frames)
	x.gap = 0
	s.clock += int64(st.frames)
	s.g += int64(st.frames)
	return b, nil
}

func (x *scriptSource) Close() error {
	x.closeOnce.Do(func() { close(x.closed) })
	return nil
}

// memFiles is an in-memory ports.PCMFiles. Each created file also leaves an
// empty placeholder on disk so that removal can be observed.
type memFiles struct {
	mu           sync.Mutex
	files        map[string]*memFile
	failAfter    int64 // Write fails (ENOSPC) once this many frames are written in total; 0: never
	written      int64
	unrepairable bool // RepairPCM fails
}

func newMemFiles() *memFiles { return &memFiles{files: map[string]*memFile{}} }

type memFile struct {
	fs      *memFiles
	format  pcm.Format
	samples []float32
	syncs   int
	closed  bool
	err     error
}

func (m *memFiles) CreatePCM(path string, f pcm.Format) (ports.PCMFile, error) {
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	mf := &memFile{fs: m, format: f}
	m.files[path] = mf
	return mf, nil
}

func (m *memFiles) OpenPCM(path string) (ports.DecodedAudio, error) {
	return nil, errors.New("memFiles: not readable")
}

func (m *memFiles) RepairPCM(path string) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.files[path]
	if !ok || m.unrepairable {
		return 0, fmt.Errorf("memFiles: %s cannot be repaired", path)
	}
	return int64(len(f.samples) / f.format.Channels), nil
}

// get returns a file's samples and whether it is closed.
func (m *memFiles) get(path string) ([]float32, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.files[path]
	if !ok {
		return nil, false
	}
	return append([]float32(nil), f.samples...), f.closed
}

func (f *memFile) Write(samples []float32) error {
	m := f.fs
	m.mu.Lock()
	defer m.mu.Unlock()
	if f.closed {
		return os.ErrClosed
	}
	if f.err != nil {
		return f.err
	}
	if len(samples)%f.format.Channels != 0 {
		return fmt.Errorf("memFiles: %d samples is not whole frames", len(samples))
	}
	n := int64(len(samples) / f.format.Channels)
	if m.failAfter > 0 && m.written+n > m.failAfter {
		f.err = fmt.Errorf("memFiles: write: %w", syscall.ENOSPC)
		return f.err
	}
	m.written += n
	f.samples = append(f.samples, samples...)
	return nil
}

func (f *memFile) Frames() int64 {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	return int64(len(f.samples) / f.format.Channels)
}

func (f *memFile) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	f.syncs++
	return f.err
}

func (f *memFile) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return os.ErrClosed
	}
	f.closed = true
	return f.err
}

// events records health events.
type events struct {
	mu  sync.Mutex
	got []agentapi.HealthEvent
}

func (e *events) Event(ev agentapi.HealthEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.got = append(e.got, ev)
}

// of returns the events of type typ.
func (e *events) of(typ string) []agentapi.HealthEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []agentapi.HealthEvent
	for _, ev := range e.got {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// disk reports a settable amount of free space.
type disk struct {
	mu   sync.Mutex
	free int64
}

func (d *disk) FreeBytes(string) (int64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.free, nil
}

func (d *disk) set(free int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.free = free
}

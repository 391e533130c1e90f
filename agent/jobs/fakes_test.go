package jobs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"sync"
	"time"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/agent/jobs"
	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/agent/render"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// memState is an in-memory ports.AgentJobState.
type memState struct {
	mu   sync.Mutex
	jobs map[string]ports.AgentJob
}

func newState() *memState { return &memState{jobs: map[string]ports.AgentJob{}} }

func (s *memState) PutJob(j ports.AgentJob) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	j.Chunks = append([]ports.AgentChunk(nil), j.Chunks...)
	s.jobs[j.Job.ID] = j
	return nil
}

func (s *memState) GetJob(id string) (ports.AgentJob, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	j.Chunks = append([]ports.AgentChunk(nil), j.Chunks...)
	return j, ok, nil
}

func (s *memState) ListJobs() ([]ports.AgentJob, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ports.AgentJob
	for _, j := range s.jobs {
		j.Chunks = append([]ports.AgentChunk(nil), j.Chunks...)
		out = append(out, j)
	}
	return out, nil
}

func (s *memState) DeleteJob(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.jobs, id)
	return nil
}

// fakeSource is a hub whose format is known.
type fakeSource struct{ rate int }

func (s fakeSource) Subscribe(int) *capture.Subscription { return nil }
func (s fakeSource) Stats() capture.Stats {
	return capture.Stats{Running: true, Format: pcm.Format{SampleRate: s.rate, Channels: 2}}
}

// rawBytes is the content of a fake raw master of frames frames.
func rawBytes(index int, frames int64) []byte {
	return bytes.Repeat([]byte{byte('a' + index)}, int(frames*8))
}

// fakeCapture is a recorder driven by the test.
type fakeCapture struct {
	spec     recorder.Spec
	onChunk  func(recorder.ClosedChunk)
	stopCh   chan struct{}
	stopOnce sync.Once
	endOnce  sync.Once
	done     chan struct{}

	mu        sync.Mutex
	cancelled bool
	frames    int64
	chunks    int
	result    recorder.Result
}

// chunk writes and hands over the next chunk.
func (c *fakeCapture) chunk(frames int64, final bool) {
	c.mu.Lock()
	idx, off := c.chunks, c.frames
	p := recorder.ChunkPath(c.spec.Dir, c.spec.FileStem, idx)
	_ = os.MkdirAll(c.spec.Dir, 0o755)
	_ = os.WriteFile(p, rawBytes(idx, frames), 0o644)
	c.chunks++
	c.frames += frames
	c.mu.Unlock()
	c.onChunk(recorder.ClosedChunk{Index: idx, OffsetFrames: off, Frames: frames, SampleRate: 48000, Channels: 2, RawPath: p, Final: final})
}

// end finishes the capture with reason.
func (c *fakeCapture) end(reason string) {
	c.endOnce.Do(func() {
		c.mu.Lock()
		c.result = recorder.Result{Frames: c.frames, Chunks: c.chunks, SampleRate: 48000, StartedAt: time.Now().Add(-time.Second), EndedAt: time.Now(), Reason: reason}
		c.mu.Unlock()
		close(c.done)
	})
}

func (c *fakeCapture) Stop()                 { c.stopOnce.Do(func() { close(c.stopCh) }) }
func (c *fakeCapture) Done() <-chan struct{} { return c.done }
func (c *fakeCapture) Cancel() {
	c.mu.Lock()
	c.cancelled = true
	c.mu.Unlock()
	c.Stop()
}
func (c *fakeCapture) Result() (recorder.Result, error) {
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.result, nil
}
func (c *fakeCapture) Progress() (int64, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.frames, c.chunks
}

// fakeRecorders starts fakeCaptures: Stop hands over a final chunk of 100
// frames; Cancel removes the files; the context's end leaves an open
// chunk of 50 frames on disk, not handed over (a crash or shutdown).
type fakeRecorders struct {
	mu       sync.Mutex
	captures []*fakeCapture
	started  chan *fakeCapture
}

func newRecorders() *fakeRecorders { return &fakeRecorders{started: make(chan *fakeCapture, 8)} }

func (f *fakeRecorders) Start(ctx context.Context, src jobs.Source, spec recorder.Spec, onChunk func(recorder.ClosedChunk)) (jobs.Capture, error) {
	c := &fakeCapture{spec: spec, onChunk: onChunk, stopCh: make(chan struct{}), done: make(chan struct{})}
	f.mu.Lock()
	f.captures = append(f.captures, c)
	f.mu.Unlock()
	go func() {
		select {
		case <-c.done: // ended by the test
		case <-c.stopCh:
			c.mu.Lock()
			cancelled := c.cancelled
			c.mu.Unlock()
			if cancelled {
				_ = os.RemoveAll(spec.Dir)
				c.end(recorder.ReasonCancelled)
				return
			}
			c.chunk(100, true)
			c.end(recorder.ReasonStopped)
		case <-ctx.Done():
			c.mu.Lock()
			_ = os.WriteFile(recorder.ChunkPath(spec.Dir, spec.FileStem, c.chunks), rawBytes(c.chunks, 50), 0o644)
			c.mu.Unlock()
			c.end(recorder.ReasonInterrupted)
		}
	}()
	f.started <- c
	return c, nil
}

// fakeMedia copies raw masters as "renderings".
type fakeMedia struct {
	mu         sync.Mutex
	renders    map[string]int
	levelReads int // Levels calls: raw masters read again for the report
}

func (m *fakeMedia) Render(ctx context.Context, raw, dst string, _ channelmap.Map, opt ports.EncodeOptions) (render.Rendered, error) {
	b, err := os.ReadFile(raw)
	if err != nil {
		return render.Rendered{}, err
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		return render.Rendered{}, err
	}
	m.mu.Lock()
	if m.renders == nil {
		m.renders = map[string]int{}
	}
	m.renders[dst]++
	m.mu.Unlock()
	sum := sha256.Sum256(b)
	return render.Rendered{EncodeResult: ports.EncodeResult{SizeBytes: int64(len(b)), Frames: int64(len(b) / 8), SHA256: hex.EncodeToString(sum[:])},
		PeakDbfs: -6, RmsDbfs: -20}, nil
}

func (m *fakeMedia) Levels(raw string) (float64, float64, error) {
	m.mu.Lock()
	m.levelReads++
	m.mu.Unlock()
	return -6, -20, nil
}

func (m *fakeMedia) Repair(raw string) (int64, error) {
	fi, err := os.Stat(raw)
	if err != nil {
		return 0, err
	}
	return fi.Size() / 8, nil
}

// events collects health events.
type events struct {
	mu  sync.Mutex
	evs []agentapi.HealthEvent
}

func (e *events) Event(ev agentapi.HealthEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, ev)
}

func (e *events) count(typ string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

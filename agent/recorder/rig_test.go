package recorder

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// rig is a recorder on a real capture hub fed by a script.
type rig struct {
	t      *testing.T
	script *script
	hub    *capture.Hub
	files  *memFiles
	disk   *disk
	events *events
	spec   Spec
	rec    *Recorder

	stopHub context.CancelFunc
	cancel  context.CancelFunc // the recorder's context

	mu     sync.Mutex
	chunks []ClosedChunk
	hook   func(ClosedChunk) // called from onChunk, when set before start
}

// newRig returns a rig for an interface of format f recording the sources
// (1-based) in chunks of chunk frames; start it with start.
func newRig(t *testing.T, f pcm.Format, sources []int, chunk int64) *rig {
	t.Helper()
	s := newScript(f)
	h := capture.NewHub(s, capture.Config{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})
	hctx, stopHub := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); _ = h.Run(hctx) }()
	t.Cleanup(func() {
		stopHub()
		<-hubDone
	})
	return &rig{
		t: t, script: s, hub: h, files: newMemFiles(), disk: &disk{free: 1 << 40}, events: &events{},
		stopHub: stopHub,
		spec: Spec{JobID: "job_1", RecordingID: "rec_1", Dir: t.TempDir(), FileStem: "take",
			Map: channelmap.FromSelection(channelmap.ModeMultichannel, sources), ChunkFrames: chunk},
	}
}

// start starts the recorder with r.spec.
func (r *rig) start() {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.t.Cleanup(cancel)
	rec, err := Start(ctx, r.hub, r.files, r.disk, r.events, r.spec, func(c ClosedChunk) {
		r.mu.Lock()
		r.chunks = append(r.chunks, c)
		r.mu.Unlock()
		if r.hook != nil {
			r.hook(c)
		}
	})
	if err != nil {
		r.t.Fatalf("Start: %v", err)
	}
	r.rec = rec
	r.t.Cleanup(func() { rec.Stop(); <-rec.Done() })
}

// play sends steps to the device.
func (r *rig) play(steps ...step) {
	r.t.Helper()
	for _, s := range steps {
		select {
		case r.script.steps <- s:
		case <-time.After(5 * time.Second):
			r.t.Fatal("the hub did not read the device within 5 s")
		}
	}
}

// blocksOf returns steps delivering blocks of the given sizes.
func blocksOf(sizes ...int) []step {
	out := make([]step, len(sizes))
	for i, n := range sizes {
		out[i] = step{frames: n}
	}
	return out
}

// waitFrames waits until the recorder has written n frames.
func (r *rig) waitFrames(n int64) {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, _ := r.rec.Progress()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("recorded %d frames, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// result waits for the end and returns the outcome.
func (r *rig) result() (Result, error) {
	r.t.Helper()
	select {
	case <-r.rec.Done():
	case <-time.After(5 * time.Second):
		r.t.Fatal("the recorder did not end within 5 s")
	}
	return r.rec.Result()
}

// closed returns the chunks handed over.
func (r *rig) closed() []ClosedChunk {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ClosedChunk(nil), r.chunks...)
}

// timeline concatenates the chunk files handed over, checking that they
// are closed, numbered 0..n-1 and contiguous.
func (r *rig) timeline() []float32 {
	r.t.Helper()
	var out []float32
	var next int64
	for i, c := range r.closed() {
		got, closed := r.files.get(c.RawPath)
		if c.Index != i || c.OffsetFrames != next || !closed || int64(len(got)) != c.Frames*int64(c.Channels) {
			r.t.Fatalf("chunk %d: %+v (file closed %v, %d samples)", i, c, closed, len(got))
		}
		if c.RawPath != ChunkPath(r.spec.Dir, r.spec.FileStem, i) {
			r.t.Fatalf("chunk %d path %s", i, c.RawPath)
		}
		next += c.Frames
		out = append(out, got...)
	}
	return out
}

// expect builds the timeline expected for frames g0..g0+n-1 of the device
// (selected channels, 1-based sources), or silence when silent.
func expect(dst []float32, g0, n int64, sources []int, silent bool) []float32 {
	for g := g0; g < g0+n; g++ {
		for _, s := range sources {
			if silent {
				dst = append(dst, 0)
			} else {
				dst = append(dst, sample(g, s-1))
			}
		}
	}
	return dst
}

// sameSamples reports the first difference of two sample slices.
func sameSamples(t *testing.T, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sample %d: %v, want %v", i, got[i], want[i])
		}
	}
}

var _ ports.AudioOpener = (*script)(nil)

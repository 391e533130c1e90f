// Package recorder records one job from an interface's capture hub into
// raw masters (32-bit float WAV chunk files), sample-exactly: the capture's
// timeline starts at the first block received, lost audio (overruns, an
// unplugged device, a recorder that fell behind) is filled with silence so
// the timeline stays aligned with the wall clock, and chunk i holds exactly
// the frames [i·ChunkFrames, (i+1)·ChunkFrames) of that timeline.
package recorder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Spec describes one recording job.
type Spec struct {
	// JobID and RecordingID identify the job (put in events).
	JobID, RecordingID string
	// Dir is this job's cache directory (created if missing).
	Dir string
	// FileStem names the files: <FileStem>.chunk-0000.raw.wav …
	FileStem string
	// Map selects the captured channels: Map.Sources(), in entry order.
	Map channelmap.Map
	// ChunkFrames is the number of frames per chunk; 0 records one chunk
	// for the whole capture.
	ChunkFrames int64
	// MaxFrames stops the capture on its own after this many frames; 0
	// records until Stop.
	MaxFrames int64
	// MinFreeBytes is the free-space floor checked before the capture and
	// every second during it (DefaultMinFreeBytes when 0).
	MinFreeBytes int64
}

// DefaultMinFreeBytes is the free-space floor when Spec.MinFreeBytes is 0.
const DefaultMinFreeBytes int64 = 256 << 20

// Gap reasons.
const (
	GapXrun       = "xrun"
	GapDeviceLost = "device_lost"
	GapOverflow   = "overflow"
)

// Gap is a stretch of the timeline filled with silence because the audio
// was lost. AtFrame is on the capture's timeline (frame 0 = the first frame
// recorded), also in ClosedChunk.Gaps.
type Gap struct {
	AtFrame, Frames int64
	// Reason is GapXrun, GapDeviceLost or GapOverflow.
	Reason string
}

// ClosedChunk is a chunk file that is complete on disk (closed and synced).
type ClosedChunk struct {
	// Index is the chunk's 0-based number; OffsetFrames its first frame on
	// the timeline; Frames its length.
	Index        int
	OffsetFrames int64
	Frames       int64
	SampleRate   int
	Channels     int
	// RawPath is the raw master file.
	RawPath string
	// Final marks the capture's last chunk.
	Final bool
	// Gaps are the silenced stretches inside this chunk (AtFrame on the
	// timeline, not relative to the chunk).
	Gaps []Gap
}

// Reasons a capture ends (Result.Reason).
const (
	ReasonStopped         = "stopped"
	ReasonDurationReached = "duration_reached"
	ReasonDiskFull        = "disk_full"
	ReasonCancelled       = "cancelled"
	ReasonDeviceLost      = "device_unavailable"
	// ReasonInterrupted: the context ended (agent shutdown). The open
	// chunk was closed but not handed over and not marked final; restart
	// recovery takes over from the files on disk.
	ReasonInterrupted = "interrupted"
)

// Result is the outcome of a capture.
type Result struct {
	// Frames is the length of the timeline written (gaps included; after an
	// interruption, including the open chunk left on disk).
	Frames int64
	// Chunks is the number of chunks handed to onChunk.
	Chunks     int
	SampleRate int
	// StartedAt is the capture time of frame 0; EndedAt when the capture
	// ended (the end of the last frame when MaxFrames was reached).
	StartedAt, EndedAt time.Time
	Gaps               []Gap
	// Reason is one of the Reason… constants.
	Reason string
}

// Events receives the recorder's health events (e.g. the agent's health
// log). Event must not block for long: it is called from the capture loop.
type Events interface {
	// Event records e.
	Event(e agentapi.HealthEvent)
}

// Subscriber is the interface's capture hub (*capture.Hub satisfies it).
type Subscriber interface {
	// Subscribe adds a listener with a buffer of messages.
	Subscribe(buffer int) *capture.Subscription
}

// Disk reports free space (a statfs adapter; see sysinfo.Disk).
type Disk interface {
	// FreeBytes returns the bytes available to the agent on path's file system.
	FreeBytes(path string) (int64, error)
}

// SubscriptionBuffer is the number of messages the recorder's subscription
// holds (about 5 s of 20 ms blocks) so that it never falls behind in practice.
const SubscriptionBuffer = 256

// ChunkPath returns the raw master path of chunk index of a job.
func ChunkPath(dir, stem string, index int) string {
	return filepath.Join(dir, fmt.Sprintf("%s.chunk-%04d.raw.wav", stem, index))
}

// Recorder is one running capture. Its methods are safe for concurrent use.
type Recorder struct {
	spec    Spec
	files   ports.PCMFiles
	disk    Disk
	events  Events
	onChunk func(ClosedChunk)
	sub     *capture.Subscription
	sources []int
	top     int // the highest selected source channel

	stopOnce sync.Once
	stopCh   chan struct{}
	cancel   atomic.Bool
	done     chan struct{}

	frames atomic.Int64
	chunks atomic.Int64

	result Result
	err    error
}

// Start checks the disk and starts recording from hub. Files are created as
// blocks arrive. onChunk (may be nil) is called from the capture loop each
// time a chunk is complete on disk, in index order; it must return quickly
// (hand the chunk to a queue), or capture falls behind. events may be nil;
// disk may be nil to skip the free-space checks.
func Start(ctx context.Context, hub Subscriber, files ports.PCMFiles, disk Disk, events Events, spec Spec, onChunk func(ClosedChunk)) (*Recorder, error) {
	if err := validate(spec); err != nil {
		return nil, err
	}
	if spec.MinFreeBytes <= 0 {
		spec.MinFreeBytes = DefaultMinFreeBytes
	}
	r := &Recorder{spec: spec, files: files, disk: disk, events: events, onChunk: onChunk,
		sources: spec.Map.Sources(), stopCh: make(chan struct{}), done: make(chan struct{})}
	r.top = slices.Max(r.sources)
	if err := r.preflight(hub); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return nil, errs.Wrap(errs.KindUnavailable, "recorder.cacheDir", "cannot create the job's cache directory", err)
	}
	r.sub = hub.Subscribe(SubscriptionBuffer)
	go r.run(ctx)
	return r, nil
}

// validate checks a spec.
func validate(s Spec) error {
	var is errs.Issues
	if s.Dir == "" {
		is.Add("dir", "required")
	}
	if s.FileStem == "" || filepath.Base(s.FileStem) != s.FileStem {
		is.Add("fileStem", "required, a plain file name")
	}
	if len(s.Map.Entries) == 0 {
		is.Add("map", "select at least one channel")
	}
	for i, src := range s.Map.Sources() {
		if src < 1 {
			is.Add(fmt.Sprintf("map[%d]", i), "source channels are numbered from 1")
		}
	}
	if s.ChunkFrames < 0 || s.MaxFrames < 0 {
		is.Add("frames", "chunk and max frames cannot be negative")
	}
	return is.Err()
}

// statser is the optional part of a Subscriber that tells the open format
// (*capture.Hub has it).
type statser interface{ Stats() capture.Stats }

// preflightSeconds is the unchunked capture's disk budget.
const preflightSeconds = 600

// preflight refuses to start without room for one chunk (or, unchunked,
// ten minutes) of raw audio above the free-space floor.
func (r *Recorder) preflight(hub Subscriber) error {
	if r.disk == nil {
		return nil
	}
	frames := r.spec.ChunkFrames
	if frames == 0 {
		rate := 48000
		if s, ok := hub.(statser); ok && s.Stats().Format.SampleRate > 0 {
			rate = s.Stats().Format.SampleRate
		}
		frames = int64(rate) * preflightSeconds
	}
	if r.spec.MaxFrames > 0 {
		frames = min(frames, r.spec.MaxFrames)
	}
	need := frames*4*int64(len(r.sources)) + r.spec.MinFreeBytes
	free, err := r.disk.FreeBytes(existingAncestor(r.spec.Dir))
	if err == nil && free >= need {
		return nil
	}
	details := map[string]any{"recordingId": r.spec.RecordingID, "jobId": r.spec.JobID, "neededBytes": need, "freeBytes": free}
	if err != nil {
		details["error"] = err.Error()
	}
	r.emit(EventInsufficientDisk, agentapi.SeverityCritical, "", details)
	e := errs.New(errs.KindUnavailable, "recorder.insufficientDisk",
		fmt.Sprintf("not enough free disk space to record: %d bytes needed, %d free", need, free))
	e.Details, e.Cause = details, err
	return e
}

// existingAncestor returns dir or its nearest existing parent.
func existingAncestor(dir string) string {
	for {
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// Stop ends the capture: the open chunk is closed, marked Final and handed
// over. It returns at once; wait on Done (or call Result).
func (r *Recorder) Stop() { r.stopOnce.Do(func() { close(r.stopCh) }) }

// Cancel ends the capture and removes every chunk file of the job,
// including those already handed over. It returns at once.
func (r *Recorder) Cancel() {
	r.cancel.Store(true)
	r.Stop()
}

// Done is closed when the capture has ended and its files are closed.
func (r *Recorder) Done() <-chan struct{} { return r.done }

// Result waits for the capture to end and returns its outcome. The error
// is non-nil when it ended on a failure (disk full, a write error, the
// device changing format); the Result is valid either way.
func (r *Recorder) Result() (Result, error) {
	<-r.done
	return r.result, r.err
}

// Progress returns the frames recorded so far (gaps included) and the
// number of chunks closed.
func (r *Recorder) Progress() (frames int64, chunksClosed int) {
	return r.frames.Load(), int(r.chunks.Load())
}

package jobs

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// job is one job being carried out.
type job struct {
	r      *Runner
	m      channelmap.Map
	ctx    context.Context // ends at shutdown or when the job is dropped
	cancel context.CancelFunc
	notify chan struct{} // wakes the uploader

	mu      sync.Mutex
	rec     ports.AgentJob
	capture Capture

	dropped  atomic.Bool
	reported atomic.Bool // the controller accepted the report: never drop
	stopOnce sync.Once
	// controlFailing is set while control_plane_failed is open for the job.
	controlFailing atomic.Bool
}

// mapOf turns a command's pinned channel map into a channelmap.Map.
func mapOf(cmd agentapi.JobCommand) channelmap.Map {
	m := channelmap.Map{Mode: channelmap.Mode(cmd.ChannelMode)}
	for _, e := range cmd.ChannelMap {
		m.Entries = append(m.Entries, channelmap.Entry{Source: e.SourceChannelIndex, Output: e.OutputChannelIndex, Label: e.Label, Included: e.Included})
	}
	return m
}

// safeName makes id usable as one path element.
func safeName(id string) string {
	id = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, id)
	if id == "" || id == "." || id == ".." {
		return "job"
	}
	return id
}

// codec is the command's codec (WAV when unset).
func (j *job) codec() ports.Codec {
	if c := ports.Codec(j.rec.Job.Command.Codec); c != "" {
		return c
	}
	return ports.CodecWAV
}

// stem is the job's file stem.
func (j *job) stem() string {
	s := j.rec.Job.Command.FileStem
	if s == "" || filepath.Base(s) != s || s == "." || s == ".." {
		return safeName(j.rec.Job.ID)
	}
	return s
}

// save persists the record (the caller holds j.mu).
func (j *job) saveLocked() {
	j.rec.UpdatedAt = time.Now().UTC()
	if err := j.r.cfg.State.PutJob(j.rec); err != nil {
		j.r.cfg.Logger.Error("cannot save the job state", "job", j.rec.Job.ID, "err", err)
	}
}

// update changes the record under the lock and persists it.
func (j *job) update(f func(*ports.AgentJob)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(&j.rec)
	j.saveLocked()
}

// snapshot returns a copy of the record.
func (j *job) snapshot() ports.AgentJob {
	j.mu.Lock()
	defer j.mu.Unlock()
	rec := j.rec
	rec.Chunks = append([]ports.AgentChunk(nil), j.rec.Chunks...)
	return rec
}

// wake tells the uploader to look for work.
func (j *job) wake() {
	select {
	case j.notify <- struct{}{}:
	default:
	}
}

// run carries out a freshly claimed job.
func (j *job) run(ctx context.Context) {
	// The claim took a slot of the node's capacity; it is freed when the
	// capture ends.
	release := sync.OnceFunc(func() { j.r.busy.Add(-1) })
	defer release()
	cmd := j.rec.Job.Command
	j.update(func(*ports.AgentJob) {}) // durable from the claim on
	src, ok := j.r.cfg.Sources(cmd.InterfaceRef)
	if !ok {
		j.failBeforeCapture(ctx, ReasonInterfaceUnavailable, map[string]any{"interfaceRef": cmd.InterfaceRef})
		return
	}
	rate := j.waitRate(ctx, src)
	if ctx.Err() != nil {
		return // recovered (and reported) at the next start
	}
	if rate <= 0 {
		j.failBeforeCapture(ctx, ReasonDeviceUnavailable, map[string]any{"interfaceRef": cmd.InterfaceRef, "error": "the interface is not delivering audio"})
		return
	}
	spec := recorder.Spec{JobID: j.rec.Job.ID, RecordingID: j.rec.Job.RecordingID, Dir: j.rec.Dir, FileStem: j.stem(),
		Map: j.m, ChunkFrames: int64(cmd.ChunkSeconds) * int64(rate), MaxFrames: int64(cmd.DurationSeconds) * int64(rate),
		MinFreeBytes: j.r.cfg.MinFreeBytes}
	j.update(func(r *ports.AgentJob) { r.SampleRate, r.StartedAt = rate, time.Now().UTC() })
	j.r.capturing.Add(1)
	c, err := j.r.cfg.Recorders.Start(ctx, src, spec, j.onChunk)
	if err != nil {
		j.r.capturing.Add(-1)
		reason := ReasonCaptureFailed
		var e *errs.Error
		if errors.As(err, &e) && e.Code == "recorder.insufficientDisk" {
			reason = ReasonInsufficientDisk
		}
		j.r.cfg.Logger.Error("cannot start the capture", "job", j.rec.Job.ID, "err", err)
		j.failBeforeCapture(ctx, reason, map[string]any{"error": err.Error()})
		return
	}
	j.mu.Lock()
	j.capture = c
	j.mu.Unlock()
	j.r.cfg.Logger.Info("capture started", "job", j.rec.Job.ID, "rate", rate, "chunkFrames", spec.ChunkFrames, "maxFrames", spec.MaxFrames)
	j.follow(ctx, c, release)
}

// waitRate waits up to RateWait for the hub to know the stream's rate.
func (j *job) waitRate(ctx context.Context, src Source) int {
	deadline := time.Now().Add(j.r.cfg.RateWait)
	for {
		if f := src.Stats().Format; f.SampleRate > 0 {
			return f.SampleRate
		}
		if time.Now().After(deadline) || !sleep(ctx, 50*time.Millisecond) {
			return 0
		}
	}
}

// onChunk records a closed chunk and queues it for upload.
func (j *job) onChunk(c recorder.ClosedChunk) {
	ch := ports.AgentChunk{Index: c.Index, OffsetFrames: c.OffsetFrames, Frames: c.Frames, SampleRate: c.SampleRate,
		Channels: j.m.OutputChannels(), GapFrames: gapFrames(c.Gaps), RawPath: c.RawPath, Final: c.Final}
	j.update(func(r *ports.AgentJob) {
		for i := range r.Chunks {
			if r.Chunks[i].Index == c.Index {
				r.Chunks[i] = ch
				return
			}
		}
		r.Chunks = append(r.Chunks, ch)
		if r.SampleRate == 0 {
			r.SampleRate = c.SampleRate
		}
	})
	j.wake()
}

// gapFrames is the total length of gaps.
func gapFrames(gaps []recorder.Gap) int64 {
	var n int64
	for _, g := range gaps {
		n += g.Frames
	}
	return n
}

// follow watches a running capture to its end, then finishes the job.
func (j *job) follow(ctx context.Context, c Capture, release func()) {
	up := j.startUploader()
	hbCtx, stopHB := context.WithCancel(j.ctx)
	defer stopHB()
	go j.heartbeats(hbCtx)
	res, cerr := c.Result()
	j.r.capturing.Add(-1)
	release()
	if j.dropped.Load() || res.Reason == recorder.ReasonCancelled {
		<-up
		j.cleanup()
		return
	}
	if res.Reason == recorder.ReasonInterrupted {
		// Shutdown: the state stays capturing; the next start recovers.
		j.cancel()
		<-up
		j.r.cfg.Logger.Info("capture interrupted by shutdown; it is recovered at the next start", "job", j.rec.Job.ID)
		return
	}
	if cerr != nil {
		j.r.cfg.Logger.Warn("capture ended on a failure", "job", j.rec.Job.ID, "reason", res.Reason, "err", cerr)
	}
	j.update(func(r *ports.AgentJob) {
		r.Phase, r.Reason, r.CapturedFrames, r.GapFrames = ports.PhaseFinishing, res.Reason, res.Frames, gapFrames(res.Gaps)
		if !res.StartedAt.IsZero() {
			r.StartedAt = res.StartedAt
		}
		r.EndedAt = res.EndedAt
		if r.EndedAt.IsZero() {
			r.EndedAt = time.Now().UTC()
		}
		if res.SampleRate > 0 {
			r.SampleRate = res.SampleRate
		}
	})
	j.r.cfg.Logger.Info("capture ended", "job", j.rec.Job.ID, "reason", res.Reason, "frames", res.Frames, "chunks", res.Chunks)
	if ctx.Err() != nil {
		j.cancel()
		<-up
		return
	}
	j.finish(ctx, up, nil)
}

// finish waits for the uploads, then builds and sends the report.
func (j *job) finish(ctx context.Context, up <-chan struct{}, details map[string]any) {
	j.wake()
	<-up
	if j.dropped.Load() {
		j.cleanup()
		return
	}
	if ctx.Err() != nil {
		return
	}
	rec := j.snapshot()
	if rec.Report == nil {
		rep := j.buildReport(rec, details)
		j.update(func(r *ports.AgentJob) { r.Phase, r.Report = ports.PhaseReporting, &rep })
	}
	j.sendReport()
	if j.dropped.Load() && !j.reported.Load() {
		j.cleanup()
	}
}

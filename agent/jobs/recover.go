package jobs

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Recover picks up every job a previous run of the agent left unfinished
// (Run calls it before claiming). A job whose capture was interrupted gets
// its open chunk repaired from disk, every chunk not yet uploaded is
// uploaded, and the job is reported failed with reason agent_restarted; a
// job whose capture had ended resumes its uploads and report. A job the
// controller no longer knows (404) is dropped.
func (r *Runner) Recover(ctx context.Context) error {
	list, err := r.cfg.State.ListJobs()
	if err != nil {
		return err
	}
	for _, rec := range list {
		if rec.Phase == ports.PhaseDone {
			continue
		}
		r.mu.Lock()
		_, running := r.jobs[rec.Job.ID]
		r.mu.Unlock()
		if running {
			continue
		}
		r.cfg.Logger.Info("recovering an unfinished job", "job", rec.Job.ID, "phase", rec.Phase, "chunks", len(rec.Chunks))
		r.launch(ctx, rec, true)
	}
	return nil
}

// resume carries a recovered job to its end.
func (j *job) resume(ctx context.Context) {
	st, err := j.r.cfg.API.GetJob(ctx, j.rec.Job.ID)
	switch {
	case errors.Is(err, ports.ErrJobGone):
		j.drop(err)
		j.cleanup()
		return
	case err == nil && st.Cancelled:
		j.drop(errors.New("the controller cancelled the job"))
		j.cleanup()
		return
	case err != nil && ctx.Err() == nil:
		j.r.cfg.Logger.Warn("cannot ask the controller about a recovered job; going on", "job", j.rec.Job.ID, "err", err)
	}
	var details map[string]any
	if j.snapshot().Phase == ports.PhaseCapturing {
		details = j.recoverCapture()
	}
	up := j.startUploader()
	hbCtx, stopHB := context.WithCancel(j.ctx)
	defer stopHB()
	go j.heartbeats(hbCtx)
	j.finish(ctx, up, details)
}

// recoverCapture rebuilds the end of an interrupted capture from its raw
// masters: every chunk file after the last one handed over is repaired and
// added; the last chunk becomes final. It returns the report's details.
func (j *job) recoverCapture() map[string]any {
	var recovered int64
	added := 0
	j.update(func(r *ports.AgentJob) {
		next, offset := 0, int64(0)
		for _, c := range r.Chunks {
			next = max(next, c.Index+1)
			offset = max(offset, c.OffsetFrames+c.Frames)
		}
		for i := next; ; i++ {
			p := recorder.ChunkPath(r.Dir, j.stem(), i)
			if _, err := os.Stat(p); err != nil {
				break
			}
			n, err := j.r.cfg.Media.Repair(p)
			if err != nil {
				j.r.cfg.Logger.Warn("cannot repair a raw master left by the crash", "job", r.Job.ID, "path", p, "err", err)
				break
			}
			if n <= 0 {
				continue
			}
			r.Chunks = append(r.Chunks, ports.AgentChunk{Index: i, OffsetFrames: offset, Frames: n, SampleRate: r.SampleRate,
				Channels: j.m.OutputChannels(), RawPath: p, Recovered: true})
			offset += n
			recovered += n
			added++
		}
		if k := len(r.Chunks) - 1; k >= 0 && !r.Chunks[k].Uploaded {
			r.Chunks[k].Final = true
		}
		var gaps int64
		for _, c := range r.Chunks {
			gaps += c.GapFrames
		}
		r.Phase, r.Reason, r.CapturedFrames, r.GapFrames = ports.PhaseFinishing, ReasonAgentRestarted, offset, gaps
		switch {
		case !r.StartedAt.IsZero() && r.SampleRate > 0:
			r.EndedAt = r.StartedAt.Add(pcm.Format{SampleRate: r.SampleRate}.Duration(offset))
		case !r.UpdatedAt.IsZero():
			r.EndedAt = r.UpdatedAt
		default:
			r.EndedAt = time.Now().UTC()
		}
		if r.StartedAt.IsZero() {
			r.StartedAt = r.EndedAt
		}
	})
	rec := j.snapshot()
	details := map[string]any{"framesRecovered": recovered, "chunksRecovered": added, "chunks": len(rec.Chunks), "frames": rec.CapturedFrames}
	j.r.event(rec, EventRecoveredAfterRestart, agentapi.SeverityWarning, "", details)
	j.r.cfg.Logger.Warn("recovered an interrupted capture", "job", rec.Job.ID, "chunks", len(rec.Chunks), "framesRecovered", recovered)
	return details
}

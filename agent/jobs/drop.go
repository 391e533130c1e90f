package jobs

import (
	"context"
	"os"
	"time"

	"github.com/rakkr/rakkr/agent/render"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// failBeforeCapture reports a job that could not start capturing.
func (j *job) failBeforeCapture(ctx context.Context, reason string, details map[string]any) {
	j.r.cfg.Logger.Warn("job failed before capturing", "job", j.rec.Job.ID, "reason", reason)
	now := time.Now().UTC()
	rep := agentapi.JobReport{Status: "failed", Reason: reason, StartedAt: now, EndedAt: now, Details: details,
		Verification: agentapi.Verification{Problems: []string{render.ProblemEmpty}}}
	j.update(func(r *ports.AgentJob) {
		r.Phase, r.Reason, r.Report, r.StartedAt, r.EndedAt = ports.PhaseReporting, reason, &rep, now, now
	})
	if ctx.Err() != nil {
		return
	}
	hbCtx, stopHB := context.WithCancel(j.ctx)
	defer stopHB()
	go j.heartbeats(hbCtx)
	j.sendReport()
	if j.dropped.Load() && !j.reported.Load() {
		j.cleanup()
	}
}

// drop ends the job because the controller ended it: the capture is
// cancelled (removing its files), uploads stop; the job's goroutine
// removes the directory and the state record.
func (j *job) drop(why error) {
	if j.reported.Load() {
		return // a done job keeps its files; a late 409 only says it ended
	}
	j.stopOnce.Do(func() {
		j.dropped.Store(true)
		j.r.cfg.Logger.Info("the controller ended the job; dropping it", "job", j.rec.Job.ID, "why", why)
		j.mu.Lock()
		c := j.capture
		j.mu.Unlock()
		if c != nil {
			c.Cancel()
		}
		j.cancel()
	})
}

// cleanup removes a dropped job's files and record.
func (j *job) cleanup() {
	j.mu.Lock()
	c := j.capture
	rec := j.rec
	j.mu.Unlock()
	if c != nil {
		<-c.Done()
	}
	if rec.Dir != "" {
		if err := os.RemoveAll(rec.Dir); err != nil {
			j.r.cfg.Logger.Warn("cannot remove a dropped job's files", "job", rec.Job.ID, "err", err)
		}
	}
	if err := j.r.cfg.State.DeleteJob(rec.Job.ID); err != nil {
		j.r.cfg.Logger.Error("cannot delete a dropped job's state", "job", rec.Job.ID, "err", err)
	}
	j.r.event(rec, EventDropped, agentapi.SeverityInfo, "", map[string]any{"chunks": len(rec.Chunks)})
}

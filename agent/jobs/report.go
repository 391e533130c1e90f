package jobs

import (
	"context"
	"errors"
	"math"
	"os"

	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/agent/render"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// heartbeats renews the job's lease every HeartbeatInterval until ctx
// ends, stopping or dropping the capture as the controller says. Failures
// never stop the capture: they are logged and raise control_plane_failed
// once, control_plane_recovered when heartbeats work again.
func (j *job) heartbeats(ctx context.Context) {
	for {
		if !sleep(ctx, j.r.cfg.HeartbeatInterval) {
			return
		}
		st, err := j.r.cfg.API.JobHeartbeat(ctx, j.rec.Job.ID, j.progress())
		if ctx.Err() != nil {
			return
		}
		switch {
		case ended(err):
			j.drop(err)
			return
		case err != nil:
			if j.controlFailing.CompareAndSwap(false, true) {
				j.r.cfg.Logger.Warn("job heartbeat failed; the capture goes on", "job", j.rec.Job.ID, "err", err)
				j.r.event(j.snapshot(), EventControlPlaneFailed, agentapi.SeverityWarning, "", map[string]any{"error": err.Error()})
			}
			continue
		}
		j.controlPlaneWorks()
		if st.Cancelled {
			j.drop(errors.New("the controller cancelled the job"))
			return
		}
		if st.StopRequested {
			j.mu.Lock()
			c := j.capture
			j.mu.Unlock()
			if c != nil {
				c.Stop()
			}
		}
	}
}

// controlPlaneWorks resolves an open control_plane_failed after any call
// the controller answered (a heartbeat, the report): the last heartbeat
// before the report may never come, and the warning must not stay open.
func (j *job) controlPlaneWorks() {
	if j.controlFailing.CompareAndSwap(true, false) {
		j.r.cfg.Logger.Info("the controller answers the job again", "job", j.rec.Job.ID)
		j.r.event(j.snapshot(), EventControlPlaneRecovered, agentapi.SeverityInfo, EventControlPlaneFailed, nil)
	}
}

// progress is the job heartbeat's body.
func (j *job) progress() agentapi.JobHeartbeat {
	j.mu.Lock()
	defer j.mu.Unlock()
	hb := agentapi.JobHeartbeat{SampleRate: j.rec.SampleRate, ChunksClosed: len(j.rec.Chunks), CapturedFrames: j.rec.CapturedFrames}
	for _, c := range j.rec.Chunks {
		if c.Uploaded {
			hb.ChunksUploaded++
		}
	}
	if j.capture != nil && j.rec.Phase == ports.PhaseCapturing {
		hb.CapturedFrames, hb.ChunksClosed = j.capture.Progress()
	}
	return hb
}

// buildReport builds the final report of a finished capture.
func (j *job) buildReport(rec ports.AgentJob, details map[string]any) agentapi.JobReport {
	rep := agentapi.JobReport{Status: "failed", Reason: rec.Reason, ChunkTotal: len(rec.Chunks),
		StartedAt: rec.StartedAt, EndedAt: rec.EndedAt, Details: map[string]any{"frames": rec.CapturedFrames, "gapFrames": rec.GapFrames}}
	for k, v := range details {
		rep.Details[k] = v
	}
	switch rec.Reason {
	case recorder.ReasonStopped:
		rep.Status, rep.Reason = "completed", ReasonOperatorStop
	case recorder.ReasonDurationReached:
		rep.Status = "completed"
	}
	peak, rms := j.levels(rec)
	rep.Verification = render.Check(render.CheckInput{StartedAt: rec.StartedAt, EndedAt: rec.EndedAt, SampleRate: rec.SampleRate,
		CapturedFrames: rec.CapturedFrames, GapFrames: rec.GapFrames, PeakDbfs: peak, RmsDbfs: rms, FloorDbfs: j.r.cfg.SilenceFloorDbfs})
	return rep
}

// levels combines the raw masters' levels: the highest peak and the
// frame-weighted RMS. A rendered chunk's levels were measured while
// rendering; the others are read (missing or unreadable files skipped).
func (j *job) levels(rec ports.AgentJob) (peakDbfs, rmsDbfs float64) {
	peakDbfs, rmsDbfs = math.Inf(-1), math.Inf(-1)
	var energy float64
	var frames int64
	for _, c := range rec.Chunks {
		if c.Frames <= 0 {
			continue
		}
		p, r := c.PeakDbfs, c.RmsDbfs
		if !c.Measured {
			if _, err := os.Stat(c.RawPath); err != nil {
				continue
			}
			var err error
			if p, r, err = j.r.cfg.Media.Levels(c.RawPath); err != nil {
				j.r.cfg.Logger.Warn("cannot read a raw master's levels", "job", rec.Job.ID, "path", c.RawPath, "err", err)
				continue
			}
		}
		peakDbfs = max(peakDbfs, p)
		lin := math.Pow(10, r/20)
		energy += lin * lin * float64(c.Frames)
		frames += c.Frames
	}
	if frames > 0 && energy > 0 {
		rmsDbfs = 20 * math.Log10(math.Sqrt(energy/float64(frames)))
	}
	if math.IsInf(peakDbfs, -1) {
		peakDbfs = render.MinDbfs
	}
	if math.IsInf(rmsDbfs, -1) {
		rmsDbfs = render.MinDbfs
	}
	return peakDbfs, rmsDbfs
}

// sendReport sends the report until the controller accepts it (then the
// job is done), the job is dropped or shut down.
func (j *job) sendReport() {
	ctx := j.ctx
	backoff := j.r.cfg.MinBackoff
	for {
		rec := j.snapshot()
		_, err := j.r.cfg.API.ReportJob(ctx, rec.Job.ID, *rec.Report)
		switch {
		case err == nil:
			j.controlPlaneWorks()
			j.reported.Store(true)
			j.update(func(r *ports.AgentJob) { r.Phase = ports.PhaseDone })
			j.r.cfg.Logger.Info("job reported", "job", rec.Job.ID, "status", rec.Report.Status, "reason", rec.Report.Reason, "chunks", rec.Report.ChunkTotal)
			return
		case ended(err):
			j.drop(err)
			return
		}
		if ctx.Err() != nil {
			return
		}
		j.r.cfg.Logger.Warn("job report failed; retrying", "job", rec.Job.ID, "err", err, "in", backoff)
		if !sleep(ctx, jitter(backoff)) {
			return
		}
		backoff = min(2*backoff, j.r.cfg.MaxBackoff)
	}
}

package recordings

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// liveJob returns the recording's live job, or recording.ErrJobNotLive.
func (s *Service) liveJob(ctx context.Context, recordingID string) (recording.Job, error) {
	jobs, _, err := s.d.Jobs.ListJobs(ctx, ports.JobFilter{RecordingID: recordingID,
		Statuses: []recording.JobStatus{recording.JobQueued, recording.JobRunning, recording.JobStopRequested}}, 10, 0)
	if err != nil {
		return recording.Job{}, err
	}
	if len(jobs) == 0 {
		return recording.Job{}, recording.ErrJobNotLive
	}
	return jobs[0], nil
}

// Stop asks the recording's live job to finish and keep what it captured:
// a running capture stays "recording" until its agent reports; a queued
// one is cancelled at once and the recording fails with operator_stop
// (health unknown: nothing was captured). recording.ErrJobNotLive when no
// job is live.
func (s *Service) Stop(ctx context.Context, id string) (recording.Recording, recording.Job, error) {
	if !validID(id) {
		return recording.Recording{}, recording.Job{}, recording.ErrNotFound
	}
	return s.stop(ctx, id, "", "recordings.stop")
}

// StopJob is Stop addressed by job id.
func (s *Service) StopJob(ctx context.Context, jobID string) (recording.Job, error) {
	j, err := s.GetJob(ctx, jobID)
	if err != nil {
		return recording.Job{}, err
	}
	_, out, err := s.stop(ctx, j.RecordingID, j.ID, "recordings.jobs.stop")
	return out, err
}

func (s *Service) stop(ctx context.Context, recID, jobID, action string) (recording.Recording, recording.Job, error) {
	var ch changes
	var rec recording.Recording
	var job recording.Job
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		ch = changes{}
		now := s.now()
		var err error
		if rec, err = s.d.Recordings.GetRecording(ctx, recID); err != nil {
			return err
		}
		if jobID == "" {
			if job, err = s.liveJob(ctx, recID); err != nil {
				return err
			}
			jobID = job.ID
		}
		var before recording.Job
		job, err = s.d.Jobs.UpdateJob(ctx, jobID, func(j *recording.Job) error {
			before = *j
			return j.RequestStop(now)
		})
		if err != nil {
			return err
		}
		ch.job(job)
		if job.Status == recording.JobCancelled {
			if rec, err = s.d.Recordings.UpdateRecording(ctx, recID, func(r *recording.Recording) error {
				if r.Status == recording.StatusQueued {
					r.Status, r.FailureReason, r.Health = recording.StatusFailed, recording.ReasonOperatorStop, recording.HealthUnknown
					r.EndedAt, r.UpdatedAt = &now, now
				}
				return nil
			}); err != nil {
				return err
			}
			ch.rec(rec)
		}
		return s.record(ctx, action, access.RecordingControl, jobTarget(job), auditJob(before), auditJob(job),
			map[string]any{"recordingId": recID})
	})
	if err != nil {
		return recording.Recording{}, recording.Job{}, err
	}
	s.publish(&ch)
	return rec, job, nil
}

// Discard cancels the recording's live job (reason discarded: its agent
// gets 409 job.notLive and drops the files), deletes the recording with its
// jobs, chunks and uploads, and removes its files after commit.
func (s *Service) Discard(ctx context.Context, id string) (recording.Recording, error) {
	if !validID(id) {
		return recording.Recording{}, recording.ErrNotFound
	}
	var ch changes
	var rec recording.Recording
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		ch = changes{}
		now := s.now()
		var err error
		if rec, err = s.d.Recordings.GetRecording(ctx, id); err != nil {
			return err
		}
		live, err := s.liveJob(ctx, id)
		switch {
		case err == nil:
			j, err := s.d.Jobs.UpdateJob(ctx, live.ID, func(j *recording.Job) error { return j.Cancel(recording.ReasonDiscarded, now) })
			if err != nil {
				return err
			}
			ch.job(j)
		case errs.KindOf(err) != errs.KindConflict:
			return err
		}
		if err := s.d.Recordings.DeleteRecording(ctx, id); err != nil {
			return err
		}
		if s.d.Graph != nil {
			if err := s.d.Graph.RemoveResource(ctx, access.Ref{Type: access.ResourceRecording, ID: id}); err != nil {
				return err
			}
		}
		ch.gone(rec)
		return s.record(ctx, "recordings.discard", access.RecordingDelete, recTarget(rec), auditRecording(rec), nil, nil)
	})
	if err != nil {
		return recording.Recording{}, err
	}
	// The rows are gone; files left by a failed removal are orphans the
	// operator may delete (they are named by the recording id).
	_ = s.d.Files.RemoveRecording(id)
	s.publish(&ch)
	return rec, nil
}

// JobPage is one page of jobs and the total.
type JobPage struct {
	Jobs  []recording.Job
	Total int64
}

// ListJobs returns the jobs matching f, newest first, narrowed to the
// caller's readable nodes. limit is 1..500, offset ≥ 0.
func (s *Service) ListJobs(ctx context.Context, f ports.JobFilter, limit, offset int) (JobPage, error) {
	var is errs.Issues
	is.Page(limit, offset, MaxPageSize)
	for i, st := range f.Statuses {
		if !st.Valid() {
			is.Add("status", "unknown job status "+string(f.Statuses[i]))
		}
	}
	if err := is.Err(); err != nil {
		return JobPage{}, err
	}
	if err := s.scopeJobs(ctx, &f); err != nil {
		return JobPage{}, err
	}
	jobs, total, err := s.d.Jobs.ListJobs(ctx, f, limit, offset)
	if err != nil {
		return JobPage{}, err
	}
	return JobPage{Jobs: jobs, Total: total}, nil
}

// GetJob returns one job (recording.ErrJobNotFound).
func (s *Service) GetJob(ctx context.Context, id string) (recording.Job, error) {
	if !validID(id) {
		return recording.Job{}, recording.ErrJobNotFound
	}
	return s.d.Jobs.GetJob(ctx, id)
}

// errRetryHasAudio refuses to recapture a recording that holds chunks
// (the new capture's chunks would collide with them).
var errRetryHasAudio = errs.Conflict("recording.hasAudio", "the recording already holds audio; start a new recording instead of retrying")

// Retry queues a new job with the command of a failed or cancelled one
// (recording.ErrJobNotRetryable otherwise); the recording must have no
// live job (recording.ErrActiveJobExists) nor stored chunks
// (recording.hasAudio), the channels must be free and
// the node below capacity. The recording goes back to queued.
func (s *Service) Retry(ctx context.Context, jobID string) (recording.Job, error) {
	if !validID(jobID) {
		return recording.Job{}, recording.ErrJobNotFound
	}
	var ch changes
	var out recording.Job
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		ch = changes{}
		now := s.now()
		old, err := s.d.Jobs.GetJob(ctx, jobID)
		if err != nil {
			return err
		}
		n, _, err := s.lockNode(ctx, old.NodeID, old.Command.InterfaceID)
		if err != nil {
			return err
		}
		if _, err := s.liveJob(ctx, old.RecordingID); err == nil {
			return recording.ErrActiveJobExists
		} else if errs.KindOf(err) != errs.KindConflict {
			return err
		}
		if out, err = old.Retry(now); err != nil {
			return err
		}
		if chunks, err := s.d.Chunks.ListChunks(ctx, old.RecordingID); err != nil {
			return err
		} else if len(chunks) > 0 {
			return errRetryHasAudio
		}
		if err := s.checkAvailable(ctx, n, old.Command.InterfaceID, old.Command.Map.Sources()); err != nil {
			return err
		}
		if err := s.d.Jobs.InsertJob(ctx, out); err != nil {
			return err
		}
		rec, err := s.d.Recordings.UpdateRecording(ctx, old.RecordingID, func(r *recording.Recording) error {
			r.Status, r.FailureReason, r.EndedAt, r.UpdatedAt = recording.StatusQueued, "", nil, now
			if r.Health == recording.HealthCritical && r.Frames == 0 {
				r.Health = recording.HealthUnknown
			}
			return nil
		})
		if err != nil {
			return err
		}
		ch.job(out)
		ch.rec(rec)
		return s.record(ctx, "recordings.jobs.retry", access.RecordingControl, jobTarget(out), auditJob(old), auditJob(out), nil)
	})
	if err != nil {
		return recording.Job{}, err
	}
	s.publish(&ch)
	return out, nil
}

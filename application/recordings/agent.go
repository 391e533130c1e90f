package recordings

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/health"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// VerificationFailedType is the health event opened when an agent reports
// a completed capture whose post-capture checks failed.
const VerificationFailedType = "controller.recording.verification_failed"

// ClaimNext leases the node's oldest queued job (nil when none is queued);
// its recording becomes "recording" with its start time.
func (s *Service) ClaimNext(ctx context.Context, nodeID string) (*recording.Job, error) {
	var ch changes
	var out *recording.Job
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		ch, out = changes{}, nil
		now := s.now()
		j, ok, err := s.d.Jobs.ClaimNextJob(ctx, nodeID, now)
		if err != nil || !ok {
			return err
		}
		rec, err := s.d.Recordings.UpdateRecording(ctx, j.RecordingID, func(r *recording.Recording) error {
			r.Status, r.FailureReason, r.EndedAt, r.UpdatedAt = recording.StatusRecording, "", nil, now
			if r.StartedAt == nil {
				r.StartedAt = &now
			}
			return nil
		})
		if err != nil {
			return err
		}
		out = &j
		ch.job(j)
		ch.rec(rec)
		return s.record(ctx, "recordings.jobs.claim", access.NodeControl, jobTarget(j), nil, auditJob(j), nil)
	})
	if err != nil {
		return nil, err
	}
	s.publish(&ch)
	return out, nil
}

// nodeJob returns a job of nodeID; another node's job is not found, and a
// job that no longer exists (its recording was discarded) is
// recording.ErrJobNotLive so that the agent drops its files.
func (s *Service) nodeJob(ctx context.Context, nodeID, jobID string) (recording.Job, error) {
	if !validID(jobID) {
		return recording.Job{}, recording.ErrJobNotFound
	}
	j, err := s.d.Jobs.GetJob(ctx, jobID)
	if errs.KindOf(err) == errs.KindNotFound {
		return j, recording.ErrJobNotLive
	}
	if err != nil {
		return j, err
	}
	if j.NodeID != nodeID {
		return recording.Job{}, recording.ErrJobNotFound
	}
	return j, nil
}

// JobState returns the controller's view of one of the node's jobs.
func (s *Service) JobState(ctx context.Context, nodeID, jobID string) (agentapi.JobState, error) {
	j, err := s.nodeJob(ctx, nodeID, jobID)
	if err != nil {
		return agentapi.JobState{}, err
	}
	return stateOf(j, false), nil
}

// stateOf is the wire view of a job.
func stateOf(j recording.Job, revived bool) agentapi.JobState {
	return agentapi.JobState{ID: j.ID, Status: string(j.Status), StopRequested: j.Status == recording.JobStopRequested,
		Cancelled:      j.Status == recording.JobCancelled && j.FailureReason == recording.ReasonDiscarded,
		LeaseExpiresAt: j.LeaseExpiresAt, Revived: revived}
}

// Heartbeat renews the lease of one of the node's jobs. A job the lease
// runner ended while its agent kept capturing is revived: a failed one
// becomes running and its recording "recording" again (end time and
// failure cleared), an expired stop request becomes stop_requested. A job
// discarded on the controller answers recording.ErrJobNotLive.
func (s *Service) Heartbeat(ctx context.Context, nodeID, jobID string, hb agentapi.JobHeartbeat) (agentapi.JobState, error) {
	var ch changes
	var out agentapi.JobState
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		ch = changes{}
		now := s.now()
		if _, err := s.nodeJob(ctx, nodeID, jobID); err != nil {
			return err
		}
		revived := false
		var before recording.Job
		j, err := s.d.Jobs.UpdateJob(ctx, jobID, func(j *recording.Job) error {
			before = *j
			revived = reviveStop(j, nodeID)
			r, err := j.Heartbeat(nodeID, now)
			revived = revived || r
			return err
		})
		if err != nil {
			return err
		}
		out = stateOf(j, revived)
		if !revived {
			return nil
		}
		ch.job(j)
		rec, err := s.d.Recordings.UpdateRecording(ctx, j.RecordingID, func(r *recording.Recording) error {
			r.Status, r.FailureReason, r.EndedAt, r.UpdatedAt = recording.StatusRecording, "", nil, now
			r.Health = recording.HealthUnknown
			return nil
		})
		if err != nil {
			return err
		}
		ch.rec(rec)
		return s.record(ctx, "recordings.jobs.revive", access.NodeControl, jobTarget(j), auditJob(before), auditJob(j),
			map[string]any{"capturedFrames": hb.CapturedFrames, "chunksClosed": hb.ChunksClosed})
	})
	if err != nil {
		return agentapi.JobState{}, err
	}
	s.publish(&ch)
	return out, nil
}

// reviveStop brings back a stop request the lease runner cancelled while
// its claimant kept finishing the capture; it reports whether it did.
func reviveStop(j *recording.Job, nodeID string) bool {
	if j.Status == recording.JobCancelled && j.FailureReason == recording.ReasonStopRequestExpired && j.ClaimedBy == nodeID {
		j.Status, j.FailureReason, j.CompletedAt = recording.JobStopRequested, "", nil
		return true
	}
	return false
}

// checkReport validates a final report, naming each bad field.
func checkReport(r agentapi.JobReport) (recording.JobStatus, error) {
	var is errs.Issues
	st := recording.JobStatus(r.Status)
	if !st.Terminal() {
		is.Add("status", "must be completed, failed or cancelled")
	}
	if len(r.Reason) > 200 {
		is.Add("reason", "at most 200 characters")
	}
	if r.ChunkTotal < 0 || r.ChunkTotal > 1_000_000 {
		is.Add("chunkTotal", "must be 0..1000000")
	}
	if len(r.Verification.Problems) > 32 {
		is.Add("verification.problems", "at most 32 problems")
	}
	return st, is.Err()
}

// Report records the job's final outcome and settles its recording:
// cached when every captured chunk (contiguous indices 0..chunkTotal-1) is
// stored and verification passed, partial when some audio is, failed when
// none is. A completed capture that failed verification opens a critical
// controller.recording.verification_failed health event. Repeating the same
// report changes nothing.
func (s *Service) Report(ctx context.Context, nodeID, jobID string, rep agentapi.JobReport) (agentapi.JobState, error) {
	status, err := checkReport(rep)
	if err != nil {
		return agentapi.JobState{}, err
	}
	var ch changes
	var out recording.Job
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		ch = changes{}
		now := s.now()
		if _, err := s.nodeJob(ctx, nodeID, jobID); err != nil {
			return err
		}
		var before recording.Job
		j, err := s.d.Jobs.UpdateJob(ctx, jobID, func(j *recording.Job) error {
			before = *j
			reviveStop(j, nodeID)
			return j.Finish(nodeID, status, rep.Reason, rep.ChunkTotal, now)
		})
		if err != nil {
			return err
		}
		out = j
		if before.Status == j.Status && before.CompletedAt != nil && before.FailureReason == j.FailureReason {
			return nil // a repeated report
		}
		ch.job(j)
		rec, err := s.settle(ctx, j, rep.Verification.OK, now)
		if err != nil {
			return err
		}
		ch.rec(rec)
		if !rep.Verification.OK && status == recording.JobCompleted && s.d.Health != nil {
			ev := verificationEvent(rec, j, rep.Verification, now)
			if err := s.d.Health.Insert(ctx, ev); err != nil {
				return err
			}
			ch.event(ev)
		}
		details := map[string]any{"verification": verificationMap(rep.Verification)}
		maps.Copy(details, boundedDetails(rep.Details))
		return s.record(ctx, "recordings.jobs.report", access.NodeControl, jobTarget(j), auditJob(before), auditJob(j), details)
	})
	if err != nil {
		return agentapi.JobState{}, err
	}
	s.publish(&ch)
	for _, j := range ch.jobs {
		s.failed(j)
	}
	return stateOf(out, false), nil
}

// settle recomputes the recording from its stored chunks and the job's
// outcome (inside the caller's transaction).
func (s *Service) settle(ctx context.Context, j recording.Job, verified bool, now time.Time) (recording.Recording, error) {
	chunks, err := s.d.Chunks.ListChunks(ctx, j.RecordingID)
	if err != nil {
		return recording.Recording{}, err
	}
	return s.d.Recordings.UpdateRecording(ctx, j.RecordingID, func(r *recording.Recording) error {
		r.Settle(outcome(j, contiguous(chunks), verified), now)
		applyChunks(r, chunks)
		return nil
	})
}

// ReasonChunksMissing is the failure reason of a completed, verified
// capture some of whose chunks never reached the controller.
const ReasonChunksMissing = "chunks_missing"

// outcome is how job j ended with stored contiguous chunks: a completed
// job's reason (operator_stop, duration_reached) is no failure reason.
func outcome(j recording.Job, stored int, verified bool) recording.Outcome {
	o := recording.Outcome{Job: j.Status, Reason: j.FailureReason, ChunksExpected: j.ChunkTotal, ChunksStored: stored, Verified: verified}
	if j.Status == recording.JobCompleted {
		o.Reason = ""
		if verified && stored < j.ChunkTotal {
			o.Reason = ReasonChunksMissing
		}
	}
	return o
}

// verificationEvent is the critical health event of a failed verification.
func verificationEvent(r recording.Recording, j recording.Job, v agentapi.Verification, now time.Time) health.Event {
	return health.Event{ID: uuid.NewString(), Type: VerificationFailedType, Severity: health.SeverityCritical,
		Status: health.StatusOpen, NodeID: r.NodeID, RecordingID: r.ID, InterfaceID: r.InterfaceID,
		OpenedAt: health.DBTime(now), Details: map[string]any{"jobId": j.ID, "verification": verificationMap(v)}}
}

func verificationMap(v agentapi.Verification) map[string]any {
	problems := v.Problems
	if problems == nil {
		problems = []string{}
	}
	return map[string]any{"ok": v.OK, "expectedFrames": v.ExpectedFrames, "capturedFrames": v.CapturedFrames,
		"gapFrames": v.GapFrames, "peakDbfs": v.PeakDbfs, "rmsDbfs": v.RmsDbfs, "problems": problems}
}

// boundedDetails keeps at most 20 report details under "report".
func boundedDetails(d map[string]any) map[string]any {
	if len(d) == 0 {
		return nil
	}
	if len(d) > 20 {
		return map[string]any{"report": fmt.Sprintf("%d details omitted", len(d))}
	}
	return map[string]any{"report": d}
}

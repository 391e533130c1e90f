package recording

import (
	"time"

	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/uid"
)

// Lease timing: the agent renews its lease every JobHeartbeatInterval;
// a lease not renewed for LeaseDuration expires.
const (
	LeaseDuration        = 30 * time.Second
	JobHeartbeatInterval = 2 * time.Second
)

// Command is what the agent needs to capture and render, pinned on the job
// when it is created (later profile or map edits do not change a job).
type Command struct {
	InterfaceID string
	// InterfaceRef is the interface's stable system reference (how the
	// agent finds its capture stream).
	InterfaceRef string
	Map          channelmap.Map
	Codec        Codec
	BitrateKbps  int
	VBR          bool
	BitDepth     int
	ChunkSeconds int
	// DurationSeconds ends the capture on its own; 0 = until stopped.
	DurationSeconds int
	// FileStem names the files ("2026-11-27_1412_council").
	FileStem string
}

// Job is one capture of a recording by one node under a lease.
type Job struct {
	ID              string
	NodeID          string
	RecordingID     string
	Status          JobStatus
	ClaimedBy       string
	Command         Command
	CaptureGroupID  string
	RetryOf         string
	FailureReason   string
	CreatedAt       time.Time
	StartedAt       *time.Time
	LastHeartbeatAt *time.Time
	LeaseExpiresAt  *time.Time
	StopRequestedAt *time.Time
	CompletedAt     *time.Time
	// ChunkTotal is the number of chunks the agent reported at the end.
	ChunkTotal int
}

// NewJobID returns a fresh job id.
func NewJobID() string { return "job_" + uid.New() }

// NewJob returns a queued job of recording rec on node.
func NewJob(rec Recording, cmd Command, now time.Time) Job {
	return Job{ID: NewJobID(), NodeID: rec.NodeID, RecordingID: rec.ID, Status: JobQueued, Command: cmd,
		CaptureGroupID: "grp_" + uid.New(), CreatedAt: now}
}

func tp(t time.Time) *time.Time { return &t }

// Claim leases a queued job to node until now + LeaseDuration.
func (j *Job) Claim(node string, now time.Time) error {
	if j.Status != JobQueued {
		if j.Status.Terminal() {
			return ErrJobNotLive
		}
		return ErrAlreadyClaimed
	}
	if node != j.NodeID {
		return ErrAlreadyClaimed
	}
	j.Status, j.ClaimedBy = JobRunning, node
	j.StartedAt, j.LastHeartbeatAt, j.LeaseExpiresAt = tp(now), tp(now), tp(now.Add(LeaseDuration))
	return nil
}

// Heartbeat renews node's lease. A job the controller failed for an
// expired lease while the node kept capturing (a controller outage or a
// partition) is revived: revived reports it.
func (j *Job) Heartbeat(node string, now time.Time) (revived bool, err error) {
	if j.ClaimedBy != node {
		return false, ErrAlreadyClaimed
	}
	switch {
	case j.Status == JobRunning || j.Status == JobStopRequested:
	case j.Status == JobFailed && j.FailureReason == ReasonLeaseExpired:
		j.Status, j.FailureReason, j.CompletedAt, revived = JobRunning, "", nil, true
	default:
		return false, ErrJobNotLive
	}
	j.LastHeartbeatAt, j.LeaseExpiresAt = tp(now), tp(now.Add(LeaseDuration))
	return revived, nil
}

// RequestStop asks the capture to finish and keep what it has. A job no
// node has claimed yet is cancelled at once (nothing was captured).
func (j *Job) RequestStop(now time.Time) error {
	switch j.Status {
	case JobQueued:
		j.Status, j.FailureReason, j.CompletedAt = JobCancelled, ReasonOperatorStop, tp(now)
	case JobRunning:
		j.Status, j.StopRequestedAt = JobStopRequested, tp(now)
	case JobStopRequested:
	default:
		return ErrJobNotLive
	}
	return nil
}

// Expire ends a job whose lease lapsed before now, the controller having
// been up (and able to hear heartbeats) since upSince: a running job fails
// with lease_expired, a stop request nobody answered is cancelled. It
// reports whether the job changed.
func (j *Job) Expire(now, upSince time.Time) bool {
	if j.LeaseExpiresAt == nil || (j.Status != JobRunning && j.Status != JobStopRequested) {
		return false
	}
	deadline := *j.LeaseExpiresAt
	if grace := upSince.Add(LeaseDuration); grace.After(deadline) {
		deadline = grace
	}
	if !now.After(deadline) {
		return false
	}
	if j.Status == JobStopRequested {
		j.Status, j.FailureReason = JobCancelled, ReasonStopRequestExpired
	} else {
		j.Status, j.FailureReason = JobFailed, ReasonLeaseExpired
	}
	j.CompletedAt = tp(now)
	return true
}

// Finish records the node's final report: completed, failed or cancelled
// with a reason. A job the controller already failed for its lease may
// still be finished by its claimant (it kept capturing).
func (j *Job) Finish(node string, status JobStatus, reason string, chunkTotal int, now time.Time) error {
	if j.ClaimedBy != node {
		return ErrAlreadyClaimed
	}
	if j.Status.Terminal() && !(j.Status == JobFailed && j.FailureReason == ReasonLeaseExpired) {
		if j.Status == status {
			return nil // a repeated report
		}
		return ErrJobNotLive
	}
	if !status.Terminal() {
		return ErrJobNotLive
	}
	// A completed job keeps its reason too (operator_stop, duration_reached).
	j.Status, j.FailureReason, j.ChunkTotal, j.CompletedAt = status, reason, chunkTotal, tp(now)
	return nil
}

// Cancel ends a live job from the controller's side (discard).
func (j *Job) Cancel(reason string, now time.Time) error {
	if j.Status.Terminal() {
		return ErrJobNotLive
	}
	j.Status, j.FailureReason, j.CompletedAt = JobCancelled, reason, tp(now)
	return nil
}

// Retry returns a new queued job with the same command, for a failed or
// cancelled job.
func (j Job) Retry(now time.Time) (Job, error) {
	if j.Status != JobFailed && j.Status != JobCancelled {
		return Job{}, ErrJobNotRetryable
	}
	n := Job{ID: NewJobID(), NodeID: j.NodeID, RecordingID: j.RecordingID, Status: JobQueued, Command: j.Command,
		CaptureGroupID: "grp_" + uid.New(), RetryOf: j.ID, CreatedAt: now}
	return n, nil
}

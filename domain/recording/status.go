// Package recording holds recordings, their capture jobs (a lease-based
// state machine), the chunks that secure a recording piece by piece, and
// recording profiles (codec, bitrate, channel mode, chunk length).
package recording

import "github.com/rakkr/rakkr/domain/errs"

// Status is where a recording is.
type Status string

// The recording statuses. queued → recording → cached (every sample safe on
// the controller) or partial (some of it) or failed (nothing); completed is
// a finished capture whose file is not on the controller yet; uploaded is
// reached when every external destination has a copy.
const (
	StatusQueued    Status = "queued"
	StatusRecording Status = "recording"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
	StatusCached    Status = "cached"
	StatusUploaded  Status = "uploaded"
	StatusPartial   Status = "partial"
)

// Statuses lists every recording status.
var Statuses = []Status{StatusQueued, StatusRecording, StatusCompleted, StatusFailed, StatusCached, StatusUploaded, StatusPartial}

// Valid reports whether s is known.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

// Terminal reports whether the capture is over (the recording may be
// deleted).
func (s Status) Terminal() bool {
	switch s {
	case StatusFailed, StatusCached, StatusUploaded, StatusPartial, StatusCompleted:
		return true
	}
	return false
}

// Health summarises a recording's health events.
type Health string

// The health values.
const (
	HealthUnknown  Health = "unknown"
	HealthHealthy  Health = "healthy"
	HealthWarning  Health = "warning"
	HealthCritical Health = "critical"
)

// JobStatus is where a capture job is.
type JobStatus string

// The job statuses; "claimed" is a lease phase of running, not a status.
const (
	JobQueued        JobStatus = "queued"
	JobRunning       JobStatus = "running"
	JobStopRequested JobStatus = "stop_requested"
	JobCompleted     JobStatus = "completed"
	JobFailed        JobStatus = "failed"
	JobCancelled     JobStatus = "cancelled"
)

// JobStatuses lists every job status.
var JobStatuses = []JobStatus{JobQueued, JobRunning, JobStopRequested, JobCompleted, JobFailed, JobCancelled}

// Valid reports whether s is known.
func (s JobStatus) Valid() bool {
	for _, x := range JobStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Terminal reports whether the job is over.
func (s JobStatus) Terminal() bool {
	return s == JobCompleted || s == JobFailed || s == JobCancelled
}

// Live reports whether the job holds (or waits for) the device.
func (s JobStatus) Live() bool { return !s.Terminal() }

// Failure and cancel reasons the controller sets itself.
const (
	ReasonLeaseExpired       = "lease_expired"
	ReasonStopRequestExpired = "stop_request_lease_expired"
	ReasonDiscarded          = "discarded"
	ReasonOperatorStop       = "operator_stop"
	ReasonDurationReached    = "duration_reached"
	ReasonVerificationFailed = "verification_failed"
	ReasonNoAudioSecured     = "no_audio_secured"
	ReasonAgentRestarted     = "agent_restarted"
)

// Sentinel errors.
var (
	ErrNotFound          = errs.NotFound("recording.notFound", "no such recording")
	ErrJobNotFound       = errs.NotFound("job.notFound", "no such recording job")
	ErrProfileNotFound   = errs.NotFound("profile.notFound", "no such recording profile")
	ErrChunkNotFound     = errs.NotFound("chunk.notFound", "no such chunk")
	ErrNotTerminal       = errs.Conflict("recording.notTerminal", "the recording is still capturing; stop it first")
	ErrAlreadyClaimed    = errs.Conflict("job.alreadyClaimed", "another node holds this job's lease")
	ErrJobNotLive        = errs.Conflict("job.notLive", "the job has already finished")
	ErrJobNotRetryable   = errs.Conflict("job.notRetryable", "only a failed or cancelled job can be retried")
	ErrActiveJobExists   = errs.Conflict("active_job_exists", "the recording already has a live job")
	ErrChannelsBusy      = errs.Conflict("capture_channels_busy", "some of these channels are already being recorded")
	ErrCapacityReached   = errs.Conflict("node_capture_capacity_reached", "the node is recording as many captures as it may")
	ErrInterfaceMissing  = errs.Conflict("interface_missing", "the interface is absent from the node")
	ErrChunkConflict     = errs.Conflict("chunk.conflict", "a different file is already stored for this chunk")
	ErrChecksumMismatch  = errs.New(errs.KindUnprocessable, "upload.checksumMismatch", "the uploaded bytes do not match the declared SHA-256; nothing was stored")
	ErrOffsetMismatch    = errs.Conflict("upload.offsetMismatch", "the upload offset does not match the bytes received")
	ErrNotReady          = errs.Conflict("recording.fileNotReady", "the recording has no file on the controller yet")
	ErrBuiltinProfile    = errs.Conflict("profile.builtin", "built-in profiles cannot be changed or deleted")
	ErrProfileInUse      = errs.Conflict("profile.inUse", "the profile is used by live recordings")
	ErrTemplateNotFound  = errs.NotFound("channelMap.notFound", "no such channel-map template")
	ErrAssignmentMissing = errs.NotFound("channelMap.assignmentNotFound", "no such channel-map assignment")
)

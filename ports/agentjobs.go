package ports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// AgentJobPhase is where an agent is in carrying out one recording job.
type AgentJobPhase string

// The phases of an agent job, in order.
const (
	// PhaseCapturing: the recorder runs (or ran until the agent stopped).
	PhaseCapturing AgentJobPhase = "capturing"
	// PhaseFinishing: the capture ended; chunks are still being uploaded.
	PhaseFinishing AgentJobPhase = "finishing"
	// PhaseReporting: every chunk is uploaded; the report is being sent.
	PhaseReporting AgentJobPhase = "reporting"
	// PhaseDone: the controller accepted the report.
	PhaseDone AgentJobPhase = "done"
)

// AgentChunk is one chunk of an agent job as kept in the agent's state.
type AgentChunk struct {
	// Index is 0-based; OffsetFrames the chunk's first frame on the
	// capture's timeline; Frames its length.
	Index        int
	OffsetFrames int64
	Frames       int64
	SampleRate   int
	// Channels is the number of channels of the rendered file.
	Channels int
	// GapFrames counts the silenced frames inside the chunk.
	GapFrames int64
	// RawPath is the raw master; RenderedPath the encoded file (empty
	// until rendered).
	RawPath, RenderedPath string
	// SizeBytes and SHA256 describe the rendered file.
	SizeBytes int64
	SHA256    string
	// Measured is true once rendering measured the raw master's PeakDbfs
	// and RmsDbfs (all channels), so the report need not read it again.
	Measured          bool
	PeakDbfs, RmsDbfs float64
	// UploadID is the controller's upload id once opened.
	UploadID string
	// Uploaded is true once the controller stored the chunk.
	Uploaded bool
	// Final marks the capture's last chunk.
	Final bool
	// Recovered is true for a chunk rebuilt from disk after a crash.
	Recovered bool
}

// AgentJob is the agent's durable record of one leased job: enough to
// finish uploading and reporting after a restart.
type AgentJob struct {
	// Job is the job as claimed.
	Job   agentapi.Job
	Phase AgentJobPhase
	// Dir is the job's cache directory.
	Dir string
	// SampleRate is the capture's rate (0 until known).
	SampleRate int
	// StartedAt and EndedAt bound the capture (zero until known).
	StartedAt, EndedAt time.Time
	// CapturedFrames and GapFrames are the capture's totals once it ended.
	CapturedFrames, GapFrames int64
	// Chunks are the closed chunks, in index order.
	Chunks []AgentChunk
	// Reason is the recorder's end reason (stopped, duration_reached, …).
	Reason string
	// Report is the final report once built (sent until accepted).
	Report *agentapi.JobReport
	// UpdatedAt is when the record was last written.
	UpdatedAt time.Time
}

// AgentJobState keeps the agent's jobs on local disk, so that a restart
// finds every job not done. Implementations are safe for concurrent use.
type AgentJobState interface {
	// PutJob creates or replaces the record of j.Job.ID (a durable write).
	PutJob(j AgentJob) error
	// GetJob returns the record of id; ok is false when there is none.
	GetJob(id string) (j AgentJob, ok bool, err error)
	// ListJobs returns every record, ordered by job id.
	ListJobs() ([]AgentJob, error)
	// DeleteJob removes the record of id (no error when there is none).
	DeleteJob(id string) error
}

// Errors returned by a JobAPI; match them with errors.Is.
var (
	// ErrJobNotLive: the job ended on the controller's side (409
	// job.notLive): stop capturing and drop the files.
	ErrJobNotLive = errors.New("the job ended on the controller (job.notLive)")
	// ErrJobGone: the controller does not know the job, recording or
	// upload (404).
	ErrJobGone = errors.New("the controller does not know the job, recording or upload")
	// ErrUploadOffsetMismatch: a PUT started at an offset other than the
	// bytes the controller holds (409 upload.offsetMismatch); the error is
	// an *UploadOffsetError saying where to resume.
	ErrUploadOffsetMismatch = errors.New("upload offset mismatch (upload.offsetMismatch)")
	// ErrUploadChecksumMismatch: the uploaded bytes did not match the
	// declared SHA-256 (422 upload.checksumMismatch); nothing was kept.
	ErrUploadChecksumMismatch = errors.New("uploaded bytes do not match the declared SHA-256 (upload.checksumMismatch)")
)

// UploadOffsetError is a 409 upload.offsetMismatch with the bytes the
// controller holds. It matches ErrUploadOffsetMismatch.
type UploadOffsetError struct {
	// ReceivedBytes is where the next PUT must start.
	ReceivedBytes int64
}

// Error implements error.
func (e *UploadOffsetError) Error() string {
	return fmt.Sprintf("%v: the controller holds %d bytes", ErrUploadOffsetMismatch, e.ReceivedBytes)
}

// Is makes errors.Is(err, ErrUploadOffsetMismatch) true.
func (e *UploadOffsetError) Is(target error) bool { return target == ErrUploadOffsetMismatch }

// JobAPI is the agent's job and upload calls to its controller (see
// agentapi.PathJobClaim and the routes next to it). Every call
// authenticates with the node credential; a refused credential matches
// ErrNodeUnauthorized.
type JobAPI interface {
	// ClaimJob leases the node's oldest queued job; nil when there is none.
	ClaimJob(ctx context.Context) (*agentapi.Job, error)
	// GetJob returns the controller's view of a job (ErrJobGone on 404).
	GetJob(ctx context.Context, jobID string) (agentapi.JobState, error)
	// JobHeartbeat renews the job's lease and says whether to stop.
	JobHeartbeat(ctx context.Context, jobID string, hb agentapi.JobHeartbeat) (agentapi.JobState, error)
	// ReportJob sends the job's final outcome (repeating it is harmless).
	ReportJob(ctx context.Context, jobID string, r agentapi.JobReport) (agentapi.JobState, error)
	// OpenUpload opens (or resumes) the upload of one chunk file.
	OpenUpload(ctx context.Context, req agentapi.UploadRequest) (agentapi.UploadStatus, error)
	// UploadStatus returns how much of an upload the controller holds.
	UploadStatus(ctx context.Context, uploadID string) (agentapi.UploadStatus, error)
	// PutUpload sends length bytes read from body, which are the file's
	// bytes from offset to its end.
	PutUpload(ctx context.Context, uploadID string, offset int64, body io.Reader, length int64) (agentapi.UploadStatus, error)
}

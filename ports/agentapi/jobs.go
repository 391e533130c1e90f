package agentapi

import "time"

// The agent's job and upload routes (node credential; the credential's node
// must equal the :id in the path). Every response is the usual
// {"data": …} envelope; errors are {"error": {"code", "message", …}}.
const (
	// PathJobClaim is POST (no body) → ClaimResponse: lease the node's oldest
	// queued job; "job" is null when there is none.
	PathJobClaim = "/api/v1/nodes/%s/jobs/claim"
	// PathJob is GET → JobState.
	PathJob = "/api/v1/nodes/%s/jobs/%s"
	// PathJobHeartbeat is POST JobHeartbeat → JobState: renews the lease
	// (every JobHeartbeatInterval) and tells the agent whether to stop.
	// 409 job.notLive means the job ended on the controller's side
	// (discarded): stop capturing and drop the files.
	PathJobHeartbeat = "/api/v1/nodes/%s/jobs/%s/heartbeat"
	// PathJobReport is POST JobReport → JobState: the job's final outcome,
	// sent after every chunk has been uploaded (or given up on). Repeating
	// the same report is harmless.
	PathJobReport = "/api/v1/nodes/%s/jobs/%s/report"
	// PathUploads is POST UploadRequest → UploadStatus: opens (or resumes)
	// the upload of one chunk file. The same recording, index and SHA-256
	// resumes; a chunk already stored with that SHA-256 answers complete.
	PathUploads = "/api/v1/nodes/%s/uploads"
	// PathUpload is GET → UploadStatus, and PUT with the bytes from
	// HeaderUploadOffset to the end of the file → UploadStatus. A PUT whose
	// offset is not the bytes received gets 409 upload.offsetMismatch with
	// details.receivedBytes; when the last byte arrives the controller
	// checks the SHA-256 (422 upload.checksumMismatch: nothing kept) and
	// stores the chunk.
	PathUpload = "/api/v1/nodes/%s/uploads/%s"
)

// HeaderUploadOffset is the byte offset of a PUT body within the file.
const HeaderUploadOffset = "X-Rakkr-Upload-Offset"

// JobHeartbeatInterval is how often a capturing agent renews each lease.
const JobHeartbeatInterval = 2 * time.Second

// ChannelMapEntry is one channel of a job's pinned channel map.
type ChannelMapEntry struct {
	SourceChannelIndex int    `json:"sourceChannelIndex"`
	OutputChannelIndex int    `json:"outputChannelIndex,omitempty"`
	Label              string `json:"label"`
	Included           bool   `json:"included"`
}

// JobCommand is what to capture and how to render it.
type JobCommand struct {
	InterfaceID  string            `json:"interfaceId"`
	InterfaceRef string            `json:"interfaceRef"` // the interface's systemRef
	ChannelMode  string            `json:"channelMode"`  // mono|stereo|mono_to_stereo_mix|multichannel
	ChannelMap   []ChannelMapEntry `json:"channelMap"`
	Codec        string            `json:"codec"` // wav|flac|mp3
	BitrateKbps  int               `json:"bitrateKbps"`
	VBR          bool              `json:"vbr"`
	BitDepth     int               `json:"bitDepth"`
	// ChunkSeconds > 0 splits the capture into sample-exact chunks.
	ChunkSeconds int `json:"chunkSeconds"`
	// DurationSeconds > 0 ends the capture on its own.
	DurationSeconds int    `json:"durationSeconds"`
	FileStem        string `json:"fileStem"`
}

// Job is a leased job as the agent sees it.
type Job struct {
	ID             string     `json:"id"`
	RecordingID    string     `json:"recordingId"`
	Status         string     `json:"status"`
	CaptureGroupID string     `json:"captureGroupId"`
	LeaseExpiresAt *time.Time `json:"leaseExpiresAt"`
	Command        JobCommand `json:"command"`
}

// ClaimResponse answers a claim.
type ClaimResponse struct {
	Job *Job `json:"job"`
}

// JobHeartbeat reports a capture's progress.
type JobHeartbeat struct {
	// CapturedFrames and ChunksClosed say how far the capture is.
	CapturedFrames int64 `json:"capturedFrames"`
	ChunksClosed   int   `json:"chunksClosed"`
	ChunksUploaded int   `json:"chunksUploaded"`
	SampleRate     int   `json:"sampleRate"`
}

// JobState is the controller's view of a job.
type JobState struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	// StopRequested tells the agent to finish the capture and keep it.
	StopRequested bool `json:"stopRequested"`
	// Cancelled tells the agent to stop and drop the files (discarded).
	Cancelled      bool       `json:"cancelled"`
	LeaseExpiresAt *time.Time `json:"leaseExpiresAt"`
	// Revived is true when this heartbeat brought back a job the
	// controller had failed for an expired lease.
	Revived bool `json:"revived"`
}

// Verification is the agent's post-capture check of what it recorded.
type Verification struct {
	OK bool `json:"ok"`
	// ExpectedFrames is the wall-clock window × sample rate.
	ExpectedFrames int64   `json:"expectedFrames"`
	CapturedFrames int64   `json:"capturedFrames"`
	GapFrames      int64   `json:"gapFrames"`
	PeakDbfs       float64 `json:"peakDbfs"`
	RmsDbfs        float64 `json:"rmsDbfs"`
	// Problems name the failed checks (duration_short, silent, empty, gaps).
	Problems []string `json:"problems"`
}

// JobReport is the final outcome of a job.
type JobReport struct {
	Status string `json:"status"` // completed|failed|cancelled
	// Reason explains failed/cancelled (and operator_stop/duration_reached
	// for completed).
	Reason string `json:"reason"`
	// ChunkTotal is the number of chunks captured (indices 0..ChunkTotal-1).
	ChunkTotal   int            `json:"chunkTotal"`
	Verification Verification   `json:"verification"`
	StartedAt    time.Time      `json:"startedAt"`
	EndedAt      time.Time      `json:"endedAt"`
	Details      map[string]any `json:"details"`
}

// UploadRequest opens the upload of one rendered chunk file.
type UploadRequest struct {
	RecordingID string `json:"recordingId"`
	JobID       string `json:"jobId"`
	// Index is 0-based; Final marks the capture's last chunk.
	Index        int    `json:"index"`
	Final        bool   `json:"final"`
	OffsetFrames int64  `json:"offsetFrames"`
	Frames       int64  `json:"frames"`
	SampleRate   int    `json:"sampleRate"`
	Channels     int    `json:"channels"`
	Codec        string `json:"codec"`
	SizeBytes    int64  `json:"sizeBytes"`
	SHA256       string `json:"sha256"` // lowercase hex of the whole file
}

// UploadStatus says how much of a chunk file the controller holds.
type UploadStatus struct {
	UploadID      string `json:"uploadId"`
	ReceivedBytes int64  `json:"receivedBytes"`
	SizeBytes     int64  `json:"sizeBytes"`
	// Complete is true once the chunk is verified and stored.
	Complete bool   `json:"complete"`
	ChunkID  string `json:"chunkId,omitempty"`
}

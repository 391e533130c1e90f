package recording

import (
	"time"

	"github.com/rakkr/rakkr/domain/uid"
)

// Chunk is one rendered, verified piece of a recording stored on the
// controller. Index is 0-based; chunk i starts at OffsetFrames and the
// chunks of a capture follow each other sample-exactly.
type Chunk struct {
	ID           string
	RecordingID  string
	JobID        string
	Index        int
	OffsetFrames int64
	Frames       int64
	SampleRate   int
	Channels     int
	Codec        Codec
	SizeBytes    int64
	// SHA256 is the file's lowercase hex digest (computed by the agent,
	// verified by the controller).
	SHA256 string
	// Path is the file's path relative to the controller's recordings dir.
	Path string
	// Final marks the capture's last chunk.
	Final bool
	// Peaks is the chunk's waveform preview (≤ WaveformBins values 0..1).
	Peaks     []float32
	CreatedAt time.Time
}

// NewChunkID returns a fresh chunk id.
func NewChunkID() string { return "chk_" + uid.New() }

// DurationSeconds is the chunk's duration.
func (c Chunk) DurationSeconds() float64 {
	if c.SampleRate <= 0 {
		return 0
	}
	return float64(c.Frames) / float64(c.SampleRate)
}

// Upload is a chunk file being received from an agent; the bytes received
// so far are what the controller's partial file holds.
type Upload struct {
	ID          string
	RecordingID string
	JobID       string
	NodeID      string
	Chunk       Chunk
	CreatedAt   time.Time
}

// NewUploadID returns a fresh upload id.
func NewUploadID() string { return "upl_" + uid.New() }

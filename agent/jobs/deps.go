package jobs

import (
	"context"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/agent/render"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// Health event types emitted by the runner. Each carries the recording id
// and details with jobId.
const (
	// EventControlPlaneFailed (warning): a job heartbeat failed; the capture
	// goes on. Once per outage and job.
	EventControlPlaneFailed = "agent.recording.control_plane_failed"
	// EventControlPlaneRecovered (info): the job's heartbeats work again.
	EventControlPlaneRecovered = "agent.recording.control_plane_recovered"
	// EventChunkUploaded (info): the controller stored a chunk.
	EventChunkUploaded = "agent.recording.chunk_uploaded"
	// EventUploadFailed (warning): uploading a chunk failed; it is retried.
	// Once per chunk until it succeeds.
	EventUploadFailed = "agent.recording.upload_failed"
	// EventUploadRecovered (info): a chunk whose upload had failed was
	// stored after all.
	EventUploadRecovered = "agent.recording.upload_recovered"
	// EventRecoveredAfterRestart (warning): a job left unfinished by a
	// previous run of the agent was picked up from the files on disk.
	EventRecoveredAfterRestart = "agent.recording.recovered_after_restart"
	// EventDropped (info): the controller ended the job; its files were
	// removed.
	EventDropped = "agent.recording.dropped"
)

// Report reasons set by the runner (besides the recorder's end reasons).
const (
	// ReasonInterfaceUnavailable: the command's interface is not on this node.
	ReasonInterfaceUnavailable = "interface_unavailable"
	// ReasonDeviceUnavailable: the interface delivered no audio to start with.
	ReasonDeviceUnavailable = "device_unavailable"
	// ReasonInsufficientDisk: the recorder refused to start for lack of space.
	ReasonInsufficientDisk = "insufficient_disk"
	// ReasonCaptureFailed: the recorder could not start otherwise.
	ReasonCaptureFailed = "capture_failed"
	// ReasonAgentRestarted: the agent stopped mid-capture; what was on disk
	// was recovered and uploaded at the next start.
	ReasonAgentRestarted = recording.ReasonAgentRestarted
	// ReasonOperatorStop: a completed capture stopped on request.
	ReasonOperatorStop = recording.ReasonOperatorStop
)

// Source is an interface's capture hub (*capture.Hub satisfies it).
type Source interface {
	recorder.Subscriber
	// Stats tells the open stream's format.
	Stats() capture.Stats
}

// Capture is a running capture (*recorder.Recorder satisfies it).
type Capture interface {
	// Stop ends the capture, keeping it; Cancel ends it and removes its files.
	Stop()
	Cancel()
	// Done is closed when the capture has ended.
	Done() <-chan struct{}
	// Result waits for the end and returns the outcome.
	Result() (recorder.Result, error)
	// Progress returns the frames recorded and the chunks closed so far.
	Progress() (frames int64, chunksClosed int)
}

// Recorders start captures (Engine does, with recorder.Start).
type Recorders interface {
	// Start starts recording spec from src; onChunk gets each closed chunk.
	Start(ctx context.Context, src Source, spec recorder.Spec, onChunk func(recorder.ClosedChunk)) (Capture, error)
}

// Media renders and inspects raw masters (Engine does, with agent/render
// and the PCM files).
type Media interface {
	// Render encodes the raw master through the channel map into dst and
	// measures the raw master's levels on the way.
	Render(ctx context.Context, rawPath, dst string, m channelmap.Map, opt ports.EncodeOptions) (render.Rendered, error)
	// Levels returns a raw master's peak and RMS level in dBFS (for one
	// that was not rendered).
	Levels(rawPath string) (peakDbfs, rmsDbfs float64, err error)
	// Repair fixes the header of a raw master left by a crash and returns
	// its whole frames.
	Repair(rawPath string) (int64, error)
}

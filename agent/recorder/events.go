package recorder

import (
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// Health event types emitted by a Recorder. Every event carries the
// recording id and details with recordingId and jobId.
const (
	// EventInsufficientDisk (critical): Start refused for lack of space.
	EventInsufficientDisk = "agent.recording.insufficient_disk"
	// EventDeviceLost (critical) and EventDeviceRecovered (info, details
	// gapFrames): the capture device went away and came back.
	EventDeviceLost      = "agent.recording.capture_device_lost"
	EventDeviceRecovered = "agent.recording.capture_device_recovered"
	// EventXrun (warning): the device overran; once per burst.
	EventXrun = "agent.recording.xrun"
	// EventOverflow (warning): the recorder fell behind and lost blocks;
	// once per burst.
	EventOverflow = "agent.recording.overflow"
	// EventStalled (critical) and EventStalledRecovered (info): no audio
	// arrived for 10 s although the device was not reported lost.
	EventStalled          = "agent.recording.capture_stalled"
	EventStalledRecovered = "agent.recording.capture_stalled_recovered"
	// EventDiskFull (critical): the disk filled up (or fell under the
	// free-space floor); the capture ended.
	EventDiskFull = "agent.recording.disk_full"
	// EventWriteFailed (critical): writing a chunk failed otherwise; the
	// capture ended.
	EventWriteFailed = "agent.recording.write_failed"
	// EventFormatChanged (critical): the device reopened with another
	// sample rate or too few channels; the capture ended.
	EventFormatChanged = "agent.recording.format_changed"
)

// Timing of the capture loop (variables so tests can shorten them).
var (
	// stallTimeout is how long without blocks (device not lost) raises
	// EventStalled.
	stallTimeout = 10 * time.Second
	// syncInterval is how often the open chunk is synced to disk (a crash
	// loses at most about this much audio) and free space is checked.
	syncInterval = time.Second
	// burstWindow groups xruns (and overflows) into one event: another
	// event is emitted only after this long without one.
	burstWindow = 10 * time.Second
)

// emit sends an event with the job's ids; details may be nil.
func (r *Recorder) emit(typ, severity, resolves string, details map[string]any) {
	if r.events == nil {
		return
	}
	d := map[string]any{"recordingId": r.spec.RecordingID, "jobId": r.spec.JobID}
	for k, v := range details {
		d[k] = v
	}
	r.events.Event(agentapi.HealthEvent{
		Type:        typ,
		Severity:    severity,
		OpenedAt:    time.Now().UTC(),
		RecordingID: r.spec.RecordingID,
		Resolves:    resolves,
		Details:     d,
	})
}

// errText is err's message, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

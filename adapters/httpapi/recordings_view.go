package httpapi

import (
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/recording"
)

// WaveformView is a recording's peak preview.
type WaveformView struct {
	Peaks        []float32 `json:"peaks"`
	ChannelCount int       `json:"channelCount"`
	SampleCount  int64     `json:"sampleCount"`
	SampleRate   int       `json:"sampleRate"`
}

// RecordingView is one recording as the API (and the WebSocket
// "recordings" topic) shows it. durationSeconds is the audio secured on
// the controller; sampleRate and channelCount describe the rendered files.
type RecordingView struct {
	ID              string        `json:"id"`
	Name            string        `json:"name"`
	Folder          string        `json:"folder"`
	Tags            []string      `json:"tags"`
	Notes           string        `json:"notes"`
	Source          string        `json:"source"`
	Status          string        `json:"status"`
	HealthStatus    string        `json:"healthStatus"`
	NodeID          string        `json:"nodeId"`
	InterfaceID     string        `json:"interfaceId"`
	RoomID          *string       `json:"roomId"`
	ProfileID       string        `json:"profileId"`
	Channels        []int         `json:"channels"`
	ChannelMode     string        `json:"channelMode"`
	Codec           string        `json:"codec"`
	SampleRate      int           `json:"sampleRate"`
	ChannelCount    int           `json:"channelCount"`
	ChunkSeconds    int           `json:"chunkSeconds"`
	ChunkTotal      int           `json:"chunkTotal"`
	DurationSeconds float64       `json:"durationSeconds"`
	SizeBytes       int64         `json:"sizeBytes"`
	Checksum        *string       `json:"checksum"`
	Waveform        *WaveformView `json:"waveform"`
	FailureReason   *string       `json:"failureReason"`
	CreatedAt       time.Time     `json:"createdAt"`
	StartedAt       *time.Time    `json:"startedAt"`
	EndedAt         *time.Time    `json:"endedAt"`
}

// ScopeRef implements ws.Scoped: a recording belongs to its node.
func (v RecordingView) ScopeRef() access.Ref {
	return access.Ref{Type: access.ResourceNode, ID: v.NodeID}
}

// ToRecordingView converts a recording for the API.
func ToRecordingView(r recording.Recording) RecordingView {
	v := RecordingView{ID: r.ID, Name: r.Name, Folder: r.Folder, Tags: orEmptyList(r.Tags), Notes: r.Notes, Source: string(r.Source),
		Status: string(r.Status), HealthStatus: string(r.Health), NodeID: r.NodeID, InterfaceID: r.InterfaceID,
		RoomID: optional(r.RoomID), ProfileID: r.ProfileID, Channels: orEmptyList(r.Channels), ChannelMode: string(r.ChannelMode),
		Codec: string(r.Codec), SampleRate: r.SampleRate, ChannelCount: r.OutputChannels, ChunkSeconds: r.ChunkSeconds,
		ChunkTotal: r.ChunkTotal, DurationSeconds: r.DurationSeconds(), SizeBytes: r.SizeBytes, Checksum: optional(r.Checksum),
		FailureReason: optional(r.FailureReason), CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, EndedAt: r.EndedAt}
	if v.HealthStatus == "" {
		v.HealthStatus = string(recording.HealthUnknown)
	}
	if w := r.Waveform; w != nil {
		v.Waveform = &WaveformView{Peaks: orEmptyList(w.Peaks), ChannelCount: w.ChannelCount, SampleCount: w.SampleCount, SampleRate: w.SampleRate}
	}
	return v
}

// ChannelMapEntryView is one channel of a job's pinned map.
type ChannelMapEntryView struct {
	SourceChannelIndex int    `json:"sourceChannelIndex"`
	OutputChannelIndex int    `json:"outputChannelIndex"`
	Label              string `json:"label"`
	Included           bool   `json:"included"`
}

// JobCommandView is what a job captures and how it renders it.
type JobCommandView struct {
	InterfaceID     string                `json:"interfaceId"`
	InterfaceRef    string                `json:"interfaceRef"`
	ChannelMode     string                `json:"channelMode"`
	ChannelMap      []ChannelMapEntryView `json:"channelMap"`
	Codec           string                `json:"codec"`
	BitrateKbps     int                   `json:"bitrateKbps"`
	VBR             bool                  `json:"vbr"`
	BitDepth        int                   `json:"bitDepth"`
	ChunkSeconds    int                   `json:"chunkSeconds"`
	DurationSeconds int                   `json:"durationSeconds"`
	FileStem        string                `json:"fileStem"`
}

// JobView is one capture job as the API (and the "jobs" topic) shows it.
type JobView struct {
	ID              string         `json:"id"`
	RecordingID     string         `json:"recordingId"`
	NodeID          string         `json:"nodeId"`
	Status          string         `json:"status"`
	ClaimedBy       *string        `json:"claimedBy"`
	CaptureGroupID  string         `json:"captureGroupId"`
	RetryOf         *string        `json:"retryOf"`
	FailureReason   *string        `json:"failureReason"`
	ChunkTotal      int            `json:"chunkTotal"`
	Command         JobCommandView `json:"command"`
	CreatedAt       time.Time      `json:"createdAt"`
	StartedAt       *time.Time     `json:"startedAt"`
	LastHeartbeatAt *time.Time     `json:"lastHeartbeatAt"`
	LeaseExpiresAt  *time.Time     `json:"leaseExpiresAt"`
	StopRequestedAt *time.Time     `json:"stopRequestedAt"`
	CompletedAt     *time.Time     `json:"completedAt"`
}

// ScopeRef implements ws.Scoped: a job belongs to its node.
func (v JobView) ScopeRef() access.Ref { return access.Ref{Type: access.ResourceNode, ID: v.NodeID} }

// ToJobView converts a job for the API.
func ToJobView(j recording.Job) JobView {
	c := j.Command
	entries := make([]ChannelMapEntryView, 0, len(c.Map.Entries))
	for _, e := range c.Map.Entries {
		entries = append(entries, ChannelMapEntryView{SourceChannelIndex: e.Source, OutputChannelIndex: e.Output, Label: e.Label, Included: e.Included})
	}
	return JobView{ID: j.ID, RecordingID: j.RecordingID, NodeID: j.NodeID, Status: string(j.Status), ClaimedBy: optional(j.ClaimedBy),
		CaptureGroupID: j.CaptureGroupID, RetryOf: optional(j.RetryOf), FailureReason: optional(j.FailureReason), ChunkTotal: j.ChunkTotal,
		Command: JobCommandView{InterfaceID: c.InterfaceID, InterfaceRef: c.InterfaceRef, ChannelMode: string(c.Map.Mode), ChannelMap: entries,
			Codec: string(c.Codec), BitrateKbps: c.BitrateKbps, VBR: c.VBR, BitDepth: c.BitDepth, ChunkSeconds: c.ChunkSeconds,
			DurationSeconds: c.DurationSeconds, FileStem: c.FileStem},
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, LastHeartbeatAt: j.LastHeartbeatAt, LeaseExpiresAt: j.LeaseExpiresAt,
		StopRequestedAt: j.StopRequestedAt, CompletedAt: j.CompletedAt}
}

// ChunkView is one stored chunk (pushed on the "recordings" topic as
// {"type":"chunk",…}).
type ChunkView struct {
	ID              string    `json:"id"`
	RecordingID     string    `json:"recordingId"`
	NodeID          string    `json:"nodeId"`
	JobID           string    `json:"jobId"`
	Index           int       `json:"index"`
	OffsetFrames    int64     `json:"offsetFrames"`
	Frames          int64     `json:"frames"`
	DurationSeconds float64   `json:"durationSeconds"`
	SampleRate      int       `json:"sampleRate"`
	Channels        int       `json:"channels"`
	Codec           string    `json:"codec"`
	SizeBytes       int64     `json:"sizeBytes"`
	SHA256          string    `json:"sha256"`
	Final           bool      `json:"final"`
	CreatedAt       time.Time `json:"createdAt"`
}

// ScopeRef implements ws.Scoped.
func (v ChunkView) ScopeRef() access.Ref { return access.Ref{Type: access.ResourceNode, ID: v.NodeID} }

// ToChunkView converts a chunk of a recording on nodeID for the API.
func ToChunkView(c recording.Chunk, nodeID string) ChunkView {
	return ChunkView{ID: c.ID, RecordingID: c.RecordingID, NodeID: nodeID, JobID: c.JobID, Index: c.Index, OffsetFrames: c.OffsetFrames,
		Frames: c.Frames, DurationSeconds: c.DurationSeconds(), SampleRate: c.SampleRate, Channels: c.Channels, Codec: string(c.Codec),
		SizeBytes: c.SizeBytes, SHA256: c.SHA256, Final: c.Final, CreatedAt: c.CreatedAt}
}

// RecordingEvent is one message of the "recordings" WebSocket topic: kind
// "recording" (created or changed), "chunk" (a chunk was stored) or
// "deleted" (discarded), scoped to the recording's node.
type RecordingEvent struct {
	Kind      string         `json:"kind"`
	NodeID    string         `json:"nodeId"`
	Recording *RecordingView `json:"recording,omitempty"`
	Chunk     *ChunkView     `json:"chunk,omitempty"`
}

// ScopeRef implements ws.Scoped.
func (e RecordingEvent) ScopeRef() access.Ref {
	return access.Ref{Type: access.ResourceNode, ID: e.NodeID}
}

// RecordingChanged is the "recordings" message of a created or changed recording.
func RecordingChanged(r recording.Recording) RecordingEvent {
	v := ToRecordingView(r)
	return RecordingEvent{Kind: "recording", NodeID: r.NodeID, Recording: &v}
}

// RecordingDeleted is the "recordings" message of a discarded recording.
func RecordingDeleted(r recording.Recording) RecordingEvent {
	v := ToRecordingView(r)
	return RecordingEvent{Kind: "deleted", NodeID: r.NodeID, Recording: &v}
}

// ChunkStored is the "recordings" message of a stored chunk.
func ChunkStored(c recording.Chunk, nodeID string) RecordingEvent {
	v := ToChunkView(c, nodeID)
	return RecordingEvent{Kind: "chunk", NodeID: nodeID, Chunk: &v}
}

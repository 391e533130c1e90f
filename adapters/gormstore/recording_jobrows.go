package gormstore

import (
	"encoding/json"
	"time"

	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/recording"
)

// jobRow is a row of recording_jobs; the command is JSON text.
type jobRow struct {
	ID              string     `gorm:"column:id;primaryKey"`
	NodeID          string     `gorm:"column:node_id"`
	RecordingID     string     `gorm:"column:recording_id"`
	Status          string     `gorm:"column:status"`
	ClaimedBy       string     `gorm:"column:claimed_by"`
	Command         string     `gorm:"column:command"`
	CaptureGroupID  string     `gorm:"column:capture_group_id"`
	RetryOf         string     `gorm:"column:retry_of"`
	FailureReason   string     `gorm:"column:failure_reason"`
	ChunkTotal      int        `gorm:"column:chunk_total"`
	CreatedAt       time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	StartedAt       *time.Time `gorm:"column:started_at"`
	LastHeartbeatAt *time.Time `gorm:"column:last_heartbeat_at"`
	LeaseExpiresAt  *time.Time `gorm:"column:lease_expires_at"`
	StopRequestedAt *time.Time `gorm:"column:stop_requested_at"`
	CompletedAt     *time.Time `gorm:"column:completed_at"`
}

// TableName implements gorm's Tabler.
func (jobRow) TableName() string { return "recording_jobs" }

// mapEntryJSON is the stored form of channelmap.Entry.
type mapEntryJSON struct {
	Source   int    `json:"source"`
	Output   int    `json:"output,omitempty"`
	Label    string `json:"label"`
	Included bool   `json:"included"`
}

// mapJSON is the stored form of channelmap.Map.
type mapJSON struct {
	Mode    string         `json:"mode"`
	Entries []mapEntryJSON `json:"entries"`
}

func fromDomainMap(m channelmap.Map) mapJSON {
	out := mapJSON{Mode: string(m.Mode), Entries: make([]mapEntryJSON, 0, len(m.Entries))}
	for _, e := range m.Entries {
		out.Entries = append(out.Entries, mapEntryJSON(e))
	}
	return out
}

func toDomainMap(m mapJSON) channelmap.Map {
	out := channelmap.Map{Mode: channelmap.Mode(m.Mode)}
	for _, e := range m.Entries {
		out.Entries = append(out.Entries, channelmap.Entry(e))
	}
	return out
}

// commandJSON is the stored form of recording.Command.
type commandJSON struct {
	InterfaceID     string  `json:"interfaceId"`
	InterfaceRef    string  `json:"interfaceRef"`
	Map             mapJSON `json:"map"`
	Codec           string  `json:"codec"`
	BitrateKbps     int     `json:"bitrateKbps"`
	VBR             bool    `json:"vbr"`
	BitDepth        int     `json:"bitDepth"`
	ChunkSeconds    int     `json:"chunkSeconds"`
	DurationSeconds int     `json:"durationSeconds"`
	FileStem        string  `json:"fileStem"`
}

func toDomainJob(r jobRow) recording.Job {
	var c commandJSON
	_ = json.Unmarshal([]byte(r.Command), &c)
	cmd := recording.Command{InterfaceID: c.InterfaceID, InterfaceRef: c.InterfaceRef, Map: toDomainMap(c.Map),
		Codec: recording.Codec(c.Codec), BitrateKbps: c.BitrateKbps, VBR: c.VBR, BitDepth: c.BitDepth,
		ChunkSeconds: c.ChunkSeconds, DurationSeconds: c.DurationSeconds, FileStem: c.FileStem}
	return recording.Job{ID: r.ID, NodeID: r.NodeID, RecordingID: r.RecordingID, Status: recording.JobStatus(r.Status),
		ClaimedBy: r.ClaimedBy, Command: cmd, CaptureGroupID: r.CaptureGroupID, RetryOf: r.RetryOf,
		FailureReason: r.FailureReason, CreatedAt: r.CreatedAt.UTC(), StartedAt: identityUTC(r.StartedAt),
		LastHeartbeatAt: identityUTC(r.LastHeartbeatAt), LeaseExpiresAt: identityUTC(r.LeaseExpiresAt),
		StopRequestedAt: identityUTC(r.StopRequestedAt), CompletedAt: identityUTC(r.CompletedAt), ChunkTotal: r.ChunkTotal}
}

func fromDomainJob(j recording.Job) jobRow {
	c := j.Command
	cmd := commandJSON{InterfaceID: c.InterfaceID, InterfaceRef: c.InterfaceRef, Map: fromDomainMap(c.Map),
		Codec: string(c.Codec), BitrateKbps: c.BitrateKbps, VBR: c.VBR, BitDepth: c.BitDepth,
		ChunkSeconds: c.ChunkSeconds, DurationSeconds: c.DurationSeconds, FileStem: c.FileStem}
	return jobRow{ID: j.ID, NodeID: j.NodeID, RecordingID: j.RecordingID, Status: string(j.Status), ClaimedBy: j.ClaimedBy,
		Command: recordingJSON(cmd), CaptureGroupID: j.CaptureGroupID, RetryOf: j.RetryOf, FailureReason: j.FailureReason,
		ChunkTotal: j.ChunkTotal, CreatedAt: identityTime(j.CreatedAt), StartedAt: healthTimePtr(j.StartedAt),
		LastHeartbeatAt: healthTimePtr(j.LastHeartbeatAt), LeaseExpiresAt: healthTimePtr(j.LeaseExpiresAt),
		StopRequestedAt: healthTimePtr(j.StopRequestedAt), CompletedAt: healthTimePtr(j.CompletedAt)}
}

// chunkRow is a row of recording_chunks; peaks are JSON text.
type chunkRow struct {
	ID           string    `gorm:"column:id;primaryKey"`
	RecordingID  string    `gorm:"column:recording_id"`
	JobID        string    `gorm:"column:job_id"`
	Index        int       `gorm:"column:idx"`
	OffsetFrames int64     `gorm:"column:offset_frames"`
	Frames       int64     `gorm:"column:frames"`
	SampleRate   int       `gorm:"column:sample_rate"`
	Channels     int       `gorm:"column:channels"`
	Codec        string    `gorm:"column:codec"`
	SizeBytes    int64     `gorm:"column:size_bytes"`
	SHA256       string    `gorm:"column:sha256"`
	Path         string    `gorm:"column:path"`
	Final        bool      `gorm:"column:final"`
	Peaks        string    `gorm:"column:peaks"`
	CreatedAt    time.Time `gorm:"column:created_at;autoCreateTime:false"`
}

// TableName implements gorm's Tabler.
func (chunkRow) TableName() string { return "recording_chunks" }

// chunkJSON is the stored form of the chunk an upload declares.
type chunkJSON struct {
	ID           string    `json:"id"`
	RecordingID  string    `json:"recordingId"`
	JobID        string    `json:"jobId"`
	Index        int       `json:"index"`
	OffsetFrames int64     `json:"offsetFrames"`
	Frames       int64     `json:"frames"`
	SampleRate   int       `json:"sampleRate"`
	Channels     int       `json:"channels"`
	Codec        string    `json:"codec"`
	SizeBytes    int64     `json:"sizeBytes"`
	SHA256       string    `json:"sha256"`
	Path         string    `json:"path"`
	Final        bool      `json:"final"`
	Peaks        []float32 `json:"peaks"`
	CreatedAt    time.Time `json:"createdAt"`
}

// fromDomainChunkJSON converts c; empty peaks are stored as [] and read as nil.
func fromDomainChunkJSON(c recording.Chunk) chunkJSON {
	peaks := c.Peaks
	if peaks == nil {
		peaks = []float32{}
	}
	return chunkJSON{ID: c.ID, RecordingID: c.RecordingID, JobID: c.JobID, Index: c.Index, OffsetFrames: c.OffsetFrames,
		Frames: c.Frames, SampleRate: c.SampleRate, Channels: c.Channels, Codec: string(c.Codec), SizeBytes: c.SizeBytes,
		SHA256: c.SHA256, Path: c.Path, Final: c.Final, Peaks: peaks, CreatedAt: identityTime(c.CreatedAt)}
}

func toDomainChunkJSON(c chunkJSON) recording.Chunk {
	out := recording.Chunk{ID: c.ID, RecordingID: c.RecordingID, JobID: c.JobID, Index: c.Index, OffsetFrames: c.OffsetFrames,
		Frames: c.Frames, SampleRate: c.SampleRate, Channels: c.Channels, Codec: recording.Codec(c.Codec), SizeBytes: c.SizeBytes,
		SHA256: c.SHA256, Path: c.Path, Final: c.Final, CreatedAt: c.CreatedAt.UTC()}
	if len(c.Peaks) > 0 {
		out.Peaks = c.Peaks
	}
	return out
}

func toDomainChunk(r chunkRow) recording.Chunk {
	c := chunkJSON{ID: r.ID, RecordingID: r.RecordingID, JobID: r.JobID, Index: r.Index, OffsetFrames: r.OffsetFrames,
		Frames: r.Frames, SampleRate: r.SampleRate, Channels: r.Channels, Codec: r.Codec, SizeBytes: r.SizeBytes,
		SHA256: r.SHA256, Path: r.Path, Final: r.Final, CreatedAt: r.CreatedAt}
	_ = json.Unmarshal([]byte(r.Peaks), &c.Peaks)
	return toDomainChunkJSON(c)
}

func fromDomainChunk(c recording.Chunk) chunkRow {
	j := fromDomainChunkJSON(c)
	return chunkRow{ID: j.ID, RecordingID: j.RecordingID, JobID: j.JobID, Index: j.Index, OffsetFrames: j.OffsetFrames,
		Frames: j.Frames, SampleRate: j.SampleRate, Channels: j.Channels, Codec: j.Codec, SizeBytes: j.SizeBytes,
		SHA256: j.SHA256, Path: j.Path, Final: j.Final, Peaks: recordingJSON(j.Peaks), CreatedAt: j.CreatedAt}
}

// uploadRow is a row of recording_uploads; the declared chunk is JSON text.
type uploadRow struct {
	ID          string    `gorm:"column:id;primaryKey"`
	RecordingID string    `gorm:"column:recording_id"`
	JobID       string    `gorm:"column:job_id"`
	NodeID      string    `gorm:"column:node_id"`
	Index       int       `gorm:"column:idx"`
	SHA256      string    `gorm:"column:sha256"`
	Chunk       string    `gorm:"column:chunk"`
	CreatedAt   time.Time `gorm:"column:created_at;autoCreateTime:false"`
}

// TableName implements gorm's Tabler.
func (uploadRow) TableName() string { return "recording_uploads" }

func toDomainUpload(r uploadRow) recording.Upload {
	var c chunkJSON
	_ = json.Unmarshal([]byte(r.Chunk), &c)
	return recording.Upload{ID: r.ID, RecordingID: r.RecordingID, JobID: r.JobID, NodeID: r.NodeID,
		Chunk: toDomainChunkJSON(c), CreatedAt: r.CreatedAt.UTC()}
}

func fromDomainUpload(u recording.Upload) uploadRow {
	return uploadRow{ID: u.ID, RecordingID: u.RecordingID, JobID: u.JobID, NodeID: u.NodeID, Index: u.Chunk.Index,
		SHA256: u.Chunk.SHA256, Chunk: recordingJSON(fromDomainChunkJSON(u.Chunk)), CreatedAt: identityTime(u.CreatedAt)}
}

// templateRow is a row of channel_map_templates; map and tags are JSON text.
type templateRow struct {
	ID        string    `gorm:"column:id;primaryKey"`
	Name      string    `gorm:"column:name"`
	Map       string    `gorm:"column:map"`
	Revision  int       `gorm:"column:revision"`
	Tags      string    `gorm:"column:tags"`
	CreatedAt time.Time `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt time.Time `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName implements gorm's Tabler.
func (templateRow) TableName() string { return "channel_map_templates" }

func toDomainTemplate(r templateRow) channelmap.Template {
	var m mapJSON
	_ = json.Unmarshal([]byte(r.Map), &m)
	t := channelmap.Template{ID: r.ID, Name: r.Name, Map: toDomainMap(m), Revision: r.Revision, Tags: []string{},
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	_ = json.Unmarshal([]byte(r.Tags), &t.Tags)
	if t.Tags == nil {
		t.Tags = []string{}
	}
	return t
}

func fromDomainTemplate(t channelmap.Template) templateRow {
	tags := t.Tags
	if tags == nil {
		tags = []string{}
	}
	return templateRow{ID: t.ID, Name: t.Name, Map: recordingJSON(fromDomainMap(t.Map)), Revision: t.Revision,
		Tags: recordingJSON(tags), CreatedAt: identityTime(t.CreatedAt), UpdatedAt: identityTime(t.UpdatedAt)}
}

// assignmentRow is a row of channel_map_assignments.
type assignmentRow struct {
	ID         string    `gorm:"column:id;primaryKey"`
	TargetType string    `gorm:"column:target_type"`
	TargetID   string    `gorm:"column:target_id"`
	TemplateID string    `gorm:"column:template_id"`
	AssignedAt time.Time `gorm:"column:assigned_at"`
	AssignedBy string    `gorm:"column:assigned_by"`
}

// TableName implements gorm's Tabler.
func (assignmentRow) TableName() string { return "channel_map_assignments" }

func toDomainAssignment(r assignmentRow) channelmap.Assignment {
	return channelmap.Assignment{ID: r.ID, TargetType: channelmap.TargetType(r.TargetType), TargetID: r.TargetID,
		TemplateID: r.TemplateID, AssignedAt: r.AssignedAt.UTC(), AssignedBy: r.AssignedBy}
}

func fromDomainAssignment(a channelmap.Assignment) assignmentRow {
	return assignmentRow{ID: a.ID, TargetType: string(a.TargetType), TargetID: a.TargetID, TemplateID: a.TemplateID,
		AssignedAt: identityTime(a.AssignedAt), AssignedBy: a.AssignedBy}
}

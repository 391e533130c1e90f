package gormstore

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/recording"
)

// recordingRow is a row of the recordings table; tags, channels and the
// waveform are JSON text (tags are repeated in recording_tags for filters).
type recordingRow struct {
	ID              string     `gorm:"column:id;primaryKey"`
	Name            string     `gorm:"column:name"`
	NameKey         string     `gorm:"column:name_key"`
	SearchText      string     `gorm:"column:search_text"`
	Folder          string     `gorm:"column:folder"`
	Tags            string     `gorm:"column:tags"`
	Notes           string     `gorm:"column:notes"`
	Source          string     `gorm:"column:source"`
	Status          string     `gorm:"column:status"`
	Health          string     `gorm:"column:health"`
	NodeID          string     `gorm:"column:node_id"`
	InterfaceID     string     `gorm:"column:interface_id"`
	RoomID          string     `gorm:"column:room_id"`
	ProfileID       string     `gorm:"column:profile_id"`
	Channels        string     `gorm:"column:channels"`
	ChannelMode     string     `gorm:"column:channel_mode"`
	Codec           string     `gorm:"column:codec"`
	SampleRate      int        `gorm:"column:sample_rate"`
	OutputChannels  int        `gorm:"column:output_channels"`
	ChunkSeconds    int        `gorm:"column:chunk_seconds"`
	ChunkTotal      int        `gorm:"column:chunk_total"`
	Frames          int64      `gorm:"column:frames"`
	DurationSeconds float64    `gorm:"column:duration_seconds"`
	SizeBytes       int64      `gorm:"column:size_bytes"`
	Checksum        string     `gorm:"column:checksum"`
	Waveform        *string    `gorm:"column:waveform"`
	FailureReason   string     `gorm:"column:failure_reason"`
	CreatedBy       string     `gorm:"column:created_by"`
	CreatedAt       time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt       time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
	StartedAt       *time.Time `gorm:"column:started_at"`
	EndedAt         *time.Time `gorm:"column:ended_at"`
}

// TableName implements gorm's Tabler.
func (recordingRow) TableName() string { return "recordings" }

// recordingTagRow is a row of recording_tags; TagKey is the lower-cased tag.
type recordingTagRow struct {
	RecordingID string `gorm:"column:recording_id;primaryKey"`
	TagKey      string `gorm:"column:tag_key;primaryKey"`
	Tag         string `gorm:"column:tag"`
}

// TableName implements gorm's Tabler.
func (recordingTagRow) TableName() string { return "recording_tags" }

// waveformJSON is the stored form of recording.Waveform.
type waveformJSON struct {
	Peaks        []float32 `json:"peaks"`
	ChannelCount int       `json:"channelCount"`
	SampleCount  int64     `json:"sampleCount"`
	SampleRate   int       `json:"sampleRate"`
}

// recordingTagKey is the case-insensitive form of a tag.
func recordingTagKey(tag string) string { return strings.ToLower(strings.TrimSpace(tag)) }

// recordingJSON marshals v, which never fails for the plain types stored here.
func recordingJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func toDomainRecording(r recordingRow) recording.Recording {
	out := recording.Recording{ID: r.ID, Name: r.Name, Folder: r.Folder, Tags: []string{}, Notes: r.Notes,
		Source: recording.Source(r.Source), Status: recording.Status(r.Status), Health: recording.Health(r.Health),
		NodeID: r.NodeID, InterfaceID: r.InterfaceID, RoomID: r.RoomID, ProfileID: r.ProfileID, Channels: []int{},
		ChannelMode: channelmap.Mode(r.ChannelMode), Codec: recording.Codec(r.Codec), SampleRate: r.SampleRate,
		OutputChannels: r.OutputChannels, ChunkSeconds: r.ChunkSeconds, ChunkTotal: r.ChunkTotal, Frames: r.Frames,
		SizeBytes: r.SizeBytes, Checksum: r.Checksum, FailureReason: r.FailureReason, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), StartedAt: identityUTC(r.StartedAt), EndedAt: identityUTC(r.EndedAt)}
	_ = json.Unmarshal([]byte(r.Tags), &out.Tags)
	_ = json.Unmarshal([]byte(r.Channels), &out.Channels)
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.Channels == nil {
		out.Channels = []int{}
	}
	if r.Waveform != nil {
		var w waveformJSON
		if json.Unmarshal([]byte(*r.Waveform), &w) == nil {
			wf := recording.Waveform(w)
			out.Waveform = &wf
		}
	}
	return out
}

func fromDomainRecording(r recording.Recording) recordingRow {
	tags, chans := r.Tags, r.Channels
	if tags == nil {
		tags = []string{}
	}
	if chans == nil {
		chans = []int{}
	}
	row := recordingRow{ID: r.ID, Name: r.Name, NameKey: strings.ToLower(r.Name), Folder: r.Folder, Tags: recordingJSON(tags),
		Notes: r.Notes, Source: string(r.Source), Status: string(r.Status), Health: string(r.Health), NodeID: r.NodeID,
		InterfaceID: r.InterfaceID, RoomID: r.RoomID, ProfileID: r.ProfileID, Channels: recordingJSON(chans),
		ChannelMode: string(r.ChannelMode), Codec: string(r.Codec), SampleRate: r.SampleRate, OutputChannels: r.OutputChannels,
		ChunkSeconds: r.ChunkSeconds, ChunkTotal: r.ChunkTotal, Frames: r.Frames, DurationSeconds: r.DurationSeconds(),
		SizeBytes: r.SizeBytes, Checksum: r.Checksum, FailureReason: r.FailureReason, CreatedBy: r.CreatedBy,
		CreatedAt: identityTime(r.CreatedAt), UpdatedAt: identityTime(r.UpdatedAt),
		StartedAt: healthTimePtr(r.StartedAt), EndedAt: healthTimePtr(r.EndedAt)}
	row.SearchText = recordingSearchText(r.Name, r.Folder, r.Notes, tags)
	if r.Waveform != nil {
		w := recordingJSON(waveformJSON(*r.Waveform))
		row.Waveform = &w
	}
	return row
}

// recordingSearchText is what the library's text search matches: the
// lower-cased name, folder, notes and tags, one per line (a trigram index
// serves it on Postgres).
func recordingSearchText(name, folder, notes string, tags []string) string {
	return strings.ToLower(strings.Join(append([]string{name, folder, notes}, tags...), "\n"))
}

// recordingTagRows are the recording_tags rows of r (one per tag key).
func recordingTagRows(r recording.Recording) []recordingTagRow {
	seen := map[string]bool{}
	var out []recordingTagRow
	for _, t := range r.Tags {
		k := recordingTagKey(t)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, recordingTagRow{RecordingID: r.ID, TagKey: k, Tag: strings.TrimSpace(t)})
	}
	return out
}

// profileRow is a row of recording_profiles.
type profileRow struct {
	ID           string    `gorm:"column:id;primaryKey"`
	Name         string    `gorm:"column:name"`
	Codec        string    `gorm:"column:codec"`
	BitrateKbps  int       `gorm:"column:bitrate_kbps"`
	VBR          bool      `gorm:"column:vbr"`
	BitDepth     int       `gorm:"column:bit_depth"`
	ChannelMode  string    `gorm:"column:channel_mode"`
	ChunkSeconds int       `gorm:"column:chunk_seconds"`
	Builtin      bool      `gorm:"column:builtin"`
	CreatedAt    time.Time `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName implements gorm's Tabler.
func (profileRow) TableName() string { return "recording_profiles" }

func toDomainProfile(r profileRow) recording.Profile {
	return recording.Profile{ID: r.ID, Name: r.Name, Codec: recording.Codec(r.Codec), BitrateKbps: r.BitrateKbps, VBR: r.VBR,
		BitDepth: r.BitDepth, ChannelMode: channelmap.Mode(r.ChannelMode), ChunkSeconds: r.ChunkSeconds, Builtin: r.Builtin,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func fromDomainProfile(p recording.Profile) profileRow {
	return profileRow{ID: p.ID, Name: p.Name, Codec: string(p.Codec), BitrateKbps: p.BitrateKbps, VBR: p.VBR,
		BitDepth: p.BitDepth, ChannelMode: string(p.ChannelMode), ChunkSeconds: p.ChunkSeconds, Builtin: p.Builtin,
		CreatedAt: identityTime(p.CreatedAt), UpdatedAt: identityTime(p.UpdatedAt)}
}

package httpapi

import (
	"time"

	"github.com/rakkr/rakkr/application/profiles"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/recording"
)

// RecordingProfileRequest is a profile's editable fields (create, or
// replace with PUT).
type RecordingProfileRequest struct {
	Name        string `json:"name"`
	Codec       string `json:"codec"`
	BitrateKbps int    `json:"bitrateKbps,omitempty"`
	VBR         bool   `json:"vbr,omitempty"`
	// BitDepth is 16 or 24 for WAV and FLAC (default 24).
	BitDepth    int    `json:"bitDepth,omitempty"`
	ChannelMode string `json:"channelMode"`
	// ChunkSeconds is 0 (one file) or 5..604800.
	ChunkSeconds int `json:"chunkSeconds,omitempty"`
}

// RecordingProfileResponse is one recording profile.
type RecordingProfileResponse struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Codec        string    `json:"codec"`
	BitrateKbps  int       `json:"bitrateKbps"`
	VBR          bool      `json:"vbr"`
	BitDepth     int       `json:"bitDepth"`
	ChannelMode  string    `json:"channelMode"`
	ChunkSeconds int       `json:"chunkSeconds"`
	Builtin      bool      `json:"builtin"`
	CreatedAt    time.Time `json:"createdAt"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// ChannelMapEntryBody is one channel of a channel map.
type ChannelMapEntryBody struct {
	// SourceChannelIndex is the 1-based channel on the interface.
	SourceChannelIndex int `json:"sourceChannelIndex"`
	// OutputChannelIndex orders multichannel output (0 or absent: next).
	OutputChannelIndex int    `json:"outputChannelIndex,omitempty"`
	Label              string `json:"label,omitempty"`
	Included           bool   `json:"included"`
}

// ChannelMapTemplateRequest is a template's editable fields (create, or
// replace with PUT, which bumps the revision).
type ChannelMapTemplateRequest struct {
	Name        string                `json:"name"`
	ChannelMode string                `json:"channelMode"`
	Entries     []ChannelMapEntryBody `json:"entries"`
	Tags        []string              `json:"tags,omitempty"`
}

// ChannelMapTemplateResponse is one channel-map template.
type ChannelMapTemplateResponse struct {
	ID          string                `json:"id"`
	Name        string                `json:"name"`
	ChannelMode string                `json:"channelMode"`
	Entries     []ChannelMapEntryBody `json:"entries"`
	Revision    int                   `json:"revision"`
	Tags        []string              `json:"tags"`
	CreatedAt   time.Time             `json:"createdAt"`
	UpdatedAt   time.Time             `json:"updatedAt"`
}

// ChannelMapAssignmentRequest binds a template to an interface or node.
type ChannelMapAssignmentRequest struct {
	// TargetType is "interface" or "node"; an interface's own assignment
	// wins over its node's.
	TargetType string `json:"targetType"`
	TargetID   string `json:"targetId"`
	TemplateID string `json:"templateId"`
}

// ChannelMapAssignmentResponse is one assignment.
type ChannelMapAssignmentResponse struct {
	ID         string    `json:"id"`
	TargetType string    `json:"targetType"`
	TargetID   string    `json:"targetId"`
	TemplateID string    `json:"templateId"`
	AssignedAt time.Time `json:"assignedAt"`
	AssignedBy string    `json:"assignedBy"`
}

// SettingsDeletedResponse confirms a deletion or unassignment.
type SettingsDeletedResponse struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

func (b RecordingProfileRequest) input() profiles.ProfileInput {
	return profiles.ProfileInput{Name: b.Name, Codec: recording.Codec(b.Codec), BitrateKbps: b.BitrateKbps, VBR: b.VBR,
		BitDepth: b.BitDepth, ChannelMode: b.ChannelMode, ChunkSeconds: b.ChunkSeconds}
}

func (b ChannelMapTemplateRequest) input() profiles.TemplateInput {
	in := profiles.TemplateInput{Name: b.Name, Mode: b.ChannelMode, Tags: b.Tags}
	for _, e := range b.Entries {
		in.Entries = append(in.Entries, channelmap.Entry{Source: e.SourceChannelIndex, Output: e.OutputChannelIndex,
			Label: e.Label, Included: e.Included})
	}
	return in
}

func toRecordingProfileResponse(p recording.Profile) RecordingProfileResponse {
	return RecordingProfileResponse{ID: p.ID, Name: p.Name, Codec: string(p.Codec), BitrateKbps: p.BitrateKbps, VBR: p.VBR,
		BitDepth: p.BitDepth, ChannelMode: string(p.ChannelMode), ChunkSeconds: p.ChunkSeconds, Builtin: p.Builtin,
		CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
}

func toChannelMapTemplateResponse(t channelmap.Template) ChannelMapTemplateResponse {
	out := ChannelMapTemplateResponse{ID: t.ID, Name: t.Name, ChannelMode: string(t.Map.Mode), Revision: t.Revision,
		Tags: t.Tags, Entries: make([]ChannelMapEntryBody, 0, len(t.Map.Entries)), CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC()}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for _, e := range t.Map.Entries {
		out.Entries = append(out.Entries, ChannelMapEntryBody{SourceChannelIndex: e.Source, OutputChannelIndex: e.Output,
			Label: e.Label, Included: e.Included})
	}
	return out
}

func toChannelMapAssignmentResponse(a channelmap.Assignment) ChannelMapAssignmentResponse {
	return ChannelMapAssignmentResponse{ID: a.ID, TargetType: string(a.TargetType), TargetID: a.TargetID,
		TemplateID: a.TemplateID, AssignedAt: a.AssignedAt.UTC(), AssignedBy: a.AssignedBy}
}

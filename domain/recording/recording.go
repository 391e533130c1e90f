package recording

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/uid"
)

// Metadata limits.
const (
	MaxNameLength   = 200
	MaxFolderLength = 200
	MaxTags         = 32
	MaxTagLength    = 64
	MaxNotesLength  = 2000
)

// Source says who started a recording.
type Source string

// The sources.
const (
	SourceAdHoc    Source = "ad_hoc"
	SourceSchedule Source = "schedule"
)

// Recording is one captured session and its files on the controller.
type Recording struct {
	ID          string
	Name        string
	Folder      string
	Tags        []string
	Notes       string
	Source      Source
	Status      Status
	Health      Health
	NodeID      string
	InterfaceID string
	RoomID      string
	ProfileID   string
	Channels    []int
	ChannelMode channelmap.Mode
	Codec       Codec
	// SampleRate and OutputChannels describe the rendered files (known from
	// the first chunk).
	SampleRate     int
	OutputChannels int
	ChunkSeconds   int
	// ChunkTotal is the number of chunks when the capture ended (0 before).
	ChunkTotal int
	// Frames and SizeBytes count the audio secured on the controller.
	Frames    int64
	SizeBytes int64
	// Checksum is "sha256:<hex>" of the single (or assembled) file.
	Checksum      string
	Waveform      *Waveform
	FailureReason string
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	StartedAt     *time.Time
	EndedAt       *time.Time
}

// NewID returns a fresh recording id.
func NewID() string { return "rec_" + uid.New() }

// DurationSeconds is the secured audio's duration.
func (r Recording) DurationSeconds() float64 {
	if r.SampleRate <= 0 {
		return 0
	}
	return float64(r.Frames) / float64(r.SampleRate)
}

// Metadata is what an editor may change.
type Metadata struct {
	Name   string
	Folder string
	Tags   []string
	Notes  string
}

// CleanMetadata trims and validates metadata, naming each bad field.
func CleanMetadata(m Metadata) (Metadata, error) {
	var is errs.Issues
	m.Name = strings.TrimSpace(m.Name)
	if m.Name == "" || len(m.Name) > MaxNameLength {
		is.Add("name", fmt.Sprintf("required, at most %d characters", MaxNameLength))
	}
	m.Folder = strings.Trim(strings.TrimSpace(m.Folder), "/")
	if len(m.Folder) > MaxFolderLength {
		is.Add("folder", fmt.Sprintf("at most %d characters", MaxFolderLength))
	}
	for _, seg := range strings.Split(m.Folder, "/") {
		if seg == "." || seg == ".." || strings.ContainsFunc(seg, unicode.IsControl) {
			is.Add("folder", "may not contain '.', '..' or control characters")
			break
		}
	}
	if len(m.Tags) > MaxTags {
		is.Add("tags", fmt.Sprintf("at most %d tags", MaxTags))
	}
	seen := map[string]bool{}
	tags := []string{}
	for i, t := range m.Tags {
		t = strings.TrimSpace(t)
		if t == "" || len(t) > MaxTagLength || strings.ContainsFunc(t, unicode.IsControl) {
			is.Add(fmt.Sprintf("tags[%d]", i), fmt.Sprintf("1..%d printable characters", MaxTagLength))
			continue
		}
		if !seen[strings.ToLower(t)] {
			seen[strings.ToLower(t)] = true
			tags = append(tags, t)
		}
	}
	m.Tags = tags
	if len(m.Notes) > MaxNotesLength {
		is.Add("notes", fmt.Sprintf("at most %d characters", MaxNotesLength))
	}
	return m, is.Err()
}

// DefaultName names an ad-hoc recording that was given none.
func DefaultName(nodeAlias string, at time.Time) string {
	return fmt.Sprintf("%s %s", nodeAlias, at.UTC().Format("2006-01-02 15:04 UTC"))
}

// FileStem is a file-system-safe stem for the recording's files.
func FileStem(name string, at time.Time) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 60 {
			break
		}
	}
	return at.UTC().Format("20060102T150405Z") + "_" + strings.Trim(b.String(), "-")
}

// Outcome is how a capture ended, as far as the controller knows.
type Outcome struct {
	Job JobStatus
	// Reason is the job's failure or stop reason.
	Reason string
	// ChunksExpected is the number of chunks the agent captured (0 =
	// unknown); ChunksStored how many the controller holds.
	ChunksExpected, ChunksStored int
	// Verified is false when the agent's post-capture checks failed.
	Verified bool
}

// Settle sets the recording's status after its job ended: cached when
// every captured chunk is on the controller and verified, partial when
// some audio is safe but not all (or it failed verification), failed when
// nothing was secured. A recording that already reached cached, uploaded
// or partial is never downgraded by a later failure.
func (r *Recording) Settle(o Outcome, now time.Time) {
	r.EndedAt, r.UpdatedAt = tp(now), now
	if o.ChunksExpected > 0 {
		r.ChunkTotal = o.ChunksExpected
	}
	complete := o.ChunksStored > 0 && o.ChunksStored >= o.ChunksExpected && o.Job == JobCompleted && o.Verified
	switch {
	case complete:
		r.Status, r.FailureReason = StatusCached, ""
		if r.Health == HealthUnknown || r.Health == "" {
			r.Health = HealthHealthy
		}
	case o.ChunksStored > 0:
		r.Status, r.FailureReason = StatusPartial, o.Reason
		if o.Reason == "" && !o.Verified {
			r.FailureReason = ReasonVerificationFailed
		}
		r.Health = HealthCritical
		if o.Job == JobCancelled && o.Verified {
			r.Health = HealthWarning
		}
	case r.Status == StatusCached || r.Status == StatusUploaded || r.Status == StatusPartial:
	default:
		r.Status, r.FailureReason, r.Health = StatusFailed, o.Reason, HealthCritical
		if r.FailureReason == "" {
			r.FailureReason = ReasonNoAudioSecured
		}
	}
}

package ports

import (
	"context"
	"io"
	"time"

	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/recording"
)

// RecordingFilter selects recordings; zero values select everything.
type RecordingFilter struct {
	IDs      []string
	Statuses []recording.Status
	NodeID   string
	RoomID   string
	// Folder matches the folder or any folder below it.
	Folder string
	// Tags keeps recordings carrying every one of these tags.
	Tags []string
	// Q matches a case-insensitive substring of the name, folder, notes or
	// tags, or the exact id.
	Q string
	// From and To bound createdAt, half-open [From, To).
	From, To time.Time
	// OnlyNodes restricts the result to recordings of NodeIDs (none when
	// the list is empty): the caller's readable nodes, for scoped users.
	OnlyNodes bool
	NodeIDs   []string
	// Sort is one of createdAt, name, duration, size, status, each
	// optionally prefixed with "-" for descending ("" = -createdAt).
	Sort string
}

// Facet is one value of a facet and how many recordings have it.
type Facet struct {
	Value string
	Count int64
}

// RecordingFacets count the recordings matching a filter by field.
type RecordingFacets struct {
	Statuses, Folders, Tags, Nodes, Rooms []Facet
}

// RecordingStore persists recordings. A missing one is recording.ErrNotFound.
type RecordingStore interface {
	// InsertRecording stores r.
	InsertRecording(ctx context.Context, r recording.Recording) error
	// GetRecording returns one recording.
	GetRecording(ctx context.Context, id string) (recording.Recording, error)
	// UpdateRecording locks the row, applies fn and saves; an error from fn
	// saves nothing.
	UpdateRecording(ctx context.Context, id string, fn func(r *recording.Recording) error) (recording.Recording, error)
	// DeleteRecording removes the recording with its jobs, chunks and uploads.
	DeleteRecording(ctx context.Context, id string) error
	// ListRecordings returns one page sorted by f.Sort and the total.
	ListRecordings(ctx context.Context, f RecordingFilter, limit, offset int) ([]recording.Recording, int64, error)
	// RecordingFacets counts the matching recordings by status, folder, tag,
	// node and room (each list sorted by count, at most 50 values).
	RecordingFacets(ctx context.Context, f RecordingFilter) (RecordingFacets, error)
	// ScanRecordings calls fn for every match in f.Sort order, reading in
	// batches; an error from fn stops the scan and is returned.
	ScanRecordings(ctx context.Context, f RecordingFilter, fn func(recording.Recording) error) error
}

// JobFilter selects jobs; zero values select everything.
type JobFilter struct {
	Statuses    []recording.JobStatus
	NodeID      string
	RecordingID string
	OnlyNodes   bool
	NodeIDs     []string
}

// JobStore persists capture jobs. A missing one is recording.ErrJobNotFound.
type JobStore interface {
	// InsertJob stores j.
	InsertJob(ctx context.Context, j recording.Job) error
	// GetJob returns one job.
	GetJob(ctx context.Context, id string) (recording.Job, error)
	// UpdateJob locks the row, applies fn and saves; an error from fn saves
	// nothing.
	UpdateJob(ctx context.Context, id string, fn func(j *recording.Job) error) (recording.Job, error)
	// ClaimNextJob atomically leases node's oldest queued job (SELECT … FOR
	// UPDATE SKIP LOCKED on Postgres, a serialized transaction on SQLite)
	// with Job.Claim; ok is false when none is queued. Two concurrent
	// claimers never get the same job.
	ClaimNextJob(ctx context.Context, nodeID string, now time.Time) (j recording.Job, ok bool, err error)
	// ListJobs returns one page, newest first, and the total.
	ListJobs(ctx context.Context, f JobFilter, limit, offset int) ([]recording.Job, int64, error)
	// LiveJobs returns the queued, running and stop-requested jobs of a node
	// (all nodes when nodeID is ""), oldest first.
	LiveJobs(ctx context.Context, nodeID string) ([]recording.Job, error)
	// CountJobs counts jobs by node and status (for metrics).
	CountJobs(ctx context.Context) (map[string]map[recording.JobStatus]int64, error)
}

// ChunkStore persists the chunks stored on the controller.
type ChunkStore interface {
	// PutChunk stores c unless a chunk with its recording and index exists:
	// the same SHA-256 returns the stored chunk with created false; another
	// returns recording.ErrChunkConflict.
	PutChunk(ctx context.Context, c recording.Chunk) (stored recording.Chunk, created bool, err error)
	// ListChunks returns a recording's chunks by index.
	ListChunks(ctx context.Context, recordingID string) ([]recording.Chunk, error)
	// GetChunk returns the chunk of a recording with that index
	// (recording.ErrChunkNotFound when none is stored).
	GetChunk(ctx context.Context, recordingID string, index int) (recording.Chunk, error)
}

// UploadStore persists the chunk uploads in progress.
type UploadStore interface {
	// OpenUpload returns the upload of u's recording and chunk index when
	// one exists with the same SHA-256 (resume), or stores u, replacing an
	// unfinished upload that declared other bytes: replacedID is that
	// upload's id ("" when none), whose received bytes must be discarded.
	OpenUpload(ctx context.Context, u recording.Upload) (stored recording.Upload, replacedID string, err error)
	// GetUpload returns one upload (recording.ErrNotFound-like error
	// "upload.notFound" when missing).
	GetUpload(ctx context.Context, id string) (recording.Upload, error)
	// DeleteUpload removes an upload.
	DeleteUpload(ctx context.Context, id string) error
}

// ProfileStore persists recording profiles (the built-ins are seeded by
// the migration and refused by updates).
type ProfileStore interface {
	ListProfiles(ctx context.Context) ([]recording.Profile, error)
	// GetProfile returns recording.ErrProfileNotFound when missing.
	GetProfile(ctx context.Context, id string) (recording.Profile, error)
	InsertProfile(ctx context.Context, p recording.Profile) error
	UpdateProfile(ctx context.Context, id string, fn func(p *recording.Profile) error) (recording.Profile, error)
	DeleteProfile(ctx context.Context, id string) error
}

// ChannelMapStore persists channel-map templates and their assignments.
type ChannelMapStore interface {
	ListTemplates(ctx context.Context) ([]channelmap.Template, error)
	// GetTemplate returns recording.ErrTemplateNotFound when missing.
	GetTemplate(ctx context.Context, id string) (channelmap.Template, error)
	InsertTemplate(ctx context.Context, t channelmap.Template) error
	UpdateTemplate(ctx context.Context, id string, fn func(t *channelmap.Template) error) (channelmap.Template, error)
	DeleteTemplate(ctx context.Context, id string) error
	// Assign replaces the assignment of a.TargetType/a.TargetID.
	Assign(ctx context.Context, a channelmap.Assignment) error
	// Unassign removes the assignment of a target (no error when none).
	Unassign(ctx context.Context, t channelmap.TargetType, targetID string) error
	// Assignments lists every assignment.
	Assignments(ctx context.Context) ([]channelmap.Assignment, error)
}

// FileRange is an open stored file.
type FileRange interface {
	io.ReadSeeker
	io.Closer
	// Size is the file's length in bytes.
	Size() int64
}

// RecordingFiles is the controller's recording cache on disk
// (RAKKR_DATA_DIR/recordings): chunk files and the uploads that fill them.
type RecordingFiles interface {
	// UploadSize returns the bytes received for an upload (0 when none).
	UploadSize(uploadID string) (int64, error)
	// AppendUpload writes r's bytes to the upload's partial file at offset,
	// which must equal the bytes received so far (else
	// recording.ErrOffsetMismatch); it stops after limit bytes and returns
	// the new size. Bytes of a broken connection that arrived are kept.
	AppendUpload(ctx context.Context, uploadID string, offset int64, r io.Reader, limit int64) (int64, error)
	// CommitUpload checks that the partial file has sha256 (lowercase hex;
	// else it is removed and recording.ErrChecksumMismatch returned), syncs
	// it and moves it to rel.
	CommitUpload(ctx context.Context, uploadID, sha256, rel string) error
	// DiscardUpload removes an upload's partial file.
	DiscardUpload(uploadID string) error
	// Path returns the absolute path of a stored file.
	Path(rel string) string
	// Open opens a stored file.
	Open(rel string) (FileRange, error)
	// RemoveRecording deletes every file of a recording.
	RemoveRecording(recordingID string) error
}

// Package library holds the recording library use cases: listing with
// filters and facets, detail (with jobs and chunks), metadata edits (one or
// in bulk), deletion (one or in bulk), the CSV manifest export, and opening
// a recording's audio for streaming or download (one chunk's file, or a
// virtual concatenation of the chunk files). Every write commits with its
// audit row; lists and exports are narrowed to the caller's readable nodes.
package library

import (
	"context"
	"log/slog"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// MaxPageSize is the largest page List returns.
const MaxPageSize = 500

// MaxBulk is the most ids one bulk metadata or bulk delete may name.
const MaxBulk = 200

// maxJobsShown bounds the jobs a detail lists (newest first).
const maxJobsShown = 100

// Deps are the ports the service needs; Tx, Recordings, Chunks, Jobs,
// Files and Audit are required.
type Deps struct {
	// Tx runs each write with its audit row in one transaction.
	Tx ports.Transactor
	// Recordings keeps the recordings.
	Recordings ports.RecordingStore
	// Chunks lists the chunks stored for a recording.
	Chunks ports.ChunkStore
	// Jobs lists a recording's capture jobs.
	Jobs ports.JobStore
	// Files holds the chunk files on disk.
	Files ports.RecordingFiles
	// Audit records the succeeded rows.
	Audit ports.AuditRecorder
	// Scope, when set, narrows lists, facets, exports and bulk writes to
	// the recordings of the nodes the caller holds the permission on.
	Scope ports.NodeScope
	// Graph, when set, drops a deleted recording from the scope graph.
	Graph ports.ResourceGraph
	// Clock defaults to the system clock.
	Clock ports.Clock
	// Log reports files left behind by a delete (default: slog.Default()).
	Log *slog.Logger
	// OnChange, when set, runs after commit with every recording a write
	// changed; deleted is true for removed ones (the WebSocket hub's
	// "recordings" topic can hang off it).
	OnChange func(r recording.Recording, deleted bool)
	// Assembler, when set, joins a FLAC recording's chunks into one file
	// for whole-recording downloads (without it those answer 501).
	Assembler ports.AudioAssembler
}

// Service implements the library use cases.
type Service struct {
	d       Deps
	joins   joins
	layouts layoutCache
}

// New checks deps and returns the service.
func New(d Deps) (*Service, error) {
	if err := ports.RequireDeps("library", map[string]bool{"Tx": d.Tx != nil, "Recordings": d.Recordings != nil, "Chunks": d.Chunks != nil, "Jobs": d.Jobs != nil, "Files": d.Files != nil, "Audit": d.Audit != nil}); err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{d: d, joins: joins{running: map[string]bool{}}}, nil
}

// Page is one page of recordings with the total of matches.
type Page struct {
	Recordings []recording.Recording
	Total      int64
}

// List returns the recordings matching f in f.Sort order (limit 1..500,
// offset ≥ 0), narrowed to the caller's readable nodes.
func (s *Service) List(ctx context.Context, f ports.RecordingFilter, limit, offset int) (Page, error) {
	var is errs.Issues
	is.Page(limit, offset, MaxPageSize)
	if err := is.Err(); err != nil {
		return Page{}, err
	}
	if err := s.scope(ctx, &f, access.RecordingRead); err != nil {
		return Page{}, err
	}
	recs, total, err := s.d.Recordings.ListRecordings(ctx, f, limit, offset)
	if err != nil {
		return Page{}, err
	}
	return Page{Recordings: recs, Total: total}, nil
}

// Facets counts the recordings matching f by status, folder, tag, node and
// room, narrowed to the caller's readable nodes.
func (s *Service) Facets(ctx context.Context, f ports.RecordingFilter) (ports.RecordingFacets, error) {
	if err := s.scope(ctx, &f, access.RecordingRead); err != nil {
		return ports.RecordingFacets{}, err
	}
	return s.d.Recordings.RecordingFacets(ctx, f)
}

// Get returns one recording, or recording.ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (recording.Recording, error) {
	if id == "" || len(id) > 64 {
		return recording.Recording{}, recording.ErrNotFound
	}
	return s.d.Recordings.GetRecording(ctx, id)
}

// Detail is a recording with its capture jobs (newest first, at most 100)
// and its stored chunks (by index).
type Detail struct {
	Recording recording.Recording
	Jobs      []recording.Job
	JobTotal  int64
	Chunks    []recording.Chunk
}

// Detail returns a recording with its jobs and chunks.
func (s *Service) Detail(ctx context.Context, id string) (Detail, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	jobs, total, err := s.d.Jobs.ListJobs(ctx, ports.JobFilter{RecordingID: id}, maxJobsShown, 0)
	if err != nil {
		return Detail{}, err
	}
	chunks, err := s.d.Chunks.ListChunks(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	return Detail{Recording: r, Jobs: jobs, JobTotal: total, Chunks: chunks}, nil
}

// RecordingTarget resolves the scope target of a recording route: the
// recording when it exists (the scope graph links it to its node, room and
// schedule), else the global scope (the handler then answers 404
// recording.notFound to callers holding the permission).
func (s *Service) RecordingTarget(ctx context.Context, id string) (access.Ref, error) {
	if _, err := s.Get(ctx, id); err != nil {
		if errs.KindOf(err) == errs.KindNotFound {
			return access.Global, nil
		}
		return access.Ref{}, err
	}
	return access.Ref{Type: access.ResourceRecording, ID: id}, nil
}

// ScopeParents are the scope-graph parents of a recording (its node and
// room): what ports.ResourceGraph.SetParents needs when a recording is
// created, so that grants on the node or room reach it.
func ScopeParents(r recording.Recording) []access.Ref {
	var out []access.Ref
	if r.NodeID != "" {
		out = append(out, access.Ref{Type: access.ResourceNode, ID: r.NodeID})
	}
	if r.RoomID != "" {
		out = append(out, access.Ref{Type: access.ResourceRoom, ID: r.RoomID})
	}
	return out
}

// scope narrows f to the nodes the caller holds perm on.
func (s *Service) scope(ctx context.Context, f *ports.RecordingFilter, perm access.Permission) error {
	only, ids, err := ports.NarrowToNodes(ctx, s.d.Scope, perm)
	if only {
		f.OnlyNodes, f.NodeIDs = true, ids
	}
	return err
}

// allowedNodes returns nil when the caller holds perm on every node, else
// the set of nodes they hold it on.
func (s *Service) allowedNodes(ctx context.Context, perm access.Permission) (map[string]bool, error) {
	if s.d.Scope == nil {
		return nil, nil
	}
	all, ids, err := s.d.Scope.ReadableNodes(ctx, perm)
	if err != nil || all {
		return nil, err
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}

// record appends a succeeded audit row; inside InTx it commits with the work.
func (s *Service) record(ctx context.Context, action string, perm access.Permission, r recording.Recording, before, after any, details map[string]any) error {
	return s.d.Audit.Record(ctx, audit.Event{Action: action, Outcome: audit.Succeeded, Permission: string(perm),
		Target: audit.Target{Type: string(access.ResourceRecording), ID: r.ID, Name: r.Name},
		Before: before, After: after, Details: details})
}

// changed runs OnChange after commit.
func (s *Service) changed(deleted bool, recs ...recording.Recording) {
	if s.d.OnChange == nil {
		return
	}
	for _, r := range recs {
		s.d.OnChange(r, deleted)
	}
}

// auditView is the before/after form of a recording in audit rows.
func auditView(r recording.Recording) map[string]any {
	tags := r.Tags
	if tags == nil {
		tags = []string{}
	}
	m := map[string]any{"id": r.ID, "name": r.Name, "folder": r.Folder, "tags": tags, "notes": r.Notes,
		"status": string(r.Status), "nodeId": r.NodeID, "sizeBytes": r.SizeBytes, "chunkTotal": r.ChunkTotal}
	for k, v := range map[string]string{"roomId": r.RoomID, "profileId": r.ProfileID, "codec": string(r.Codec), "checksum": r.Checksum} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}

// metadataView is the before/after of a metadata edit.
func metadataView(r recording.Recording) map[string]any {
	tags := r.Tags
	if tags == nil {
		tags = []string{}
	}
	return map[string]any{"name": r.Name, "folder": r.Folder, "tags": tags, "notes": r.Notes}
}

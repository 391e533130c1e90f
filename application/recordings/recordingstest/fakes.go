// Package recordingstest holds in-memory fakes of the recording ports for
// use-case and edge tests: one Store implements the recording, job, chunk,
// upload, profile and node stores and a Transactor that rolls every map
// back when the work fails.
package recordingstest

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// Store is an in-memory implementation of the recording stores, the node
// store and the transactor.
type Store struct {
	txMu sync.Mutex
	mu   sync.Mutex
	// Recs, JobsByID, ChunksByID, UploadsByID, ProfilesByID and NodesByID
	// are the rows (tests may read them directly).
	Recs        map[string]recording.Recording
	JobsByID    map[string]recording.Job
	ChunksByID  map[string]recording.Chunk
	UploadsByID map[string]recording.Upload
	Profiles    map[string]recording.Profile
	NodesByID   map[string]node.Node
	seq         int
	order       map[string]int
}

// New returns an empty store holding the built-in profiles.
func New() *Store {
	s := &Store{Recs: map[string]recording.Recording{}, JobsByID: map[string]recording.Job{},
		ChunksByID: map[string]recording.Chunk{}, UploadsByID: map[string]recording.Upload{},
		Profiles: map[string]recording.Profile{}, NodesByID: map[string]node.Node{}, order: map[string]int{}}
	for _, p := range recording.Builtins() {
		s.Profiles[p.ID] = p
	}
	return s
}

// InTx implements ports.Transactor: work runs alone and its changes are
// undone when it fails.
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	s.mu.Lock()
	var snap struct {
		Recs        map[string]recording.Recording
		JobsByID    map[string]recording.Job
		ChunksByID  map[string]recording.Chunk
		UploadsByID map[string]recording.Upload
		NodesByID   map[string]node.Node
		order       map[string]int
	}
	snap.Recs, snap.JobsByID, snap.ChunksByID = maps.Clone(s.Recs), maps.Clone(s.JobsByID), maps.Clone(s.ChunksByID)
	snap.UploadsByID, snap.NodesByID, snap.order = maps.Clone(s.UploadsByID), maps.Clone(s.NodesByID), maps.Clone(s.order)
	s.mu.Unlock()
	if err := fn(ctx); err != nil {
		s.mu.Lock()
		s.Recs, s.JobsByID, s.ChunksByID = snap.Recs, snap.JobsByID, snap.ChunksByID
		s.UploadsByID, s.NodesByID, s.order = snap.UploadsByID, snap.NodesByID, snap.order
		s.mu.Unlock()
		return err
	}
	return nil
}

func (s *Store) next(id string) {
	s.seq++
	s.order[id] = s.seq
}

// InsertRecording implements ports.RecordingStore.
func (s *Store) InsertRecording(_ context.Context, r recording.Recording) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Recs[r.ID] = r
	return nil
}

// GetRecording implements ports.RecordingStore.
func (s *Store) GetRecording(_ context.Context, id string) (recording.Recording, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.Recs[id]
	if !ok {
		return r, recording.ErrNotFound
	}
	return r, nil
}

// UpdateRecording implements ports.RecordingStore.
func (s *Store) UpdateRecording(_ context.Context, id string, fn func(r *recording.Recording) error) (recording.Recording, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.Recs[id]
	if !ok {
		return r, recording.ErrNotFound
	}
	if err := fn(&r); err != nil {
		return recording.Recording{}, err
	}
	s.Recs[id] = r
	return r, nil
}

// DeleteRecording implements ports.RecordingStore (cascading).
func (s *Store) DeleteRecording(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.Recs[id]; !ok {
		return recording.ErrNotFound
	}
	delete(s.Recs, id)
	maps.DeleteFunc(s.JobsByID, func(_ string, j recording.Job) bool { return j.RecordingID == id })
	maps.DeleteFunc(s.ChunksByID, func(_ string, c recording.Chunk) bool { return c.RecordingID == id })
	maps.DeleteFunc(s.UploadsByID, func(_ string, u recording.Upload) bool { return u.RecordingID == id })
	return nil
}

// ListRecordings implements ports.RecordingStore (ids and statuses only).
func (s *Store) ListRecordings(_ context.Context, f ports.RecordingFilter, limit, offset int) ([]recording.Recording, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []recording.Recording
	for _, r := range s.Recs {
		if (len(f.IDs) == 0 || slices.Contains(f.IDs, r.ID)) && (len(f.Statuses) == 0 || slices.Contains(f.Statuses, r.Status)) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	total := int64(len(out))
	return page(out, limit, offset), total, nil
}

// RecordingFacets implements ports.RecordingStore (not counted).
func (s *Store) RecordingFacets(context.Context, ports.RecordingFilter) (ports.RecordingFacets, error) {
	return ports.RecordingFacets{}, nil
}

// ScanRecordings implements ports.RecordingStore.
func (s *Store) ScanRecordings(ctx context.Context, f ports.RecordingFilter, fn func(recording.Recording) error) error {
	all, _, _ := s.ListRecordings(ctx, f, 0, 0)
	for _, r := range all {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func page[T any](items []T, limit, offset int) []T {
	if offset >= len(items) {
		return []T{}
	}
	items = items[offset:]
	if limit > 0 && limit < len(items) {
		items = items[:limit]
	}
	return items
}

// InsertJob implements ports.JobStore.
func (s *Store) InsertJob(_ context.Context, j recording.Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.JobsByID[j.ID] = j
	s.next(j.ID)
	return nil
}

// GetJob implements ports.JobStore.
func (s *Store) GetJob(_ context.Context, id string) (recording.Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.JobsByID[id]
	if !ok {
		return j, recording.ErrJobNotFound
	}
	return j, nil
}

// UpdateJob implements ports.JobStore.
func (s *Store) UpdateJob(_ context.Context, id string, fn func(j *recording.Job) error) (recording.Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.JobsByID[id]
	if !ok {
		return j, recording.ErrJobNotFound
	}
	if err := fn(&j); err != nil {
		return recording.Job{}, err
	}
	s.JobsByID[id] = j
	return j, nil
}

// jobsBy returns the matching jobs, oldest first.
func (s *Store) jobsBy(match func(recording.Job) bool) []recording.Job {
	var out []recording.Job
	for _, j := range s.JobsByID {
		if match(j) {
			out = append(out, j)
		}
	}
	sort.Slice(out, func(a, b int) bool { return s.order[out[a].ID] < s.order[out[b].ID] })
	return out
}

// ClaimNextJob implements ports.JobStore.
func (s *Store) ClaimNextJob(_ context.Context, nodeID string, now time.Time) (recording.Job, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.jobsBy(func(j recording.Job) bool { return j.NodeID == nodeID && j.Status == recording.JobQueued })
	if len(q) == 0 {
		return recording.Job{}, false, nil
	}
	j := q[0]
	if err := j.Claim(nodeID, now); err != nil {
		return recording.Job{}, false, err
	}
	s.JobsByID[j.ID] = j
	return j, true, nil
}

// ListJobs implements ports.JobStore (newest first).
func (s *Store) ListJobs(_ context.Context, f ports.JobFilter, limit, offset int) ([]recording.Job, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.jobsBy(func(j recording.Job) bool {
		return (len(f.Statuses) == 0 || slices.Contains(f.Statuses, j.Status)) && (f.NodeID == "" || f.NodeID == j.NodeID) &&
			(f.RecordingID == "" || f.RecordingID == j.RecordingID) && (!f.OnlyNodes || slices.Contains(f.NodeIDs, j.NodeID))
	})
	slices.Reverse(out)
	return page(out, limit, offset), int64(len(out)), nil
}

// LiveJobs implements ports.JobStore.
func (s *Store) LiveJobs(_ context.Context, nodeID string) ([]recording.Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobsBy(func(j recording.Job) bool { return j.Status.Live() && (nodeID == "" || j.NodeID == nodeID) }), nil
}

// CountJobs implements ports.JobStore.
func (s *Store) CountJobs(context.Context) (map[string]map[recording.JobStatus]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[recording.JobStatus]int64{}
	for _, j := range s.JobsByID {
		if out[j.NodeID] == nil {
			out[j.NodeID] = map[recording.JobStatus]int64{}
		}
		out[j.NodeID][j.Status]++
	}
	return out, nil
}

var (
	_ ports.Transactor     = (*Store)(nil)
	_ ports.RecordingStore = (*Store)(nil)
	_ ports.JobStore       = (*Store)(nil)
	_ ports.ChunkStore     = (*Store)(nil)
	_ ports.UploadStore    = (*Store)(nil)
)

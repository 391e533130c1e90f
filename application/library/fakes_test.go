package library

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

var t0 = time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)

// memStore is an in-memory RecordingStore, ChunkStore and JobStore.
type memStore struct {
	mu      sync.Mutex
	recs    map[string]recording.Recording
	chunks  map[string][]recording.Chunk
	jobs    []recording.Job
	filters []ports.RecordingFilter
}

func newMemStore() *memStore {
	return &memStore{recs: map[string]recording.Recording{}, chunks: map[string][]recording.Chunk{}}
}

func (m *memStore) snapshot() func() {
	recs, chunks := maps.Clone(m.recs), maps.Clone(m.chunks)
	return func() { m.recs, m.chunks = recs, chunks }
}

func (m *memStore) InsertRecording(_ context.Context, r recording.Recording) error {
	m.recs[r.ID] = r
	return nil
}

func (m *memStore) GetRecording(_ context.Context, id string) (recording.Recording, error) {
	r, ok := m.recs[id]
	if !ok {
		return r, recording.ErrNotFound
	}
	return r, nil
}

func (m *memStore) UpdateRecording(_ context.Context, id string, fn func(r *recording.Recording) error) (recording.Recording, error) {
	r, ok := m.recs[id]
	if !ok {
		return r, recording.ErrNotFound
	}
	r.Tags = slices.Clone(r.Tags)
	if err := fn(&r); err != nil {
		return recording.Recording{}, err
	}
	m.recs[id] = r
	return r, nil
}

func (m *memStore) DeleteRecording(_ context.Context, id string) error {
	if _, ok := m.recs[id]; !ok {
		return recording.ErrNotFound
	}
	delete(m.recs, id)
	delete(m.chunks, id)
	return nil
}

func (m *memStore) match(f ports.RecordingFilter) []recording.Recording {
	var out []recording.Recording
	for _, r := range m.recs {
		if f.OnlyNodes && !slices.Contains(f.NodeIDs, r.NodeID) {
			continue
		}
		if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, r.Status) {
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b recording.Recording) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (m *memStore) ListRecordings(_ context.Context, f ports.RecordingFilter, limit, offset int) ([]recording.Recording, int64, error) {
	m.filters = append(m.filters, f)
	all := m.match(f)
	end := min(len(all), offset+limit)
	if offset > len(all) {
		return nil, int64(len(all)), nil
	}
	return all[offset:end], int64(len(all)), nil
}

func (m *memStore) RecordingFacets(_ context.Context, f ports.RecordingFilter) (ports.RecordingFacets, error) {
	m.filters = append(m.filters, f)
	return ports.RecordingFacets{Statuses: []ports.Facet{{Value: "cached", Count: int64(len(m.match(f)))}}}, nil
}

func (m *memStore) ScanRecordings(_ context.Context, f ports.RecordingFilter, fn func(recording.Recording) error) error {
	m.filters = append(m.filters, f)
	for _, r := range m.match(f) {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) PutChunk(_ context.Context, c recording.Chunk) (recording.Chunk, bool, error) {
	m.chunks[c.RecordingID] = append(m.chunks[c.RecordingID], c)
	return c, true, nil
}

func (m *memStore) ListChunks(_ context.Context, id string) ([]recording.Chunk, error) {
	return slices.Clone(m.chunks[id]), nil
}

func (m *memStore) GetChunk(context.Context, string, int) (recording.Chunk, error) {
	return recording.Chunk{}, errors.New("unused")
}

func (m *memStore) InsertJob(context.Context, recording.Job) error { return errors.New("unused") }
func (m *memStore) GetJob(context.Context, string) (recording.Job, error) {
	return recording.Job{}, recording.ErrJobNotFound
}
func (m *memStore) UpdateJob(context.Context, string, func(j *recording.Job) error) (recording.Job, error) {
	return recording.Job{}, errors.New("unused")
}
func (m *memStore) ClaimNextJob(context.Context, string, time.Time) (recording.Job, bool, error) {
	return recording.Job{}, false, nil
}
func (m *memStore) ListJobs(_ context.Context, f ports.JobFilter, _, _ int) ([]recording.Job, int64, error) {
	var out []recording.Job
	for _, j := range m.jobs {
		if j.RecordingID == f.RecordingID {
			out = append(out, j)
		}
	}
	return out, int64(len(out)), nil
}
func (m *memStore) LiveJobs(context.Context, string) ([]recording.Job, error) { return nil, nil }
func (m *memStore) CountJobs(context.Context) (map[string]map[recording.JobStatus]int64, error) {
	return nil, nil
}

// memTx rolls the store back when fn fails.
type memTx struct{ m *memStore }

func (t memTx) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	restore := t.m.snapshot()
	if err := fn(ctx); err != nil {
		restore()
		return err
	}
	return nil
}

// memFiles is an in-memory RecordingFiles.
type memFiles struct {
	files   map[string][]byte
	removed []string
	opened  int
}

type memFile struct {
	*bytes.Reader
	size int64
}

func (f memFile) Close() error { return nil }
func (f memFile) Size() int64  { return f.size }

func (f *memFiles) UploadSize(string) (int64, error) { return 0, nil }
func (f *memFiles) AppendUpload(context.Context, string, int64, io.Reader, int64) (int64, error) {
	return 0, errors.New("unused")
}
func (f *memFiles) CommitUpload(context.Context, string, string, string) error {
	return errors.New("unused")
}
func (f *memFiles) DiscardUpload(string) error { return nil }
func (f *memFiles) Path(rel string) string     { return "/mem/" + rel }
func (f *memFiles) Open(rel string) (ports.FileRange, error) {
	b, ok := f.files[rel]
	if !ok {
		return nil, errors.New("no such file " + rel)
	}
	f.opened++
	return memFile{bytes.NewReader(b), int64(len(b))}, nil
}
func (f *memFiles) RemoveRecording(id string) error {
	f.removed = append(f.removed, id)
	return nil
}

// memAudit collects the recorded rows.
type memAudit struct{ rows []audit.Event }

func (a *memAudit) Record(_ context.Context, e audit.Event) error {
	a.rows = append(a.rows, e)
	return nil
}

// scopeOf answers ReadableNodes with a fixed node list (nil = all).
type scopeOf struct{ nodes []string }

func (s scopeOf) ReadableNodes(context.Context, access.Permission) (bool, []string, error) {
	return s.nodes == nil, s.nodes, nil
}

type fixture struct {
	svc   *Service
	store *memStore
	files *memFiles
	audit *memAudit
}

func newFixture(t *testing.T, scope ports.NodeScope) *fixture {
	t.Helper()
	f := &fixture{store: newMemStore(), files: &memFiles{files: map[string][]byte{}}, audit: &memAudit{}}
	svc, err := New(Deps{Tx: memTx{f.store}, Recordings: f.store, Chunks: f.store, Jobs: f.store, Files: f.files,
		Audit: f.audit, Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	return f
}

// rec stores a recording.
func (f *fixture) rec(id, node string, st recording.Status, mod ...func(*recording.Recording)) recording.Recording {
	r := recording.Recording{ID: id, Name: "Recording " + id, NodeID: node, Status: st, Codec: recording.CodecWAV,
		CreatedAt: t0, UpdatedAt: t0}
	for _, fn := range mod {
		fn(&r)
	}
	f.store.recs[id] = r
	return r
}

// chunk stores a chunk file of a recording.
func (f *fixture) chunk(recID string, index int, codec recording.Codec, body []byte) {
	rel := recID + "/" + string(rune('a'+index)) + "." + string(codec)
	f.files.files[rel] = body
	f.store.chunks[recID] = append(f.store.chunks[recID], recording.Chunk{ID: rel, RecordingID: recID, Index: index,
		Codec: codec, SizeBytes: int64(len(body)), SHA256: strings.Repeat(string(rune('0'+index)), 64), Path: rel,
		CreatedAt: t0.Add(time.Duration(index) * time.Minute)})
}

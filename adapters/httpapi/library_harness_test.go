package httpapi_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/casbinauthz"
	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/application/library"
	"github.com/rakkr/rakkr/application/profiles"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/dbtest"
)

// libStore is an in-memory recording, chunk, job, profile and channel-map
// store (the methods the library and settings routes use).
type libStore struct {
	ports.JobStore
	recs      map[string]recording.Recording
	chunks    map[string][]recording.Chunk
	files     map[string][]byte
	profiles  map[string]recording.Profile
	templates map[string]channelmap.Template
	assigns   []channelmap.Assignment
}

func (s *libStore) InsertRecording(_ context.Context, r recording.Recording) error {
	s.recs[r.ID] = r
	return nil
}
func (s *libStore) GetRecording(_ context.Context, id string) (recording.Recording, error) {
	if r, ok := s.recs[id]; ok {
		return r, nil
	}
	return recording.Recording{}, recording.ErrNotFound
}
func (s *libStore) UpdateRecording(ctx context.Context, id string, fn func(*recording.Recording) error) (recording.Recording, error) {
	r, err := s.GetRecording(ctx, id)
	if err == nil {
		err = fn(&r)
	}
	if err != nil {
		return recording.Recording{}, err
	}
	s.recs[id] = r
	return r, nil
}
func (s *libStore) DeleteRecording(_ context.Context, id string) error {
	delete(s.recs, id)
	return nil
}
func (s *libStore) match(f ports.RecordingFilter) []recording.Recording {
	var out []recording.Recording
	for _, id := range slices.Sorted(maps.Keys(s.recs)) {
		if r := s.recs[id]; !f.OnlyNodes || slices.Contains(f.NodeIDs, r.NodeID) {
			out = append(out, r)
		}
	}
	return out
}
func (s *libStore) ListRecordings(_ context.Context, f ports.RecordingFilter, limit, offset int) ([]recording.Recording, int64, error) {
	all := s.match(f)
	return all[min(offset, len(all)):min(offset+limit, len(all))], int64(len(all)), nil
}
func (s *libStore) RecordingFacets(context.Context, ports.RecordingFilter) (ports.RecordingFacets, error) {
	return ports.RecordingFacets{}, nil
}
func (s *libStore) ScanRecordings(_ context.Context, f ports.RecordingFilter, fn func(recording.Recording) error) error {
	for _, r := range s.match(f) {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}
func (s *libStore) PutChunk(context.Context, recording.Chunk) (recording.Chunk, bool, error) {
	return recording.Chunk{}, false, errors.New("unused")
}
func (s *libStore) ListChunks(_ context.Context, id string) ([]recording.Chunk, error) {
	return s.chunks[id], nil
}
func (s *libStore) GetChunk(context.Context, string, int) (recording.Chunk, error) {
	return recording.Chunk{}, errors.New("unused")
}
func (s *libStore) ListJobs(context.Context, ports.JobFilter, int, int) ([]recording.Job, int64, error) {
	return nil, 0, nil
}

// RecordingFiles over s.files.
func (s *libStore) UploadSize(string) (int64, error) { return 0, nil }
func (s *libStore) AppendUpload(context.Context, string, int64, io.Reader, int64) (int64, error) {
	return 0, errors.New("unused")
}
func (s *libStore) CommitUpload(context.Context, string, string, string) error {
	return errors.New("unused")
}
func (s *libStore) DiscardUpload(string) error { return nil }
func (s *libStore) Path(rel string) string     { return rel }
func (s *libStore) Open(rel string) (ports.FileRange, error) {
	b, ok := s.files[rel]
	if !ok {
		return nil, errors.New("no file")
	}
	return libFile{bytes.NewReader(b)}, nil
}
func (s *libStore) RemoveRecording(string) error { return nil }

type libFile struct{ *bytes.Reader }

func (libFile) Close() error { return nil }

// ProfileStore and ChannelMapStore.
func (s *libStore) ListProfiles(context.Context) ([]recording.Profile, error) {
	return slices.Collect(maps.Values(s.profiles)), nil
}
func (s *libStore) GetProfile(_ context.Context, id string) (recording.Profile, error) {
	if p, ok := s.profiles[id]; ok {
		return p, nil
	}
	return recording.Profile{}, recording.ErrProfileNotFound
}
func (s *libStore) InsertProfile(_ context.Context, p recording.Profile) error {
	s.profiles[p.ID] = p
	return nil
}
func (s *libStore) UpdateProfile(ctx context.Context, id string, fn func(*recording.Profile) error) (recording.Profile, error) {
	p, err := s.GetProfile(ctx, id)
	if err == nil {
		err = fn(&p)
	}
	if err != nil {
		return recording.Profile{}, err
	}
	s.profiles[id] = p
	return p, nil
}
func (s *libStore) DeleteProfile(_ context.Context, id string) error {
	delete(s.profiles, id)
	return nil
}
func (s *libStore) ListTemplates(context.Context) ([]channelmap.Template, error) {
	return slices.Collect(maps.Values(s.templates)), nil
}
func (s *libStore) GetTemplate(_ context.Context, id string) (channelmap.Template, error) {
	if t, ok := s.templates[id]; ok {
		return t, nil
	}
	return channelmap.Template{}, recording.ErrTemplateNotFound
}
func (s *libStore) InsertTemplate(_ context.Context, t channelmap.Template) error {
	s.templates[t.ID] = t
	return nil
}
func (s *libStore) UpdateTemplate(ctx context.Context, id string, fn func(*channelmap.Template) error) (channelmap.Template, error) {
	t, err := s.GetTemplate(ctx, id)
	if err == nil {
		err = fn(&t)
	}
	if err != nil {
		return channelmap.Template{}, err
	}
	s.templates[id] = t
	return t, nil
}
func (s *libStore) DeleteTemplate(_ context.Context, id string) error {
	delete(s.templates, id)
	return nil
}
func (s *libStore) Assign(_ context.Context, a channelmap.Assignment) error {
	s.assigns = append(s.assigns, a)
	return nil
}
func (s *libStore) Unassign(context.Context, channelmap.TargetType, string) error { return nil }
func (s *libStore) Assignments(context.Context) ([]channelmap.Assignment, error) {
	return s.assigns, nil
}

// libUsers accepts "owner", "operator" (global grant) and "viewer" (node n1)
// unless their sign-in has ended.
type libUsers struct{ ended map[string]bool }

func (u libUsers) Authenticate(_ context.Context, bearer string) (access.Principal, error) {
	roles := map[string]access.Role{"owner": access.RoleOwner, "operator": access.RoleOperator, "viewer": access.RoleViewer}
	r, ok := roles[bearer]
	if !ok || u.ended[bearer] {
		return access.Principal{}, errs.ErrUnauthorized
	}
	return access.Principal{Kind: access.PrincipalUser, ID: bearer + "-id", Name: bearer, Roles: []access.Role{r}}, nil
}

// libScope is a ports.NodeScope over nodes n1 and n2 (fleet.Service in
// production).
type libScope struct{ authz ports.Authorizer }

func (s libScope) ReadableNodes(ctx context.Context, perm access.Permission) (bool, []string, error) {
	p, _ := access.PrincipalFrom(ctx)
	if slices.ContainsFunc(p.Roles, access.Role.Unscoped) {
		return true, nil, nil
	}
	ids := []string{}
	for _, n := range []string{"n1", "n2"} {
		d, err := s.authz.Decide(ctx, p, perm, access.Ref{Type: access.ResourceNode, ID: n})
		if err != nil {
			return false, nil, err
		}
		if d.Allowed {
			ids = append(ids, n)
		}
	}
	return false, ids, nil
}

type libAPI struct {
	srv   *httpapi.Server
	store *libStore
	clock *fleetClock
	authz *casbinauthz.Authorizer
	db    dbtest.Case
	logs  *syncBuffer
	users libUsers
}

func newLibAPI(t *testing.T) libAPI {
	t.Helper()
	c := dbtest.SQLite(t)
	ctx := context.Background()
	authz, err := casbinauthz.New(ctx, c.DB)
	if err != nil {
		t.Fatal(err)
	}
	for id, u := range map[string]struct {
		role  access.Role
		grant access.Ref
	}{"owner-id": {access.RoleOwner, access.Global}, "operator-id": {access.RoleOperator, access.Global},
		"viewer-id": {access.RoleViewer, access.Ref{Type: access.ResourceNode, ID: "n1"}}} {
		if err := authz.SetUserAccess(ctx, id, []access.Role{u.role}, nil, []access.Ref{u.grant}); err != nil {
			t.Fatal(err)
		}
	}
	st := &libStore{recs: map[string]recording.Recording{}, chunks: map[string][]recording.Chunk{}, files: map[string][]byte{},
		profiles: map[string]recording.Profile{}, templates: map[string]channelmap.Template{}}
	for _, p := range recording.Builtins() {
		st.profiles[p.ID] = p
	}
	for _, r := range []recording.Recording{
		{ID: "rec_1", Name: "=Council", Tags: []string{"@budget"}, NodeID: "n1", Status: recording.StatusCached, Codec: recording.CodecWAV},
		{ID: "rec_2", Name: "Other room", NodeID: "n2", Status: recording.StatusCached, Codec: recording.CodecWAV},
	} {
		r.CreatedAt = time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)
		st.recs[r.ID] = r
		if err := authz.SetParents(ctx, access.Ref{Type: access.ResourceRecording, ID: r.ID},
			[]access.Ref{{Type: access.ResourceNode, ID: r.NodeID}}); err != nil {
			t.Fatal(err)
		}
	}
	rec := auditing.NewRecorder(c.DB, gormstore.NewAuditStore(c.DB), ports.SystemClock{}, nil)
	lib, err := library.New(library.Deps{Tx: c.DB, Recordings: st, Chunks: st, Jobs: st, Files: st, Audit: rec, Graph: authz,
		Scope: libScope{authz}})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profiles.New(profiles.Deps{Tx: c.DB, Profiles: st, Maps: st, Audit: rec, Recordings: st})
	if err != nil {
		t.Fatal(err)
	}
	clock, logs, users := &fleetClock{t: time.Now().UTC()}, &syncBuffer{}, libUsers{ended: map[string]bool{}}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := httpapi.New(httpapi.Deps{Log: log, Authenticator: users, Authorizer: authz, Audit: rec, Clock: clock},
		httpapi.Options{}, &httpapi.LibraryModule{Service: lib}, &httpapi.SettingsModule{Profiles: prof})
	if err != nil {
		t.Fatal(err)
	}
	return libAPI{srv: srv, store: st, clock: clock, authz: authz, db: c, logs: logs, users: users}
}

func (a libAPI) do(method, path, bearer string, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	return w
}

// wavChunk is a 16-bit mono WAV holding samples.
func wavChunk(samples []byte) []byte {
	le := binary.LittleEndian
	b := append([]byte(nil), "RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00"...)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 1)
	b = le.AppendUint32(b, 8000)
	b = le.AppendUint32(b, 16000)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(len(samples)))
	b = append(b, samples...)
	le.PutUint32(b[4:8], uint32(len(b)-8))
	return b
}

// assignsTemplateID returns the only template's id.
func (s *libStore) assignsTemplateID(t *testing.T) string {
	t.Helper()
	for id := range s.templates {
		return id
	}
	t.Fatal("no template")
	return ""
}

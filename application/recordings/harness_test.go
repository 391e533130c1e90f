package recordings_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/application/recordings"
	"github.com/rakkr/rakkr/application/recordings/recordingstest"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// counting is a recordings.Observer.
type counting struct {
	expired, failed int
	bytes           int64
	reasons         []string
}

func (c *counting) LeaseExpired(string)           { c.expired++ }
func (c *counting) JobFailed(r string)            { c.failed++; c.reasons = append(c.reasons, r) }
func (c *counting) ChunkStored(_ string, n int64) { c.bytes += n }

type harness struct {
	t      *testing.T
	svc    *recordings.Service
	store  *recordingstest.Store
	files  *recordingstest.Files
	audit  *recordingstest.Audit
	health *recordingstest.Health
	clock  *recordingstest.Clock
	dec    *recordingstest.Decoder
	obs    *counting
	ctx    context.Context
	jobs   []recording.Job
}

const nodeID = "node_1"

func newHarness(t *testing.T) *harness {
	t.Helper()
	st := recordingstest.New()
	clock := &recordingstest.Clock{T: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	h := &harness{t: t, store: st, files: recordingstest.NewFiles(), audit: &recordingstest.Audit{},
		health: &recordingstest.Health{}, clock: clock, obs: &counting{},
		dec: &recordingstest.Decoder{Format: pcm.Format{SampleRate: 48000, Channels: 2}}}
	h.dec.Frames = func(string) int64 { return 48000 }
	st.NodesByID[nodeID] = node.Node{ID: nodeID, Alias: "Rec 1", RoomID: "room_a", MaxConcurrentRecordings: 2,
		Interfaces: []node.Interface{{ID: "if_1", NodeID: nodeID, SystemRef: "usb:1", ChannelCount: 4,
			Channels: []node.Channel{{Index: 1}, {Index: 2}, {Index: 3, RoomID: "room_b"}, {Index: 4}}},
			{ID: "if_gone", NodeID: nodeID, SystemRef: "usb:2", ChannelCount: 2, Absent: true}}}
	svc, err := recordings.New(recordings.Deps{Tx: st, Recordings: st, Jobs: st, Chunks: st, Uploads: st, Profiles: st,
		Nodes: recordingstest.Nodes{S: st}, Files: h.files, Decoder: h.dec, Audit: h.audit, Health: h.health, Clock: clock,
		StartedAt: clock.T.Add(-time.Hour), Observer: h.obs, OnJob: func(j recording.Job) { h.jobs = append(h.jobs, j) }})
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc
	h.ctx = access.WithPrincipal(context.Background(), access.Principal{Kind: access.PrincipalUser, ID: "u1"})
	return h
}

func (h *harness) input() recordings.CreateInput {
	return recordings.CreateInput{NodeID: nodeID, InterfaceID: "if_1", Channels: []int{1, 2}, ChannelMode: "stereo",
		ProfileID: recording.ProfileRawWAV, Name: "Council"}
}

func (h *harness) create(in recordings.CreateInput) (recording.Recording, recording.Job) {
	h.t.Helper()
	r, j, err := h.svc.Create(h.ctx, in)
	if err != nil {
		h.t.Fatalf("create: %v", err)
	}
	return r, j
}

func (h *harness) claim() recording.Job {
	h.t.Helper()
	j, err := h.svc.ClaimNext(h.ctx, nodeID)
	if err != nil || j == nil {
		h.t.Fatalf("claim: %v %v", j, err)
	}
	return *j
}

func (h *harness) rec(id string) recording.Recording {
	h.t.Helper()
	r, err := h.svc.Recording(h.ctx, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// upload sends one chunk whole and returns the final status.
func (h *harness) upload(rec recording.Recording, job recording.Job, index int, data []byte, final bool) (agentapi.UploadStatus, error) {
	h.t.Helper()
	st, err := h.svc.OpenUpload(h.ctx, nodeID, h.uploadReq(rec, job, index, data, final))
	if err != nil || st.Complete {
		return st, err
	}
	return h.svc.PutUpload(h.ctx, nodeID, st.UploadID, st.ReceivedBytes, strings.NewReader(string(data[st.ReceivedBytes:])))
}

func (h *harness) uploadReq(rec recording.Recording, job recording.Job, index int, data []byte, final bool) agentapi.UploadRequest {
	return agentapi.UploadRequest{RecordingID: rec.ID, JobID: job.ID, Index: index, Final: final, OffsetFrames: int64(index) * 48000,
		Frames: 48000, SampleRate: 48000, Channels: 2, Codec: "wav", SizeBytes: int64(len(data)), SHA256: sum(data)}
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, err error, code string) *errs.Error {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want %s, got %v", code, err)
	}
	return e
}

// wantField fails unless err is a validation error naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
		t.Fatalf("want a validation error naming %s, got %v", field, err)
	}
	for _, is := range e.Details.(map[string]any)["issues"].([]errs.FieldIssue) {
		if is.Field == field {
			return
		}
	}
	t.Fatalf("error does not name %s: %v", field, e.Details)
}

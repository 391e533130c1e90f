// Package recordings_test runs the capture use cases on the real GORM
// stores (SQLite and Postgres), the real recording cache and the real
// health store, with a fake decoder.
package recordings_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/adapters/recordingcache"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/application/recordings"
	"github.com/rakkr/rakkr/application/recordings/recordingstest"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
	"github.com/rakkr/rakkr/test/dbtest"
)

type fixture struct {
	svc   *recordings.Service
	clock *recordingstest.Clock
	db    *gormstore.DB
	node  node.Node
	ctx   context.Context
}

func newFixture(t *testing.T, c dbtest.Case) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := &recordingstest.Clock{T: time.Now().UTC().Truncate(time.Second)}
	nodes := gormstore.NewNodeStore(c.DB)
	n, err := node.New("Rec 1", "", "", "", clock.T)
	if err != nil {
		t.Fatal(err)
	}
	if err := nodes.CreateNode(ctx, n); err != nil {
		t.Fatal(err)
	}
	if err := nodes.SaveInterfaces(ctx, n.ID, []node.Interface{{ID: node.NewInterfaceID(), NodeID: n.ID, SystemRef: "usb:1",
		SystemName: "Card", Backend: "alsa", ChannelCount: 2, SampleRates: []int{48000},
		Channels: []node.Channel{{Index: 1, Label: "In 1"}, {Index: 2, Label: "In 2"}}}}); err != nil {
		t.Fatal(err)
	}
	n, _ = nodes.GetNode(ctx, n.ID)
	files, err := recordingcache.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	jobs, chunks := gormstore.NewJobStore(c.DB), gormstore.NewChunkStore(c.DB)
	svc, err := recordings.New(recordings.Deps{Tx: c.DB, Recordings: gormstore.NewRecordingStore(c.DB), Jobs: jobs, Chunks: chunks,
		Uploads: chunks, Profiles: gormstore.NewProfileStore(c.DB), ChannelMaps: gormstore.NewChannelMapStore(c.DB), Nodes: nodes,
		Files: files, Decoder: &recordingstest.Decoder{Format: pcm.Format{SampleRate: 48000, Channels: 1}, Frames: func(string) int64 { return 48000 }},
		Audit: auditing.NewRecorder(c.DB, gormstore.NewAuditStore(c.DB), clock, nil), Health: gormstore.NewHealthStore(c.DB, clock),
		Clock: clock, StartedAt: clock.T.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	uctx := audit.WithRequest(ctx, audit.Request{Actor: audit.Actor{ID: "u1", Name: "u1", Type: audit.ActorUser, Roles: []string{}}})
	uctx = access.WithPrincipal(uctx, access.Principal{Kind: access.PrincipalUser, ID: "u1"})
	return &fixture{svc: svc, clock: clock, db: c.DB, node: n, ctx: uctx}
}

func (f *fixture) create(t *testing.T, ch int) (recording.Recording, recording.Job, error) {
	t.Helper()
	return f.svc.Create(f.ctx, recordings.CreateInput{NodeID: f.node.ID, InterfaceID: f.node.Interfaces[0].ID, Channels: []int{ch},
		ChannelMode: "mono", ProfileID: recording.ProfileRawWAV, Name: "Council", Tags: []string{"a"}})
}

func (f *fixture) upload(t *testing.T, rec recording.Recording, j recording.Job, idx int, data string, final bool) {
	t.Helper()
	h := sha256.Sum256([]byte(data))
	st, err := f.svc.OpenUpload(f.ctx, f.node.ID, agentapi.UploadRequest{RecordingID: rec.ID, JobID: j.ID, Index: idx, Final: final,
		Frames: 48000, SampleRate: 48000, Channels: 1, Codec: "wav", SizeBytes: int64(len(data)), SHA256: hex.EncodeToString(h[:])})
	if err != nil {
		t.Fatal(err)
	}
	if st, err = f.svc.PutUpload(f.ctx, f.node.ID, st.UploadID, 0, strings.NewReader(data)); err != nil || !st.Complete {
		t.Fatalf("put: %+v %v", st, err)
	}
}

// TestCaptureLifecycleOnRealStores: create, busy and capacity checks,
// claim, upload, lease expiry and revival, report → cached, verification
// failure → health event, discard.
func TestCaptureLifecycleOnRealStores(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		f := newFixture(t, c)
		rec, _, err := f.create(t, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.create(t, 1); err == nil || !strings.Contains(err.Error(), "capture_channels_busy") {
			t.Fatalf("busy: %v", err)
		}
		if _, _, err := f.create(t, 2); err == nil || !strings.Contains(err.Error(), "node_capture_capacity_reached") {
			t.Fatalf("capacity: %v", err)
		}
		jp, err := f.svc.ClaimNext(f.ctx, f.node.ID)
		if err != nil || jp == nil {
			t.Fatalf("claim: %v", err)
		}
		j := *jp
		f.upload(t, rec, j, 0, "chunk zero bytes", false)
		f.clock.Advance(recording.LeaseDuration + time.Second)
		if n, err := f.svc.ExpireLeases(f.ctx); n != 1 || err != nil {
			t.Fatalf("expire: %d %v", n, err)
		}
		if got, _ := f.svc.Recording(f.ctx, rec.ID); got.Status != recording.StatusPartial {
			t.Fatalf("after expiry: %s", got.Status)
		}
		if st, err := f.svc.Heartbeat(f.ctx, f.node.ID, j.ID, agentapi.JobHeartbeat{}); err != nil || !st.Revived {
			t.Fatalf("revive: %+v %v", st, err)
		}
		f.upload(t, rec, j, 1, "chunk one bytes", true)
		if _, err := f.svc.Report(f.ctx, f.node.ID, j.ID, agentapi.JobReport{Status: "completed", ChunkTotal: 2,
			Verification: agentapi.Verification{OK: true}}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.svc.Recording(f.ctx, rec.ID)
		if got.Status != recording.StatusCached || got.Frames != 96000 || got.Waveform == nil || got.SizeBytes != 31 {
			t.Fatalf("settled: %+v", got)
		}

		// A completed capture that fails verification opens a health event.
		rec2, _, err := f.create(t, 2)
		if err != nil {
			t.Fatal(err)
		}
		j2, _ := f.svc.ClaimNext(f.ctx, f.node.ID)
		f.upload(t, rec2, *j2, 0, "only chunk", true)
		if _, err := f.svc.Report(f.ctx, f.node.ID, j2.ID, agentapi.JobReport{Status: "completed", ChunkTotal: 1,
			Verification: agentapi.Verification{OK: false, Problems: []string{"silent"}}}); err != nil {
			t.Fatal(err)
		}
		evs, _, err := gormstore.NewHealthStore(c.DB, f.clock).List(f.ctx, ports.HealthFilter{RecordingID: rec2.ID}, 10, 0)
		if err != nil || len(evs) != 1 || evs[0].Type != recordings.VerificationFailedType {
			t.Fatalf("health: %+v %v", evs, err)
		}
		if got, _ := f.svc.Recording(f.ctx, rec2.ID); got.Status != recording.StatusPartial || got.FailureReason != recording.ReasonVerificationFailed {
			t.Fatalf("unverified: %s %s", got.Status, got.FailureReason)
		}
		if _, err := f.svc.Discard(f.ctx, rec.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Recording(f.ctx, rec.ID); err == nil {
			t.Fatal("discarded recording still there")
		}
	})
}

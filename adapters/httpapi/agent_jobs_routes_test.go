package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/casbinauthz"
	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/adapters/recordingcache"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/application/recordings"
	"github.com/rakkr/rakkr/application/recordings/recordingstest"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
	"github.com/rakkr/rakkr/test/dbtest"
)

// recAPI is the fleet edge plus the recording and agent job modules over
// real stores, the real recording cache and a fake decoder.
type recAPI struct {
	*fleetAPI
	nodeID, nodeToken, ifaceID string
}

func newRecAPI(t *testing.T, c dbtest.Case) *recAPI {
	t.Helper()
	ctx := context.Background()
	authz, err := casbinauthz.New(ctx, c.DB)
	if err != nil {
		t.Fatal(err)
	}
	if err := authz.SetUserAccess(ctx, "owner-id", []access.Role{access.RoleOwner}, nil, nil); err != nil {
		t.Fatal(err)
	}
	clock := &fleetClock{t: time.Now().UTC().Truncate(time.Second)}
	rec := auditing.NewRecorder(c.DB, gormstore.NewAuditStore(c.DB), clock, nil)
	health := &fleetHealth{counts: map[string]ports.HealthCounts{}}
	fsvc, err := fleet.New(fleet.Deps{Tx: c.DB, Nodes: gormstore.NewNodeStore(c.DB), Credentials: gormstore.NewNodeCredentialStore(c.DB),
		Rooms: gormstore.NewRoomStore(c.DB), Graph: authz, Authorizer: authz, Audit: rec, Health: health, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	files, err := recordingcache.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dec := &recordingstest.Decoder{Format: pcm.Format{SampleRate: 48000, Channels: 2}, Frames: func(string) int64 { return 48000 }}
	chunks := gormstore.NewChunkStore(c.DB)
	rsvc, err := recordings.New(recordings.Deps{Tx: c.DB, Recordings: gormstore.NewRecordingStore(c.DB), Jobs: gormstore.NewJobStore(c.DB),
		Chunks: chunks, Uploads: chunks, Profiles: gormstore.NewProfileStore(c.DB), Nodes: gormstore.NewNodeStore(c.DB),
		Files: files, Decoder: dec, Audit: rec, Graph: authz, Clock: clock, Scope: fsvc})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.New(httpapi.Deps{Log: slog.New(slog.DiscardHandler), Authenticator: fleetUsers{}, NodeAuthenticator: fsvc,
		Authorizer: authz, Audit: rec}, httpapi.Options{MaxBodyBytes: 1024},
		&httpapi.NodesModule{Service: fsvc}, &httpapi.AgentModule{Service: fsvc},
		&httpapi.RecordingsModule{Service: rsvc}, &httpapi.AgentJobsModule{Service: rsvc})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	a := &recAPI{fleetAPI: &fleetAPI{t: t, srv: hs, db: c.DB, authz: authz, svc: fsvc, clock: clock, health: health}}
	id, boot := a.enroll("rec-1", nil)
	a.nodeID, a.nodeToken = id, a.exchange(boot, agentBody())
	n, err := gormstore.NewNodeStore(c.DB).GetNode(ctx, id)
	if err != nil || len(n.Interfaces) == 0 {
		t.Fatalf("node: %v", err)
	}
	a.ifaceID = n.Interfaces[0].ID
	return a
}

// put sends raw bytes at offset to an upload.
func (a *recAPI) put(uploadID string, offset int64, body string) fleetResp {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPut, a.srv.URL+fmt.Sprintf(agentapi.PathUpload, a.nodeID, uploadID), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.nodeToken)
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set(agentapi.HeaderUploadOffset, fmt.Sprint(offset))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := fleetResp{Status: res.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

func (a *recAPI) count(table, recID string) int64 {
	a.t.Helper()
	var n int64
	if err := a.db.Gorm.Raw("SELECT count(*) FROM "+table+" WHERE recording_id = ?", recID).Scan(&n).Error; err != nil {
		a.t.Fatal(err)
	}
	return n
}

func hexSum(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

// TestAgentUploadProtocol drives a capture over HTTP: create, claim,
// resumable upload (partial PUT, offset mismatch, resume, repeated chunk,
// wrong checksum, oversized body), report.
func TestAgentUploadProtocol(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		a := newRecAPI(t, c)
		r := a.must(201, "POST", "/api/v1/recordings", "owner", map[string]any{"nodeId": a.nodeID, "interfaceId": a.ifaceID,
			"channels": []int{1, 2}, "channelMode": "stereo", "profileId": "raw-wav", "name": "Council"})
		recID := r.data()["recording"].(map[string]any)["id"].(string)
		if r.data()["recording"].(map[string]any)["status"] != "queued" {
			t.Fatalf("create: %s", r.Raw)
		}
		claim := a.must(200, "POST", fmt.Sprintf(agentapi.PathJobClaim, a.nodeID), a.nodeToken, nil)
		job, _ := claim.data()["job"].(map[string]any)
		if job == nil || job["recordingId"] != recID || job["command"].(map[string]any)["interfaceRef"] != "usb:focusrite:1234" {
			t.Fatalf("claim: %s", claim.Raw)
		}
		jobID := job["id"].(string)
		a.must(200, "POST", fmt.Sprintf(agentapi.PathJobHeartbeat, a.nodeID, jobID), a.nodeToken, map[string]any{"capturedFrames": 4800})

		data := strings.Repeat("pcm-frames-", 300) // larger than MaxBodyBytes: the PUT route streams
		open := map[string]any{"recordingId": recID, "jobId": jobID, "index": 0, "final": true, "frames": 48000, "sampleRate": 48000,
			"channels": 2, "codec": "wav", "sizeBytes": len(data), "sha256": hexSum(data)}
		st := a.must(200, "POST", fmt.Sprintf(agentapi.PathUploads, a.nodeID), a.nodeToken, open).data()
		upID := st["uploadId"].(string)
		if p := a.put(upID, 0, data[:1000]); p.Status != 200 || p.data()["receivedBytes"] != float64(1000) {
			t.Fatalf("partial put: %d %s", p.Status, p.Raw)
		}
		if p := a.put(upID, 0, data); p.Status != 409 || p.code() != "upload.offsetMismatch" ||
			p.Body["error"].(map[string]any)["details"].(map[string]any)["receivedBytes"] != float64(1000) {
			t.Fatalf("offset mismatch: %d %s", p.Status, p.Raw)
		}
		if p := a.put(upID, 1000, data[1000:]+"surplus"); p.Status != 413 {
			t.Fatalf("oversized: %d %s", p.Status, p.Raw)
		}
		got := a.must(200, "GET", fmt.Sprintf(agentapi.PathUpload, a.nodeID, upID), a.nodeToken, nil).data()
		if got["receivedBytes"] != float64(1000) {
			t.Fatalf("resume point: %v", got)
		}
		if p := a.put(upID, 1000, data[1000:]); p.Status != 200 || p.data()["complete"] != true {
			t.Fatalf("resume: %d %s", p.Status, p.Raw)
		}
		// The same chunk again is complete at once, stored once.
		again := a.must(200, "POST", fmt.Sprintf(agentapi.PathUploads, a.nodeID), a.nodeToken, open).data()
		if again["complete"] != true || a.count("recording_chunks", recID) != 1 {
			t.Fatalf("repeat: %v", again)
		}
		// A wrong checksum stores nothing and restarts the upload at 0.
		bad := map[string]any{"recordingId": recID, "jobId": jobID, "index": 1, "frames": 48000, "sampleRate": 48000,
			"channels": 2, "codec": "wav", "sizeBytes": 5, "sha256": hexSum("other")}
		bst := a.must(200, "POST", fmt.Sprintf(agentapi.PathUploads, a.nodeID), a.nodeToken, bad).data()
		if p := a.put(bst["uploadId"].(string), 0, "bytes"); p.Status != 422 || p.code() != "upload.checksumMismatch" {
			t.Fatalf("checksum: %d %s", p.Status, p.Raw)
		}
		if g := a.must(200, "GET", fmt.Sprintf(agentapi.PathUpload, a.nodeID, bst["uploadId"]), a.nodeToken, nil).data(); g["receivedBytes"] != float64(0) ||
			a.count("recording_chunks", recID) != 1 {
			t.Fatalf("after mismatch: %v", g)
		}
		rep := a.must(200, "POST", fmt.Sprintf(agentapi.PathJobReport, a.nodeID, jobID), a.nodeToken,
			map[string]any{"status": "completed", "reason": "operator_stop", "chunkTotal": 1, "verification": map[string]any{"ok": true}})
		if rep.data()["status"] != "completed" {
			t.Fatalf("report: %s", rep.Raw)
		}
		list := a.must(200, "GET", "/api/v1/recording-jobs?recordingId="+recID, "owner", nil)
		if list.Body["meta"].(map[string]any)["total"] != float64(1) {
			t.Fatalf("jobs: %s", list.Raw)
		}
		if a.auditCount("recordings.chunk.store.succeeded") != 1 || a.auditCount("recordings.create.succeeded") != 1 {
			t.Fatal("audit rows missing")
		}
		// Discard: the agent's next heartbeat is told to drop the files.
		a.must(200, "POST", "/api/v1/recordings/"+recID+"/discard", "owner", nil)
		hb := a.do("POST", fmt.Sprintf(agentapi.PathJobHeartbeat, a.nodeID, jobID), a.nodeToken, map[string]any{})
		if hb.Status != 409 || hb.code() != "job.notLive" || a.count("recording_chunks", recID) != 0 {
			t.Fatalf("after discard: %d %s", hb.Status, hb.Raw)
		}
	})
}

package recordings_test

import (
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

func report(status string, chunks int, ok bool) agentapi.JobReport {
	return agentapi.JobReport{Status: status, ChunkTotal: chunks, Verification: agentapi.Verification{OK: ok}}
}

// TestSettleMatrix: claim → heartbeat → uploads → report.
func TestSettleMatrix(t *testing.T) {
	a, b := []byte("chunk-zero"), []byte("chunk-one")
	cases := []struct {
		name       string
		upload     [][]byte
		rep        agentapi.JobReport
		want       recording.Status
		wantHealth recording.Health
		events     int
	}{
		{"all chunks verified", [][]byte{a, b}, report("completed", 2, true), recording.StatusCached, recording.HealthHealthy, 0},
		{"missing chunk", [][]byte{a}, report("completed", 2, true), recording.StatusPartial, recording.HealthCritical, 0},
		{"verification failed", [][]byte{a, b}, report("completed", 2, false), recording.StatusPartial, recording.HealthCritical, 1},
		{"failed with none", nil, agentapi.JobReport{Status: "failed", Reason: "device_lost"}, recording.StatusFailed, recording.HealthCritical, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			r, _ := h.create(h.input())
			j := h.claim()
			if got := h.rec(r.ID); got.Status != recording.StatusRecording || got.StartedAt == nil {
				t.Fatalf("after claim: %+v", got)
			}
			st, err := h.svc.Heartbeat(h.ctx, nodeID, j.ID, agentapi.JobHeartbeat{})
			if err != nil || st.Status != "running" || st.StopRequested {
				t.Fatalf("heartbeat: %+v %v", st, err)
			}
			for i, data := range c.upload {
				if st, err := h.upload(r, j, i, data, i == len(c.upload)-1); err != nil || !st.Complete {
					t.Fatalf("upload %d: %+v %v", i, st, err)
				}
			}
			if _, err := h.svc.Report(h.ctx, nodeID, j.ID, c.rep); err != nil {
				t.Fatal(err)
			}
			got := h.rec(r.ID)
			if got.Status != c.want || got.Health != c.wantHealth || len(h.health.Events) != c.events {
				t.Fatalf("settled %s/%s (%q), %d events; want %s/%s", got.Status, got.Health, got.FailureReason, len(h.health.Events), c.want, c.wantHealth)
			}
			if len(c.upload) > 0 && (got.Frames != int64(48000*len(c.upload)) || got.Waveform == nil || len(got.Waveform.Peaks) != 256) {
				t.Fatalf("frames %d waveform %v", got.Frames, got.Waveform)
			}
			if c.want == recording.StatusFailed && (h.obs.failed != 1 || h.obs.reasons[0] != "device_lost") {
				t.Fatalf("failure counter %+v", h.obs)
			}
			// A repeated report changes nothing.
			n := h.audit.Count("recordings.jobs.report")
			if _, err := h.svc.Report(h.ctx, nodeID, j.ID, c.rep); err != nil || h.audit.Count("recordings.jobs.report") != n || len(h.health.Events) != c.events {
				t.Fatalf("repeat: %v", err)
			}
		})
	}
}

func TestSingleChunkChecksumAndBadReport(t *testing.T) {
	h := newHarness(t)
	r, _ := h.create(h.input())
	j := h.claim()
	data := []byte("single")
	if _, err := h.upload(r, j, 0, data, true); err != nil {
		t.Fatal(err)
	}
	_, err := h.svc.Report(h.ctx, nodeID, j.ID, agentapi.JobReport{Status: "running", ChunkTotal: -1})
	wantField(t, err, "status")
	wantField(t, err, "chunkTotal")
	if _, err := h.svc.Report(h.ctx, nodeID, j.ID, report("completed", 1, true)); err != nil {
		t.Fatal(err)
	}
	if got := h.rec(r.ID); got.Checksum != "sha256:"+sum(data) || got.Status != recording.StatusCached {
		t.Fatalf("%+v", got)
	}
	// Another node cannot touch the job.
	_, err = h.svc.Heartbeat(h.ctx, "node_2", j.ID, agentapi.JobHeartbeat{})
	wantCode(t, err, "job.notFound")
}

func TestStopQueuedAndRunning(t *testing.T) {
	h := newHarness(t)
	r, _ := h.create(h.input())
	rec, job, err := h.svc.Stop(h.ctx, r.ID)
	if err != nil || job.Status != recording.JobCancelled || rec.Status != recording.StatusFailed ||
		rec.FailureReason != recording.ReasonOperatorStop || rec.Health != recording.HealthUnknown {
		t.Fatalf("stop queued: %+v %+v %v", rec, job, err)
	}
	_, _, err = h.svc.Stop(h.ctx, r.ID)
	wantCode(t, err, "job.notLive")

	r, _ = h.create(h.input())
	j := h.claim()
	rec, job, err = h.svc.Stop(h.ctx, r.ID)
	if err != nil || job.Status != recording.JobStopRequested || rec.Status != recording.StatusRecording {
		t.Fatalf("stop running: %+v %+v %v", rec, job, err)
	}
	st, _ := h.svc.Heartbeat(h.ctx, nodeID, j.ID, agentapi.JobHeartbeat{})
	if !st.StopRequested {
		t.Fatalf("heartbeat does not tell to stop: %+v", st)
	}
	if h.audit.Count("recordings.stop") != 2 {
		t.Fatal("stop not audited")
	}
}

func TestDiscardCancelsAndDeletes(t *testing.T) {
	h := newHarness(t)
	r, _ := h.create(h.input())
	j := h.claim()
	if _, err := h.upload(r, j, 0, []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Discard(h.ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if len(h.store.Recs) != 0 || len(h.store.ChunksByID) != 0 || len(h.files.Stored) != 0 {
		t.Fatalf("left behind: %d recs %d chunks %d files", len(h.store.Recs), len(h.store.ChunksByID), len(h.files.Stored))
	}
	// The agent is told the job is no longer live (drop the files).
	_, err := h.svc.Heartbeat(h.ctx, nodeID, j.ID, agentapi.JobHeartbeat{})
	wantCode(t, err, "job.notLive")
	if h.audit.Count("recordings.discard") != 1 {
		t.Fatal("discard not audited")
	}
}

func TestLeaseExpiryThenRevive(t *testing.T) {
	h := newHarness(t)
	r, _ := h.create(h.input())
	j := h.claim()
	if _, err := h.upload(r, j, 0, []byte("zero"), false); err != nil {
		t.Fatal(err)
	}
	if n, _ := h.svc.ExpireLeases(h.ctx); n != 0 {
		t.Fatal("expired a fresh lease")
	}
	h.clock.Advance(recording.LeaseDuration + time.Second)
	if n, err := h.svc.ExpireLeases(h.ctx); n != 1 || err != nil {
		t.Fatalf("expired %d %v", n, err)
	}
	got := h.rec(r.ID)
	if got.Status != recording.StatusPartial || got.FailureReason != recording.ReasonLeaseExpired || h.obs.expired != 1 || h.obs.failed != 1 {
		t.Fatalf("after expiry: %+v %+v", got, h.obs)
	}
	st, err := h.svc.Heartbeat(h.ctx, nodeID, j.ID, agentapi.JobHeartbeat{CapturedFrames: 1})
	if err != nil || !st.Revived || st.Status != "running" {
		t.Fatalf("revive: %+v %v", st, err)
	}
	got = h.rec(r.ID)
	if got.Status != recording.StatusRecording || got.EndedAt != nil || got.FailureReason != "" {
		t.Fatalf("after revive: %+v", got)
	}
	if _, err := h.upload(r, j, 1, []byte("one"), true); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Report(h.ctx, nodeID, j.ID, report("completed", 2, true)); err != nil {
		t.Fatal(err)
	}
	if got := h.rec(r.ID); got.Status != recording.StatusCached {
		t.Fatalf("final %+v", got)
	}
}

func TestRetry(t *testing.T) {
	h := newHarness(t)
	r, first := h.create(h.input())
	_, err := h.svc.Retry(h.ctx, first.ID)
	wantCode(t, err, "active_job_exists") // the job itself is live
	h.claim()
	h.clock.Advance(recording.LeaseDuration + time.Second)
	if _, err := h.svc.ExpireLeases(h.ctx); err != nil {
		t.Fatal(err)
	}
	next, err := h.svc.Retry(h.ctx, first.ID)
	if err != nil || next.RetryOf != first.ID || next.Status != recording.JobQueued {
		t.Fatalf("retry: %+v %v", next, err)
	}
	if got := h.rec(r.ID); got.Status != recording.StatusQueued || got.FailureReason != "" {
		t.Fatalf("recording after retry: %+v", got)
	}
	_, err = h.svc.Retry(h.ctx, first.ID)
	wantCode(t, err, "active_job_exists")
	page, err := h.svc.ListJobs(h.ctx, ports.JobFilter{RecordingID: r.ID}, 10, 0)
	if err != nil || page.Total != 2 || page.Jobs[0].ID != next.ID {
		t.Fatalf("list: %+v %v", page, err)
	}
	_, err = h.svc.ListJobs(h.ctx, ports.JobFilter{Statuses: []recording.JobStatus{"nope"}}, 0, -1)
	wantField(t, err, "limit")
	wantField(t, err, "offset")
	wantField(t, err, "status")
}

func TestUploadProtocol(t *testing.T) {
	h := newHarness(t)
	r, _ := h.create(h.input())
	j := h.claim()
	data := []byte(strings.Repeat("audio-bytes-", 100))
	req := h.uploadReq(r, j, 0, data, true)
	st, err := h.svc.OpenUpload(h.ctx, nodeID, req)
	if err != nil || st.ReceivedBytes != 0 || st.SizeBytes != int64(len(data)) {
		t.Fatalf("open: %+v %v", st, err)
	}
	// A partial PUT, then resume from what arrived.
	st, err = h.svc.PutUpload(h.ctx, nodeID, st.UploadID, 0, strings.NewReader(string(data[:500])))
	if err != nil || st.ReceivedBytes != 500 || st.Complete {
		t.Fatalf("partial: %+v %v", st, err)
	}
	again, _ := h.svc.OpenUpload(h.ctx, nodeID, req)
	if again.UploadID != st.UploadID || again.ReceivedBytes != 500 {
		t.Fatalf("resume status %+v", again)
	}
	_, err = h.svc.PutUpload(h.ctx, nodeID, st.UploadID, 0, strings.NewReader(string(data)))
	if e := wantCode(t, err, "upload.offsetMismatch"); e.Details.(map[string]any)["receivedBytes"] != int64(500) {
		t.Fatal(e.Details)
	}
	_, err = h.svc.PutUpload(h.ctx, nodeID, st.UploadID, 500, strings.NewReader(string(data[500:])+"extra"))
	wantCode(t, err, "upload.tooLarge")
	st, err = h.svc.PutUpload(h.ctx, nodeID, st.UploadID, int64(len(data)), strings.NewReader(""))
	if err != nil || !st.Complete || st.ChunkID == "" || h.obs.bytes != int64(len(data)) {
		t.Fatalf("complete: %+v %v", st, err)
	}
	// The same chunk again is complete at once and not stored twice.
	st2, err := h.svc.OpenUpload(h.ctx, nodeID, req)
	if err != nil || !st2.Complete || st2.ChunkID != st.ChunkID || len(h.store.ChunksByID) != 1 || h.audit.Count("recordings.chunk.store") != 1 {
		t.Fatalf("repeat: %+v %v", st2, err)
	}
	// Other bytes for a stored index conflict.
	_, err = h.svc.OpenUpload(h.ctx, nodeID, h.uploadReq(r, j, 0, []byte("different"), true))
	wantCode(t, err, "chunk.conflict")
	// A wrong checksum keeps nothing and the agent starts again from 0.
	bad := h.uploadReq(r, j, 1, []byte("one"), false)
	bad.SHA256 = sum([]byte("two"))
	st, _ = h.svc.OpenUpload(h.ctx, nodeID, bad)
	_, err = h.svc.PutUpload(h.ctx, nodeID, st.UploadID, 0, strings.NewReader("one"))
	wantCode(t, err, "upload.checksumMismatch")
	if st, _ = h.svc.UploadStatus(h.ctx, nodeID, st.UploadID); st.ReceivedBytes != 0 || len(h.store.ChunksByID) != 1 {
		t.Fatalf("after mismatch: %+v, %d chunks", st, len(h.store.ChunksByID))
	}
	// A re-rendered file replaces an unfinished upload: the bytes received
	// for the old one are dropped, and the new one starts from 0.
	first := h.uploadReq(r, j, 3, []byte("first render"), false)
	st, _ = h.svc.OpenUpload(h.ctx, nodeID, first)
	if _, err := h.svc.PutUpload(h.ctx, nodeID, st.UploadID, 0, strings.NewReader("first")); err != nil {
		t.Fatal(err)
	}
	second, err := h.svc.OpenUpload(h.ctx, nodeID, h.uploadReq(r, j, 3, []byte("second render"), false))
	if _, kept := h.files.Parts[st.UploadID]; err != nil || kept || second.UploadID == st.UploadID || second.ReceivedBytes != 0 {
		t.Fatalf("replaced upload: %+v %v, old part kept %v", second, err, kept)
	}
	// Decoded frames must match the declared ones.
	h.dec.Frames = func(string) int64 { return 1000 }
	_, err = h.upload(r, j, 2, []byte("short"), false)
	wantCode(t, err, "upload.audioMismatch")
	// Every bad field is named.
	_, err = h.svc.OpenUpload(h.ctx, nodeID, agentapi.UploadRequest{Index: -1, Codec: "ogg", SHA256: "XYZ"})
	for _, f := range []string{"recordingId", "jobId", "index", "frames", "sampleRate", "channels", "codec", "sizeBytes", "sha256"} {
		wantField(t, err, f)
	}
	// Another node's recording is not found.
	_, err = h.svc.OpenUpload(h.ctx, "node_2", req)
	wantCode(t, err, "recording.notFound")
}

package agentclient_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/rakkr/rakkr/adapters/agentclient"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
	"github.com/rakkr/rakkr/test/usecases/jobs/fakecontroller"
)

func jobClient(t *testing.T, fc *fakecontroller.Controller, token string) *agentclient.Client {
	t.Helper()
	c, err := agentclient.New(agentclient.Options{ControllerURL: fc.Server.URL, NodeID: fc.NodeID, NodeToken: token, AgentVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestJobRoutesMapTheContract(t *testing.T) {
	fc := fakecontroller.New("node_1", "tok")
	defer fc.Close()
	fc.Queue = []agentapi.Job{{ID: "job_1", RecordingID: "rec_1", Command: agentapi.JobCommand{Codec: "flac", ChunkSeconds: 60}}}
	c := jobClient(t, fc, "tok")
	ctx := context.Background()
	j, err := c.ClaimJob(ctx)
	if err != nil || j == nil || j.ID != "job_1" || j.Command.ChunkSeconds != 60 {
		t.Fatalf("claim: %+v %v", j, err)
	}
	if j, err := c.ClaimJob(ctx); err != nil || j != nil {
		t.Fatalf("empty claim: %+v %v", j, err)
	}
	if st, err := c.JobHeartbeat(ctx, "job_1", agentapi.JobHeartbeat{CapturedFrames: 10}); err != nil || st.ID != "job_1" {
		t.Fatalf("heartbeat: %+v %v", st, err)
	}
	if _, err := c.ReportJob(ctx, "job_1", agentapi.JobReport{Status: "completed", Reason: "operator_stop"}); err != nil || len(fc.Reports["job_1"]) != 1 {
		t.Fatalf("report: %v", err)
	}
	fc.Mu.Lock()
	fc.Jobs["job_1"].Cancelled = true
	fc.Mu.Unlock()
	if _, err := c.JobHeartbeat(ctx, "job_1", agentapi.JobHeartbeat{}); !errors.Is(err, ports.ErrJobNotLive) {
		t.Fatalf("heartbeat of an ended job: %v", err)
	}
	if _, err := c.GetJob(ctx, "job_unknown"); !errors.Is(err, ports.ErrJobGone) {
		t.Fatalf("unknown job: %v", err)
	}
	if _, err := jobClient(t, fc, "wrong").ClaimJob(ctx); !errors.Is(err, ports.ErrNodeUnauthorized) {
		t.Fatalf("bad token: %v", err)
	}
}

// chunkFile is a chunk's bytes and upload request.
func chunkFile(size int) ([]byte, agentapi.UploadRequest) {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(i * 7)
	}
	sum := sha256.Sum256(b)
	return b, agentapi.UploadRequest{RecordingID: "rec_1", JobID: "job_1", Index: 0, Final: true, Frames: int64(size / 8),
		SampleRate: 48000, Channels: 2, Codec: "wav", SizeBytes: int64(size), SHA256: hex.EncodeToString(sum[:])}
}

func claimed(t *testing.T) (*fakecontroller.Controller, *agentclient.Client) {
	fc := fakecontroller.New("node_1", "tok")
	t.Cleanup(fc.Close)
	fc.Queue = []agentapi.Job{{ID: "job_1", RecordingID: "rec_1"}}
	c := jobClient(t, fc, "tok")
	if _, err := c.ClaimJob(context.Background()); err != nil {
		t.Fatal(err)
	}
	return fc, c
}

func TestUploadResumesAfterAConnectionCutMidPut(t *testing.T) {
	fc, c := claimed(t)
	ctx := context.Background()
	data, req := chunkFile(300_000)
	st, err := c.OpenUpload(ctx, req)
	if err != nil || st.UploadID == "" || st.ReceivedBytes != 0 {
		t.Fatalf("open: %+v %v", st, err)
	}
	fc.Mu.Lock()
	fc.CutAfter = 100_000
	fc.Mu.Unlock()
	if _, err := c.PutUpload(ctx, st.UploadID, 0, bytes.NewReader(data), int64(len(data))); err == nil {
		t.Fatal("a PUT cut mid-way succeeded")
	}
	st, err = c.UploadStatus(ctx, st.UploadID)
	if err != nil || st.ReceivedBytes != 100_000 || st.Complete {
		t.Fatalf("status after the cut: %+v %v", st, err)
	}
	// Opening again resumes the same upload.
	if again, err := c.OpenUpload(ctx, req); err != nil || again.UploadID != st.UploadID || again.ReceivedBytes != 100_000 {
		t.Fatalf("reopen: %+v %v", again, err)
	}
	st, err = c.PutUpload(ctx, st.UploadID, st.ReceivedBytes, bytes.NewReader(data[st.ReceivedBytes:]), int64(len(data))-st.ReceivedBytes)
	if err != nil || !st.Complete || st.ReceivedBytes != int64(len(data)) {
		t.Fatalf("resumed PUT: %+v %v", st, err)
	}
	fc.Mu.Lock()
	defer fc.Mu.Unlock()
	if !bytes.Equal(fc.Stored[fakecontroller.Key("rec_1", 0)], data) || fc.BytesReceived != int64(len(data)) {
		t.Fatalf("stored %d bytes, received %d (want %d, no duplicates)", len(fc.Stored[fakecontroller.Key("rec_1", 0)]), fc.BytesReceived, len(data))
	}
	if len(fc.Puts) != 2 || fc.Puts[0] != 0 || fc.Puts[1] != 100_000 {
		t.Fatalf("PUT offsets %v", fc.Puts)
	}
}

func TestPutAtTheWrongOffsetSaysWhereToResume(t *testing.T) {
	_, c := claimed(t)
	ctx := context.Background()
	data, req := chunkFile(1000)
	st, _ := c.OpenUpload(ctx, req)
	_, err := c.PutUpload(ctx, st.UploadID, 500, bytes.NewReader(data[500:]), 500)
	var oe *ports.UploadOffsetError
	if !errors.As(err, &oe) || oe.ReceivedBytes != 0 || !errors.Is(err, ports.ErrUploadOffsetMismatch) {
		t.Fatalf("err = %v", err)
	}
}

func TestChecksumMismatchMapsToTheSentinel(t *testing.T) {
	fc, c := claimed(t)
	ctx := context.Background()
	data, req := chunkFile(1000)
	fc.ChecksumFailures = 1
	st, _ := c.OpenUpload(ctx, req)
	if _, err := c.PutUpload(ctx, st.UploadID, 0, bytes.NewReader(data), int64(len(data))); !errors.Is(err, ports.ErrUploadChecksumMismatch) {
		t.Fatalf("err = %v", err)
	}
	if st, err := c.UploadStatus(ctx, st.UploadID); err != nil || st.ReceivedBytes != 0 {
		t.Fatalf("after a mismatch: %+v %v", st, err)
	}
	if st, err := c.PutUpload(ctx, st.UploadID, 0, bytes.NewReader(data), int64(len(data))); err != nil || !st.Complete {
		t.Fatalf("resend: %+v %v", st, err)
	}
}

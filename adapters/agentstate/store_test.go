package agentstate

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

func sampleJob(id string) ports.AgentJob {
	return ports.AgentJob{
		Job:   agentapi.Job{ID: id, RecordingID: "rec_" + id, Command: agentapi.JobCommand{Codec: "flac", ChunkSeconds: 60}},
		Phase: ports.PhaseFinishing, Dir: "/tmp/x/" + id, SampleRate: 48000,
		StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), CapturedFrames: 96000,
		Chunks: []ports.AgentChunk{
			{Index: 0, Frames: 48000, SampleRate: 48000, Channels: 2, RawPath: "a.raw.wav", RenderedPath: "a.flac", SizeBytes: 10, SHA256: "ab",
				Measured: true, PeakDbfs: -3.5, RmsDbfs: -24.25, UploadID: "up1", Uploaded: true},
			{Index: 1, OffsetFrames: 48000, Frames: 48000, SampleRate: 48000, Channels: 2, RawPath: "b.raw.wav", Final: true},
		},
		Reason: "stopped",
		Report: &agentapi.JobReport{Status: "completed", Reason: "operator_stop", ChunkTotal: 2},
	}
}

func TestPutGetListDeleteSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"job_b", "job_a"} {
		if err := s.PutJob(sampleJob(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, ok, err := s.GetJob("job_a")
	if err != nil || !ok {
		t.Fatalf("get: %v %v", ok, err)
	}
	want := sampleJob("job_a")
	if got.Phase != want.Phase || got.Job.Command.Codec != "flac" || len(got.Chunks) != 2 || !got.Chunks[0].Uploaded ||
		got.Chunks[1].OffsetFrames != 48000 || !got.Chunks[1].Final || got.Report == nil || got.Report.Reason != "operator_stop" ||
		!got.StartedAt.Equal(want.StartedAt) || got.UpdatedAt.IsZero() || got.Chunks[0] != want.Chunks[0] || got.Chunks[1].Measured {
		t.Fatalf("round trip: %+v", got)
	}
	list, err := s.ListJobs()
	if err != nil || len(list) != 2 || list[0].Job.ID != "job_a" || list[1].Job.ID != "job_b" {
		t.Fatalf("list: %v %+v", err, list)
	}
	if err := s.DeleteJob("job_a"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteJob("job_missing"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.GetJob("job_a"); ok {
		t.Fatal("deleted job still there")
	}
	if v, err := s.Version(); err != nil || v != SchemaVersion {
		t.Fatalf("version %d %v", v, err)
	}
}

func TestOpenUpgradesAVersionZeroFile(t *testing.T) {
	dir := t.TempDir()
	// A version-0 file: a jobs bucket of records and no meta bucket.
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketJobs)
		if err != nil {
			return err
		}
		return b.Put([]byte("job_old"), []byte(`{"job":{"id":"job_old","recordingId":"rec_old"},"dir":"/d","chunks":[{"index":0,"rawPath":"r.raw.wav","frames":5}]}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Version(); v != SchemaVersion {
		t.Fatalf("version after upgrade = %d", v)
	}
	j, ok, err := s.GetJob("job_old")
	if err != nil || !ok || j.Job.RecordingID != "rec_old" || j.Phase != ports.PhaseCapturing || len(j.Chunks) != 1 || j.Chunks[0].Frames != 5 {
		t.Fatalf("old record: %v %v %+v", ok, err, j)
	}
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	dir := t.TempDir()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket(bucketMeta)
		return b.Put(keySchema, []byte("99"))
	})
	db.Close()
	_, err = Open(dir)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("err = %v, want ErrNewerSchema", err)
	}
}

func TestASecondOpenReportsTheLock(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(dir); err == nil {
		t.Fatal("second open of a locked file succeeded")
	}
}

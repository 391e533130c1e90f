package gormstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/dbtest"
)

// jobFull is a job with every field set.
func jobFull(id, recordingID string) recording.Job {
	return recording.Job{ID: id, NodeID: "n1", RecordingID: recordingID, Status: recording.JobStopRequested, ClaimedBy: "n1",
		Command: recording.Command{InterfaceID: "if1", InterfaceRef: "hw:1", Map: channelmap.Map{Mode: channelmap.ModeMultichannel,
			Entries: []channelmap.Entry{{Source: 1, Output: 2, Label: "Judge", Included: true}, {Source: 3, Label: "Spare"}}},
			Codec: recording.CodecMP3, BitrateKbps: 128, VBR: true, BitDepth: 16, ChunkSeconds: 60, DurationSeconds: 3600, FileStem: "stem"},
		CaptureGroupID: "grp_1", RetryOf: "job_0", FailureReason: "why", CreatedAt: recT0, StartedAt: recPtr(recT0.Add(time.Second)),
		LastHeartbeatAt: recPtr(recT0.Add(2 * time.Second)), LeaseExpiresAt: recPtr(recT0.Add(32 * time.Second)),
		StopRequestedAt: recPtr(recT0.Add(3 * time.Second)), CompletedAt: recPtr(recT0.Add(4 * time.Second)), ChunkTotal: 7}
}

// TestJobStoreRoundTripListCount checks a full round trip, UpdateJob with
// a rollback, ListJobs filters and order, LiveJobs and CountJobs, then the
// claim order and a claim inside the caller's transaction.
func TestJobStoreRoundTripListCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		rs, js := gormstore.NewRecordingStore(c.DB), gormstore.NewJobStore(c.DB)
		for _, r := range []recording.Recording{recMinimal("rec_a", "n1", recT0), recMinimal("rec_b", "n2", recT0)} {
			if err := rs.InsertRecording(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		full := jobFull("job_full", "rec_a")
		if err := js.InsertJob(ctx, full); err != nil {
			t.Fatalf("insert: %v", err)
		}
		if got, err := js.GetJob(ctx, full.ID); err != nil || !reflect.DeepEqual(got, full) {
			t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, full)
		}
		if _, err := js.GetJob(ctx, "job_missing"); !errors.Is(err, recording.ErrJobNotFound) {
			t.Fatalf("missing: %v", err)
		}
		if err := js.InsertJob(ctx, recording.Job{ID: "job_orphan", NodeID: "n1", RecordingID: "rec_missing",
			Status: recording.JobQueued, CreatedAt: recT0}); err == nil {
			t.Fatal("job of a missing recording stored")
		}
		boom := errors.New("boom")
		if _, err := js.UpdateJob(ctx, full.ID, func(j *recording.Job) error { j.Status = recording.JobFailed; return boom }); !errors.Is(err, boom) {
			t.Fatalf("update error: %v", err)
		}
		if got, _ := js.GetJob(ctx, full.ID); got.Status != recording.JobStopRequested {
			t.Fatalf("rolled back update saved: %s", got.Status)
		}
		done, err := js.UpdateJob(ctx, full.ID, func(j *recording.Job) error {
			return j.Finish("n1", recording.JobCompleted, recording.ReasonOperatorStop, 9, recT0.Add(time.Minute))
		})
		if got, _ := js.GetJob(ctx, full.ID); err != nil || !reflect.DeepEqual(got, done) || got.Status != recording.JobCompleted || got.ChunkTotal != 9 {
			t.Fatalf("update: %v %+v", err, got)
		}
		if _, err := js.UpdateJob(ctx, "job_missing", func(*recording.Job) error { return nil }); !errors.Is(err, recording.ErrJobNotFound) {
			t.Fatalf("update missing: %v", err)
		}
		// Jobs j0..j5: node n1 for even, n2 for odd; j0, j1 queued, j2 running, the rest failed.
		for i := range 6 {
			rec, node := "rec_a", "n1"
			if i%2 == 1 {
				rec, node = "rec_b", "n2"
			}
			j := recording.Job{ID: fmt.Sprintf("j%d", i), NodeID: node, RecordingID: rec, Status: recording.JobFailed,
				CreatedAt: recT0.Add(time.Duration(i+1) * time.Minute)}
			j.Status = [...]recording.JobStatus{recording.JobQueued, recording.JobQueued, recording.JobRunning, recording.JobFailed,
				recording.JobFailed, recording.JobFailed}[i]
			if err := js.InsertJob(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		names := func(list []recording.Job) string {
			out := ""
			for _, j := range list {
				out += j.ID + " "
			}
			return out
		}
		for _, tc := range []struct {
			f     ports.JobFilter
			limit int
			off   int
			want  string
			total int64
		}{
			{ports.JobFilter{}, 3, 0, "j5 j4 j3 ", 7},
			{ports.JobFilter{}, 3, 6, "job_full ", 7},
			{ports.JobFilter{NodeID: "n2"}, 0, 0, "j5 j3 j1 ", 3},
			{ports.JobFilter{RecordingID: "rec_a", Statuses: []recording.JobStatus{recording.JobQueued, recording.JobRunning}}, 0, 0, "j2 j0 ", 2},
			{ports.JobFilter{OnlyNodes: true, NodeIDs: []string{"n2"}}, 1, 1, "j3 ", 3},
			{ports.JobFilter{OnlyNodes: true}, 0, 0, "", 0},
		} {
			list, total, err := js.ListJobs(ctx, tc.f, tc.limit, tc.off)
			if err != nil || names(list) != tc.want || total != tc.total {
				t.Errorf("list %+v: %v %q %d, want %q %d", tc.f, err, names(list), total, tc.want, tc.total)
			}
		}
		if live, err := js.LiveJobs(ctx, ""); err != nil || names(live) != "j0 j1 j2 " {
			t.Fatalf("live: %v %q", err, names(live))
		}
		if live, err := js.LiveJobs(ctx, "n2"); err != nil || names(live) != "j1 " {
			t.Fatalf("live n2: %v %q", err, names(live))
		}
		counts, err := js.CountJobs(ctx)
		want := map[string]map[recording.JobStatus]int64{
			"n1": {recording.JobCompleted: 1, recording.JobQueued: 1, recording.JobRunning: 1, recording.JobFailed: 1},
			"n2": {recording.JobQueued: 1, recording.JobFailed: 2},
		}
		if err != nil || !reflect.DeepEqual(counts, want) {
			t.Fatalf("counts: %v %v", err, counts)
		}
		t.Run("claim order and tx", func(t *testing.T) { claimOrderAndTx(t, c) })
	})
}

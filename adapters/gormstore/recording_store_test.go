package gormstore_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/dbtest"
)

var recT0 = time.Date(2026, 6, 1, 9, 0, 0, 123456000, time.UTC)

func recPtr(t time.Time) *time.Time { return &t }

// recFull is a recording with every field set.
func recFull(id string) recording.Recording {
	return recording.Recording{ID: id, Name: "Court 1 morning", Folder: "court/2026", Tags: []string{"Hearing", "urgent"},
		Notes: "witness 3", Source: recording.SourceSchedule, Status: recording.StatusCached, Health: recording.HealthWarning,
		NodeID: "n1", InterfaceID: "if1", RoomID: "room1", ProfileID: recording.ProfileArchiveFLAC, Channels: []int{1, 3},
		ChannelMode: channelmap.ModeStereo, Codec: recording.CodecFLAC, SampleRate: 48000, OutputChannels: 2,
		ChunkSeconds: 300, ChunkTotal: 4, Frames: 48000 * 1200, SizeBytes: 123456789, Checksum: "abc",
		Waveform:      &recording.Waveform{Peaks: []float32{0, 0.25, 0.125, 1}, ChannelCount: 2, SampleCount: 9600, SampleRate: 48000},
		FailureReason: "none", CreatedBy: "user:u1", CreatedAt: recT0, UpdatedAt: recT0.Add(time.Second),
		StartedAt: recPtr(recT0.Add(2 * time.Second)), EndedAt: recPtr(recT0.Add(time.Hour))}
}

// recMinimal is a recording with nil times, tags, channels and waveform.
func recMinimal(id, node string, at time.Time) recording.Recording {
	return recording.Recording{ID: id, Name: id, Source: recording.SourceAdHoc, Status: recording.StatusQueued,
		Health: recording.HealthUnknown, NodeID: node, CreatedAt: at, UpdatedAt: at, Tags: []string{}, Channels: []int{}}
}

// TestRecordingStoreRoundTripUpdateDelete stores every field, updates
// (with a rollback when fn fails) and deletes with cascades.
func TestRecordingStoreRoundTripUpdateDelete(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		s := gormstore.NewRecordingStore(c.DB)
		full, min := recFull("rec_full"), recMinimal("rec_min", "n1", recT0)
		for _, r := range []recording.Recording{full, min} {
			if err := s.InsertRecording(ctx, r); err != nil {
				t.Fatalf("insert %s: %v", r.ID, err)
			}
			got, err := s.GetRecording(ctx, r.ID)
			if err != nil || !reflect.DeepEqual(got, r) {
				t.Fatalf("round trip %s: %v\n got %+v\nwant %+v", r.ID, err, got, r)
			}
		}
		if err := s.InsertRecording(ctx, min); errs.KindOf(err) != errs.KindConflict {
			t.Fatalf("duplicate insert: %v", err)
		}
		if _, err := s.GetRecording(ctx, "rec_missing"); !errors.Is(err, recording.ErrNotFound) {
			t.Fatalf("missing: %v", err)
		}
		boom := errors.New("boom")
		if _, err := s.UpdateRecording(ctx, full.ID, func(r *recording.Recording) error {
			r.Name, r.Tags = "changed", []string{"x"}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("update error: %v", err)
		}
		if got, _ := s.GetRecording(ctx, full.ID); got.Name != full.Name || len(got.Tags) != 2 {
			t.Fatalf("rolled back update saved: %+v", got)
		}
		if _, err := s.UpdateRecording(ctx, "rec_missing", func(*recording.Recording) error { return nil }); !errors.Is(err, recording.ErrNotFound) {
			t.Fatalf("update missing: %v", err)
		}
		updated, err := s.UpdateRecording(ctx, full.ID, func(r *recording.Recording) error {
			r.Name, r.Tags, r.Waveform, r.EndedAt, r.Status = "Renamed", []string{"archived"}, nil, nil, recording.StatusUploaded
			return nil
		})
		got, _ := s.GetRecording(ctx, full.ID)
		if err != nil || !reflect.DeepEqual(got, updated) || got.Name != "Renamed" || got.Waveform != nil || got.EndedAt != nil {
			t.Fatalf("update: %v %+v", err, got)
		}
		if list, _, _ := s.ListRecordings(ctx, ports.RecordingFilter{Tags: []string{"hearing"}}, 0, 0); len(list) != 0 {
			t.Fatalf("old tag still filters: %d", len(list))
		}
		if list, _, _ := s.ListRecordings(ctx, ports.RecordingFilter{Tags: []string{"ARCHIVED"}}, 0, 0); len(list) != 1 {
			t.Fatalf("new tag does not filter: %d", len(list))
		}
		// Inside the caller's transaction: a later failure rolls the update back.
		err = c.DB.InTx(ctx, func(ctx context.Context) error {
			if _, err := s.UpdateRecording(ctx, min.ID, func(r *recording.Recording) error { r.Notes = "tx"; return nil }); err != nil {
				return err
			}
			return boom
		})
		if got, _ := s.GetRecording(ctx, min.ID); !errors.Is(err, boom) || got.Notes != "" {
			t.Fatalf("outer rollback: %v %q", err, got.Notes)
		}
		recSeedChildren(t, c.DB, full.ID)
		if err := s.DeleteRecording(ctx, full.ID); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if err := s.DeleteRecording(ctx, full.ID); !errors.Is(err, recording.ErrNotFound) {
			t.Fatalf("delete again: %v", err)
		}
		for _, table := range []string{"recording_jobs", "recording_chunks", "recording_uploads", "recording_tags"} {
			var n int64
			if err := c.DB.Gorm.Table(table).Where("recording_id = ?", full.ID).Count(&n).Error; err != nil || n != 0 {
				t.Fatalf("%s after delete: %d %v", table, n, err)
			}
		}
	})
}

// recSeedChildren stores a job, a chunk and an upload of recordingID.
func recSeedChildren(t *testing.T, db *gormstore.DB, recordingID string) {
	t.Helper()
	ctx := context.Background()
	if err := gormstore.NewJobStore(db).InsertJob(ctx, recording.Job{ID: "job_" + recordingID, NodeID: "n1",
		RecordingID: recordingID, Status: recording.JobQueued, CreatedAt: recT0}); err != nil {
		t.Fatalf("insert job: %v", err)
	}
	cs := gormstore.NewChunkStore(db)
	ch := recording.Chunk{ID: "chk_" + recordingID, RecordingID: recordingID, Index: 1, SHA256: "aa", CreatedAt: recT0}
	if _, _, err := cs.PutChunk(ctx, ch); err != nil {
		t.Fatalf("put chunk: %v", err)
	}
	ch.Index = 2
	if _, _, err := cs.OpenUpload(ctx, recording.Upload{ID: "upl_" + recordingID, RecordingID: recordingID, Chunk: ch, CreatedAt: recT0}); err != nil {
		t.Fatalf("open upload: %v", err)
	}
}

// recLibrary stores 30 recordings: i%3 picks the node, i%2 the status,
// folders alternate between a/b, a/b/c and ab, tags t<i%4> and "all".
func recLibrary(t *testing.T, s *gormstore.RecordingStore) []recording.Recording {
	t.Helper()
	var out []recording.Recording
	folders := []string{"a/b", "a/b/c", "ab"}
	for i := range 30 {
		r := recMinimal(fmt.Sprintf("rec_%02d", i), fmt.Sprintf("n%d", i%3), recT0.Add(time.Duration(i%10)*time.Minute))
		r.Name = fmt.Sprintf("Take %02d", 29-i)
		r.Folder = folders[i%3]
		r.Status = []recording.Status{recording.StatusCached, recording.StatusFailed}[i%2]
		r.Tags = []string{fmt.Sprintf("T%d", i%4), "all"}
		r.SampleRate, r.Frames, r.SizeBytes = 48000, int64(48000*(i%5)), int64(1000*(i%7))
		if i%5 == 0 {
			r.RoomID = "room1"
		}
		if i == 7 {
			r.Notes = "The 100% Witness"
		}
		if err := s.InsertRecording(context.Background(), r); err != nil {
			t.Fatalf("insert: %v", err)
		}
		out = append(out, r)
	}
	return out
}

// TestRecordingStoreFiltersFacetsSort checks every filter field, facets,
// each sort key with pagination totals, and ScanRecordings.
func TestRecordingStoreFiltersFacetsSort(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		s := gormstore.NewRecordingStore(c.DB)
		lib := recLibrary(t, s)
		ids := func(list []recording.Recording) string {
			var b []string
			for _, r := range list {
				b = append(b, strings.TrimPrefix(r.ID, "rec_"))
			}
			return strings.Join(b, ",")
		}
		count := func(f ports.RecordingFilter) int64 {
			t.Helper()
			_, n, err := s.ListRecordings(ctx, f, 1, 0)
			if err != nil {
				t.Fatalf("list %+v: %v", f, err)
			}
			return n
		}
		for name, tc := range map[string]struct {
			f    ports.RecordingFilter
			want int64
		}{
			"all":          {ports.RecordingFilter{}, 30},
			"ids":          {ports.RecordingFilter{IDs: []string{"rec_01", "rec_02", "nope"}}, 2},
			"status":       {ports.RecordingFilter{Statuses: []recording.Status{recording.StatusFailed}}, 15},
			"node":         {ports.RecordingFilter{NodeID: "n1"}, 10},
			"room":         {ports.RecordingFilter{RoomID: "room1"}, 6},
			"folder":       {ports.RecordingFilter{Folder: "a/b"}, 20},
			"folder slash": {ports.RecordingFilter{Folder: "/a/b/c/"}, 10},
			"folder a":     {ports.RecordingFilter{Folder: "a"}, 20},
			"tags":         {ports.RecordingFilter{Tags: []string{"t1", "ALL"}}, 8},
			"tags none":    {ports.RecordingFilter{Tags: []string{"t1", "t2"}}, 0},
			"q name":       {ports.RecordingFilter{Q: "take 0"}, 10},
			"q notes":      {ports.RecordingFilter{Q: "100% wit"}, 1},
			"q wildcard":   {ports.RecordingFilter{Q: "%"}, 1},
			"q folder":     {ports.RecordingFilter{Q: "B/C"}, 10},
			"q tag":        {ports.RecordingFilter{Q: "t3"}, 7},
			"q id":         {ports.RecordingFilter{Q: "rec_05"}, 1},
			"from to":      {ports.RecordingFilter{From: recT0.Add(2 * time.Minute), To: recT0.Add(4 * time.Minute)}, 6},
			"only nodes":   {ports.RecordingFilter{OnlyNodes: true, NodeIDs: []string{"n0", "n2"}}, 20},
			"only none":    {ports.RecordingFilter{OnlyNodes: true}, 0},
			"combined":     {ports.RecordingFilter{NodeID: "n0", Statuses: []recording.Status{recording.StatusCached}, Folder: "a/b"}, 5},
		} {
			if got := count(tc.f); got != tc.want {
				t.Errorf("%s: total %d, want %d", name, got, tc.want)
			}
		}
		if _, _, err := s.ListRecordings(ctx, ports.RecordingFilter{Sort: "colour"}, 10, 0); errs.KindOf(err) != errs.KindInvalid {
			t.Fatalf("bad sort: %v", err)
		}
		// Default sort: newest first, ties by id descending; pages add up.
		page1, total, _ := s.ListRecordings(ctx, ports.RecordingFilter{}, 4, 0)
		page2, _, _ := s.ListRecordings(ctx, ports.RecordingFilter{}, 4, 4)
		if total != 30 || ids(page1) != "29,19,09,28" || ids(page2) != "18,08,27,17" {
			t.Fatalf("default sort: %d %s | %s", total, ids(page1), ids(page2))
		}
		if list, n, _ := s.ListRecordings(ctx, ports.RecordingFilter{}, 10, 30); n != 30 || len(list) != 0 {
			t.Fatalf("past the end: %d %d", n, len(list))
		}
		defer gormstore.SetRecordingScanBatch(7)()
		for _, srt := range []string{"createdAt", "-createdAt", "name", "-name", "duration", "-duration", "size", "-size", "status", "-status"} {
			list, _, err := s.ListRecordings(ctx, ports.RecordingFilter{Sort: srt}, 0, 0)
			if err != nil || len(list) != 30 {
				t.Fatalf("sort %s: %v %d", srt, err, len(list))
			}
			if want := recSorted(lib, srt); ids(list) != ids(want) {
				t.Fatalf("sort %s:\n got %s\nwant %s", srt, ids(list), ids(want))
			}
			var scanned []recording.Recording
			if err := s.ScanRecordings(ctx, ports.RecordingFilter{Sort: srt}, func(r recording.Recording) error {
				scanned = append(scanned, r)
				return nil
			}); err != nil || ids(scanned) != ids(list) {
				t.Fatalf("scan %s: %v %s", srt, err, ids(scanned))
			}
		}
		stop := errors.New("stop")
		n := 0
		if err := s.ScanRecordings(ctx, ports.RecordingFilter{}, func(recording.Recording) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Fatalf("scan stop: %v %d", err, n)
		}
		fc, err := s.RecordingFacets(ctx, ports.RecordingFilter{NodeID: "n0"})
		if err != nil {
			t.Fatalf("facets: %v", err)
		}
		f := func(v string, n int64) ports.Facet { return ports.Facet{Value: v, Count: n} }
		want := ports.RecordingFacets{
			Statuses: []ports.Facet{f("cached", 5), f("failed", 5)},
			Folders:  []ports.Facet{f("a/b", 10)},
			Tags:     []ports.Facet{f("all", 10), f("T0", 3), f("T3", 3), f("T1", 2), f("T2", 2)},
			Nodes:    []ports.Facet{f("n0", 10)},
			Rooms:    []ports.Facet{f("room1", 2)},
		}
		if !reflect.DeepEqual(fc, want) {
			t.Fatalf("facets:\n got %+v\nwant %+v", fc, want)
		}
	})
}

// recSorted orders list as the store should for sort key srt.
func recSorted(list []recording.Recording, srt string) []recording.Recording {
	desc := strings.HasPrefix(srt, "-")
	cmpKey := func(a, b recording.Recording) int {
		switch strings.TrimPrefix(srt, "-") {
		case "createdAt":
			return a.CreatedAt.Compare(b.CreatedAt)
		case "name":
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		case "duration":
			return cmp.Compare(a.DurationSeconds(), b.DurationSeconds())
		case "size":
			return cmp.Compare(a.SizeBytes, b.SizeBytes)
		}
		return strings.Compare(string(a.Status), string(b.Status))
	}
	out := slices.Clone(list)
	slices.SortFunc(out, func(a, b recording.Recording) int {
		c := cmpKey(a, b)
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if desc {
			return -c
		}
		return c
	})
	return out
}

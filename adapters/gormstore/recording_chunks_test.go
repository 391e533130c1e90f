package gormstore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/test/dbtest"
)

// chunkFull is a chunk with every field set.
func chunkFull(id, recordingID string, idx int, sha string) recording.Chunk {
	return recording.Chunk{ID: id, RecordingID: recordingID, JobID: "job_1", Index: idx, OffsetFrames: 480000, Frames: 96000,
		SampleRate: 48000, Channels: 2, Codec: recording.CodecFLAC, SizeBytes: 4096, SHA256: sha, Path: "rec/1.flac",
		Final: true, Peaks: []float32{0.5, 0.015625, 1}, CreatedAt: recT0}
}

// TestChunkStorePutAndUploads checks PutChunk idempotence and conflicts,
// and OpenUpload resume and replace.
func TestChunkStorePutAndUploads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		if err := gormstore.NewRecordingStore(c.DB).InsertRecording(ctx, recMinimal("rec_a", "n1", recT0)); err != nil {
			t.Fatal(err)
		}
		s := gormstore.NewChunkStore(c.DB)
		first := chunkFull("chk_1", "rec_a", 1, "aaa")
		got, created, err := s.PutChunk(ctx, first)
		if err != nil || !created || !reflect.DeepEqual(got, first) {
			t.Fatalf("put: %v %v %+v", err, created, got)
		}
		again := first
		again.ID, again.Path = "chk_other", "elsewhere"
		if got, created, err := s.PutChunk(ctx, again); err != nil || created || !reflect.DeepEqual(got, first) {
			t.Fatalf("put same bytes: %v %v %+v", err, created, got)
		}
		again.SHA256 = "bbb"
		if _, _, err := s.PutChunk(ctx, again); !errors.Is(err, recording.ErrChunkConflict) {
			t.Fatalf("put other bytes: %v", err)
		}
		bare := recording.Chunk{ID: "chk_0", RecordingID: "rec_a", Index: 0, SHA256: "ccc", CreatedAt: recT0}
		if _, created, err := s.PutChunk(ctx, bare); err != nil || !created {
			t.Fatalf("put bare: %v %v", err, created)
		}
		list, err := s.ListChunks(ctx, "rec_a")
		if err != nil || len(list) != 2 || !reflect.DeepEqual(list[0], bare) || !reflect.DeepEqual(list[1], first) {
			t.Fatalf("list: %v %+v", err, list)
		}
		if got, err := s.GetChunk(ctx, "rec_a", 1); err != nil || !reflect.DeepEqual(got, first) {
			t.Fatalf("get: %v %+v", err, got)
		}
		if _, err := s.GetChunk(ctx, "rec_a", 7); !errors.Is(err, recording.ErrChunkNotFound) {
			t.Fatalf("get a missing index: %v", err)
		}
		if _, _, err := s.PutChunk(ctx, chunkFull("chk_x", "rec_missing", 1, "a")); errs.KindOf(err) != errs.KindConflict {
			t.Fatalf("chunk of a missing recording: %v", err)
		}

		u := recording.Upload{ID: "upl_1", RecordingID: "rec_a", JobID: "job_1", NodeID: "n1", Chunk: chunkFull("chk_2", "rec_a", 2, "ddd"), CreatedAt: recT0}
		got1, replaced, err := s.OpenUpload(ctx, u)
		if err != nil || replaced != "" || !reflect.DeepEqual(got1, u) {
			t.Fatalf("open: %v %v\n got %+v\nwant %+v", err, replaced, got1, u)
		}
		resume := u
		resume.ID, resume.CreatedAt = "upl_2", recT0.Add(time.Minute)
		if got, replaced, err := s.OpenUpload(ctx, resume); err != nil || replaced != "" || !reflect.DeepEqual(got, u) {
			t.Fatalf("resume: %v %v %+v", err, replaced, got)
		}
		other := resume
		other.Chunk.SHA256, other.Chunk.Peaks = "eee", nil
		if got, replaced, err := s.OpenUpload(ctx, other); err != nil || replaced != u.ID || !reflect.DeepEqual(got, other) {
			t.Fatalf("replace: %v %v %+v", err, replaced, got)
		}
		if _, err := s.GetUpload(ctx, "upl_1"); !errors.Is(err, errs.NotFound("upload.notFound", "")) {
			t.Fatalf("replaced upload: %v", err)
		}
		if got, err := s.GetUpload(ctx, "upl_2"); err != nil || !reflect.DeepEqual(got, other) {
			t.Fatalf("get: %v %+v", err, got)
		}
		if err := s.DeleteUpload(ctx, "upl_2"); err != nil {
			t.Fatalf("delete: %v", err)
		}
		if _, err := s.GetUpload(ctx, "upl_2"); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("deleted upload: %v", err)
		}
		if err := s.DeleteUpload(ctx, "upl_2"); err != nil {
			t.Fatalf("delete missing: %v", err)
		}
	})
}

// TestProfileAndChannelMapStores runs the profile and channel-map checks
// on one database of each kind.
func TestProfileAndChannelMapStores(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		t.Run("profiles", func(t *testing.T) { profileBuiltinsAndCRUD(t, c) })
		t.Run("channel maps", func(t *testing.T) { channelMapTemplatesAndAssignments(t, c) })
	})
}

// profileBuiltinsAndCRUD checks the seeded built-ins, which updates and
// deletes refuse, and the life of a custom profile.
func profileBuiltinsAndCRUD(t *testing.T, c dbtest.Case) {
	ctx := context.Background()
	s := gormstore.NewProfileStore(c.DB)
	for _, want := range recording.Builtins() {
		got, err := s.GetProfile(ctx, want.ID)
		if err != nil || got.CreatedAt.IsZero() {
			t.Fatalf("built-in %s: %v %+v", want.ID, err, got)
		}
		got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("built-in %s:\n got %+v\nwant %+v", want.ID, got, want)
		}
		if _, err := s.UpdateProfile(ctx, want.ID, func(p *recording.Profile) error { p.Name = "x"; return nil }); !errors.Is(err, recording.ErrBuiltinProfile) {
			t.Fatalf("update built-in: %v", err)
		}
		if err := s.DeleteProfile(ctx, want.ID); !errors.Is(err, recording.ErrBuiltinProfile) {
			t.Fatalf("delete built-in: %v", err)
		}
	}
	p := recording.Profile{ID: "prof_1", Name: "Aa custom", Codec: recording.CodecWAV, BitDepth: 16,
		ChannelMode: channelmap.ModeMono, ChunkSeconds: 60, CreatedAt: recT0, UpdatedAt: recT0}
	if err := s.InsertProfile(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetProfile(ctx, p.ID); err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip: %v %+v", err, got)
	}
	if _, err := s.UpdateProfile(ctx, p.ID, func(p *recording.Profile) error { p.Name = "y"; return errors.New("no") }); err == nil {
		t.Fatal("update error lost")
	}
	up, err := s.UpdateProfile(ctx, p.ID, func(p *recording.Profile) error {
		p.Name, p.Codec, p.BitrateKbps, p.VBR, p.BitDepth, p.Builtin = "Zz mp3", recording.CodecMP3, 192, true, 0, true
		return nil
	})
	if got, _ := s.GetProfile(ctx, p.ID); err != nil || !reflect.DeepEqual(got, up) || got.Builtin || got.Name != "Zz mp3" {
		t.Fatalf("update: %v %+v", err, got)
	}
	list, err := s.ListProfiles(ctx)
	if err != nil || len(list) != 4 || !list[0].Builtin || list[3].ID != p.ID {
		t.Fatalf("list: %v %+v", err, list)
	}
	if err := s.DeleteProfile(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetProfile(ctx, p.ID); !errors.Is(err, recording.ErrProfileNotFound) {
		t.Fatalf("deleted: %v", err)
	}
	if err := s.DeleteProfile(ctx, p.ID); !errors.Is(err, recording.ErrProfileNotFound) {
		t.Fatalf("delete missing: %v", err)
	}
}

// channelMapTemplatesAndAssignments checks template CRUD and the
// one-assignment-per-target upsert.
func channelMapTemplatesAndAssignments(t *testing.T, c dbtest.Case) {
	ctx := context.Background()
	s := gormstore.NewChannelMapStore(c.DB)
	m := channelmap.Map{Mode: channelmap.ModeStereo, Entries: []channelmap.Entry{{Source: 1, Label: "L", Included: true},
		{Source: 2, Output: 1, Label: "R", Included: true}, {Source: 4, Label: "off"}}}
	a := channelmap.Template{ID: "cmt_a", Name: "Bench", Map: m, Revision: 1, Tags: []string{"court"}, CreatedAt: recT0, UpdatedAt: recT0}
	b := channelmap.Template{ID: "cmt_b", Name: "Atrium", Map: channelmap.FromSelection(channelmap.ModeMono, []int{3}), Revision: 2,
		Tags: []string{}, CreatedAt: recT0, UpdatedAt: recT0}
	for _, tpl := range []channelmap.Template{a, b} {
		if err := s.InsertTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		if got, err := s.GetTemplate(ctx, tpl.ID); err != nil || !reflect.DeepEqual(got, tpl) {
			t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, got, tpl)
		}
	}
	if _, err := s.GetTemplate(ctx, "cmt_missing"); !errors.Is(err, recording.ErrTemplateNotFound) {
		t.Fatalf("missing: %v", err)
	}
	if list, err := s.ListTemplates(ctx); err != nil || len(list) != 2 || list[0].ID != "cmt_b" {
		t.Fatalf("list: %v %+v", err, list)
	}
	up, err := s.UpdateTemplate(ctx, a.ID, func(t *channelmap.Template) error {
		t.Revision, t.Map.Mode, t.Tags = t.Revision+1, channelmap.ModeMultichannel, nil
		return nil
	})
	if got, _ := s.GetTemplate(ctx, a.ID); err != nil || !reflect.DeepEqual(got, up) || got.Revision != 2 || len(got.Tags) != 0 {
		t.Fatalf("update: %v %+v", err, got)
	}
	if _, err := s.UpdateTemplate(ctx, "cmt_missing", func(*channelmap.Template) error { return nil }); !errors.Is(err, recording.ErrTemplateNotFound) {
		t.Fatalf("update missing: %v", err)
	}
	as1 := channelmap.Assignment{ID: "cma_1", TargetType: channelmap.TargetInterface, TargetID: "if1", TemplateID: a.ID, AssignedAt: recT0, AssignedBy: "user:u1"}
	as2 := channelmap.Assignment{ID: "cma_2", TargetType: channelmap.TargetNode, TargetID: "if1", TemplateID: a.ID, AssignedAt: recT0}
	for _, as := range []channelmap.Assignment{as1, as2} {
		if err := s.Assign(ctx, as); err != nil {
			t.Fatal(err)
		}
	}
	as3 := channelmap.Assignment{ID: "cma_3", TargetType: channelmap.TargetInterface, TargetID: "if1", TemplateID: b.ID, AssignedAt: recT0.Add(time.Hour), AssignedBy: "user:u2"}
	if err := s.Assign(ctx, as3); err != nil {
		t.Fatalf("reassign: %v", err)
	}
	if list, err := s.Assignments(ctx); err != nil || !reflect.DeepEqual(list, []channelmap.Assignment{as3, as2}) {
		t.Fatalf("assignments: %v %+v", err, list)
	}
	if err := s.Assign(ctx, channelmap.Assignment{ID: "cma_4", TargetType: channelmap.TargetNode, TargetID: "n9", TemplateID: "cmt_missing", AssignedAt: recT0}); errs.KindOf(err) != errs.KindConflict {
		t.Fatalf("assign missing template: %v", err)
	}
	if err := s.DeleteTemplate(ctx, a.ID); errs.KindOf(err) != errs.KindConflict {
		t.Fatalf("delete assigned template: %v", err)
	}
	for _, un := range []channelmap.Assignment{as2, as2} {
		if err := s.Unassign(ctx, un.TargetType, un.TargetID); err != nil {
			t.Fatalf("unassign: %v", err)
		}
	}
	if err := s.DeleteTemplate(ctx, a.ID); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := s.DeleteTemplate(ctx, a.ID); !errors.Is(err, recording.ErrTemplateNotFound) {
		t.Fatalf("delete again: %v", err)
	}
	if list, _ := s.Assignments(ctx); len(list) != 1 || list[0].ID != "cma_3" {
		t.Fatalf("assignments after: %+v", list)
	}
}

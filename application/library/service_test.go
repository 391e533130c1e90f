package library

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// issueFields returns the field names of a validation error.
func issueFields(t *testing.T, err error) []string {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
		t.Fatalf("want a validation error, got %v", err)
	}
	d, _ := e.Details.(map[string]any)
	is, _ := d["issues"].([]errs.FieldIssue)
	var out []string
	for _, i := range is {
		out = append(out, i.Field)
	}
	return out
}

func hasField(fields []string, want string) bool {
	for _, f := range fields {
		if f == want {
			return true
		}
	}
	return false
}

func TestFilterParamsNameEachBadField(t *testing.T) {
	_, err := FilterParams{Statuses: []string{"cached,bogus"}, From: "yesterday", Sort: "-loudness",
		NodeID: "a b", Tags: []string{""}}.Filter()
	fields := issueFields(t, err)
	for _, want := range []string{"status", "from", "sort", "nodeId", "tag"} {
		if !hasField(fields, want) {
			t.Errorf("issues %v do not name %s", fields, want)
		}
	}
	_, err = FilterParams{From: "2026-11-27T10:00:00Z", To: "2026-11-27T09:00:00Z"}.Filter()
	if !hasField(issueFields(t, err), "to") {
		t.Error("to before from is not refused on to")
	}
	f, err := FilterParams{Statuses: []string{"cached, partial", "failed", "cached"}, Tags: []string{" council "},
		Folder: "/a/b/", Sort: "-size", From: "2026-11-27T10:00:00+01:00"}.Filter()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(f.Statuses) != "[cached partial failed]" || f.Tags[0] != "council" || f.Folder != "a/b" ||
		f.Sort != "-size" || f.From.Hour() != 9 {
		t.Fatalf("filter %+v", f)
	}
}

func TestListValidatesThePageAndNarrowsToReadableNodes(t *testing.T) {
	fx := newFixture(t, scopeOf{nodes: []string{"n1"}})
	fx.rec("rec_1", "n1", recording.StatusCached)
	fx.rec("rec_2", "n2", recording.StatusCached)
	_, err := fx.svc.List(context.Background(), ports.RecordingFilter{}, 0, -1)
	if f := issueFields(t, err); !hasField(f, "limit") || !hasField(f, "offset") {
		t.Fatalf("issues %v", f)
	}
	page, err := fx.svc.List(context.Background(), ports.RecordingFilter{}, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Recordings[0].ID != "rec_1" {
		t.Fatalf("page %+v", page)
	}
	if last := fx.store.filters[len(fx.store.filters)-1]; !last.OnlyNodes || fmt.Sprint(last.NodeIDs) != "[n1]" {
		t.Fatalf("filter not scoped: %+v", last)
	}
	facets, err := fx.svc.Facets(context.Background(), ports.RecordingFilter{})
	if err != nil || facets.Statuses[0].Count != 1 {
		t.Fatalf("facets %+v %v", facets, err)
	}
}

func TestDetailHasJobsAndChunks(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusCached)
	fx.store.jobs = []recording.Job{{ID: "job_1", RecordingID: "rec_1"}, {ID: "job_2", RecordingID: "rec_x"}}
	fx.chunk("rec_1", 0, recording.CodecWAV, []byte("x"))
	d, err := fx.svc.Detail(context.Background(), "rec_1")
	if err != nil || len(d.Jobs) != 1 || d.JobTotal != 1 || len(d.Chunks) != 1 {
		t.Fatalf("detail %+v %v", d, err)
	}
	if _, err := fx.svc.Detail(context.Background(), "rec_missing"); !errors.Is(err, recording.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestEditMetadataValidatesAndAuditsBeforeAfter(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusRecording, func(r *recording.Recording) { r.Tags = []string{"old"} })
	_, err := fx.svc.EditMetadata(context.Background(), "rec_1", MetadataPatch{Name: ptr("  "), Tags: &[]string{"ok", ""}})
	if f := issueFields(t, err); !hasField(f, "name") || !hasField(f, "tags[1]") {
		t.Fatalf("issues %v", f)
	}
	if len(fx.audit.rows) != 0 || fx.store.recs["rec_1"].Name != "Recording rec_1" {
		t.Fatal("an invalid edit changed something")
	}
	if _, err := fx.svc.EditMetadata(context.Background(), "rec_1", MetadataPatch{}); err == nil {
		t.Fatal("an empty patch was accepted")
	}
	r, err := fx.svc.EditMetadata(context.Background(), "rec_1", MetadataPatch{Name: ptr(" Council "), Folder: ptr("/2026/nov/"),
		Tags: &[]string{"a", "A", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "Council" || r.Folder != "2026/nov" || fmt.Sprint(r.Tags) != "[a b]" || r.Notes != "" {
		t.Fatalf("after %+v", r)
	}
	if len(fx.audit.rows) != 1 {
		t.Fatalf("%d audit rows", len(fx.audit.rows))
	}
	row := fx.audit.rows[0]
	before, _ := row.Before.(map[string]any)
	after, _ := row.After.(map[string]any)
	if row.Action != ActionMetadataUpdate || row.Permission != "recording:edit" || row.Target.ID != "rec_1" ||
		before["name"] != "Recording rec_1" || fmt.Sprint(before["tags"]) != "[old]" || after["folder"] != "2026/nov" {
		t.Fatalf("audit row %+v", row)
	}
	if _, err := fx.svc.EditMetadata(context.Background(), "rec_nope", MetadataPatch{Name: ptr("x")}); !errors.Is(err, recording.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

func TestBulkMetadataIsAllOrNothingAndScoped(t *testing.T) {
	fx := newFixture(t, scopeOf{nodes: []string{"n1"}})
	fx.rec("rec_1", "n1", recording.StatusCached, func(r *recording.Recording) { r.Tags = []string{"draft", "x"} })
	fx.rec("rec_2", "n1", recording.StatusCached)
	fx.rec("rec_3", "n2", recording.StatusCached)
	_, err := fx.svc.BulkEditMetadata(context.Background(), []string{"rec_1", "rec_3"}, BulkMetadata{AddTags: []string{"final"}})
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindNotFound || e.Details.(map[string]any)["field"] != "ids[1]" {
		t.Fatalf("out of scope: %v", err)
	}
	if fmt.Sprint(fx.store.recs["rec_1"].Tags) != "[draft x]" || len(fx.audit.rows) != 0 {
		t.Fatal("a failed bulk edit changed something")
	}
	if _, err := fx.svc.BulkEditMetadata(context.Background(), []string{"rec_1", "rec_1"}, BulkMetadata{Folder: ptr("a")}); !hasField(issueFields(t, err), "ids[1]") {
		t.Fatal("repeated id accepted")
	}
	ids := make([]string, MaxBulk+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("rec_%d", i)
	}
	if _, err := fx.svc.BulkEditMetadata(context.Background(), ids, BulkMetadata{Folder: ptr("a")}); !hasField(issueFields(t, err), "ids") {
		t.Fatal("201 ids accepted")
	}
	out, err := fx.svc.BulkEditMetadata(context.Background(), []string{"rec_1", "rec_2"},
		BulkMetadata{Folder: ptr("/archive/"), AddTags: []string{"final", "X"}, RemoveTags: []string{"DRAFT"}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out[0].Tags) != "[x final]" || out[0].Folder != "archive" || fmt.Sprint(out[1].Tags) != "[final X]" {
		t.Fatalf("bulk result %+v", out)
	}
	if len(fx.audit.rows) != 2 || fx.audit.rows[1].Details["bulk"] != true || fx.audit.rows[1].Target.ID != "rec_2" {
		t.Fatalf("audit rows %+v", fx.audit.rows)
	}
}

func TestDeleteRefusesALiveRecordingAndRemovesFilesAfterCommit(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_live", "n1", recording.StatusRecording)
	fx.rec("rec_done", "n1", recording.StatusCached)
	_, err := fx.svc.Delete(context.Background(), "rec_live")
	if !errors.Is(err, recording.ErrNotTerminal) || errs.KindOf(err) != errs.KindConflict {
		t.Fatalf("live delete: %v", err)
	}
	if _, ok := fx.store.recs["rec_live"]; !ok || len(fx.files.removed) != 0 {
		t.Fatal("a refused delete removed something")
	}
	gone, err := fx.svc.Delete(context.Background(), "rec_done")
	if err != nil || gone.ID != "rec_done" {
		t.Fatal(err)
	}
	if _, ok := fx.store.recs["rec_done"]; ok || fmt.Sprint(fx.files.removed) != "[rec_done]" {
		t.Fatalf("not deleted: files removed %v", fx.files.removed)
	}
	row := fx.audit.rows[0]
	if row.Action != ActionDelete || row.After != nil || row.Before.(map[string]any)["id"] != "rec_done" {
		t.Fatalf("audit %+v", row)
	}
}

func TestBulkDeleteRollsBackOnANonTerminalRecording(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusCached)
	fx.rec("rec_2", "n1", recording.StatusQueued)
	fx.rec("rec_3", "n1", recording.StatusFailed)
	_, err := fx.svc.BulkDelete(context.Background(), []string{"rec_1", "rec_2"})
	if !errors.Is(err, recording.ErrNotTerminal) || !strings.Contains(err.Error(), "ids[1]") {
		t.Fatalf("bulk delete: %v", err)
	}
	if len(fx.store.recs) != 3 || len(fx.files.removed) != 0 || len(fx.audit.rows) != 0 {
		t.Fatal("a failed bulk delete removed something")
	}
	out, err := fx.svc.BulkDelete(context.Background(), []string{"rec_1", "rec_3"})
	if err != nil || len(out) != 2 || len(fx.store.recs) != 1 || len(fx.files.removed) != 2 || len(fx.audit.rows) != 2 {
		t.Fatalf("bulk delete: %v, %d left", err, len(fx.store.recs))
	}
}

func TestExportCSVIsFormulaSafe(t *testing.T) {
	fx := newFixture(t, nil)
	fx.rec("rec_1", "n1", recording.StatusCached, func(r *recording.Recording) {
		r.Name, r.Tags, r.Folder = "=HYPERLINK(\"http://x\")", []string{"+a", "b"}, "@folder"
		r.SampleRate, r.Frames, r.SizeBytes, r.ChunkTotal, r.Checksum = 48000, 96000, 1234, 2, "sha256:ab"
	})
	var buf bytes.Buffer
	n, err := fx.svc.ExportCSV(context.Background(), &buf, ports.RecordingFilter{})
	if err != nil || n != 1 {
		t.Fatal(n, err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("header %v", rows[0])
	}
	r := rows[1]
	if r[1] != "'=HYPERLINK(\"http://x\")" || r[2] != "'@folder" || r[3] != "'+a; b" || r[13] != "2.000" || r[14] != "1234" ||
		r[15] != "2" || r[16] != "sha256:ab" || r[10] != "2026-11-27T14:00:00Z" {
		t.Fatalf("row %q", r)
	}
	buf.Reset()
	if n, err := newFixture(t, nil).svc.ExportCSV(context.Background(), &buf, ports.RecordingFilter{}); err != nil || n != 0 ||
		strings.TrimSpace(buf.String()) != strings.Join(CSVHeader, ",") {
		t.Fatalf("empty export %q %v", buf.String(), err)
	}
}

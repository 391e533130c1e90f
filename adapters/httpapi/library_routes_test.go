package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/domain/recording"
)

func TestLibraryAudioRoutesServeRanges(t *testing.T) {
	api := newLibAPI(t)
	for i := range 2 {
		rel := fmt.Sprintf("rec_1/%d.wav", i)
		api.store.files[rel] = wavChunk(bytes.Repeat([]byte{byte(i + 1), byte(i + 1)}, 500))
		api.store.chunks["rec_1"] = append(api.store.chunks["rec_1"], recording.Chunk{RecordingID: "rec_1", Index: i,
			Codec: recording.CodecWAV, Path: rel, SHA256: strings.Repeat("a", 64)})
	}
	full := api.do("GET", "/api/v1/recordings/rec_1/stream", "viewer", "")
	if full.Code != 200 || full.Header().Get("Content-Type") != "audio/wav" || full.Body.Len() != 44+2000 ||
		full.Header().Get("Accept-Ranges") != "bytes" || full.Header().Get("ETag") == "" ||
		!strings.HasPrefix(full.Header().Get("Content-Disposition"), "inline") {
		t.Fatalf("full: %d %v %d bytes", full.Code, full.Header(), full.Body.Len())
	}
	part := api.do("GET", "/api/v1/recordings/rec_1/stream", "viewer", "", "Range", "bytes=1040-1051")
	if part.Code != 206 || part.Header().Get("Content-Range") != "bytes 1040-1051/2044" ||
		!bytes.Equal(part.Body.Bytes(), full.Body.Bytes()[1040:1052]) {
		t.Fatalf("range: %d %v %x", part.Code, part.Header(), part.Body.Bytes())
	}
	past := api.do("GET", "/api/v1/recordings/rec_1/file", "viewer", "", "Range", "bytes=5000-")
	if past.Code != 416 || past.Header().Get("Content-Range") != "bytes */2044" ||
		!strings.Contains(past.Body.String(), `"code":"range.notSatisfiable"`) {
		t.Fatalf("past the end: %d %v %s", past.Code, past.Header(), past.Body.String())
	}
	for _, bad := range []string{"bytes=10-5", "bytes=x-", "items=0-1", "bytes=-y"} {
		w := api.do("GET", "/api/v1/recordings/rec_1/file", "viewer", "", "Range", bad)
		if w.Code != 416 || !strings.Contains(w.Body.String(), `"code":"range.invalid"`) {
			t.Fatalf("malformed range %q: %d %s", bad, w.Code, w.Body.String())
		}
	}
	if w := api.do("GET", "/api/v1/recordings/rec_1/file", "viewer", "", "Range", "bytes=5000-, 10-19"); w.Code != 206 ||
		w.Header().Get("Content-Range") != "bytes 10-19/2044" {
		t.Fatalf("one satisfiable range of two: %d %v", w.Code, w.Header())
	}
	file := api.do("GET", "/api/v1/recordings/rec_1/file?chunk=1", "viewer", "")
	if file.Code != 200 || file.Header().Get("Content-Disposition") != `attachment; filename=Council-chunk-001.wav` ||
		file.Body.Len() != 44+1000 {
		t.Fatalf("chunk download: %d %v", file.Code, file.Header())
	}
	same := api.do("GET", "/api/v1/recordings/rec_1/stream", "viewer", "", "If-None-Match", full.Header().Get("ETag"))
	if same.Code != 304 {
		t.Fatalf("If-None-Match: %d", same.Code)
	}
	if w := api.do("GET", "/api/v1/recordings/rec_2/stream", "viewer", ""); w.Code != 403 {
		t.Fatalf("out of scope: %d %s", w.Code, w.Body)
	}
	if w := api.do("GET", "/api/v1/recordings/rec_2/stream", "operator", ""); w.Code != 409 ||
		!strings.Contains(w.Body.String(), "recording.fileNotReady") {
		t.Fatalf("no file yet: %d %s", w.Code, w.Body)
	}
	if w := api.do("GET", "/api/v1/recordings/rec_1/stream?chunk=-1", "viewer", ""); w.Code != 400 {
		t.Fatalf("bad chunk: %d", w.Code)
	}
}

func TestLibraryListExportAndDeleteRoutes(t *testing.T) {
	api := newLibAPI(t)
	w := api.do("GET", "/api/v1/recordings?status=cached,bogus&limit=10", "viewer", "")
	if w.Code != 400 || !strings.Contains(w.Body.String(), `"field":"status"`) {
		t.Fatalf("bad status: %d %s", w.Code, w.Body)
	}
	w = api.do("GET", "/api/v1/recordings?status=cached&status=partial&tag=a&limit=1", "viewer", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"total":1`) || !strings.Contains(w.Body.String(), `"id":"rec_1"`) {
		t.Fatalf("scoped list: %d %s", w.Code, w.Body)
	}
	w = api.do("GET", "/api/v1/recordings?limit=1", "operator", "")
	if !strings.Contains(w.Body.String(), `"hasNextPage":true`) {
		t.Fatalf("page meta: %s", w.Body)
	}
	w = api.do("GET", "/api/v1/recordings/export", "viewer", "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", w.Code, w.Header())
	}
	rows, err := csv.NewReader(w.Body).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != "'=Council" || rows[1][3] != "'@budget" {
		t.Fatalf("csv %q %v", rows, err)
	}
	if w := api.do("GET", "/api/v1/recordings/export?colour=red", "viewer", ""); w.Code != 400 {
		t.Fatalf("unknown export parameter: %d", w.Code)
	}
	if w := api.do("GET", "/api/v1/recordings?statuss=cached", "viewer", ""); w.Code != 400 || !strings.Contains(w.Body.String(), `"field":"statuss"`) {
		t.Fatalf("mistyped list filter: %d %s", w.Code, w.Body)
	}
	w = api.do("PATCH", "/api/v1/recordings/rec_1/metadata", "operator", `{"name":" Council ","tags":["x"]}`)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"name":"Council"`) {
		t.Fatalf("edit: %d %s", w.Code, w.Body)
	}
	api.store.recs["rec_2"] = func(r recording.Recording) recording.Recording { r.Status = recording.StatusRecording; return r }(api.store.recs["rec_2"])
	if w := api.do("DELETE", "/api/v1/recordings/rec_2", "owner", ""); w.Code != 409 || !strings.Contains(w.Body.String(), "recording.notTerminal") {
		t.Fatalf("live delete: %d %s", w.Code, w.Body)
	}
	if w := api.do("DELETE", "/api/v1/recordings/rec_1", "operator", ""); w.Code != 403 {
		t.Fatalf("operator delete: %d", w.Code)
	}
	if w := api.do("POST", "/api/v1/recordings/bulk-delete", "owner", `{"ids":["rec_1"]}`); w.Code != 200 || len(api.store.recs) != 1 {
		t.Fatalf("bulk delete: %d %s", w.Code, w.Body)
	}
	if w := api.do("GET", "/api/v1/recordings/rec_1", "owner", ""); w.Code != 404 {
		t.Fatalf("deleted: %d", w.Code)
	}
}

func TestSettingsRoutesProtectBuiltinsAndCountRevisions(t *testing.T) {
	api := newLibAPI(t)
	body := `{"name":"Mine","codec":"wav","channelMode":"mono"}`
	if w := api.do("PUT", "/api/v1/settings/recording-profiles/"+recording.ProfileRawWAV, "owner", body); w.Code != 409 ||
		!strings.Contains(w.Body.String(), "profile.builtin") {
		t.Fatalf("built-in: %d %s", w.Code, w.Body)
	}
	if w := api.do("POST", "/api/v1/settings/recording-profiles", "operator", body); w.Code != 403 {
		t.Fatalf("operator create: %d", w.Code)
	}
	if w := api.do("POST", "/api/v1/settings/recording-profiles", "owner", body); w.Code != 201 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	if w := api.do("GET", "/api/v1/settings/recording-profiles", "viewer", ""); w.Code != 200 || strings.Count(w.Body.String(), `"id"`) != 4 {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	tmpl := `{"name":"Lectern","channelMode":"stereo","entries":[{"sourceChannelIndex":1,"included":true},{"sourceChannelIndex":2,"included":true}]}`
	w := api.do("POST", "/api/v1/settings/channel-map-templates", "owner", tmpl)
	if w.Code != 201 || !strings.Contains(w.Body.String(), `"revision":1`) {
		t.Fatalf("template: %d %s", w.Code, w.Body)
	}
	id := api.store.assignsTemplateID(t)
	if w := api.do("PUT", "/api/v1/settings/channel-map-templates/"+id, "owner", tmpl); !strings.Contains(w.Body.String(), `"revision":2`) {
		t.Fatalf("update: %d %s", w.Code, w.Body)
	}
	if w := api.do("DELETE", "/api/v1/settings/channel-map-assignments?targetType=room&targetId=x", "owner", ""); w.Code != 400 ||
		!strings.Contains(w.Body.String(), `"field":"targetType"`) {
		t.Fatalf("unassign: %d %s", w.Code, w.Body)
	}
}

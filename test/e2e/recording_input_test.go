package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// checkBadInput runs the refusals on a rig that holds the cached recording
// done: each gets a clear error and nothing is stored.
func checkBadInput(t *testing.T, r *rig, done recView) {
	t.Helper()
	call := func(body map[string]any) (int, string, string) {
		resp := r.c.Call("POST", "/api/v1/recordings", r.owner, body)
		if resp.Status < 400 {
			return resp.Status, "", string(resp.Body)
		}
		code, msg := resp.Error(t)
		return resp.Status, code, msg + " " + string(resp.Body)
	}
	base := func() map[string]any {
		return map[string]any{"nodeId": r.nodeID, "interfaceId": r.ifaceID, "channels": []int{1, 2},
			"channelMode": "multichannel", "profileId": "raw-wav", "name": "Bad input"}
	}
	cases := []struct {
		what   string
		change func(map[string]any)
		status int
		want   string
	}{
		{"unknown node", func(b map[string]any) { b["nodeId"] = "node_missing" }, 404, ""},
		{"unknown profile", func(b map[string]any) { b["profileId"] = "prof_missing" }, 404, ""},
		{"channel out of range", func(b map[string]any) { b["channels"] = []int{1, 7} }, 400, "channels[1]"},
		{"stereo with one channel", func(b map[string]any) { b["channels"], b["channelMode"] = []int{1}, "stereo" }, 400, "channels"},
		{"unknown mode", func(b map[string]any) { b["channelMode"] = "surround" }, 400, "channelMode"},
	}
	for _, c := range cases {
		b := base()
		c.change(b)
		status, _, msg := call(b)
		if status != c.status || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %s (want %d naming %q)", c.what, status, msg, c.status, c.want)
		}
	}

	// Busy channels: a live recording holds channel 2.
	live := r.record(t, map[string]any{"channels": []int{2}, "channelMode": "mono", "profileId": "raw-wav", "name": "Holds channel 2"})
	b := base()
	if status, code, msg := call(b); status != 409 || code != "capture_channels_busy" {
		t.Errorf("busy channels: %d %s %s", status, code, msg)
	}

	// A chunk whose bytes do not match its checksum is refused, not stored.
	r.waitStatus(t, live, 30*time.Second, "recording")
	var cred struct{ NodeID, NodeToken string }
	raw, err := os.ReadFile(filepath.Join(r.dataDir, "credential.json"))
	if err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(raw, &cred)
	var jobs []struct{ ID string }
	r.c.Call("GET", "/api/v1/recording-jobs?recordingId="+live, r.owner, nil).Data(t, &jobs)
	if len(jobs) != 1 {
		t.Fatalf("jobs of the live recording: %+v", jobs)
	}
	node := func(method, path string, body io.Reader, hdr map[string]string) (int, []byte) {
		req, _ := http.NewRequest(method, r.c.URL+path, body)
		req.Header.Set("Authorization", "Bearer "+cred.NodeToken)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}
	open, _ := json.Marshal(map[string]any{"recordingId": live, "jobId": jobs[0].ID, "index": 90, "offsetFrames": 90 * 48000,
		"frames": 100, "sampleRate": 48000, "channels": 1, "codec": "wav", "sizeBytes": 1000, "sha256": strings.Repeat("0", 64)})
	status, body := node("POST", fmt.Sprintf("/api/v1/nodes/%s/uploads", cred.NodeID), bytes.NewReader(open), map[string]string{"Content-Type": "application/json"})
	if status != 200 && status != 201 {
		t.Fatalf("open upload: %d %s", status, body)
	}
	var up struct{ Data struct{ UploadID string } }
	_ = json.Unmarshal(body, &up)
	status, body = node("PUT", fmt.Sprintf("/api/v1/nodes/%s/uploads/%s", cred.NodeID, up.Data.UploadID),
		bytes.NewReader(make([]byte, 1000)), map[string]string{"X-Rakkr-Upload-Offset": "0", "Content-Type": "application/octet-stream"})
	if status != 422 || !strings.Contains(string(body), "upload.checksumMismatch") {
		t.Errorf("chunk with a wrong checksum: %d %s", status, body)
	}
	var detail struct{ Chunks []struct{ Index int } }
	r.c.Call("GET", "/api/v1/recordings/"+live, r.owner, nil).Data(t, &detail)
	for _, c := range detail.Chunks {
		if c.Index == 90 {
			t.Errorf("the refused chunk was stored")
		}
	}
	if resp := r.c.Call("POST", "/api/v1/recordings/"+live+"/discard", r.owner, map[string]any{}); resp.Status != 200 {
		t.Errorf("discard: %d %s", resp.Status, resp.Body)
	}

	// A range past the end of the file.
	req, _ := http.NewRequest("GET", r.c.URL+"/api/v1/recordings/"+done.ID+"/stream", nil)
	req.Header.Set("Authorization", "Bearer "+r.owner)
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-", done.SizeBytes+10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("range past the end: %d", resp.StatusCode)
	}
	req.Header.Set("Range", "bytes=100-199")
	resp, _ = http.DefaultClient.Do(req)
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || len(part) != 100 {
		t.Errorf("a range inside the file: %d, %d bytes", resp.StatusCode, len(part))
	}
}

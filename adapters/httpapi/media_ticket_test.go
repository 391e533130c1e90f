package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/httpapi"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/recording"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// CredentialDigest implements ports.DigestAuthenticator.
func (libUsers) CredentialDigest(bearer string) string { return "digest:" + bearer }

// AuthenticateDigest implements ports.DigestAuthenticator.
func (u libUsers) AuthenticateDigest(ctx context.Context, digest string) (access.Principal, error) {
	return u.Authenticate(ctx, strings.TrimPrefix(digest, "digest:"))
}

// anon sends a request without the Authorization header.
func (a libAPI) anon(method, path string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	return w
}

// mediaURL asks for a playback (or download) URL as bearer.
func (a libAPI) mediaURL(t *testing.T, path, bearer string) httpapi.MediaURLResponse {
	t.Helper()
	w := a.do("POST", path, bearer, "")
	if w.Code != 201 {
		t.Fatalf("POST %s: %d %s", path, w.Code, w.Body)
	}
	var out struct{ Data httpapi.MediaURLResponse }
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out.Data
}

// auditRows returns "action actor" of the audit rows whose action starts with action.
func (a libAPI) auditRows(t *testing.T, action string) []string {
	t.Helper()
	var rows []struct{ Action, ActorID string }
	if err := a.db.DB.Gorm.Raw("SELECT action, actor_id FROM audit_events WHERE action LIKE ?", action+"%").
		Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Action+" "+r.ActorID)
	}
	return out
}

func withAudio(api libAPI) {
	for i := range 2 {
		rel := fmt.Sprintf("rec_1/%d.wav", i)
		api.store.files[rel] = wavChunk(bytes.Repeat([]byte{byte(i + 1), byte(i + 1)}, 500))
		api.store.chunks["rec_1"] = append(api.store.chunks["rec_1"], recording.Chunk{RecordingID: "rec_1", Index: i,
			Codec: recording.CodecWAV, Path: rel, SHA256: strings.Repeat("a", 64)})
	}
	api.store.files["rec_2/0.wav"] = wavChunk([]byte{9, 9, 9, 9})
	api.store.chunks["rec_2"] = []recording.Chunk{{RecordingID: "rec_2", Codec: recording.CodecWAV, Path: "rec_2/0.wav"}}
}

func ticketOf(t *testing.T, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query().Get("ticket")
}

func TestMediaTicketPlaysWithRangesUntilItExpires(t *testing.T) {
	api := newLibAPI(t)
	withAudio(api)
	u := api.mediaURL(t, "/api/v1/recordings/rec_1/playback", "viewer")
	ticket := ticketOf(t, u.URL)
	if !strings.HasPrefix(u.URL, "/api/v1/recordings/rec_1/stream?ticket=") || len(ticket) != 64 ||
		!u.ExpiresAt.Equal(api.clock.Now().Add(httpapi.MediaTicketTTL)) {
		t.Fatalf("playback URL: %+v", u)
	}
	full := api.do("GET", "/api/v1/recordings/rec_1/stream", "viewer", "")
	// Reusable: an <audio> element asks for several ranges with one URL.
	for _, rng := range []string{"bytes=0-", "bytes=1040-1051", "bytes=2000-"} {
		w := api.anon("GET", u.URL, "Range", rng)
		var from int
		_, _ = fmt.Sscanf(rng, "bytes=%d-", &from)
		if w.Code != 206 || !bytes.Equal(w.Body.Bytes(), full.Body.Bytes()[from:from+w.Body.Len()]) ||
			!strings.HasPrefix(w.Header().Get("Content-Disposition"), "inline") {
			t.Fatalf("range %s: %d %v", rng, w.Code, w.Header())
		}
	}
	count := map[string]int{}
	for _, r := range api.auditRows(t, "recordings.stream") {
		count[r]++
	}
	// The URL, the bearer request and the three ticket requests, all as the viewer.
	if len(count) != 2 || count["recordings.stream.url.allowed viewer-id"] != 1 || count["recordings.stream.allowed viewer-id"] != 4 {
		t.Fatalf("audit rows: %v", count)
	}
	if strings.Contains(api.logs.String(), ticket) || !strings.Contains(api.logs.String(), "/api/v1/recordings/:id/stream") {
		t.Fatalf("the ticket reached the log (or nothing was logged):\n%s", api.logs.String())
	}

	api.clock.advance(httpapi.MediaTicketTTL - time.Second)
	if w := api.anon("GET", u.URL, "Range", "bytes=0-9"); w.Code != 206 {
		t.Fatalf("just before expiry: %d %s", w.Code, w.Body)
	}
	api.clock.advance(time.Second)
	if w := api.anon("GET", u.URL, "Range", "bytes=0-9"); w.Code != 401 || !strings.Contains(w.Body.String(), "auth.invalidMediaTicket") {
		t.Fatalf("expired: %d %s", w.Code, w.Body)
	}
	if rows := api.auditRows(t, "recordings.stream.denied"); len(rows) != 1 || rows[0] != "recordings.stream.denied anonymous" {
		t.Fatalf("refused ticket audit: %q", rows)
	}
}

func TestMediaTicketIsBoundToItsRecordingAndRoute(t *testing.T) {
	api := newLibAPI(t)
	withAudio(api)
	play := api.mediaURL(t, "/api/v1/recordings/rec_1/playback", "operator")
	ticket := ticketOf(t, play.URL)
	for name, path := range map[string]string{
		"other recording": "/api/v1/recordings/rec_2/stream?ticket=" + ticket,
		"file route":      "/api/v1/recordings/rec_1/file?ticket=" + ticket,
		"wrong ticket":    "/api/v1/recordings/rec_1/stream?ticket=" + strings.Repeat("0", 64),
	} {
		if w := api.anon("GET", path); w.Code != 401 || !strings.Contains(w.Body.String(), "auth.invalidMediaTicket") {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}
	// Only the two media routes accept tickets.
	if w := api.anon("GET", "/api/v1/recordings/rec_1?ticket="+ticket); w.Code != 401 ||
		strings.Contains(w.Body.String(), "rec_1") {
		t.Fatalf("detail with a ticket: %d %s", w.Code, w.Body)
	}
	if w := api.anon("GET", "/api/v1/recordings/rec_1/stream"); w.Code != 401 {
		t.Fatalf("no bearer, no ticket: %d %s", w.Code, w.Body)
	}

	dl := api.mediaURL(t, "/api/v1/recordings/rec_1/download?chunk=1", "operator")
	if !strings.HasPrefix(dl.URL, "/api/v1/recordings/rec_1/file?") || !strings.Contains(dl.URL, "chunk=1") {
		t.Fatalf("download URL: %s", dl.URL)
	}
	w := api.anon("GET", dl.URL)
	if w.Code != 200 || w.Body.Len() != 44+1000 || !strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("chunk download: %d %v", w.Code, w.Header())
	}
	if w := api.anon("GET", strings.Replace(dl.URL, "/file?", "/stream?", 1)); w.Code != 401 {
		t.Fatalf("file ticket on stream: %d %s", w.Code, w.Body)
	}
	// Issuing needs the permission on the recording, and the audio.
	if w := api.do("POST", "/api/v1/recordings/rec_2/playback", "viewer", ""); w.Code != 403 {
		t.Fatalf("out of scope: %d %s", w.Code, w.Body)
	}
	if w := api.do("POST", "/api/v1/recordings/rec_1/download?chunk=7", "operator", ""); w.Code != 404 && w.Code != 409 {
		t.Fatalf("missing chunk: %d %s", w.Code, w.Body)
	}
	if w := api.do("POST", "/api/v1/recordings/nope/playback", "owner", ""); w.Code != 404 {
		t.Fatalf("unknown recording: %d %s", w.Code, w.Body)
	}
}

func TestMediaTicketRechecksThePermission(t *testing.T) {
	api := newLibAPI(t)
	withAudio(api)
	u := api.mediaURL(t, "/api/v1/recordings/rec_1/download", "operator")
	if w := api.anon("GET", u.URL, "Range", "bytes=0-3"); w.Code != 206 || w.Body.String() != "RIFF" {
		t.Fatalf("before revocation: %d %q", w.Code, w.Body)
	}
	if err := api.authz.SetUserAccess(context.Background(), "operator-id", nil, nil, []access.Ref{access.Global}); err != nil {
		t.Fatal(err)
	}
	w := api.anon("GET", u.URL, "Range", "bytes=0-3")
	if w.Code != 403 || !strings.Contains(w.Body.String(), string(access.RecordingDownload)) {
		t.Fatalf("after revocation: %d %s", w.Code, w.Body)
	}
	rows := api.auditRows(t, "recordings.download.denied")
	if len(rows) != 1 || rows[0] != "recordings.download.denied operator-id" {
		t.Fatalf("denial audit: %q", rows)
	}
}

func TestMediaTicketEndsWithTheSignInThatIssuedIt(t *testing.T) {
	api := newLibAPI(t)
	withAudio(api)
	u := api.mediaURL(t, "/api/v1/recordings/rec_1/playback", "viewer")
	if w := api.anon("GET", u.URL, "Range", "bytes=0-3"); w.Code != 206 {
		t.Fatalf("before logout: %d %s", w.Code, w.Body)
	}
	api.users.ended["viewer"] = true
	w := api.anon("GET", u.URL, "Range", "bytes=0-3")
	if w.Code != 401 || !strings.Contains(w.Body.String(), "auth.invalidMediaTicket") || !strings.Contains(w.Body.String(), "sign-in") {
		t.Fatalf("after logout: %d %s", w.Code, w.Body)
	}
}

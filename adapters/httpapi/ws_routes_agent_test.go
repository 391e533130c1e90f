package httpapi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/ports/agentapi"
)

func readBody(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func decodeBody(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(readBody(resp)), v); err != nil {
		t.Fatal(err)
	}
}

// expectClose reads until the stream closes and checks the close code.
func expectClose(t *testing.T, c *websocket.Conn, code int, reason string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != code || !strings.Contains(ce.Text, reason) {
			t.Fatalf("want close %d %q, got %v", code, reason, err)
		}
		return
	}
}

func TestMeterStreamRejectsBadMessages(t *testing.T) {
	a := newMeterAPI(t)
	levels := make([]string, 513)
	for i := range levels {
		levels[i] = `{"channelIndex":` + strconv.Itoa(i+1) + `}`
	}
	manyJSON := []byte(`{"type":"meter","meter":{"nodeId":"n1","interfaceId":"i1","capturedAt":"2026-01-01T00:00:00Z","levels":[` +
		strings.Join(levels, ",") + `]}}`)
	other, _ := json.Marshal(agentapi.StreamMessage{Type: "meter", Meter: ptr(testFrame("n2", "i1", 1))})
	cases := []struct {
		reason string
		msg    []byte
	}{
		{ws.RejectMalformed, []byte(`{"type":"meter","meter":`)},
		{ws.RejectMalformed, []byte(`{"type":"meter"}`)},
		{ws.RejectOversize, []byte(`{"type":"meter","pad":"` + strings.Repeat("x", ws.MaxAgentMessage) + `"}`)},
		{ws.RejectTooManyLevels, manyJSON},
		{ws.RejectNodeMismatch, other},
		{ws.RejectInvalid, []byte(`{"type":"meter","meter":{"nodeId":"n1","interfaceId":"","capturedAt":"2026-01-01T00:00:00Z","levels":[]}}`)},
	}
	for _, tc := range cases {
		before := a.counter(t, "rakkr_meter_frames_rejected_total", tc.reason)
		ag := a.agent(t, "n1")
		if err := ag.WriteMessage(websocket.TextMessage, tc.msg); err != nil {
			t.Fatal(err)
		}
		expectClose(t, ag, websocket.ClosePolicyViolation, tc.reason)
		if got := a.counter(t, "rakkr_meter_frames_rejected_total", tc.reason); got != before+1 {
			t.Fatalf("%s: counter %v → %v", tc.reason, before, got)
		}
	}
	if a.svc.Latest("n1") != nil || a.svc.Latest("n2") != nil {
		t.Fatal("a rejected frame was stored")
	}
	// Unknown message types are skipped, the stream stays open.
	ag := a.agent(t, "n1")
	if err := ag.WriteMessage(websocket.TextMessage, []byte(`{"type":"listen"}`)); err != nil {
		t.Fatal(err)
	}
	sendFrame(t, ag, testFrame("n1", "i1", 1))
	deadline := time.Now().Add(2 * time.Second)
	for a.svc.Latest("n1") == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if a.svc.Latest("n1") == nil {
		t.Fatal("frame after an unknown message type was not ingested")
	}
}

func ptr[T any](v T) *T { return &v }

func TestMeterStreamAuthAndUpgrade(t *testing.T) {
	a := newMeterAPI(t)
	for _, tc := range []struct {
		token  string
		status int
		code   string
	}{{"", 401, "auth.unauthenticated"}, {"agent-n2", 403, "node.credentialMismatch"}, {"agent-n1", 400, "websocket.upgradeRequired"}} {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/api/v1/nodes/n1/stream", nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if body := readBody(resp); resp.StatusCode != tc.status || !strings.Contains(body, tc.code) {
			t.Fatalf("token %q: %d %s", tc.token, resp.StatusCode, body)
		}
	}
}

func TestMeterStreamNewConnectionReplacesOld(t *testing.T) {
	a := newMeterAPI(t)
	first := a.agent(t, "n1")
	second := a.agent(t, "n1")
	expectClose(t, first, websocket.CloseNormalClosure, "replaced")
	sendFrame(t, second, testFrame("n1", "i1", 1))
	deadline := time.Now().Add(2 * time.Second)
	for a.svc.Latest("n1") == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if a.svc.Latest("n1") == nil {
		t.Fatal("the replacing stream is not ingested")
	}
}

package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// binaryAgent dials node's stream through the route, offering the binary
// subprotocol.
func (a *meterAPI) binaryAgent(t *testing.T, node string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{agentapi.StreamProtocolBinary}}
	c, resp, err := d.Dial(a.wsURL("/api/v1/nodes/"+node+"/stream"), http.Header{"Authorization": {"Bearer agent-" + node}})
	if err != nil {
		t.Fatalf("agent dial: %v %v", err, resp)
	}
	t.Cleanup(func() { c.Close() })
	if c.Subprotocol() != agentapi.StreamProtocolBinary {
		t.Fatalf("subprotocol %q", c.Subprotocol())
	}
	return c
}

// TestMeterStreamBinary: a negotiated stream ingests binary meter frames;
// a malformed one, or binary on a stream that did not negotiate it, closes
// the stream with 1008 and counts rakkr_meter_frames_rejected_total{reason="malformed"}.
func TestMeterStreamBinary(t *testing.T) {
	a := newMeterAPI(t)
	ag := a.binaryAgent(t, "n1")
	f := testFrame("n1", "i1", 8)
	if err := ag.WriteMessage(websocket.BinaryMessage, agentapi.AppendMeterBinary(nil, f)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for a.svc.Latest("n1") == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if l := a.svc.Latest("n1"); len(l) != 1 || len(l[0].Frame.Levels) != 8 || !l[0].Frame.CapturedAt.Equal(f.CapturedAt) {
		t.Fatalf("binary frame not ingested: %+v", l)
	}
	for _, plain := range []bool{false, true} {
		before := a.counter(t, "rakkr_meter_frames_rejected_total", ws.RejectMalformed)
		msg := agentapi.AppendMeterBinary(nil, f)
		c := a.agent(t, "n1")
		if !plain {
			c, msg = a.binaryAgent(t, "n1"), msg[:len(msg)-3]
		}
		if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
			t.Fatal(err)
		}
		expectClose(t, c, websocket.ClosePolicyViolation, ws.RejectMalformed)
		if got := a.counter(t, "rakkr_meter_frames_rejected_total", ws.RejectMalformed); got != before+1 {
			t.Fatalf("plain stream %v: counter %v → %v", plain, before, got)
		}
	}
}

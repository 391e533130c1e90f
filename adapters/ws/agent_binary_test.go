package ws_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// countingObserver counts rejections by reason.
type countingObserver struct {
	ports.NopMeterObserver
	mu       sync.Mutex
	rejected map[string]int
}

func (o *countingObserver) MeterFrameRejected(reason string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.rejected[reason]++
}

func (o *countingObserver) count(reason string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.rejected[reason]
}

// observedHub is hubServer with a counting observer.
func observedHub(t *testing.T) (*httptest.Server, *meters.Service, *countingObserver) {
	obs := &countingObserver{rejected: map[string]int{}}
	svc := meters.New(meters.Config{Queue: 64})
	srv := serveHub(t, ws.Config{Meters: svc, Authenticator: hubAuthn{}, Authorizer: hubAuthz{}, Observer: obs})
	return srv, svc, obs
}

// binaryAgent dials node's stream offering the binary subprotocol.
func binaryAgent(t *testing.T, srv *httptest.Server, node string) *websocket.Conn {
	t.Helper()
	c := hubDial(t, srv, "/api/v1/nodes/"+node+"/stream", agentapi.StreamProtocolBinary)
	if c.Subprotocol() != agentapi.StreamProtocolBinary {
		t.Fatalf("subprotocol %q", c.Subprotocol())
	}
	return c
}

// richFrame sets every field, with values the meter history cannot pack
// (so it keeps the frame itself: aliasing would show).
func richFrame(node string, k int) agentapi.MeterFrame {
	f := agentapi.MeterFrame{NodeID: node, InterfaceID: "i1", CapturedAt: time.Now().UTC()}
	for i := 1; i <= 8; i++ {
		v := float64(k) + float64(i)/1e6
		l := agentapi.LevelFrame{ChannelIndex: i, Label: agentapi.ChannelLabel(i), RMSDBFS: -20 - v, PeakDBFS: -3 - v, Clipping: i == 2,
			Quality: agentapi.Quality{SpeechScore: 0.8, SpeechLike: i%2 == 1, NoiseScore: 0.1, BroadbandNoiseScore: 0.01, HumScore: 0.02,
				StaticScore: 0.03, EstimatedSNRDB: 24.5, IntelligibilityScore: 0.7, CrestFactorDB: 12.3, ZeroCrossingRate: 0.1234}}
		if i <= 2 {
			l.Quality.ChannelCorrelation = &agentapi.ChannelCorrelation{PeerChannelIndex: 3 - i, Phase: agentapi.PhaseInverted, Score: v}
		}
		f.Levels = append(f.Levels, l)
	}
	return f
}

func meterConsole(t *testing.T, srv *httptest.Server, node string) *websocket.Conn {
	t.Helper()
	con := hubDial(t, srv, "/api/v1/ws", ws.Protocol, ws.BearerProtocolPrefix+"u")
	if err := con.WriteJSON(map[string]string{"type": "subscribe", "topic": "meters:" + node}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := con.ReadMessage(); err != nil { // subscribed
		t.Fatal(err)
	}
	return con
}

func readConsole(t *testing.T, con *websocket.Conn) []byte {
	t.Helper()
	_ = con.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, b, err := con.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAgentBinaryFramesReachConsole: on a stream that negotiated the
// binary subprotocol, a binary frame reaches the console as the same JSON
// as the frame sent as JSON text (which stays accepted), and frames queued
// or kept in history are not overwritten by the next decode.
func TestAgentBinaryFramesReachConsole(t *testing.T) {
	srv, svc, obs := observedHub(t)
	con := meterConsole(t, srv, "n1")
	ag := binaryAgent(t, srv, "n1")
	f := richFrame("n1", 0)
	if err := ag.WriteJSON(agentapi.StreamMessage{Type: "meter", Meter: &f}); err != nil {
		t.Fatal(err)
	}
	viaJSON := readConsole(t, con)
	if err := ag.WriteMessage(websocket.BinaryMessage, agentapi.AppendMeterBinary(nil, f)); err != nil {
		t.Fatal(err)
	}
	viaBinary := readConsole(t, con)
	if !bytes.Equal(viaJSON, viaBinary) || !bytes.Contains(viaBinary, []byte(`"channelCorrelation"`)) {
		t.Fatalf("console JSON differs\n json:   %s\n binary: %s", viaJSON, viaBinary)
	}
	// A burst: every frame keeps its own values in the queue and history.
	const n = 20
	var buf []byte
	for k := 1; k <= n; k++ {
		buf = agentapi.AppendMeterBinary(buf[:0], richFrame("n1", k))
		if err := ag.WriteMessage(websocket.BinaryMessage, buf); err != nil {
			t.Fatal(err)
		}
	}
	for k := 1; k <= n; k++ {
		var m ws.ServerMessage
		if err := json.Unmarshal(readConsole(t, con), &m); err != nil || m.Frame == nil {
			t.Fatal(err)
		}
		want := richFrame("n1", k)
		if got := m.Frame.Levels; got[7].RMSDBFS != want.Levels[7].RMSDBFS || got[1].Quality.ChannelCorrelation.Score != want.Levels[1].Quality.ChannelCorrelation.Score {
			t.Fatalf("console frame %d carries %v / %v", k, got[7].RMSDBFS, got[1].Quality.ChannelCorrelation)
		}
	}
	hist := svc.History("n1", "i1")
	if len(hist) != n+2 {
		t.Fatalf("history holds %d frames", len(hist))
	}
	for k := 1; k <= n; k++ {
		want, got := richFrame("n1", k), hist[k+1]
		if got.Levels[0].RMSDBFS != want.Levels[0].RMSDBFS || got.Levels[0].Quality.ChannelCorrelation.Score != want.Levels[0].Quality.ChannelCorrelation.Score {
			t.Fatalf("history frame %d overwritten: %+v", k, got.Levels[0])
		}
	}
	if len(obs.rejected) != 0 {
		t.Fatalf("rejections %v", obs.rejected)
	}
}

func expectPolicyClose(t *testing.T, c *websocket.Conn, reason string) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation || !strings.HasPrefix(ce.Text, reason+":") {
			t.Fatalf("want close 1008 %q, got %v", reason, err)
		}
		return
	}
}

// TestAgentBinaryRejects: bad binary messages close the stream with 1008
// and the same reasons as JSON, and are counted.
func TestAgentBinaryRejects(t *testing.T) {
	srv, svc, obs := observedHub(t)
	valid := agentapi.AppendMeterBinary(nil, richFrame("n1", 1))
	many := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1", CapturedAt: time.Now().UTC(), Levels: make([]agentapi.LevelFrame, 513)}
	for i := range many.Levels {
		many.Levels[i].ChannelIndex = i + 1
	}
	huge := many
	huge.Levels = make([]agentapi.LevelFrame, 720) // > 64 KiB encoded
	nan := richFrame("n1", 1)
	nan.Levels[3].Quality.HumScore = math.NaN()
	noIface := richFrame("n1", 1)
	noIface.InterfaceID = ""
	cases := []struct {
		reason string
		msg    []byte
	}{
		{ws.RejectMalformed, []byte("garbage")},
		{ws.RejectMalformed, valid[:len(valid)-1]},
		{ws.RejectMalformed, append(bytes.Clone(valid), 0)},
		{ws.RejectMalformed, agentapi.AppendMeterBinary(nil, nan)},
		{ws.RejectMalformed, []byte(`{"type":"meter","meter":{}}`)}, // JSON sent as binary
		{ws.RejectTooManyLevels, agentapi.AppendMeterBinary(nil, many)},
		{ws.RejectOversize, agentapi.AppendMeterBinary(nil, huge)},
		{ws.RejectNodeMismatch, agentapi.AppendMeterBinary(nil, richFrame("n2", 1))},
		{ws.RejectInvalid, agentapi.AppendMeterBinary(nil, noIface)},
	}
	for i, tc := range cases {
		before := obs.count(tc.reason)
		ag := binaryAgent(t, srv, "n1")
		if err := ag.WriteMessage(websocket.BinaryMessage, tc.msg); err != nil {
			t.Fatal(err)
		}
		expectPolicyClose(t, ag, tc.reason)
		if got := obs.count(tc.reason); got != before+1 {
			t.Fatalf("case %d %s: counter %d → %d", i, tc.reason, before, got)
		}
	}
	if svc.Latest("n1") != nil || svc.Latest("n2") != nil {
		t.Fatal("a rejected frame was stored")
	}
}

// TestAgentBinaryNeedsSubprotocol: a stream that did not negotiate the
// binary subprotocol gets none echoed, and a binary message on it is
// malformed; JSON text still works there.
func TestAgentBinaryNeedsSubprotocol(t *testing.T) {
	srv, svc, obs := observedHub(t)
	ag := hubDial(t, srv, "/api/v1/nodes/n1/stream")
	if ag.Subprotocol() != "" {
		t.Fatalf("subprotocol %q", ag.Subprotocol())
	}
	f := richFrame("n1", 1)
	if err := ag.WriteJSON(agentapi.StreamMessage{Type: "meter", Meter: &f}); err != nil {
		t.Fatal(err)
	}
	if err := ag.WriteMessage(websocket.BinaryMessage, agentapi.AppendMeterBinary(nil, f)); err != nil {
		t.Fatal(err)
	}
	expectPolicyClose(t, ag, ws.RejectMalformed)
	if obs.count(ws.RejectMalformed) != 1 || len(svc.History("n1", "i1")) != 1 {
		t.Fatalf("rejections %v, history %d", obs.rejected, len(svc.History("n1", "i1")))
	}
}

package ws_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/adapters/ws"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// TestMeterSlowConsoleDoesNotBlockIngest: a console that stops reading
// while an agent floods large frames neither slows ingest nor stalls the
// hub; when it reads again it is told how many frames it missed (or, if it
// stayed behind over 5 s, it is disconnected).
func TestMeterSlowConsoleDoesNotBlockIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv, svc := hubServer(t, 8, 0)
	con := hubDial(t, srv, "/api/v1/ws", ws.Protocol, ws.BearerProtocolPrefix+"u")
	if err := con.WriteJSON(map[string]string{"type": "subscribe", "topic": "meters:n1"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := con.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	ag := hubDial(t, srv, "/api/v1/nodes/n1/stream")
	f := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1"}
	for i := 1; i <= 150; i++ { // about 50 KiB of JSON per frame
		f.Levels = append(f.Levels, agentapi.LevelFrame{ChannelIndex: i, Label: agentapi.ChannelLabel(i), RMSDBFS: -23.4, PeakDBFS: -8.1,
			Quality: agentapi.Quality{SpeechScore: 0.812, NoiseScore: 0.123, EstimatedSNRDB: 24.5, IntelligibilityScore: 0.7, ZeroCrossingRate: 0.1234}})
	}
	const frames = 300
	start := time.Now()
	for i := range frames {
		f.CapturedAt = time.Now().UTC()
		f.Levels[0].RMSDBFS = float64(-i)
		_ = ag.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if err := ag.WriteJSON(agentapi.StreamMessage{Type: "meter", Meter: &f}); err != nil {
			t.Fatalf("agent write %d blocked: %v", i, err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if l := svc.Latest("n1"); len(l) == 1 && l[0].Frame.Levels[0].RMSDBFS == -(frames-1) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if l := svc.Latest("n1"); len(l) != 1 || l[0].Frame.Levels[0].RMSDBFS != -(frames-1) {
		t.Fatal("ingest stalled behind a slow console")
	}
	t.Logf("%d frames ingested in %v with a stalled console", frames, time.Since(start))
	// The agent goes on at its live rate while the console catches up.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		small := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1", Levels: []agentapi.LevelFrame{{ChannelIndex: 1, RMSDBFS: 1}}}
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			small.CapturedAt = time.Now().UTC()
			if ag.WriteJSON(agentapi.StreamMessage{Type: "meter", Meter: &small}) != nil {
				return
			}
		}
	}()
	_ = con.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, b, err := con.ReadMessage()
		// Behind for over 5 s: closed with 1008, or cut (1006) when even the
		// close frame cannot be written into its full socket.
		var ce *websocket.CloseError
		if errors.As(err, &ce) && time.Since(start) > 5*time.Second {
			t.Logf("console disconnected after %v: %v", time.Since(start), err)
			return
		}
		if err != nil {
			t.Fatalf("console: %v", err)
		}
		var m ws.ServerMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m.Missed > 0 {
			t.Logf("console told it missed %d frames", m.Missed)
			return
		}
		if m.Frame != nil && m.Frame.Levels[0].RMSDBFS == 1 {
			t.Fatal("every frame was delivered: the console was never behind")
		}
	}
}

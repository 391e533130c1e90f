package agentclient_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rakkr/rakkr/adapters/agentclient"
	"github.com/rakkr/rakkr/ports/agentapi"
)

type wsMessage struct {
	kind int
	data []byte
}

// streamServer upgrades the agent stream, echoing protocols it knows, and
// passes on every message it reads.
func streamServer(t *testing.T, protocols ...string) (*agentclient.Client, <-chan wsMessage) {
	t.Helper()
	got := make(chan wsMessage, 16)
	up := websocket.Upgrader{Subprotocols: protocols}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			kind, b, err := c.ReadMessage()
			if err != nil {
				return
			}
			got <- wsMessage{kind, b}
		}
	}))
	t.Cleanup(srv.Close)
	c, err := agentclient.New(agentclient.Options{ControllerURL: srv.URL, NodeID: "n1", NodeToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	return c, got
}

func next(t *testing.T, got <-chan wsMessage) wsMessage {
	t.Helper()
	select {
	case m := <-got:
		return m
	case <-time.After(3 * time.Second):
		t.Fatal("no message")
		return wsMessage{}
	}
}

// TestStreamSendsBinaryWhenNegotiated: the agent offers the binary
// subprotocol; when the controller accepts it meter frames go binary
// (frames the encoding cannot carry and other types go as JSON text),
// otherwise everything is JSON text as before.
func TestStreamSendsBinaryWhenNegotiated(t *testing.T) {
	f := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1", CapturedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		Levels: []agentapi.LevelFrame{{ChannelIndex: 1, Label: "Lectern", RMSDBFS: -20.5, PeakDBFS: -3,
			Quality: agentapi.Quality{SpeechLike: true, ChannelCorrelation: &agentapi.ChannelCorrelation{PeerChannelIndex: 2, Phase: agentapi.PhaseSame, Score: 0.9}}}}}
	long := f
	long.InterfaceID = strings.Repeat("x", 256)
	ctx := context.Background()
	for _, negotiate := range []bool{true, false} {
		var protocols []string
		if negotiate {
			protocols = []string{agentapi.StreamProtocolBinary}
		}
		c, got := streamServer(t, protocols...)
		s, err := c.OpenStream(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second send reuses the buffer
			if err := s.Send(ctx, agentapi.StreamMessage{Type: "meter", Meter: &f}); err != nil {
				t.Fatal(err)
			}
			m := next(t, got)
			if !negotiate {
				if m.kind != websocket.TextMessage || !strings.HasPrefix(string(m.data), `{"type":"meter"`) {
					t.Fatalf("without the subprotocol: %d %s", m.kind, m.data)
				}
				continue
			}
			var back agentapi.MeterFrame
			if m.kind != websocket.BinaryMessage || agentapi.DecodeMeterBinary(m.data, &back) != nil ||
				!back.CapturedAt.Equal(f.CapturedAt) || back.Levels[0].Quality.ChannelCorrelation.Score != 0.9 {
				t.Fatalf("negotiated: %d % x", m.kind, m.data)
			}
		}
		for _, msg := range []agentapi.StreamMessage{{Type: "meter", Meter: &long}, {Type: "listen"}} {
			if err := s.Send(ctx, msg); err != nil {
				t.Fatal(err)
			}
			if m := next(t, got); m.kind != websocket.TextMessage || !strings.HasPrefix(string(m.data), `{"type":"`+msg.Type+`"`) {
				t.Fatalf("negotiated %v, %s: %d %s", negotiate, msg.Type, m.kind, m.data)
			}
		}
		_ = s.Close()
	}
}

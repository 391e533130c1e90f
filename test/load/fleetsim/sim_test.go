package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestFleetSimSmall runs a tiny in-process fleet (5 nodes, 2 s) end to end,
// with binary meter streams and with JSON ones (--json).
func TestFleetSimSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	base, closeHub, err := startLocalHub()
	if err != nil {
		t.Fatal(err)
	}
	defer closeHub()
	for _, forceJSON := range []bool{false, true} {
		cfg := simConfig{BaseURL: base, Nodes: 5, Channels: 8, Rate: 10, Duration: 2 * time.Second, Subscribers: 1, JSON: forceJSON,
			ConsoleToken: "sim-console", NodeToken: func(n string) string { return "sim-node." + n }}
		res, err := simulate(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(res)
		wantBinary := int64(5)
		if forceJSON {
			wantBinary = 0
		}
		if res.Sent < 50 || res.Received != res.Sent || res.AgentErrors != 0 || res.BinaryStreams != wantBinary {
			t.Fatalf("json=%v: unexpected result: %v", forceJSON, res)
		}
	}
}

func TestSocketsFor(t *testing.T) {
	for _, c := range []struct{ nodes, want int }{{1, 1}, {200, 1}, {201, 2}, {1000, 5}, {1001, 6}} {
		if got := socketsFor(c.nodes); got != c.want {
			t.Errorf("socketsFor(%d) = %d, want %d", c.nodes, got, c.want)
		}
	}
}

// TestFleetSimManyTopics covers more nodes than one console socket may
// subscribe to (256), and heartbeat latency against a stub endpoint.
func TestFleetSimManyTopics(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	base, closeHub, err := startLocalHub()
	if err != nil {
		t.Fatal(err)
	}
	defer closeHub()
	hb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{}}`))
	}))
	defer hb.Close()
	cfg := simConfig{BaseURL: base, Nodes: 300, Channels: 1, Rate: 5, Duration: 3 * time.Second, Subscribers: 2,
		Heartbeat: hb.URL, ConsoleToken: "sim-console", NodeToken: func(n string) string { return "sim-node." + n }}
	res, err := simulate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res)
	if res.SocketsPerSubscriber != 2 || res.Sent < 1000 || res.Received < 2*res.Sent*99/100 || res.AgentErrors != 0 {
		t.Fatalf("unexpected result: %v", res)
	}
	if res.HeartbeatsOK < 150 || res.HeartbeatsFailed != 0 || res.HBP50 <= 0 || res.HBP99 < res.HBP50 {
		t.Fatalf("heartbeats: %v", res)
	}
}

// TestScanMeter reads capturedAt and missed from a console message the way
// the hub writes it, and ignores other messages.
func TestScanMeter(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 30, 0, 123456789, time.UTC)
	msg := []byte(`{"type":"meter","topic":"meters:n1","frame":{"nodeId":"n1","interfaceId":"i1","capturedAt":"` +
		at.Format(time.RFC3339Nano) + `","levels":[{"channelIndex":1,"label":"Input 1","rmsDbfs":-20}]},"missed":17}`)
	got, missed, ok := scanMeter(msg)
	if !ok || !got.Equal(at) || missed != 17 {
		t.Fatalf("scanMeter = %v %d %v", got, missed, ok)
	}
	if _, missed, ok := scanMeter(bytes.Replace(msg, []byte(`,"missed":17`), nil, 1)); !ok || missed != 0 {
		t.Fatalf("without missed: %d %v", missed, ok)
	}
	if _, _, ok := scanMeter([]byte(`{"type":"subscribed","topic":"meters:n1"}`)); ok {
		t.Fatal("a non-meter message was counted")
	}
}

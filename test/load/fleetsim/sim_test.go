package main

import (
	"context"
	"testing"
	"time"
)

// TestFleetSimSmall runs a tiny in-process fleet (5 nodes, 2 s) end to end.
func TestFleetSimSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	base, closeHub, err := startLocalHub()
	if err != nil {
		t.Fatal(err)
	}
	defer closeHub()
	cfg := simConfig{BaseURL: base, Nodes: 5, Channels: 8, Rate: 10, Duration: 2 * time.Second, Subscribers: 1,
		ConsoleToken: "sim-console", NodeToken: func(n string) string { return "sim-node." + n }}
	res, err := simulate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res)
	if res.Sent < 50 || res.Received != res.Sent || res.AgentErrors != 0 {
		t.Fatalf("unexpected result: %v", res)
	}
}

package daemon_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/agentclient"
	"github.com/rakkr/rakkr/agent/daemon"
	"github.com/rakkr/rakkr/agent/daemon/daemontest"
	"github.com/rakkr/rakkr/agent/healthlog"
	"github.com/rakkr/rakkr/agent/sysinfo"
)

// rig is a daemon wired to a fake controller.
type rig struct {
	fake   *daemontest.Fake
	log    *healthlog.Log
	cfg    daemon.Config
	dir    string
	cancel context.CancelFunc
	done   chan error
}

// newRig returns a daemon config with short intervals against a fresh fake.
func newRig(t *testing.T) *rig {
	t.Helper()
	f := daemontest.New(false)
	t.Cleanup(f.Close)
	dir := t.TempDir()
	l, err := healthlog.Open(healthlog.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	c, err := agentclient.New(agentclient.Options{ControllerURL: f.URL(), NodeID: f.NodeID, NodeToken: f.NodeToken, AgentVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{fake: f, log: l, dir: dir}
	r.cfg = daemon.Config{
		Client: c, NodeID: f.NodeID, Log: l,
		Runtime:           sysinfo.Collector{AgentVersion: "test", DataDir: dir, AudioBackends: []string{"demo"}}.Collect,
		HeartbeatInterval: 50 * time.Millisecond, MinBackoff: 50 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
		HealthSyncInterval: 100 * time.Millisecond,
		Logger:             slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	return r
}

// start runs the daemon in the background.
func (r *rig) start(t *testing.T) *daemon.Daemon {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := daemon.New(r.cfg)
	r.cancel, r.done = cancel, make(chan error, 1)
	go func() { r.done <- d.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return d
}

// stop cancels the daemon and returns its result (once).
func (r *rig) stop(t *testing.T) error {
	t.Helper()
	if r.cancel == nil {
		return nil
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("daemon did not stop within 5 s")
		return nil
	}
}

// eventually polls cond every 20 ms until it holds or within passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// hasEvents reports whether the controller received the types in order.
func hasEvents(f *daemontest.Fake, types ...string) bool {
	got := f.EventTypes()
	i := 0
	for _, g := range got {
		if i < len(types) && g == types[i] {
			i++
		}
	}
	return i == len(types)
}

func count(f *daemontest.Fake, typ string) int {
	n := 0
	for _, g := range f.EventTypes() {
		if g == typ {
			n++
		}
	}
	return n
}

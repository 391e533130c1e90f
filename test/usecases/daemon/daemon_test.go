package daemon_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/rakkr/rakkr/agent/daemon"
	"github.com/rakkr/rakkr/agent/daemon/daemontest"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

func TestHeartbeatCarriesRuntimeFacts(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.cfg.Inventory = agentapi.Inventory{Interfaces: []agentapi.Interface{{SystemRef: "demo:signal", Backend: "demo", ChannelCount: 2}}}
	d := r.start(t)
	eventually(t, 3*time.Second, "two heartbeats", func() bool { return r.fake.Count("heartbeat") >= 2 })
	if got := d.InterfaceID("demo:signal"); got != daemontest.InterfaceID("demo:signal") {
		t.Fatalf("reconciled interface id = %q", got)
	}
	r.fake.Mu.Lock()
	hb := r.fake.Heartbeats[0]
	invs, cfgs := len(r.fake.Inventories), r.fake.ConfigGets
	r.fake.Mu.Unlock()
	host, _ := os.Hostname()
	rt := hb.Runtime
	if rt.Hostname != host || rt.AgentVersion != "test" || rt.KernelRelease == "" || rt.OSName == "" || rt.CPUCores < 1 ||
		rt.Architecture == "" || rt.UptimeSeconds <= 0 || rt.DiskUsedPercent <= 0 || rt.DiskFreeBytes <= 0 || len(rt.AudioBackends) != 1 {
		t.Fatalf("runtime facts incomplete: %+v", rt)
	}
	if hb.SentAt.IsZero() || invs != 1 || cfgs != 1 {
		t.Fatalf("sentAt %v, inventories %d, config fetches %d", hb.SentAt, invs, cfgs)
	}
	// A new config version is fetched.
	r.fake.Set(func(f *daemontest.Fake) { f.ConfigVersion = 2 })
	eventually(t, 2*time.Second, "config refetch", func() bool { return d.NodeConfig().ConfigVersion == 2 })
}

func TestClockSkewRaisedAndRecovered(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.fake.Set(func(f *daemontest.Fake) { f.ClockOffset = 10 * time.Second })
	r.start(t)
	eventually(t, 3*time.Second, "clock_skew event", func() bool { return hasEvents(r.fake, daemon.EventClockSkew) })
	r.fake.Set(func(f *daemontest.Fake) { f.ClockOffset = 0 })
	eventually(t, 3*time.Second, "clock_skew_recovered event", func() bool {
		return hasEvents(r.fake, daemon.EventClockSkew, daemon.EventClockSkewRecovered)
	})
	r.fake.Mu.Lock()
	defer r.fake.Mu.Unlock()
	for _, e := range r.fake.Events {
		if e.Type == daemon.EventClockSkew && (e.Severity != agentapi.SeverityWarning || e.Details["skewSeconds"].(float64) < 9) {
			t.Fatalf("skew event %+v", e)
		}
		if e.Type == daemon.EventClockSkewRecovered && e.Resolves != daemon.EventClockSkew {
			t.Fatalf("recovery does not resolve: %+v", e)
		}
	}
}

func TestBackoffAndHeartbeatFailedRecovered(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.fake.Set(func(f *daemontest.Fake) { f.Down = true })
	r.start(t)
	time.Sleep(1500 * time.Millisecond)
	// Back-off 50 ms doubling to 400 ms (jittered to half or more): far
	// fewer attempts than the 30 a 50 ms heartbeat would make.
	if n := r.fake.Count("inventory"); n < 3 || n > 15 {
		t.Fatalf("%d inventory attempts in 1.5 s while down; want back-off (3..15)", n)
	}
	if n := r.fake.Count("heartbeat"); n != 0 {
		t.Fatalf("heartbeats before the inventory was reconciled: %d", n)
	}
	r.fake.Set(func(f *daemontest.Fake) { f.Down = false })
	eventually(t, 3*time.Second, "heartbeat_failed then heartbeat_recovered at the controller", func() bool {
		return hasEvents(r.fake, daemon.EventStarted, daemon.EventHeartbeatFailed, daemon.EventHeartbeatRecovered)
	})
	if n := count(r.fake, daemon.EventHeartbeatFailed); n != 1 {
		t.Fatalf("heartbeat_failed sent %d times for one outage", n)
	}
	// A second outage is reported again.
	r.fake.Set(func(f *daemontest.Fake) { f.Down = true })
	time.Sleep(300 * time.Millisecond)
	r.fake.Set(func(f *daemontest.Fake) { f.Down = false })
	eventually(t, 3*time.Second, "second outage events", func() bool { return count(r.fake, daemon.EventHeartbeatRecovered) == 2 })
}

func TestRevokedCredentialStopsDaemon(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.fake.Set(func(f *daemontest.Fake) { f.Revoked = true })
	d := daemon.New(r.cfg)
	done := make(chan error, 1)
	go func() { done <- d.Run(t.Context()) }()
	select {
	case err := <-done:
		if !errors.Is(err, ports.ErrNodeUnauthorized) {
			t.Fatalf("Run = %v, want ErrNodeUnauthorized", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("daemon kept running with a revoked credential")
	}
}

func TestSystemPressureEvents(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	rt := agentapi.Runtime{DiskUsedPercent: 90, Load1PerCore: 4.5, CPUCores: 2}
	var mu = make(chan agentapi.Runtime, 1)
	mu <- rt
	r.cfg.Runtime = func() agentapi.Runtime { v := <-mu; mu <- v; return v }
	r.start(t)
	eventually(t, 3*time.Second, "pressure events", func() bool {
		return hasEvents(r.fake, daemon.EventDiskPressure) && hasEvents(r.fake, daemon.EventCPUPressure)
	})
	<-mu
	mu <- agentapi.Runtime{DiskUsedPercent: 97, Load1PerCore: 0.1, CPUCores: 2}
	eventually(t, 3*time.Second, "critical disk, cpu recovered", func() bool {
		return count(r.fake, daemon.EventDiskPressure) == 2 && hasEvents(r.fake, daemon.EventCPURecovered)
	})
	<-mu
	mu <- agentapi.Runtime{DiskUsedPercent: 40, CPUCores: 2}
	eventually(t, 3*time.Second, "disk recovered", func() bool { return hasEvents(r.fake, daemon.EventDiskRecovered) })
	r.fake.Mu.Lock()
	defer r.fake.Mu.Unlock()
	sev := map[string][]string{}
	for _, e := range r.fake.Events {
		sev[e.Type] = append(sev[e.Type], e.Severity)
	}
	if s := sev[daemon.EventDiskPressure]; len(s) != 2 || s[0] != "warning" || s[1] != "critical" {
		t.Fatalf("disk severities %v", s)
	}
	if s := sev[daemon.EventCPUPressure]; len(s) != 1 || s[0] != "critical" {
		t.Fatalf("cpu severities %v", s)
	}
}

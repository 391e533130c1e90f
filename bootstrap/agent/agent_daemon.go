package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/agent/daemon"
	"github.com/rakkr/rakkr/agent/healthlog"
	"github.com/rakkr/rakkr/agent/inventory"
	"github.com/rakkr/rakkr/agent/meterloop"
	"github.com/rakkr/rakkr/agent/sysinfo"
	"github.com/rakkr/rakkr/bootstrap/settings"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// RunEnroll implements `rakkr-agent enroll --controller URL --token T
// [--data-dir D] [--allow-insecure-controller]`: it sends the inventory and
// runtime facts with the one-time bootstrap token and saves the returned
// node credential in <data dir>/credential.json (mode 0600).
func RunEnroll(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, code := parseNodeFlags("enroll", args, stderr)
	if code >= 0 {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "rakkr-agent enroll: "+format+"\n", a...)
		return agentExitFailed
	}
	if *f.controller == "" || *f.token == "" {
		fmt.Fprintln(stderr, "rakkr-agent enroll: --controller URL and --token T are required")
		f.fs.Usage()
		return agentExitUsage
	}
	client, err := f.client(*f.controller, "", "")
	if err != nil {
		return fail("%v", err)
	}
	audio, err := setupNodeAudio(ctx, *f.source, stderr)
	if err != nil {
		return fail("%v", err)
	}
	rt := sysinfo.Collector{AgentVersion: AgentVersion, DataDir: existingDir(*f.dataDir), AudioBackends: backends(audio.inv)}.Collect()
	resp, err := client.Enroll(ctx, *f.token, agentapi.EnrollRequest{Runtime: rt, Inventory: inventory.ToAgentAPI(audio.inv)})
	switch {
	case errors.Is(err, ports.ErrBootstrapRejected):
		return fail("%v", ports.ErrBootstrapRejected)
	case errors.Is(err, ports.ErrEnrollInvalid):
		return fail("%v (the bootstrap token was not used; fix the request and retry)", err)
	case err != nil:
		return fail("%v", err)
	}
	cred := daemon.Credential{ControllerURL: client.BaseURL(), NodeID: resp.NodeID, NodeToken: resp.NodeToken, Alias: resp.NodeAlias}
	if err := daemon.SaveCredential(*f.dataDir, cred); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "enrolled as node %s (%s); credential saved in %s\n", resp.NodeID, resp.NodeAlias, filepath.Join(*f.dataDir, daemon.CredentialFile))
	return agentExitOK
}

// existingDir returns dir, or its closest existing parent (for disk facts).
func existingDir(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
			return d
		}
	}
}

// backends lists the distinct backends of an inventory.
func backends(inv inventory.Inventory) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, i := range inv.Interfaces {
		if b := string(i.Backend); !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	return out
}

// RunDaemon implements `rakkr-agent run`: the agent daemon. It exits 0
// after SIGTERM/SIGINT, 3 when the controller refuses the node credential,
// 1 on other start-up failures.
func RunDaemon(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, code := parseNodeFlags("run", args, stderr)
	if code >= 0 {
		return code
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(stderr, nil)).With("component", "rakkr-agent")
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "rakkr-agent run: "+format+"\n", a...)
		return agentExitFailed
	}
	cred, err := daemon.LoadCredential(*f.dataDir)
	if err != nil && (*f.nodeID == "" || *f.nodeToken == "" || *f.controller == "") {
		return fail("%v", err)
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{{&cred.ControllerURL, *f.controller}, {&cred.NodeID, *f.nodeID}, {&cred.NodeToken, *f.nodeToken}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	interval, err := time.ParseDuration(*f.heartbeat)
	if err != nil || interval <= 0 {
		return fail("RAKKR_HEARTBEAT_INTERVAL %q is not a positive duration", *f.heartbeat)
	}
	client, err := f.client(cred.ControllerURL, cred.NodeID, cred.NodeToken)
	if err != nil {
		return fail("%v", err)
	}
	hlog, err := healthlog.Open(healthlog.Options{Dir: *f.dataDir})
	if err != nil {
		return fail("%v", err)
	}
	defer hlog.Close()
	audio, err := setupNodeAudio(ctx, *f.source, stderr)
	if err != nil {
		return fail("%v", err)
	}
	if audio.iface.Backend == ports.BackendDemo {
		logger.Warn("METERING THE DEMO SIGNAL, NOT A REAL INPUT", "systemRef", audio.iface.SystemRef)
	}
	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	hub := capture.NewHub(audio.opener, capture.Config{Request: ports.AudioRequest{Device: audio.iface.Device}, Logger: logger})
	hubDone := make(chan struct{})
	go func() { defer close(hubDone); _ = hub.Run(hubCtx) }()
	defer func() { stopHub(); <-hubDone }() // closes the device
	labels := make([]string, 0, len(audio.iface.Channels))
	for _, c := range audio.iface.Channels {
		labels = append(labels, c.Label)
	}
	collector := sysinfo.Collector{AgentVersion: AgentVersion, DataDir: *f.dataDir, AudioBackends: backends(audio.inv)}
	minFree, err := settings.ParseSize(*f.minFree)
	if err != nil {
		return fail("RAKKR_RECORDING_MIN_FREE: %v", err)
	}
	var d *daemon.Daemon
	capacity := func() int { return max(1, d.NodeConfig().MaxConcurrentRecordings) }
	keep, err := time.ParseDuration(*f.cacheKeep)
	if err != nil || keep < 0 {
		return fail("RAKKR_RECORDING_CACHE_KEEP %q is not a duration ≥ 0", *f.cacheKeep)
	}
	if keep == 0 {
		keep = -1 // jobs.Retention: keep until space is short
	}
	js, err := setupJobs(*f.dataDir, client, hlog, hub, audio.iface.SystemRef, capacity, minFree, keep, logger)
	if err != nil {
		return fail("%v", err)
	}
	d = daemon.New(daemon.Config{
		Client: client, NodeID: cred.NodeID, Log: hlog, Inventory: inventory.ToAgentAPI(audio.inv),
		Lanes:   []*meterloop.Lane{{Hub: hub, SystemRef: audio.iface.SystemRef, Labels: labels, Logger: logger}},
		Runtime: collector.Collect, HeartbeatInterval: interval, Notifier: daemon.NotifierFromEnv(), Logger: logger,
		Capturing: js.runner.Capturing,
		OnConfig: func(c agentapi.NodeConfig) {
			logger.Info("node configuration", "version", c.ConfigVersion, "audioSource", c.AudioSource)
		},
	})
	logger.Info("agent started", "node", cred.NodeID, "controller", client.BaseURL(), "source", audio.iface.SystemRef, "dataDir", *f.dataDir)
	jobsCtx, stopJobs := context.WithCancel(ctx)
	waitJobs := js.start(jobsCtx)
	err = d.Run(ctx)
	stopJobs()
	waitJobs() // captures end as interrupted (recovered at the next start) before the hub stops
	if err != nil {
		if errors.Is(err, ports.ErrNodeUnauthorized) {
			fmt.Fprintf(stderr, "rakkr-agent run: %v\n", ports.ErrNodeUnauthorized)
			return agentExitCredentialRefused
		}
		return fail("%v", err)
	}
	logger.Info("agent stopped")
	return agentExitOK
}

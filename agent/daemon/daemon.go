package daemon

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rakkr/rakkr/agent/healthlog"
	"github.com/rakkr/rakkr/agent/meterloop"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Config wires a Daemon.
type Config struct {
	// Client talks to the controller.
	Client ports.ControllerClient
	// NodeID is the enrolled node's id.
	NodeID string
	// Log is the durable health log (owned by the caller, not closed).
	Log *healthlog.Log
	// Inventory is posted at start.
	Inventory agentapi.Inventory
	// Lanes meter the interfaces; the daemon sets their NodeID,
	// InterfaceID, Frames and Events.
	Lanes []*meterloop.Lane
	// Runtime collects the runtime facts for each heartbeat.
	Runtime func() agentapi.Runtime
	// HeartbeatInterval defaults to agentapi.HeartbeatInterval.
	HeartbeatInterval time.Duration
	// MinBackoff and MaxBackoff bound reconnect waits (1 s … 60 s).
	MinBackoff, MaxBackoff time.Duration
	// HealthSyncInterval is the health log's idle sync period (default 5 s).
	HealthSyncInterval time.Duration
	// Thresholds are the system health limits (zero: DefaultThresholds()).
	Thresholds Thresholds
	// Notifier sends systemd READY/WATCHDOG/STOPPING notifications.
	Notifier Notifier
	// OnConfig is called with each newly fetched configuration.
	OnConfig func(agentapi.NodeConfig)
	// Capturing, when set, tells whether a recording captures (the
	// heartbeat's Capturing flag).
	Capturing func() bool
	// ShutdownFlush bounds the final health log sync at shutdown (2 s).
	ShutdownFlush time.Duration
	// Logger receives the daemon's log (default slog.Default()).
	Logger *slog.Logger
}

// Daemon is the agent's run loop.
type Daemon struct {
	cfg      Config
	ids      atomic.Pointer[map[string]string]
	streamer *meterloop.Streamer
	health   healthState
	config   atomic.Pointer[agentapi.NodeConfig]
}

// New returns a daemon; Run starts it.
func New(cfg Config) *Daemon {
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = agentapi.HeartbeatInterval
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(60*time.Second, cfg.MinBackoff)
	}
	if cfg.Thresholds == (Thresholds{}) {
		cfg.Thresholds = DefaultThresholds()
	}
	if cfg.ShutdownFlush <= 0 {
		cfg.ShutdownFlush = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Runtime == nil {
		cfg.Runtime = func() agentapi.Runtime { return agentapi.Runtime{} }
	}
	d := &Daemon{cfg: cfg}
	d.ids.Store(&map[string]string{})
	d.streamer = meterloop.NewStreamer(cfg.Client, meterloop.StreamerConfig{
		MinBackoff: cfg.MinBackoff, MaxBackoff: cfg.MaxBackoff, Fatal: unauthorized, Logger: cfg.Logger})
	return d
}

// unauthorized reports whether err is the controller refusing the credential.
func unauthorized(err error) bool { return errors.Is(err, ports.ErrNodeUnauthorized) }

// InterfaceID returns the controller's id of the interface systemRef, or
// "" before the inventory is reconciled.
func (d *Daemon) InterfaceID(systemRef string) string { return (*d.ids.Load())[systemRef] }

// Streamer returns the meter streamer (for its counters).
func (d *Daemon) Streamer() *meterloop.Streamer { return d.streamer }

// NodeConfig returns the last fetched configuration (zero before the first).
func (d *Daemon) NodeConfig() agentapi.NodeConfig {
	if c := d.config.Load(); c != nil {
		return *c
	}
	return agentapi.NodeConfig{}
}

// event records a health event, logging failures.
func (d *Daemon) event(e agentapi.HealthEvent) {
	if _, err := d.cfg.Log.Append(e); err != nil {
		d.cfg.Logger.Error("cannot record health event", "type", e.Type, "err", err)
	}
}

// Run runs until ctx ends (returning nil after a clean shutdown) or the
// controller refuses the node credential (returning an error matching
// ports.ErrNodeUnauthorized).
func (d *Daemon) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		fatalMu  sync.Mutex
		fatalErr error
	)
	goRun := func(f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := f(ctx)
			if err != nil && ctx.Err() == nil && !unauthorized(err) {
				d.cfg.Logger.Error("agent loop stopped", "err", err)
			}
			if err != nil && unauthorized(err) {
				fatalMu.Lock()
				if fatalErr == nil {
					fatalErr = err
				}
				fatalMu.Unlock()
				cancel()
			}
		}()
	}
	d.event(agentapi.HealthEvent{Type: EventStarted, Severity: agentapi.SeverityInfo, Details: map[string]any{"interfaces": len(d.cfg.Inventory.Interfaces)}})
	syncer := &healthlog.Syncer{Log: d.cfg.Log, Poster: d.cfg.Client, Interval: d.cfg.HealthSyncInterval,
		MinBackoff: d.cfg.MinBackoff, MaxBackoff: d.cfg.MaxBackoff, Fatal: unauthorized, Logger: d.cfg.Logger}
	goRun(syncer.Run)
	goRun(d.streamer.Run)
	for _, l := range d.cfg.Lanes {
		l.NodeID, l.Frames, l.Events = d.cfg.NodeID, d.streamer, d.cfg.Log
		ref := l.SystemRef
		l.InterfaceID = func() string { return d.InterfaceID(ref) }
		goRun(l.Run)
	}
	goRun(d.control)
	goRun(d.watchdog)
	if err := d.cfg.Notifier.Notify("READY=1"); err != nil {
		d.cfg.Logger.Warn("sd_notify READY failed", "err", err)
	}
	<-ctx.Done()
	_ = d.cfg.Notifier.Notify("STOPPING=1")
	wg.Wait()
	fatalMu.Lock()
	defer fatalMu.Unlock()
	if fatalErr != nil {
		d.cfg.Logger.Error(ports.ErrNodeUnauthorized.Error(), "err", fatalErr)
		return fatalErr
	}
	// Flush: one last bounded attempt to hand the log to the controller.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.ShutdownFlush)
	defer fcancel()
	if _, err := syncer.SyncOnce(fctx); err != nil {
		d.cfg.Logger.Info("health events left unsynced at shutdown (sent at next start)", "err", err)
	}
	return nil
}

// watchdog pings systemd's watchdog while the daemon runs.
func (d *Daemon) watchdog(ctx context.Context) error {
	every := d.cfg.Notifier.PingInterval()
	if every <= 0 {
		return nil
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := d.cfg.Notifier.Notify("WATCHDOG=1"); err != nil {
				d.cfg.Logger.Warn("sd_notify WATCHDOG failed", "err", err)
			}
		}
	}
}

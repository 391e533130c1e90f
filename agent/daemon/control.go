package daemon

import (
	"context"
	"time"

	"github.com/rakkr/rakkr/agent/healthlog"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// controlState is the control loop's memory between rounds.
type controlState struct {
	reconciled    bool
	configVersion int64
	haveConfig    bool
	failing       bool
}

// control reconciles the inventory, heartbeats and fetches the config, once
// per HeartbeatInterval; after a failure it retries with jittered
// exponential back-off, emitting heartbeat_failed once per outage and
// heartbeat_recovered when back. It returns the credential refusal error.
func (d *Daemon) control(ctx context.Context) error {
	var st controlState
	backoff := d.cfg.MinBackoff
	for {
		rt := d.cfg.Runtime()
		for _, e := range d.health.system(d.cfg.Thresholds, rt) {
			d.event(e)
		}
		err := d.round(ctx, &st, rt)
		if ctx.Err() != nil {
			return nil
		}
		wait := d.cfg.HeartbeatInterval
		switch {
		case unauthorized(err):
			return err
		case err != nil:
			if !st.failing {
				st.failing = true
				d.event(agentapi.HealthEvent{Type: EventHeartbeatFailed, Severity: agentapi.SeverityWarning, Details: map[string]any{"error": err.Error()}})
			}
			d.cfg.Logger.Warn("controller unreachable; retrying", "err", err, "in", backoff)
			wait = healthlog.Jitter(backoff)
			backoff = min(2*backoff, d.cfg.MaxBackoff)
		default:
			if st.failing {
				st.failing = false
				d.cfg.Logger.Info("controller reachable again")
				d.event(agentapi.HealthEvent{Type: EventHeartbeatRecovered, Severity: agentapi.SeverityInfo, Resolves: EventHeartbeatFailed})
			}
			backoff = d.cfg.MinBackoff
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// round is one exchange with the controller.
func (d *Daemon) round(ctx context.Context, st *controlState, rt agentapi.Runtime) error {
	if !st.reconciled {
		resp, err := d.cfg.Client.PostInventory(ctx, d.cfg.Inventory)
		if err != nil {
			return err
		}
		ids := map[string]string{}
		for _, i := range resp.Interfaces {
			if i.ID != "" && !i.Absent {
				ids[i.SystemRef] = i.ID
			}
		}
		d.ids.Store(&ids)
		st.reconciled = true
		d.cfg.Logger.Info("inventory reconciled", "interfaces", len(ids))
	}
	capturing := d.cfg.Capturing != nil && d.cfg.Capturing()
	res, err := d.cfg.Client.Heartbeat(ctx, agentapi.Heartbeat{Runtime: rt, Capturing: capturing, SentAt: time.Now().UTC()})
	if err != nil {
		return err
	}
	if !res.ServerDate.IsZero() {
		// The Date header has whole seconds; compare with the exchange's midpoint.
		mid := res.Sent.Add(res.Received.Sub(res.Sent) / 2)
		for _, e := range d.health.clock(d.cfg.Thresholds, res.ServerDate.Sub(mid.Truncate(time.Second))) {
			d.event(e)
		}
	}
	if !st.haveConfig || res.Response.ConfigVersion != st.configVersion {
		c, err := d.cfg.Client.Config(ctx)
		if err != nil {
			return err
		}
		st.haveConfig, st.configVersion = true, res.Response.ConfigVersion
		d.config.Store(&c)
		if d.cfg.OnConfig != nil {
			d.cfg.OnConfig(c)
		}
	}
	return nil
}

package daemon

import (
	"math"
	"time"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// System health event types.
const (
	EventDiskPressure       = "agent.system.disk_pressure"
	EventDiskRecovered      = "agent.system.disk_recovered"
	EventCPUPressure        = "agent.system.cpu_pressure"
	EventCPURecovered       = "agent.system.cpu_recovered"
	EventClockSkew          = "agent.system.clock_skew"
	EventClockSkewRecovered = "agent.system.clock_skew_recovered"
	EventHeartbeatFailed    = "agent.sync.heartbeat_failed"
	EventHeartbeatRecovered = "agent.sync.heartbeat_recovered"
	EventStarted            = "agent.started"
)

// Thresholds are the system health limits (REFERENCE §F.6).
type Thresholds struct {
	// DiskWarnPercent and DiskCriticalPercent of the data disk used (85, 95).
	DiskWarnPercent, DiskCriticalPercent float64
	// LoadWarnPerCore and LoadCriticalPerCore of the 1-minute load (2, 4).
	LoadWarnPerCore, LoadCriticalPerCore float64
	// SkewRaise raises clock skew above it (5 s); SkewClear clears at or
	// below it (2 s).
	SkewRaise, SkewClear time.Duration
}

// DefaultThresholds returns the documented defaults.
func DefaultThresholds() Thresholds {
	return Thresholds{DiskWarnPercent: 85, DiskCriticalPercent: 95, LoadWarnPerCore: 2, LoadCriticalPerCore: 4,
		SkewRaise: 5 * time.Second, SkewClear: 2 * time.Second}
}

// healthState remembers the raised system conditions.
type healthState struct {
	disk, cpu int // 0 ok, 1 warning, 2 critical
	skew      bool
}

// level grades v against warn and critical.
func level(v, warn, crit float64) int {
	switch {
	case v >= crit:
		return 2
	case v >= warn:
		return 1
	}
	return 0
}

var severities = [3]string{agentapi.SeverityInfo, agentapi.SeverityWarning, agentapi.SeverityCritical}

// system returns the events caused by the runtime facts rt.
func (h *healthState) system(th Thresholds, rt agentapi.Runtime) []agentapi.HealthEvent {
	var out []agentapi.HealthEvent
	grade := func(cur *int, next int, raise, recover string, details map[string]any) {
		if next == *cur {
			return
		}
		if next == 0 {
			out = append(out, agentapi.HealthEvent{Type: recover, Severity: agentapi.SeverityInfo, Resolves: raise, Details: details})
		} else {
			out = append(out, agentapi.HealthEvent{Type: raise, Severity: severities[next], Details: details})
		}
		*cur = next
	}
	grade(&h.disk, level(rt.DiskUsedPercent, th.DiskWarnPercent, th.DiskCriticalPercent), EventDiskPressure, EventDiskRecovered,
		map[string]any{"usedPercent": round1(rt.DiskUsedPercent), "freeBytes": rt.DiskFreeBytes})
	grade(&h.cpu, level(rt.Load1PerCore, th.LoadWarnPerCore, th.LoadCriticalPerCore), EventCPUPressure, EventCPURecovered,
		map[string]any{"load1PerCore": round1(rt.Load1PerCore), "cpuCores": rt.CPUCores})
	return out
}

// clock returns the clock skew event caused by one measurement, if any.
func (h *healthState) clock(th Thresholds, skew time.Duration) []agentapi.HealthEvent {
	abs := skew.Abs()
	d := map[string]any{"skewSeconds": round1(skew.Seconds())}
	switch {
	case !h.skew && abs > th.SkewRaise:
		h.skew = true
		return []agentapi.HealthEvent{{Type: EventClockSkew, Severity: agentapi.SeverityWarning, Details: d}}
	case h.skew && abs <= th.SkewClear:
		h.skew = false
		return []agentapi.HealthEvent{{Type: EventClockSkewRecovered, Severity: agentapi.SeverityInfo, Resolves: EventClockSkew, Details: d}}
	}
	return nil
}

func round1(v float64) float64 { return math.Round(v*10)/10 + 0 }

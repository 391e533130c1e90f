package health

import (
	"regexp"
	"strings"
)

// The type namespaces: the first segment of every event type.
const (
	NamespaceAgent      = "agent"
	NamespaceWatchdog   = "watchdog"
	NamespaceController = "controller"
	NamespaceSchedule   = "schedule"
	NamespaceSwitcher   = "switcher"
)

// MaxTypeLength bounds an event type.
const MaxTypeLength = 120

// typePattern is a dotted type of lower-case snake_case segments, at least two.
var typePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// ValidType reports whether t is a dotted type in one of the five namespaces.
func ValidType(t string) bool {
	if len(t) > MaxTypeLength || !typePattern.MatchString(t) {
		return false
	}
	switch Namespace(t) {
	case NamespaceAgent, NamespaceWatchdog, NamespaceController, NamespaceSchedule, NamespaceSwitcher:
		return true
	}
	return false
}

// Namespace is the first segment of a type ("agent" for "agent.meter.flatline").
func Namespace(t string) string {
	ns, _, _ := strings.Cut(t, ".")
	return ns
}

// AgentMayPost reports whether an agent may post events of type t: only the
// agent.* namespace; controller.*, watchdog.*, schedule.* and switcher.* are
// raised by the controller itself.
func AgentMayPost(t string) bool { return Namespace(t) == NamespaceAgent }

// systemRecoveries maps the recovery types whose name differs from the
// fault's (REFERENCE §F.4, §F.6) to the fault they answer.
var systemRecoveries = map[string]string{
	"agent.system.disk_recovered":       "agent.system.disk_pressure",
	"agent.system.cpu_recovered":        "agent.system.cpu_pressure",
	"agent.system.clock_skew_recovered": "agent.system.clock_skew",
	"agent.meter.capture_recovered":     "agent.meter.device_unavailable",
	"agent.audio_backend.recovered":     "agent.audio_backend.unavailable",
}

// AnsweredType tells which fault type a recovery event resolves, and false
// when t (with resolves, the type the agent says it recovers) is not a
// recovery. An explicit resolves wins; otherwise the system mapping applies,
// "*.sync_recovered" answers "*.sync_failed", and any other "X_recovered"
// answers "X" (agent.meter.flatline_recovered → agent.meter.flatline).
func AnsweredType(t, resolves string) (string, bool) {
	if resolves != "" {
		return resolves, true
	}
	if a, ok := systemRecoveries[t]; ok {
		return a, true
	}
	if base, ok := strings.CutSuffix(t, ".sync_recovered"); ok {
		return base + ".sync_failed", true
	}
	if base, ok := strings.CutSuffix(t, "_recovered"); ok && strings.Contains(base, ".") && !strings.HasSuffix(base, ".") {
		return base, true
	}
	return "", false
}

// NodeActor is the lifecycle actor recorded when a node resolves an event.
func NodeActor(nodeID string) string { return "node:" + nodeID }

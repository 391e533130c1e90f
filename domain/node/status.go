package node

import "time"

// Status is a node's state as the console shows it.
type Status string

// The statuses.
const (
	StatusProvisioning Status = "provisioning"
	StatusOnline       Status = "online"
	StatusOffline      Status = "offline"
	StatusDegraded     Status = "degraded"
	StatusRecording    Status = "recording"
	StatusAlerting     Status = "alerting"
)

// AllStatuses lists the statuses in display order.
var AllStatuses = []Status{StatusProvisioning, StatusOnline, StatusRecording, StatusDegraded, StatusAlerting, StatusOffline}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range AllStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// DefaultOfflineAfter is how long without a heartbeat makes a node offline.
const DefaultOfflineAfter = 120 * time.Second

// StatusInput is what the status derives from.
type StatusInput struct {
	// LastSeenAt is the last heartbeat; nil means never seen.
	LastSeenAt *time.Time
	// Capturing is what the last heartbeat said.
	Capturing bool
	// OpenWarnings and OpenCriticals count the node's open health events.
	OpenWarnings, OpenCriticals int
	// Now is the time of the question.
	Now time.Time
	// OfflineAfter is the heartbeat threshold; 0 (or less) disables offline.
	OfflineAfter time.Duration
}

// DeriveStatus is the node's status from real state, first match wins:
// provisioning (never seen), offline (last heartbeat older than
// OfflineAfter), alerting (critical events open), degraded (warnings
// open), recording (capturing in the last heartbeat), else online.
func DeriveStatus(in StatusInput) Status {
	switch {
	case in.LastSeenAt == nil:
		return StatusProvisioning
	case in.OfflineAfter > 0 && in.Now.Sub(*in.LastSeenAt) > in.OfflineAfter:
		return StatusOffline
	case in.OpenCriticals > 0:
		return StatusAlerting
	case in.OpenWarnings > 0:
		return StatusDegraded
	case in.Capturing:
		return StatusRecording
	}
	return StatusOnline
}

// Reachable reports whether the status means the node answers.
func (s Status) Reachable() bool {
	return s == StatusOnline || s == StatusRecording || s == StatusDegraded || s == StatusAlerting
}

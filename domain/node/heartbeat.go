package node

import "time"

// Heartbeat is what one agent heartbeat changes on its node: the runtime
// facts it reports, when it was seen and whether a capture is running.
// Empty Hostname or AgentVersion keep the stored value.
type Heartbeat struct {
	NodeID       string
	Hostname     string
	AgentVersion string
	Runtime      Runtime
	SeenAt       time.Time
	Capturing    bool
}

// ReportedStatus is the status the heartbeat reports: recording while a
// capture runs, else online.
func (h Heartbeat) ReportedStatus() Status {
	if h.Capturing {
		return StatusRecording
	}
	return StatusOnline
}

// Apply copies the heartbeat onto n (a provisioning or offline node
// becomes online or recording).
func (h Heartbeat) Apply(n *Node) {
	if h.Hostname != "" {
		n.Hostname = h.Hostname
	}
	if h.AgentVersion != "" {
		n.AgentVersion = h.AgentVersion
	}
	seen := h.SeenAt
	n.Runtime, n.LastSeenAt, n.Capturing, n.ReportedStatus, n.UpdatedAt = h.Runtime, &seen, h.Capturing, h.ReportedStatus(), seen
}

package agentapi

import "time"

// The agent protocol routes (all under the controller's base URL). Node
// routes take "Authorization: Bearer <node token>" and the credential's node
// must equal the :id in the path; the enroll route takes the one-time
// bootstrap token instead.
const (
	// PathEnroll exchanges a bootstrap token for a node credential (POST EnrollRequest → EnrollResponse).
	PathEnroll = "/api/v1/agent/enroll"
	// PathHeartbeat is POST Heartbeat → HeartbeatResponse, every HeartbeatInterval.
	PathHeartbeat = "/api/v1/nodes/%s/heartbeat"
	// PathInventory is POST Inventory → InventoryResponse (startup reconcile).
	PathInventory = "/api/v1/nodes/%s/inventory"
	// PathConfig is GET → NodeConfig.
	PathConfig = "/api/v1/nodes/%s/config"
	// PathHealthEvents is POST HealthEventBatch → HealthEventBatchResponse.
	PathHealthEvents = "/api/v1/nodes/%s/health-events"
	// PathStream is the agent's WebSocket (GET, upgraded): the agent sends
	// StreamMessage values (meter frames now, listen audio later).
	PathStream = "/api/v1/nodes/%s/stream"
)

// HeartbeatInterval is how often the agent sends a heartbeat.
const HeartbeatInterval = 5 * time.Second

// HeaderAgentVersion carries the agent's version on every agent request.
const HeaderAgentVersion = "X-Rakkr-Agent-Version"

// Inventory is the agent's view of its audio interfaces, as printed by
// `rakkr-agent inventory` and posted at start and with heartbeats.
type Inventory struct {
	Interfaces []Interface `json:"interfaces"`
}

// Interface is one audio input device. SystemRef is its stable identity:
// the controller matches interfaces on it across restarts and renumbering.
type Interface struct {
	SystemRef    string    `json:"systemRef"`
	SystemName   string    `json:"systemName"`
	Backend      string    `json:"backend"` // alsa|jack|pipewire|demo|file|unknown
	ChannelCount int       `json:"channelCount"`
	SampleRates  []int     `json:"sampleRates"`
	HardwarePath string    `json:"hardwarePath"`
	SerialNumber string    `json:"serialNumber"`
	Channels     []Channel `json:"channels"`
}

// Channel is one input channel; Index is 1-based.
type Channel struct {
	Index int    `json:"index"`
	Label string `json:"label"`
}

// Runtime are the node's runtime facts sent with each heartbeat.
type Runtime struct {
	AgentVersion  string   `json:"agentVersion"`
	Hostname      string   `json:"hostname"`
	OSName        string   `json:"osName"`
	KernelRelease string   `json:"kernelRelease"`
	Architecture  string   `json:"architecture"`
	UptimeSeconds int64    `json:"uptimeSeconds"`
	IPAddresses   []string `json:"ipAddresses"`
	AudioBackends []string `json:"audioBackends"`
	// DiskUsedPercent is the used share of the agent's data disk (0..100).
	DiskUsedPercent float64 `json:"diskUsedPercent"`
	DiskFreeBytes   int64   `json:"diskFreeBytes"`
	// Load1PerCore is the 1-minute load average divided by the core count.
	Load1PerCore float64 `json:"load1PerCore"`
	CPUCores     int     `json:"cpuCores"`
}

// EnrollRequest is sent with the bootstrap token.
type EnrollRequest struct {
	Runtime   Runtime   `json:"runtime"`
	Inventory Inventory `json:"inventory"`
}

// EnrollResponse carries the long-lived node credential (shown once).
type EnrollResponse struct {
	NodeID    string    `json:"nodeId"`
	NodeToken string    `json:"nodeToken"`
	NodeAlias string    `json:"nodeAlias"`
	IssuedAt  time.Time `json:"issuedAt"`
}

// Heartbeat is the agent's periodic report.
type Heartbeat struct {
	Runtime Runtime `json:"runtime"`
	// Capturing is true while at least one recording captures.
	Capturing bool `json:"capturing"`
	// SentAt is the agent's clock when sending (for skew in both directions).
	SentAt time.Time `json:"sentAt"`
}

// HeartbeatResponse answers a heartbeat; the HTTP Date header carries the
// controller's clock too, which the agent uses for clock-skew detection.
type HeartbeatResponse struct {
	ServerTime    time.Time `json:"serverTime"`
	Status        string    `json:"status"`
	ConfigVersion int64     `json:"configVersion"`
}

// InventoryResponse returns the reconciled interfaces with controller ids.
type InventoryResponse struct {
	Interfaces []ReconciledInterface `json:"interfaces"`
}

// ReconciledInterface maps an agent interface to the controller's id.
type ReconciledInterface struct {
	ID        string `json:"id"`
	SystemRef string `json:"systemRef"`
	Alias     string `json:"alias"`
	Absent    bool   `json:"absent"`
}

// NodeConfig is what the controller tells the agent to do.
type NodeConfig struct {
	ConfigVersion           int64  `json:"configVersion"`
	AudioSource             string `json:"audioSource"`
	MaxConcurrentRecordings int    `json:"maxConcurrentRecordings"`
	// MeterFramesPerSecond is the live meter rate (10).
	MeterFramesPerSecond int `json:"meterFramesPerSecond"`
}

// Severity of a health event.
const (
	SeverityInfo     = "info"
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// HealthEvent is one agent health event from the agent's durable log. ID is
// generated by the agent, so a retried post is idempotent. A "*_recovered"
// event resolves the open event of the type named in Resolves.
type HealthEvent struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"` // e.g. agent.meter.flatline, agent.meter.flatline_recovered
	Severity    string         `json:"severity"`
	OpenedAt    time.Time      `json:"openedAt"`
	InterfaceID string         `json:"interfaceId,omitempty"`
	RecordingID string         `json:"recordingId,omitempty"`
	Resolves    string         `json:"resolves,omitempty"` // the type this event recovers
	Details     map[string]any `json:"details"`
}

// HealthEventBatch is a batch of events from the agent's log, oldest first.
type HealthEventBatch struct {
	Events []HealthEvent `json:"events"`
}

// HealthEventBatchResponse lists the ids the controller stored (or had
// already stored); the agent marks them synced.
type HealthEventBatchResponse struct {
	Accepted []string `json:"accepted"`
}

// StreamMessage is one message on the agent's WebSocket.
type StreamMessage struct {
	Type  string      `json:"type"` // "meter"
	Meter *MeterFrame `json:"meter,omitempty"`
}

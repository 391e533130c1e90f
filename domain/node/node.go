// Package node holds the recorder node of the fleet: its identity, runtime
// facts, audio interfaces and channels, the status derived from real state,
// the inventory reconcile and the node's bootstrap and long-lived credentials.
// It is pure: stores and the wire protocol convert to and from these types.
package node

import (
	"fmt"
	"github.com/rakkr/rakkr/domain/uid"
	"slices"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
)

// Limits of the node fields.
const (
	MaxAliasLength  = 120
	MaxSiteLength   = 120
	MaxNotesLength  = 2000
	MaxTags         = 64
	MaxTagLength    = 64
	MaxIPAddresses  = 16
	MinCapacity     = 1
	MaxCapacity     = 128
	DefaultCapacity = 1
)

// Runtime are the facts an agent reports about its host.
type Runtime struct {
	OSName          string
	KernelRelease   string
	Architecture    string
	UptimeSeconds   int64
	IPAddresses     []string
	AudioBackends   []string
	DiskUsedPercent float64
	DiskFreeBytes   int64
	Load1PerCore    float64
	CPUCores        int
}

// Node is one recorder machine. RoomID "" means no default room.
type Node struct {
	ID           string
	Alias        string
	Hostname     string
	Site         string
	RoomID       string
	Notes        string
	Tags         []string
	AgentVersion string
	Runtime      Runtime
	// LastSeenAt is the last heartbeat (nil: never seen, provisioning).
	LastSeenAt *time.Time
	EnrolledAt time.Time
	// ReportedStatus is what the last contact stored (online or recording).
	ReportedStatus Status
	// Capturing is true when the last heartbeat said a capture was running.
	Capturing               bool
	MaxConcurrentRecordings int
	// ConfigVersion increases whenever the agent's configuration changes.
	ConfigVersion int64
	UpdatedAt     time.Time
	// Interfaces are loaded with the node by the stores that say so.
	Interfaces []Interface
}

// Interface is one audio input device of a node. SystemRef is its stable
// identity; Alias is the operator's name for it.
type Interface struct {
	ID           string
	NodeID       string
	SystemRef    string
	SystemName   string
	Alias        string
	Backend      string
	ChannelCount int
	SampleRates  []int
	HardwarePath string
	SerialNumber string
	// Absent is true while the agent no longer reports the device.
	Absent   bool
	Channels []Channel
}

// Channel is one input channel of an interface; Index is 1-based. RoomID ""
// inherits the node's room.
type Channel struct {
	InterfaceID string
	Index       int
	Label       string
	Alias       string
	RoomID      string
}

// ChannelRef is the resource id of a channel: "<interfaceId>.<index>".
func ChannelRef(interfaceID string, index int) string {
	return fmt.Sprintf("%s.%d", interfaceID, index)
}

// EffectiveRoom is the channel's own room, else the node's.
func (c Channel) EffectiveRoom(nodeRoom string) string {
	if c.RoomID != "" {
		return c.RoomID
	}
	return nodeRoom
}

// NewNodeID returns "node_<uuid>".
func NewNodeID() string { return "node_" + uid.New() }

// NewInterfaceID returns "if_<uuid>".
func NewInterfaceID() string { return "if_" + uid.New() }

// New builds a node enrolled at now, validating its identity fields.
func New(alias, site, roomID, notes string, now time.Time) (Node, error) {
	n := Node{ID: NewNodeID(), Alias: strings.TrimSpace(alias), Site: strings.TrimSpace(site), RoomID: roomID,
		Notes: notes, Tags: []string{}, EnrolledAt: now, UpdatedAt: now, ReportedStatus: StatusProvisioning,
		MaxConcurrentRecordings: DefaultCapacity, ConfigVersion: 1}
	return n, n.Validate()
}

// Validate checks the operator-editable fields, naming each bad one.
func (n *Node) Validate() error {
	var is errs.Issues
	n.Alias = strings.TrimSpace(n.Alias)
	n.Site = strings.TrimSpace(n.Site)
	if n.Alias == "" || len(n.Alias) > MaxAliasLength {
		is.Add("alias", fmt.Sprintf("is required, at most %d characters", MaxAliasLength))
	}
	if len(n.Site) > MaxSiteLength || strings.ContainsAny(n.Site, ", \t\n") {
		is.Add("site", fmt.Sprintf("must be at most %d characters without spaces or commas", MaxSiteLength))
	}
	if len(n.Notes) > MaxNotesLength {
		is.Add("notes", fmt.Sprintf("must be at most %d characters", MaxNotesLength))
	}
	tags, ok := NormalizeTags(n.Tags)
	if !ok {
		is.Add("tags", fmt.Sprintf("at most %d tags of 1-%d characters", MaxTags, MaxTagLength))
	}
	n.Tags = tags
	if n.MaxConcurrentRecordings < MinCapacity || n.MaxConcurrentRecordings > MaxCapacity {
		is.Add("maxConcurrentRecordings", fmt.Sprintf("must be from %d to %d", MinCapacity, MaxCapacity))
	}
	return is.Err()
}

// NormalizeTags trims, drops duplicates and reports whether the tags fit the limits.
func NormalizeTags(tags []string) ([]string, bool) {
	out := []string{}
	ok := len(tags) <= MaxTags
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" || len(t) > MaxTagLength {
			ok = false
			continue
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, ok
}

// TruncateIPs keeps at most MaxIPAddresses addresses.
func TruncateIPs(ips []string) []string {
	if len(ips) > MaxIPAddresses {
		ips = ips[:MaxIPAddresses]
	}
	return slices.Clone(ips)
}

// RoomIDs lists the distinct rooms of the node: its own and its channels'.
func (n Node) RoomIDs() []string {
	var out []string
	add := func(r string) {
		if r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	add(n.RoomID)
	for _, i := range n.Interfaces {
		for _, c := range i.Channels {
			add(c.RoomID)
		}
	}
	return out
}

// Interface returns the interface with id.
func (n Node) Interface(id string) (Interface, bool) {
	for _, i := range n.Interfaces {
		if i.ID == id {
			return i, true
		}
	}
	return Interface{}, false
}

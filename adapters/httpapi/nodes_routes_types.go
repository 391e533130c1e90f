package httpapi

import (
	"time"

	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/room"
)

// NodeRuntimeBody are a node's runtime facts.
type NodeRuntimeBody struct {
	OSName          string   `json:"osName"`
	KernelRelease   string   `json:"kernelRelease"`
	Architecture    string   `json:"architecture"`
	UptimeSeconds   int64    `json:"uptimeSeconds"`
	IPAddresses     []string `json:"ipAddresses"`
	AudioBackends   []string `json:"audioBackends"`
	DiskUsedPercent float64  `json:"diskUsedPercent"`
	DiskFreeBytes   int64    `json:"diskFreeBytes"`
	Load1PerCore    float64  `json:"load1PerCore"`
	CPUCores        int      `json:"cpuCores"`
}

// NodeChannelBody is one channel; roomId null inherits the node's room
// (effectiveRoomId); resourceId is its scope id ("<interfaceId>.<index>").
type NodeChannelBody struct {
	Index           int     `json:"index"`
	Label           string  `json:"label"`
	Alias           string  `json:"alias"`
	RoomID          *string `json:"roomId"`
	EffectiveRoomID *string `json:"effectiveRoomId"`
	ResourceID      string  `json:"resourceId"`
}

// NodeInterfaceBody is one audio interface of a node.
type NodeInterfaceBody struct {
	ID           string            `json:"id"`
	SystemRef    string            `json:"systemRef"`
	SystemName   string            `json:"systemName"`
	Alias        string            `json:"alias"`
	Backend      string            `json:"backend"`
	ChannelCount int               `json:"channelCount"`
	SampleRates  []int             `json:"sampleRates"`
	HardwarePath string            `json:"hardwarePath"`
	SerialNumber string            `json:"serialNumber"`
	Absent       bool              `json:"absent"`
	Channels     []NodeChannelBody `json:"channels"`
}

// NodeHealthBody counts a node's open health events.
type NodeHealthBody struct {
	Warning  int `json:"warning"`
	Critical int `json:"critical"`
}

// NodeResponse is a node with its derived status, interfaces and channels.
type NodeResponse struct {
	ID                      string              `json:"id"`
	Alias                   string              `json:"alias"`
	Hostname                string              `json:"hostname"`
	Site                    string              `json:"site"`
	RoomID                  *string             `json:"roomId"`
	Notes                   string              `json:"notes"`
	Tags                    []string            `json:"tags"`
	AgentVersion            string              `json:"agentVersion"`
	Status                  string              `json:"status"`
	ReportedStatus          string              `json:"reportedStatus"`
	LastSeenAt              *time.Time          `json:"lastSeenAt"`
	EnrolledAt              time.Time           `json:"enrolledAt"`
	UpdatedAt               time.Time           `json:"updatedAt"`
	MaxConcurrentRecordings int                 `json:"maxConcurrentRecordings"`
	ConfigVersion           int64               `json:"configVersion"`
	Runtime                 NodeRuntimeBody     `json:"runtime"`
	OpenHealthEvents        NodeHealthBody      `json:"openHealthEvents"`
	Interfaces              []NodeInterfaceBody `json:"interfaces"`
}

// NodeEnrollRequest creates a node awaiting its agent; ttlSeconds 60..86400 (default 900).
type NodeEnrollRequest struct {
	Alias      string `json:"alias"`
	Site       string `json:"site,omitempty"`
	RoomID     string `json:"roomId,omitempty"`
	Notes      string `json:"notes,omitempty"`
	TTLSeconds *int   `json:"ttlSeconds,omitempty"`
}

// NodeEnrollResponse carries the one-time bootstrap token (shown once).
type NodeEnrollResponse struct {
	Node           NodeResponse `json:"node"`
	BootstrapToken string       `json:"bootstrapToken"`
	ExpiresAt      time.Time    `json:"expiresAt"`
}

// NodeBootstrapTokenRequest mints a new bootstrap token.
type NodeBootstrapTokenRequest struct {
	TTLSeconds *int `json:"ttlSeconds,omitempty"`
}

// NodeCredentialResponse carries a new node token (shown once).
type NodeCredentialResponse struct {
	NodeID       string    `json:"nodeId"`
	CredentialID string    `json:"credentialId"`
	NodeToken    string    `json:"nodeToken"`
	Prefix       string    `json:"prefix"`
	IssuedAt     time.Time `json:"issuedAt"`
}

// NodeRevokeResponse tells how many credentials were revoked.
type NodeRevokeResponse struct {
	NodeID  string `json:"nodeId"`
	Revoked int64  `json:"revoked"`
}

// NodeUpdateRequest edits a node; omitted fields stay, roomId "" clears it.
type NodeUpdateRequest struct {
	Alias                   *string   `json:"alias,omitempty"`
	Site                    *string   `json:"site,omitempty"`
	RoomID                  *string   `json:"roomId,omitempty"`
	Notes                   *string   `json:"notes,omitempty"`
	Tags                    *[]string `json:"tags,omitempty"`
	MaxConcurrentRecordings *int      `json:"maxConcurrentRecordings,omitempty"`
}

// NodeInterfaceUpdateRequest renames an interface.
type NodeInterfaceUpdateRequest struct {
	Alias *string `json:"alias"`
}

// NodeChannelUpdate edits one channel; roomId "" inherits the node's room.
type NodeChannelUpdate struct {
	InterfaceID string  `json:"interfaceId"`
	Index       int     `json:"index"`
	Alias       *string `json:"alias,omitempty"`
	RoomID      *string `json:"roomId,omitempty"`
}

// NodeExportRequest selects what POST /nodes/export writes: ids, or the
// list filters (times RFC 3339, status comma-separated).
type NodeExportRequest struct {
	IDs            []string `json:"ids,omitempty"`
	Status         string   `json:"status,omitempty"`
	Site           string   `json:"site,omitempty"`
	RoomID         string   `json:"roomId,omitempty"`
	Backend        string   `json:"backend,omitempty"`
	LastSeenBefore string   `json:"lastSeenBefore,omitempty"`
	LastSeenAfter  string   `json:"lastSeenAfter,omitempty"`
	Q              string   `json:"q,omitempty"`
}

// NodeDeletedResponse confirms a deletion.
type NodeDeletedResponse struct {
	ID      string `json:"id"`
	Deleted bool   `json:"deleted"`
}

// StatusResponse counts the caller's nodes by derived status.
type StatusResponse struct {
	Nodes StatusNodesBody `json:"nodes"`
}

// StatusNodesBody are the node counters.
type StatusNodesBody struct {
	Total     int            `json:"total"`
	Reachable int            `json:"reachable"`
	ByStatus  map[string]int `json:"byStatus"`
}

// RoomRequest creates a room (site and name required).
type RoomRequest struct {
	Site        string `json:"site"`
	Name        string `json:"name"`
	Building    string `json:"building,omitempty"`
	Floor       string `json:"floor,omitempty"`
	Description string `json:"description,omitempty"`
}

// RoomUpdateRequest edits a room; omitted fields stay.
type RoomUpdateRequest struct {
	Site        *string `json:"site,omitempty"`
	Name        *string `json:"name,omitempty"`
	Building    *string `json:"building,omitempty"`
	Floor       *string `json:"floor,omitempty"`
	Description *string `json:"description,omitempty"`
}

// RoomResponse is one room.
type RoomResponse struct {
	ID          string    `json:"id"`
	Site        string    `json:"site"`
	Name        string    `json:"name"`
	Building    string    `json:"building"`
	Floor       string    `json:"floor"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func toRoomResponse(r room.Room) RoomResponse {
	return RoomResponse{ID: r.ID, Site: r.Site, Name: r.Name, Building: r.Building, Floor: r.Floor, Description: r.Description,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func toNodeResponse(v fleet.NodeView) NodeResponse {
	n := v.Node
	rt := n.Runtime
	out := NodeResponse{ID: n.ID, Alias: n.Alias, Hostname: n.Hostname, Site: n.Site, RoomID: optional(n.RoomID), Notes: n.Notes,
		Tags: n.Tags, AgentVersion: n.AgentVersion, Status: string(v.Status), ReportedStatus: string(n.ReportedStatus),
		LastSeenAt: n.LastSeenAt, EnrolledAt: n.EnrolledAt, UpdatedAt: n.UpdatedAt, MaxConcurrentRecordings: n.MaxConcurrentRecordings,
		ConfigVersion: n.ConfigVersion, OpenHealthEvents: NodeHealthBody{Warning: v.OpenWarnings, Critical: v.OpenCriticals},
		Runtime: NodeRuntimeBody{OSName: rt.OSName, KernelRelease: rt.KernelRelease, Architecture: rt.Architecture,
			UptimeSeconds: rt.UptimeSeconds, IPAddresses: orEmptyList(rt.IPAddresses), AudioBackends: orEmptyList(rt.AudioBackends),
			DiskUsedPercent: rt.DiskUsedPercent, DiskFreeBytes: rt.DiskFreeBytes, Load1PerCore: rt.Load1PerCore, CPUCores: rt.CPUCores},
		Interfaces: []NodeInterfaceBody{}}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for _, i := range n.Interfaces {
		ib := NodeInterfaceBody{ID: i.ID, SystemRef: i.SystemRef, SystemName: i.SystemName, Alias: i.Alias, Backend: i.Backend,
			ChannelCount: i.ChannelCount, SampleRates: orEmptyList(i.SampleRates), HardwarePath: i.HardwarePath,
			SerialNumber: i.SerialNumber, Absent: i.Absent, Channels: []NodeChannelBody{}}
		for _, c := range i.Channels {
			ib.Channels = append(ib.Channels, NodeChannelBody{Index: c.Index, Label: c.Label, Alias: c.Alias, RoomID: optional(c.RoomID),
				EffectiveRoomID: optional(c.EffectiveRoom(n.RoomID)), ResourceID: node.ChannelRef(i.ID, c.Index)})
		}
		out.Interfaces = append(out.Interfaces, ib)
	}
	return out
}

func orEmptyList[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

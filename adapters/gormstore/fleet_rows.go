package gormstore

import (
	"encoding/json"
	"time"

	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/room"
)

// roomRow is a row of the rooms table.
type roomRow struct {
	ID          string    `gorm:"column:id;primaryKey"`
	Site        string    `gorm:"column:site"`
	Name        string    `gorm:"column:name"`
	Building    string    `gorm:"column:building"`
	Floor       string    `gorm:"column:floor"`
	Description string    `gorm:"column:description"`
	CreatedAt   time.Time `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt   time.Time `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName implements gorm's Tabler.
func (roomRow) TableName() string { return "rooms" }

func toDomainRoom(r roomRow) room.Room {
	return room.Room{ID: r.ID, Site: r.Site, Name: r.Name, Building: r.Building, Floor: r.Floor,
		Description: r.Description, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func fromDomainRoom(r room.Room) roomRow {
	return roomRow{ID: r.ID, Site: r.Site, Name: r.Name, Building: r.Building, Floor: r.Floor,
		Description: r.Description, CreatedAt: identityTime(r.CreatedAt), UpdatedAt: identityTime(r.UpdatedAt)}
}

// nodeRow is a row of the nodes table; tags and runtime are JSON text.
type nodeRow struct {
	ID                      string     `gorm:"column:id;primaryKey"`
	Alias                   string     `gorm:"column:alias"`
	Hostname                string     `gorm:"column:hostname"`
	Site                    string     `gorm:"column:site"`
	RoomID                  *string    `gorm:"column:room_id"`
	Notes                   string     `gorm:"column:notes"`
	Tags                    string     `gorm:"column:tags"`
	AgentVersion            string     `gorm:"column:agent_version"`
	Runtime                 string     `gorm:"column:runtime"`
	LastSeenAt              *time.Time `gorm:"column:last_seen_at"`
	EnrolledAt              time.Time  `gorm:"column:enrolled_at"`
	ReportedStatus          string     `gorm:"column:reported_status"`
	Capturing               bool       `gorm:"column:capturing"`
	MaxConcurrentRecordings int        `gorm:"column:max_concurrent_recordings"`
	ConfigVersion           int64      `gorm:"column:config_version"`
	UpdatedAt               time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName implements gorm's Tabler.
func (nodeRow) TableName() string { return "nodes" }

// runtimeJSON is the stored form of node.Runtime.
type runtimeJSON struct {
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

func toDomainNode(r nodeRow) node.Node {
	n := node.Node{ID: r.ID, Alias: r.Alias, Hostname: r.Hostname, Site: r.Site, Notes: r.Notes,
		AgentVersion: r.AgentVersion, LastSeenAt: identityUTC(r.LastSeenAt), EnrolledAt: r.EnrolledAt.UTC(),
		ReportedStatus: node.Status(r.ReportedStatus), Capturing: r.Capturing,
		MaxConcurrentRecordings: r.MaxConcurrentRecordings, ConfigVersion: r.ConfigVersion, UpdatedAt: r.UpdatedAt.UTC(),
		Tags: []string{}, Interfaces: []node.Interface{}}
	if r.RoomID != nil {
		n.RoomID = *r.RoomID
	}
	_ = json.Unmarshal([]byte(r.Tags), &n.Tags)
	var rt runtimeJSON
	_ = json.Unmarshal([]byte(r.Runtime), &rt)
	n.Runtime = node.Runtime(rt)
	return n
}

func fromDomainNode(n node.Node) nodeRow {
	tags := n.Tags
	if tags == nil {
		tags = []string{}
	}
	tb, _ := json.Marshal(tags)
	rb, _ := json.Marshal(runtimeJSON(n.Runtime))
	r := nodeRow{ID: n.ID, Alias: n.Alias, Hostname: n.Hostname, Site: n.Site, Notes: n.Notes, Tags: string(tb),
		AgentVersion: n.AgentVersion, Runtime: string(rb), EnrolledAt: identityTime(n.EnrolledAt),
		ReportedStatus: string(n.ReportedStatus), Capturing: n.Capturing, MaxConcurrentRecordings: n.MaxConcurrentRecordings,
		ConfigVersion: n.ConfigVersion, UpdatedAt: identityTime(n.UpdatedAt)}
	if n.RoomID != "" {
		id := n.RoomID
		r.RoomID = &id
	}
	if n.LastSeenAt != nil {
		t := identityTime(*n.LastSeenAt)
		r.LastSeenAt = &t
	}
	return r
}

// interfaceRow is a row of the audio_interfaces table.
type interfaceRow struct {
	ID           string `gorm:"column:id;primaryKey"`
	NodeID       string `gorm:"column:node_id"`
	SystemRef    string `gorm:"column:system_ref"`
	SystemName   string `gorm:"column:system_name"`
	Alias        string `gorm:"column:alias"`
	Backend      string `gorm:"column:backend"`
	ChannelCount int    `gorm:"column:channel_count"`
	SampleRates  string `gorm:"column:sample_rates"`
	HardwarePath string `gorm:"column:hardware_path"`
	SerialNumber string `gorm:"column:serial_number"`
	Absent       bool   `gorm:"column:absent"`
}

// TableName implements gorm's Tabler.
func (interfaceRow) TableName() string { return "audio_interfaces" }

// channelRow is a row of the audio_channels table.
type channelRow struct {
	InterfaceID string  `gorm:"column:interface_id;primaryKey"`
	Index       int     `gorm:"column:idx;primaryKey"`
	Label       string  `gorm:"column:label"`
	Alias       string  `gorm:"column:alias"`
	RoomID      *string `gorm:"column:room_id"`
}

// TableName implements gorm's Tabler.
func (channelRow) TableName() string { return "audio_channels" }

func toDomainInterface(r interfaceRow) node.Interface {
	i := node.Interface{ID: r.ID, NodeID: r.NodeID, SystemRef: r.SystemRef, SystemName: r.SystemName, Alias: r.Alias,
		Backend: r.Backend, ChannelCount: r.ChannelCount, HardwarePath: r.HardwarePath, SerialNumber: r.SerialNumber,
		Absent: r.Absent, SampleRates: []int{}, Channels: []node.Channel{}}
	_ = json.Unmarshal([]byte(r.SampleRates), &i.SampleRates)
	return i
}

func fromDomainInterface(nodeID string, i node.Interface) interfaceRow {
	rates := i.SampleRates
	if rates == nil {
		rates = []int{}
	}
	b, _ := json.Marshal(rates)
	return interfaceRow{ID: i.ID, NodeID: nodeID, SystemRef: i.SystemRef, SystemName: i.SystemName, Alias: i.Alias,
		Backend: i.Backend, ChannelCount: i.ChannelCount, SampleRates: string(b), HardwarePath: i.HardwarePath,
		SerialNumber: i.SerialNumber, Absent: i.Absent}
}

func toDomainChannel(r channelRow) node.Channel {
	c := node.Channel{InterfaceID: r.InterfaceID, Index: r.Index, Label: r.Label, Alias: r.Alias}
	if r.RoomID != nil {
		c.RoomID = *r.RoomID
	}
	return c
}

func fromDomainChannel(ifaceID string, c node.Channel) channelRow {
	r := channelRow{InterfaceID: ifaceID, Index: c.Index, Label: c.Label, Alias: c.Alias}
	if c.RoomID != "" {
		id := c.RoomID
		r.RoomID = &id
	}
	return r
}

// bootstrapTokenRow is a row of node_bootstrap_tokens.
type bootstrapTokenRow struct {
	ID        string     `gorm:"column:id;primaryKey"`
	NodeID    string     `gorm:"column:node_id"`
	TokenHash string     `gorm:"column:token_hash"`
	CreatedAt time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	ExpiresAt time.Time  `gorm:"column:expires_at"`
	UsedAt    *time.Time `gorm:"column:used_at"`
	RevokedAt *time.Time `gorm:"column:revoked_at"`
}

// TableName implements gorm's Tabler.
func (bootstrapTokenRow) TableName() string { return "node_bootstrap_tokens" }

// nodeCredentialRow is a row of node_credentials.
type nodeCredentialRow struct {
	ID        string     `gorm:"column:id;primaryKey"`
	NodeID    string     `gorm:"column:node_id"`
	Prefix    string     `gorm:"column:prefix"`
	TokenHash string     `gorm:"column:token_hash"`
	CreatedAt time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	RevokedAt *time.Time `gorm:"column:revoked_at"`
}

// TableName implements gorm's Tabler.
func (nodeCredentialRow) TableName() string { return "node_credentials" }

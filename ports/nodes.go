package ports

import (
	"context"
	"time"

	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/room"
)

// NodeFilter selects nodes in the store; zero values select everything.
// Status is derived, so the use case filters on it after loading.
type NodeFilter struct {
	// IDs, when not nil, restricts the list to these ids.
	IDs []string
	// Site and RoomID match exactly (RoomID matches the node's room or a
	// channel's room).
	Site, RoomID string
	// Backend keeps nodes with an interface of this backend.
	Backend string
	// LastSeenBefore/After bound lastSeenAt (never-seen nodes never match).
	LastSeenBefore, LastSeenAfter *time.Time
	// Query matches a case-insensitive substring of the alias, hostname,
	// site, notes, tags, or an interface or channel alias or name.
	Query string
}

// NodeStore persists nodes with their interfaces and channels.
// Not-found errors are node.ErrNotFound.
type NodeStore interface {
	// CreateNode inserts n (without interfaces).
	CreateNode(ctx context.Context, n node.Node) error
	// GetNode returns the node with its interfaces and channels.
	GetNode(ctx context.Context, id string) (node.Node, error)
	// UpdateNode locks the node, applies fn and saves the node's own fields
	// (not its interfaces); an error from fn saves nothing.
	UpdateNode(ctx context.Context, id string, fn func(n *node.Node) error) (node.Node, error)
	// SaveInterfaces replaces the interfaces and channels of a node.
	SaveInterfaces(ctx context.Context, nodeID string, ifaces []node.Interface) error
	// DeleteNode removes the node with its interfaces, channels and credentials.
	DeleteNode(ctx context.Context, id string) error
	// ListNodes returns every node matching f with interfaces, sorted by alias.
	ListNodes(ctx context.Context, f NodeFilter) ([]node.Node, error)
	// RoomUsage counts the nodes and channels whose room is roomID.
	RoomUsage(ctx context.Context, roomID string) (nodes, channels int64, err error)
}

// NodeHeartbeatStore writes agents' heartbeats in batches: the fleet
// service keeps heartbeats in memory and saves those of every node once a
// second, so that a heartbeat costs no database write of its own.
type NodeHeartbeatStore interface {
	// SaveHeartbeats writes each heartbeat's fields (hostname and agent
	// version when not empty, runtime, last seen, capturing, reported
	// status, updated-at) onto its node in one transaction; heartbeats of
	// nodes that no longer exist are skipped.
	SaveHeartbeats(ctx context.Context, hbs []node.Heartbeat) error
}

// NodeCredentialStore persists bootstrap tokens and node credentials.
type NodeCredentialStore interface {
	// CreateBootstrapToken inserts t.
	CreateBootstrapToken(ctx context.Context, t node.BootstrapToken) error
	// BootstrapTokenByHash returns the token whose secret hashes to hash
	// (node.ErrBootstrapInvalid when none).
	BootstrapTokenByHash(ctx context.Context, hash string) (node.BootstrapToken, error)
	// UseBootstrapToken marks the token used at at if it is still unused,
	// unrevoked and unexpired; otherwise node.ErrBootstrapInvalid.
	UseBootstrapToken(ctx context.Context, id string, at time.Time) error
	// RevokeBootstrapTokens ends every unused token of a node.
	RevokeBootstrapTokens(ctx context.Context, nodeID string, at time.Time) (int64, error)
	// CreateCredential inserts c.
	CreateCredential(ctx context.Context, c node.Credential) error
	// CredentialByHash returns the credential whose token hashes to hash
	// (node.ErrCredentialInvalid when none).
	CredentialByHash(ctx context.Context, hash string) (node.Credential, error)
	// RevokeCredentials ends every live credential of a node.
	RevokeCredentials(ctx context.Context, nodeID string, at time.Time) (int64, error)
}

// RoomFilter selects rooms; zero values select everything.
type RoomFilter struct {
	// Site matches exactly; Query a substring of name, site, building.
	Site, Query string
}

// RoomStore persists rooms. Not-found errors are room.ErrNotFound and a
// duplicate (site, name) is room.ErrNameTaken.
type RoomStore interface {
	// CreateRoom inserts r.
	CreateRoom(ctx context.Context, r room.Room) error
	// GetRoom returns the room with id.
	GetRoom(ctx context.Context, id string) (room.Room, error)
	// UpdateRoom locks the room, applies fn and saves it.
	UpdateRoom(ctx context.Context, id string, fn func(r *room.Room) error) (room.Room, error)
	// DeleteRoom removes the room.
	DeleteRoom(ctx context.Context, id string) error
	// ListRooms returns the rooms matching f sorted by site and name.
	ListRooms(ctx context.Context, f RoomFilter) ([]room.Room, error)
}

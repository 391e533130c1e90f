// Package fleet holds the fleet use cases: rooms, node enrollment and
// credentials, the agent's heartbeat, inventory and configuration, and the
// operators' node API (list, detail, edits, status counters). Every write
// records its audit row in the same transaction and keeps the scope graph
// (site → room → node → interface → channel) in step through
// ports.ResourceGraph.
package fleet

import (
	"context"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
	"time"
)

// Deps are the ports and settings of the service. Tx, Nodes, Credentials,
// Rooms, Graph, Authorizer and Audit are required; Health may be nil (no
// events are counted), Clock defaults to the system clock.
type Deps struct {
	Tx    ports.Transactor
	Nodes ports.NodeStore
	// Heartbeats writes the heartbeats kept in memory in batches; nil
	// writes them node by node through Nodes.UpdateNode.
	Heartbeats  ports.NodeHeartbeatStore
	Credentials ports.NodeCredentialStore
	Rooms       ports.RoomStore
	// Graph records each resource's parents for scope decisions.
	Graph ports.ResourceGraph
	// Authorizer filters lists per item for the caller.
	Authorizer ports.Authorizer
	Audit      ports.AuditRecorder
	// Health counts open health events per node (degraded/alerting).
	Health ports.NodeHealthSummary
	Clock  ports.Clock
	// OfflineAfter is RAKKR_NODE_OFFLINE_AFTER: a node without a heartbeat
	// for longer is offline; 0 disables the offline status
	// (node.DefaultOfflineAfter is the documented default).
	OfflineAfter time.Duration
}

// Service implements the fleet use cases and ports.NodeAuthenticator.
type Service struct {
	d Deps
	p *presence
}

// New checks deps and returns the service.
func New(d Deps) (*Service, error) {
	if err := ports.RequireDeps("fleet", map[string]bool{"Tx": d.Tx != nil, "Nodes": d.Nodes != nil, "Credentials": d.Credentials != nil, "Rooms": d.Rooms != nil, "Graph": d.Graph != nil, "Authorizer": d.Authorizer != nil, "Audit": d.Audit != nil}); err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	if d.OfflineAfter < 0 {
		d.OfflineAfter = 0
	}
	return &Service{d: d, p: newPresence()}, nil
}

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC().Truncate(time.Microsecond) }

// NodeView is a node with its derived status and open health counts.
type NodeView struct {
	Node          node.Node
	Status        node.Status
	OpenWarnings  int
	OpenCriticals int
}

// views derives the status of each node.
func (s *Service) views(ctx context.Context, nodes []node.Node) ([]NodeView, error) {
	counts := map[string]ports.HealthCounts{}
	if s.d.Health != nil && len(nodes) > 0 {
		ids := make([]string, len(nodes))
		for i, n := range nodes {
			ids[i] = n.ID
		}
		c, err := s.d.Health.OpenCounts(ctx, ids)
		if err != nil {
			return nil, err
		}
		counts = c
	}
	s.p.overlay(nodes)
	now := s.now()
	out := make([]NodeView, 0, len(nodes))
	for _, n := range nodes {
		c := counts[n.ID]
		st := node.DeriveStatus(node.StatusInput{LastSeenAt: n.LastSeenAt, Capturing: n.Capturing, OpenWarnings: c.Warning,
			OpenCriticals: c.Critical, Now: now, OfflineAfter: s.d.OfflineAfter})
		out = append(out, NodeView{Node: n, Status: st, OpenWarnings: c.Warning, OpenCriticals: c.Critical})
	}
	return out, nil
}

func (s *Service) view(ctx context.Context, n node.Node) (NodeView, error) {
	v, err := s.views(ctx, []node.Node{n})
	if err != nil {
		return NodeView{}, err
	}
	return v[0], nil
}

// record appends a succeeded audit row (inside InTx it commits with the work).
func (s *Service) record(ctx context.Context, action string, perm access.Permission, target audit.Target, before, after any, details map[string]any) error {
	return s.d.Audit.Record(ctx, audit.Event{Action: action, Outcome: audit.Succeeded, Permission: string(perm),
		Target: target, Before: before, After: after, Details: details})
}

// visible reports whether the caller in ctx may read ref (node:read). Calls
// without a user principal (the controller itself) see everything.
func (s *Service) visible(ctx context.Context, ref access.Ref) (bool, error) {
	p, ok := access.PrincipalFrom(ctx)
	if !ok || p.Kind != access.PrincipalUser {
		return true, nil
	}
	d, err := s.d.Authorizer.Decide(ctx, p, access.NodeRead, ref)
	if err != nil {
		return false, err
	}
	return d.Allowed, nil
}

// NodeTarget resolves the scope target of a node route: the node when it
// exists, else the global scope (the handler then answers 404 node.notFound
// to callers holding the permission).
func (s *Service) NodeTarget(ctx context.Context, id string) (access.Ref, error) {
	if _, err := s.d.Nodes.GetNode(ctx, id); err != nil {
		if errs.KindOf(err) == errs.KindNotFound {
			return access.Global, nil
		}
		return access.Ref{}, err
	}
	return access.Ref{Type: access.ResourceNode, ID: id}, nil
}

// RoomTarget resolves the scope target of a room route like NodeTarget.
func (s *Service) RoomTarget(ctx context.Context, id string) (access.Ref, error) {
	if _, err := s.d.Rooms.GetRoom(ctx, id); err != nil {
		if errs.KindOf(err) == errs.KindNotFound {
			return access.Global, nil
		}
		return access.Ref{}, err
	}
	return access.Ref{Type: access.ResourceRoom, ID: id}, nil
}

// checkRoom validates a room reference of a request body; it returns the
// room's site.
func (s *Service) checkRoom(ctx context.Context, field, roomID string) (string, error) {
	r, err := s.d.Rooms.GetRoom(ctx, roomID)
	if err != nil {
		if errs.KindOf(err) == errs.KindNotFound {
			return "", errs.Field(field, "no room has this id")
		}
		return "", err
	}
	return r.Site, nil
}

func nodeTarget(n node.Node) audit.Target {
	return audit.Target{Type: string(access.ResourceNode), ID: n.ID, Name: n.Alias}
}

// auditNode is the before/after form of a node in audit rows.
func auditNode(n node.Node) map[string]any {
	return map[string]any{"id": n.ID, "alias": n.Alias, "hostname": n.Hostname, "site": n.Site, "roomId": n.RoomID,
		"notes": n.Notes, "tags": n.Tags, "maxConcurrentRecordings": n.MaxConcurrentRecordings}
}

// auditChannels lists the channels of a node with aliases and rooms.
func auditChannels(n node.Node) []any {
	out := []any{}
	for _, i := range n.Interfaces {
		for _, c := range i.Channels {
			out = append(out, map[string]any{"interfaceId": i.ID, "index": c.Index, "alias": c.Alias, "roomId": c.RoomID})
		}
	}
	return out
}

var _ ports.NodeAuthenticator = (*Service)(nil)

// ReadableNodes implements ports.NodeScope: owner and admin (unscoped roles)
// read every node; anyone else the nodes perm is decided allowed on.
func (s *Service) ReadableNodes(ctx context.Context, perm access.Permission) (bool, []string, error) {
	p, ok := access.PrincipalFrom(ctx)
	if !ok || p.Kind != access.PrincipalUser {
		return true, nil, nil
	}
	for _, r := range p.Roles {
		if r.Unscoped() && p.TokenAllows(perm) {
			return true, nil, nil
		}
	}
	nodes, err := s.d.Nodes.ListNodes(ctx, ports.NodeFilter{})
	if err != nil {
		return false, nil, err
	}
	ids := []string{}
	for _, n := range nodes {
		d, err := s.d.Authorizer.Decide(ctx, p, perm, nodeRef(n.ID))
		if err != nil {
			return false, nil, err
		}
		if d.Allowed {
			ids = append(ids, n.ID)
		}
	}
	return false, ids, nil
}

var _ ports.NodeScope = (*Service)(nil)

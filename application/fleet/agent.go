package fleet

import (
	"context"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// MeterFramesPerSecond is the live meter rate the agent is told to use.
const MeterFramesPerSecond = 10

// Heartbeat records an agent's periodic report: last seen, runtime facts
// (at most 16 addresses) and whether it captures; a provisioning or offline
// node becomes online. The heartbeat is kept in memory and written with
// every other node's by FlushHeartbeats within HeartbeatFlushInterval
// (node reads see it at once), so it costs no write, and no read beyond the
// authentication's (credential and node in one query) that it reuses. It writes no audit row (one every 5 s per node would drown the
// trail). The answer's status counts the open health events as of the
// node's previous heartbeat.
func (s *Service) Heartbeat(ctx context.Context, nodeID string, hb agentapi.Heartbeat) (agentapi.HeartbeatResponse, error) {
	now := s.now()
	// The request was authenticated a moment ago by a read of the node (the
	// credential joined with it): its config version is the one to answer.
	version, ok := s.p.configVersion(nodeID, now)
	if !ok {
		n, err := s.summary(ctx, nodeID)
		if err != nil {
			return agentapi.HeartbeatResponse{}, err
		}
		version = n.ConfigVersion
	}
	beat := heartbeatOf(nodeID, hb, now)
	if err := s.p.put(beat); err != nil {
		return agentapi.HeartbeatResponse{}, err
	}
	c, err := s.openCounts(ctx, nodeID)
	if err != nil {
		return agentapi.HeartbeatResponse{}, err
	}
	st := node.DeriveStatus(node.StatusInput{LastSeenAt: &now, Capturing: hb.Capturing, OpenWarnings: c.Warning,
		OpenCriticals: c.Critical, Now: now, OfflineAfter: s.d.OfflineAfter})
	return agentapi.HeartbeatResponse{ServerTime: now, Status: string(st), ConfigVersion: version}, nil
}

// summary reads a node without its interfaces when the store can.
func (s *Service) summary(ctx context.Context, id string) (node.Node, error) {
	if ns, ok := s.d.Nodes.(nodeSummaries); ok {
		return ns.GetNodeSummary(ctx, id)
	}
	return s.d.Nodes.GetNode(ctx, id)
}

// nodeSummaries is implemented by node stores that can load a node without
// its interfaces (gormstore.NodeStore), which AuthenticateNode needs only.
type nodeSummaries interface {
	GetNodeSummary(ctx context.Context, id string) (node.Node, error)
}

// ReconcileInventory merges the agent's inventory into the node's
// interfaces (matched on systemRef; ids and aliases kept; missing ones
// marked absent) and audits nodes.inventory.reconciled when anything changed.
func (s *Service) ReconcileInventory(ctx context.Context, nodeID string, inv agentapi.Inventory) (agentapi.InventoryResponse, error) {
	if err := node.ValidateReported("interfaces", reportedOf(inv)); err != nil {
		return agentapi.InventoryResponse{}, err
	}
	var out agentapi.InventoryResponse
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.d.Nodes.GetNode(ctx, nodeID)
		if err != nil {
			return err
		}
		n, changed, err := s.applyInventory(ctx, nodeID, inv, nil)
		if err != nil {
			return err
		}
		out.Interfaces = make([]agentapi.ReconciledInterface, 0, len(n.Interfaces))
		for _, i := range n.Interfaces {
			out.Interfaces = append(out.Interfaces, agentapi.ReconciledInterface{ID: i.ID, SystemRef: i.SystemRef, Alias: i.Alias, Absent: i.Absent})
		}
		if !changed {
			return nil
		}
		return s.record(ctx, "nodes.inventory.reconciled", access.NodeControl, nodeTarget(n),
			auditInterfaces(before), auditInterfaces(n), nil)
	})
	return out, err
}

// Config returns what the agent should do.
func (s *Service) Config(ctx context.Context, nodeID string) (agentapi.NodeConfig, error) {
	n, err := s.d.Nodes.GetNode(ctx, nodeID)
	if err != nil {
		return agentapi.NodeConfig{}, err
	}
	return agentapi.NodeConfig{ConfigVersion: n.ConfigVersion, MaxConcurrentRecordings: n.MaxConcurrentRecordings,
		MeterFramesPerSecond: MeterFramesPerSecond}, nil
}

// applyInventory locks the node, optionally edits it with fn, reconciles
// inv into its interfaces, saves them and the scope graph when changed.
func (s *Service) applyInventory(ctx context.Context, nodeID string, inv agentapi.Inventory, fn func(n *node.Node)) (node.Node, bool, error) {
	changed := false
	n, err := s.d.Nodes.UpdateNode(ctx, nodeID, func(n *node.Node) error {
		if fn != nil {
			fn(n)
			n.UpdatedAt = s.now()
		}
		n.Interfaces, changed = node.Reconcile(n.ID, n.Interfaces, reportedOf(inv), node.NewInterfaceID)
		return nil
	})
	if err != nil || !changed {
		return n, changed, err
	}
	if err := s.d.Nodes.SaveInterfaces(ctx, n.ID, n.Interfaces); err != nil {
		return n, changed, err
	}
	return n, changed, s.syncGraph(ctx, n)
}

// heartbeatOf is the heartbeat an agent's report makes, its strings cut
// to the stored sizes.
func heartbeatOf(nodeID string, hb agentapi.Heartbeat, now time.Time) node.Heartbeat {
	rt := hb.Runtime
	out := node.Heartbeat{NodeID: nodeID, Hostname: truncate(strings.TrimSpace(rt.Hostname), 255),
		AgentVersion: truncate(strings.TrimSpace(rt.AgentVersion), 64), SeenAt: now, Capturing: hb.Capturing,
		Runtime: node.Runtime{OSName: truncate(rt.OSName, 200), KernelRelease: truncate(rt.KernelRelease, 200),
			Architecture: truncate(rt.Architecture, 64), UptimeSeconds: rt.UptimeSeconds, IPAddresses: node.TruncateIPs(rt.IPAddresses),
			AudioBackends: rt.AudioBackends, DiskUsedPercent: rt.DiskUsedPercent, DiskFreeBytes: rt.DiskFreeBytes,
			Load1PerCore: rt.Load1PerCore, CPUCores: rt.CPUCores}}
	if out.Runtime.IPAddresses == nil {
		out.Runtime.IPAddresses = []string{}
	}
	if out.Runtime.AudioBackends == nil {
		out.Runtime.AudioBackends = []string{}
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// reportedOf converts the wire inventory to the domain's reported form.
func reportedOf(inv agentapi.Inventory) []node.ReportedInterface {
	out := make([]node.ReportedInterface, 0, len(inv.Interfaces))
	for _, i := range inv.Interfaces {
		r := node.ReportedInterface{SystemRef: i.SystemRef, SystemName: truncate(i.SystemName, 300), Backend: truncate(i.Backend, 32),
			ChannelCount: i.ChannelCount, SampleRates: i.SampleRates, HardwarePath: truncate(i.HardwarePath, 500),
			SerialNumber: truncate(i.SerialNumber, 200)}
		for _, c := range i.Channels {
			r.Channels = append(r.Channels, node.ReportedChannel{Index: c.Index, Label: truncate(c.Label, 200)})
		}
		out = append(out, r)
	}
	return out
}

func auditInterfaces(n node.Node) []any {
	out := []any{}
	for _, i := range n.Interfaces {
		out = append(out, map[string]any{"id": i.ID, "systemRef": i.SystemRef, "alias": i.Alias, "backend": i.Backend,
			"channelCount": i.ChannelCount, "absent": i.Absent})
	}
	return out
}

// applyRuntime copies an agent's runtime facts onto n (enrollment: the
// node is not seen until its first heartbeat).
func applyRuntime(n *node.Node, rt agentapi.Runtime) {
	hb := heartbeatOf(n.ID, agentapi.Heartbeat{Runtime: rt}, time.Time{})
	if hb.Hostname != "" {
		n.Hostname = hb.Hostname
	}
	if hb.AgentVersion != "" {
		n.AgentVersion = hb.AgentVersion
	}
	n.Runtime = hb.Runtime
}

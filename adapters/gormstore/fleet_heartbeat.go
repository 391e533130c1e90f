package gormstore

import (
	"context"

	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
)

// GetNodeSummary returns the node's own fields without its interfaces
// (Interfaces is empty): one query where GetNode takes three. The agent
// routes authenticate with it on every heartbeat.
func (s *NodeStore) GetNodeSummary(ctx context.Context, id string) (node.Node, error) {
	var r nodeRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return node.Node{}, identityNotFound(err, node.ErrNotFound)
	}
	return toDomainNode(r), nil
}

// heartbeatColumns are the node columns every heartbeat writes; hostname
// and agent_version are written when the heartbeat carries them.
var heartbeatColumns = []string{"runtime", "last_seen_at", "capturing", "reported_status", "updated_at"}

// SaveHeartbeats implements ports.NodeHeartbeatStore: one transaction, one
// UPDATE of the heartbeat's columns per node (a node deleted meanwhile
// matches no row and is skipped). The fleet service calls it once a second
// with the latest heartbeat of every node heard from, so at 1,000 nodes
// the database sees one transaction a second instead of 200.
func (s *NodeStore) SaveHeartbeats(ctx context.Context, hbs []node.Heartbeat) error {
	if len(hbs) == 0 {
		return nil
	}
	return s.db.InTx(ctx, func(ctx context.Context) error {
		conn := s.db.Conn(ctx)
		for _, hb := range hbs {
			var n node.Node
			hb.Apply(&n)
			w := fromDomainNode(n)
			cols := heartbeatColumns
			if hb.Hostname != "" {
				cols = append(cols[:len(cols):len(cols)], "hostname")
			}
			if hb.AgentVersion != "" {
				cols = append(cols[:len(cols):len(cols)], "agent_version")
			}
			if err := conn.Model(&nodeRow{}).Where("id = ?", hb.NodeID).Select(cols).Updates(&w).Error; err != nil {
				return Translate(err)
			}
		}
		return nil
	})
}

var _ ports.NodeHeartbeatStore = (*NodeStore)(nil)

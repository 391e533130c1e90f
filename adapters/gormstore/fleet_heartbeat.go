package gormstore

import (
	"context"

	"gorm.io/gorm"

	"github.com/rakkr/rakkr/domain/node"
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

// heartbeatColumns are the node columns a heartbeat changes.
var heartbeatColumns = []string{"hostname", "agent_version", "runtime", "last_seen_at", "capturing", "reported_status", "updated_at"}

// RecordHeartbeat is UpdateNode for the agent's heartbeat: it locks the
// node row, applies fn to the node without its interfaces (Interfaces is
// empty) and saves only hostname, agent version, runtime, last seen,
// capturing, reported status and updated-at. Two statements where
// UpdateNode takes four and rewrites every column; 200 heartbeats a second
// at 1,000 nodes go through SQLite's single writer.
//
// On SQLite, whose writes go one transaction at a time through DB.InTx, the
// heartbeats that arrive together are written by one goroutine in one
// transaction (group commit): at 200 heartbeats a second, one transaction
// each meant hundreds of requests queued on the write lock, each handoff
// waiting for the scheduler on a busy machine, and 5 s timeouts.
func (s *NodeStore) RecordHeartbeat(ctx context.Context, id string, fn func(n *node.Node) error) (node.Node, error) {
	if _, inTx := ctx.Value(txKey{}).(*gorm.DB); inTx || s.db.Dialect != SQLite {
		var out node.Node
		err := s.db.InTx(ctx, func(ctx context.Context) error {
			var err error
			out, err = s.heartbeatInTx(ctx, id, fn)
			return err
		})
		return out, err
	}
	s.hbOnce.Do(func() {
		s.hbCh = make(chan *heartbeatReq, 1024)
		go s.heartbeatWriter()
	})
	r := &heartbeatReq{ctx: ctx, id: id, fn: fn, done: make(chan struct{})}
	select {
	case s.hbCh <- r:
	case <-ctx.Done():
		return node.Node{}, ctx.Err()
	}
	select {
	case <-r.done:
		return r.out, r.err
	case <-ctx.Done():
		return node.Node{}, ctx.Err()
	}
}

// heartbeatReq is one queued heartbeat write.
type heartbeatReq struct {
	ctx  context.Context
	id   string
	fn   func(n *node.Node) error
	out  node.Node
	err  error
	done chan struct{}
}

// maxHeartbeatBatch bounds one group-commit transaction.
const maxHeartbeatBatch = 256

// heartbeatWriter writes queued heartbeats, all that are waiting in one
// transaction. A failing heartbeat (unknown node, fn error) fails alone:
// on SQLite a failed statement does not abort the transaction.
func (s *NodeStore) heartbeatWriter() {
	batch := make([]*heartbeatReq, 0, maxHeartbeatBatch)
	for r := range s.hbCh {
		batch = append(batch[:0], r)
	drain:
		for len(batch) < maxHeartbeatBatch {
			select {
			case r := <-s.hbCh:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		err := s.db.InTx(context.Background(), func(tx context.Context) error {
			for _, r := range batch {
				if r.ctx.Err() != nil {
					r.err = r.ctx.Err()
					continue
				}
				// The transaction, with the request's values (principal, audit request).
				ctx := context.WithValue(context.WithValue(r.ctx, txKey{}, tx.Value(txKey{})), hooksKey{}, tx.Value(hooksKey{}))
				r.out, r.err = s.heartbeatInTx(ctx, r.id, r.fn)
			}
			return nil
		})
		for _, r := range batch {
			if err != nil && r.err == nil {
				r.err = err
			}
			close(r.done)
		}
	}
}

// heartbeatInTx is RecordHeartbeat's work inside a transaction.
func (s *NodeStore) heartbeatInTx(ctx context.Context, id string, fn func(n *node.Node) error) (node.Node, error) {
	var r nodeRow
	if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&r).Error; err != nil {
		return node.Node{}, identityNotFound(err, node.ErrNotFound)
	}
	n := toDomainNode(r)
	if err := fn(&n); err != nil {
		return node.Node{}, err
	}
	w := fromDomainNode(n)
	if err := s.db.Conn(ctx).Model(&nodeRow{}).Where("id = ?", id).Select(heartbeatColumns).Updates(&w).Error; err != nil {
		return node.Node{}, Translate(err)
	}
	return n, nil
}

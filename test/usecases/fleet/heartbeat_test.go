package fleet_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/rakkr/rakkr/adapters/casbinauthz"
	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/application/auditing"
	"github.com/rakkr/rakkr/application/fleet"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
	"github.com/rakkr/rakkr/test/dbtest"
)

// switchableHeartbeats is the real batch store that can be made to fail.
type switchableHeartbeats struct {
	ports.NodeHeartbeatStore
	down  atomic.Bool
	calls atomic.Int64
}

func (s *switchableHeartbeats) SaveHeartbeats(ctx context.Context, hbs []node.Heartbeat) error {
	s.calls.Add(1)
	if s.down.Load() {
		return errs.Unavailable(errors.New("database down"))
	}
	return s.NodeHeartbeatStore.SaveHeartbeats(ctx, hbs)
}

// TestHeartbeatsAreWrittenBehindAndReadAtOnce: a heartbeat is seen at once
// by node reads, reaches the database with the next flush (one batch for
// every node), is kept and retried when the write fails — heartbeats then
// answer the store's error rather than be accepted and lost — and the
// latest one wins.
func TestHeartbeatsAreWrittenBehindAndReadAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		authz, err := casbinauthz.New(ctx, c.DB)
		if err != nil {
			t.Fatal(err)
		}
		store := gormstore.NewNodeStore(c.DB)
		batches := &switchableHeartbeats{NodeHeartbeatStore: store}
		svc, err := fleet.New(fleet.Deps{Tx: c.DB, Nodes: store, Heartbeats: batches, Credentials: gormstore.NewNodeCredentialStore(c.DB),
			Rooms: gormstore.NewRoomStore(c.DB), Graph: authz, Authorizer: authz, Health: gormstore.NewHealthStore(c.DB, ports.SystemClock{}),
			Audit: auditing.NewRecorder(c.DB, gormstore.NewAuditStore(c.DB), ports.SystemClock{}, nil), OfflineAfter: node.DefaultOfflineAfter})
		if err != nil {
			t.Fatal(err)
		}
		var ids, tokens []string
		for _, alias := range []string{"A", "B"} {
			res, err := svc.Enroll(ctx, fleet.EnrollInput{Alias: alias})
			if err != nil {
				t.Fatal(err)
			}
			out, err := svc.ExchangeBootstrap(ctx, res.Token, enrollBody())
			if err != nil {
				t.Fatal(err)
			}
			ids, tokens = append(ids, res.Node.Node.ID), append(tokens, out.NodeToken)
		}
		// The heartbeat answers the config version its authentication read:
		// a change made in between is in the answer.
		limit := 3
		if _, err := svc.UpdateNode(ctx, ids[0], fleet.NodePatch{MaxConcurrentRecordings: &limit}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AuthenticateNode(ctx, tokens[0]); err != nil {
			t.Fatal(err)
		}
		if r, err := svc.Heartbeat(ctx, ids[0], agentapi.Heartbeat{}); err != nil || r.ConfigVersion != 2 {
			t.Fatalf("config version after a change: %+v %v", r, err)
		}
		hb := agentapi.Heartbeat{Capturing: true, Runtime: agentapi.Runtime{Hostname: "rec-02", OSName: "Debian"}}
		for _, id := range ids {
			if r, err := svc.Heartbeat(ctx, id, hb); err != nil || r.Status != "recording" {
				t.Fatalf("heartbeat %+v %v", r, err)
			}
		}
		if n, _ := store.GetNode(ctx, ids[0]); n.LastSeenAt != nil {
			t.Fatal("the heartbeat was written before the flush")
		}
		v, err := svc.GetNode(ctx, ids[0])
		if err != nil || v.Status != node.StatusRecording || v.Node.Hostname != "rec-02" || v.Node.LastSeenAt == nil {
			t.Fatalf("read before the flush: %+v %v", v, err)
		}
		if err := svc.FlushHeartbeats(ctx); err != nil || batches.calls.Load() != 1 {
			t.Fatalf("flush: %v (%d batches)", err, batches.calls.Load())
		}
		for _, id := range ids {
			if n, _ := store.GetNode(ctx, id); n.LastSeenAt == nil || !n.Capturing || n.Hostname != "rec-02" || n.Runtime.OSName != "Debian" {
				t.Fatalf("stored after the flush: %+v", n)
			}
		}

		hb.Capturing = false
		if _, err := svc.Heartbeat(ctx, ids[0], hb); err != nil {
			t.Fatal(err)
		}
		batches.down.Store(true)
		if err := svc.FlushHeartbeats(ctx); errs.KindOf(err) != errs.KindUnavailable {
			t.Fatalf("flush while down: %v", err)
		}
		if _, err := svc.Heartbeat(ctx, ids[1], hb); errs.KindOf(err) != errs.KindUnavailable {
			t.Fatalf("heartbeat while the store is down: %v", err)
		}
		if v, _ := svc.GetNode(ctx, ids[0]); v.Status != node.StatusOnline {
			t.Fatalf("the kept heartbeat is not read: %v", v.Status)
		}
		batches.down.Store(false)
		if err := svc.FlushHeartbeats(ctx); err != nil {
			t.Fatal(err)
		}
		if n, _ := store.GetNode(ctx, ids[0]); n.Capturing || n.ReportedStatus != node.StatusOnline {
			t.Fatalf("the retried heartbeat was not written: %+v", n)
		}
		if _, err := svc.Heartbeat(ctx, ids[1], hb); err != nil {
			t.Fatalf("heartbeat after recovery: %v", err)
		}
		if err := svc.DeleteNode(ctx, ids[1]); err != nil {
			t.Fatal(err)
		}
		if err := svc.FlushHeartbeats(ctx); err != nil {
			t.Fatalf("flush after a delete: %v", err)
		}
	})
}

package gormstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestRecordHeartbeatWritesOnlyItsColumnsUnderConcurrency sends many
// heartbeats at once (on SQLite they are group-committed by one writer):
// each lands on its own node, the node's other fields and interfaces are
// untouched, an unknown node or a failing update fails alone.
func TestRecordHeartbeatWritesOnlyItsColumnsUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		nodes := gormstore.NewNodeStore(c.DB)
		now := time.Now().UTC().Truncate(time.Microsecond)
		var ids []string
		for i := 0; i < 20; i++ {
			n, _ := node.New(fmt.Sprintf("Room %02d", i), "hq", "", "keep these notes", now)
			if err := nodes.CreateNode(ctx, n); err != nil {
				t.Fatal(err)
			}
			ifaces, _ := node.Reconcile(n.ID, nil, []node.ReportedInterface{{SystemRef: "usb:1", SystemName: "Mic", Backend: "alsa", ChannelCount: 2}}, node.NewInterfaceID)
			if err := nodes.SaveInterfaces(ctx, n.ID, ifaces); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		boom := errors.New("refused")
		var wg sync.WaitGroup
		errsBy := make([]error, len(ids)+1)
		for round := 0; round < 5; round++ {
			for i, id := range append(append([]string{}, ids...), "node_missing") {
				wg.Add(1)
				go func() {
					defer wg.Done()
					seen := now.Add(time.Duration(round) * time.Second)
					_, err := nodes.RecordHeartbeat(ctx, id, func(n *node.Node) error {
						if i == 3 && round == 4 {
							return boom
						}
						n.LastSeenAt, n.Capturing, n.Hostname, n.UpdatedAt = &seen, i%2 == 0, "host-"+id, seen
						n.Notes = "a heartbeat must not write this"
						return nil
					})
					if round == 4 {
						errsBy[i] = err
					}
				}()
			}
			wg.Wait()
		}
		for i, err := range errsBy {
			switch {
			case i == len(ids):
				if !errors.Is(err, node.ErrNotFound) {
					t.Errorf("unknown node: %v", err)
				}
			case i == 3:
				if !errors.Is(err, boom) {
					t.Errorf("failing update: %v", err)
				}
			case err != nil:
				t.Errorf("node %d: %v", i, err)
			}
		}
		for i, id := range ids {
			n, err := nodes.GetNode(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			wantSeen := now.Add(4 * time.Second)
			if i == 3 {
				wantSeen = now.Add(3 * time.Second) // its last update failed
			}
			if n.LastSeenAt == nil || !n.LastSeenAt.Equal(wantSeen) || n.Hostname != "host-"+id || n.Capturing != (i%2 == 0) ||
				n.Notes != "keep these notes" || len(n.Interfaces) != 1 {
				t.Errorf("node %d after heartbeats: seen %v host %q capturing %v notes %q interfaces %d",
					i, n.LastSeenAt, n.Hostname, n.Capturing, n.Notes, len(n.Interfaces))
			}
		}
	})
}

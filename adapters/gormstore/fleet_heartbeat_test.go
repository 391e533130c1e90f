package gormstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestSaveHeartbeatsWritesOnlyItsColumns saves one batch of heartbeats:
// each lands on its own node, an empty hostname or agent version keeps the
// stored one, the node's other fields and interfaces are untouched and a
// heartbeat of an unknown node is skipped without failing the batch.
func TestSaveHeartbeatsWritesOnlyItsColumns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		nodes := gormstore.NewNodeStore(c.DB)
		now := time.Now().UTC().Truncate(time.Microsecond)
		var ids []string
		for i := 0; i < 20; i++ {
			n, _ := node.New(fmt.Sprintf("Room %02d", i), "hq", "", "keep these notes", now)
			n.Hostname, n.AgentVersion = "old-host", "0.9"
			if err := nodes.CreateNode(ctx, n); err != nil {
				t.Fatal(err)
			}
			ifaces, _ := node.Reconcile(n.ID, nil, []node.ReportedInterface{{SystemRef: "usb:1", SystemName: "Mic", Backend: "alsa", ChannelCount: 2}}, node.NewInterfaceID)
			if err := nodes.SaveInterfaces(ctx, n.ID, ifaces); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		seen := now.Add(4 * time.Second)
		batch := []node.Heartbeat{{NodeID: "node_missing", Hostname: "ghost", SeenAt: seen}}
		for i, id := range ids {
			hb := node.Heartbeat{NodeID: id, SeenAt: seen, Capturing: i%2 == 0,
				Runtime: node.Runtime{OSName: "Debian", UptimeSeconds: int64(i), IPAddresses: []string{"10.0.0.1"}, AudioBackends: []string{"alsa"}}}
			if i < 10 {
				hb.Hostname, hb.AgentVersion = "host-"+id, "1.2.3"
			}
			batch = append(batch, hb)
		}
		if err := nodes.SaveHeartbeats(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := nodes.SaveHeartbeats(ctx, nil); err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			n, err := nodes.GetNode(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			host, version, status := "old-host", "0.9", node.StatusOnline
			if i < 10 {
				host, version = "host-"+id, "1.2.3"
			}
			if i%2 == 0 {
				status = node.StatusRecording
			}
			if n.LastSeenAt == nil || !n.LastSeenAt.Equal(seen) || n.Hostname != host || n.AgentVersion != version ||
				n.Capturing != (i%2 == 0) || n.ReportedStatus != status || n.Runtime.OSName != "Debian" ||
				n.Runtime.UptimeSeconds != int64(i) || n.Notes != "keep these notes" || n.Alias != fmt.Sprintf("Room %02d", i) ||
				len(n.Interfaces) != 1 || !n.UpdatedAt.Equal(seen) {
				t.Errorf("node %d after heartbeats: %+v", i, n)
			}
		}
	})
}

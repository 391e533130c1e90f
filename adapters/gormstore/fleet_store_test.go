package gormstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/room"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/dbtest"
)

// TestFleetStoreContract runs the room, node and credential stores on
// SQLite and Postgres.
func TestFleetStoreContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		rooms, nodes, creds := gormstore.NewRoomStore(c.DB), gormstore.NewNodeStore(c.DB), gormstore.NewNodeCredentialStore(c.DB)
		now := time.Now().UTC().Truncate(time.Microsecond)

		r1, _ := room.New("hq", "Studio A", "B1", "2", "", now)
		if err := rooms.CreateRoom(ctx, r1); err != nil {
			t.Fatal(err)
		}
		dup, _ := room.New("hq", "studio a", "", "", "", now)
		if err := rooms.CreateRoom(ctx, dup); !errors.Is(err, room.ErrNameTaken) {
			t.Fatalf("duplicate name: %v", err)
		}
		other, _ := room.New("annex", "Studio A", "", "", "", now)
		if err := rooms.CreateRoom(ctx, other); err != nil {
			t.Fatalf("same name in another site: %v", err)
		}
		if _, err := rooms.UpdateRoom(ctx, other.ID, func(r *room.Room) error { r.Site = "hq"; return nil }); !errors.Is(err, room.ErrNameTaken) {
			t.Fatalf("rename into a taken name: %v", err)
		}
		if _, err := rooms.GetRoom(ctx, "room_missing"); !errors.Is(err, room.ErrNotFound) {
			t.Fatalf("missing room: %v", err)
		}
		if l, err := rooms.ListRooms(ctx, ports.RoomFilter{Site: "hq"}); err != nil || len(l) != 1 || l[0].Building != "B1" {
			t.Fatalf("list rooms: %v %v", l, err)
		}

		n, _ := node.New("Lecture 1", "hq", r1.ID, "notes", now)
		n.Tags = []string{"lecture"}
		if err := nodes.CreateNode(ctx, n); err != nil {
			t.Fatal(err)
		}
		ifaces, _ := node.Reconcile(n.ID, nil, []node.ReportedInterface{
			{SystemRef: "usb:1", SystemName: "Focusrite", Backend: "alsa", ChannelCount: 2, SampleRates: []int{48000}},
			{SystemRef: "demo", SystemName: "demo", Backend: "demo", ChannelCount: 1}}, node.NewInterfaceID)
		ifaces[0].Channels[1].Alias = "Lectern mic"
		ifaces[0].Channels[1].RoomID = other.ID
		if err := nodes.SaveInterfaces(ctx, n.ID, ifaces); err != nil {
			t.Fatal(err)
		}
		got, err := nodes.GetNode(ctx, n.ID)
		if err != nil || len(got.Interfaces) != 2 || got.RoomID != r1.ID || got.Tags[0] != "lecture" || got.LastSeenAt != nil {
			t.Fatalf("get = %+v, %v", got, err)
		}
		var usb node.Interface
		for _, i := range got.Interfaces {
			if i.SystemRef == "usb:1" {
				usb = i
			}
		}
		if len(usb.Channels) != 2 || usb.Channels[1].Alias != "Lectern mic" || usb.Channels[1].RoomID != other.ID || usb.SampleRates[0] != 48000 {
			t.Fatalf("usb = %+v", usb)
		}

		seen := now.Add(-time.Minute)
		upd, err := nodes.UpdateNode(ctx, n.ID, func(x *node.Node) error {
			x.LastSeenAt, x.Capturing, x.Runtime.IPAddresses = &seen, true, []string{"10.0.0.1"}
			return nil
		})
		if err != nil || !upd.Capturing {
			t.Fatal(err)
		}
		got, _ = nodes.GetNode(ctx, n.ID)
		if got.LastSeenAt == nil || !got.LastSeenAt.Equal(seen) || got.Runtime.IPAddresses[0] != "10.0.0.1" || !got.EnrolledAt.Equal(now) {
			t.Fatalf("after update %+v", got)
		}
		fail := errs.Field("x", "y")
		if _, err := nodes.UpdateNode(ctx, n.ID, func(x *node.Node) error { x.Alias = "changed"; return fail }); err != fail {
			t.Fatalf("fn error: %v", err)
		}
		if _, err := nodes.UpdateNode(ctx, "node_missing", func(*node.Node) error { return nil }); !errors.Is(err, node.ErrNotFound) {
			t.Fatalf("missing node: %v", err)
		}

		n2, _ := node.New("Spare", "annex", "", "", now)
		if err := nodes.CreateNode(ctx, n2); err != nil {
			t.Fatal(err)
		}
		before := now
		for _, fc := range []struct {
			name string
			f    ports.NodeFilter
			want int
		}{
			{"all", ports.NodeFilter{}, 2},
			{"site", ports.NodeFilter{Site: "annex"}, 1},
			{"room via channel", ports.NodeFilter{RoomID: other.ID}, 1},
			{"backend", ports.NodeFilter{Backend: "demo"}, 1},
			{"channel alias", ports.NodeFilter{Query: "LECTERN"}, 1},
			{"like escape", ports.NodeFilter{Query: "%"}, 0},
			{"seen before", ports.NodeFilter{LastSeenBefore: &before}, 1},
			{"seen after", ports.NodeFilter{LastSeenAfter: &before}, 0},
			{"ids", ports.NodeFilter{IDs: []string{n2.ID}}, 1},
			{"no ids", ports.NodeFilter{IDs: []string{}}, 0},
		} {
			l, err := nodes.ListNodes(ctx, fc.f)
			if err != nil || len(l) != fc.want {
				t.Errorf("%s: %d nodes (%v), want %d", fc.name, len(l), err, fc.want)
			}
		}
		if nn, nc, err := nodes.RoomUsage(ctx, other.ID); err != nil || nn != 0 || nc != 1 {
			t.Errorf("room usage %d %d %v", nn, nc, err)
		}

		secret, tok := node.NewBootstrapToken(n.ID, now, time.Minute)
		if err := creds.CreateBootstrapToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if got, err := creds.BootstrapTokenByHash(ctx, node.HashSecret(secret)); err != nil || got.ID != tok.ID {
			t.Fatalf("by hash: %v", err)
		}
		if err := creds.UseBootstrapToken(ctx, tok.ID, now.Add(2*time.Minute)); !errors.Is(err, node.ErrBootstrapInvalid) {
			t.Fatalf("expired use: %v", err)
		}
		if err := creds.UseBootstrapToken(ctx, tok.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := creds.UseBootstrapToken(ctx, tok.ID, now); !errors.Is(err, node.ErrBootstrapInvalid) {
			t.Fatalf("second use: %v", err)
		}
		_, tok2 := node.NewBootstrapToken(n.ID, now, time.Minute)
		_ = creds.CreateBootstrapToken(ctx, tok2)
		if k, err := creds.RevokeBootstrapTokens(ctx, n.ID, now); err != nil || k != 1 {
			t.Fatalf("revoke unused: %d %v", k, err)
		}
		ns, cred := node.NewCredential(n.ID, now)
		if err := creds.CreateCredential(ctx, cred); err != nil {
			t.Fatal(err)
		}
		if k, err := creds.RevokeCredentials(ctx, n.ID, now); err != nil || k != 1 {
			t.Fatalf("revoke: %d %v", k, err)
		}
		if got, err := creds.CredentialByHash(ctx, node.HashSecret(ns)); err != nil || got.RevokedAt == nil {
			t.Fatalf("revoked cred: %+v %v", got, err)
		}
		if _, err := creds.CredentialByHash(ctx, "nope"); !errors.Is(err, node.ErrCredentialInvalid) {
			t.Fatalf("unknown cred: %v", err)
		}

		if err := nodes.DeleteNode(ctx, n.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := creds.CredentialByHash(ctx, node.HashSecret(ns)); !errors.Is(err, node.ErrCredentialInvalid) {
			t.Fatalf("credential survived node delete: %v", err)
		}
		if err := nodes.DeleteNode(ctx, n.ID); !errors.Is(err, node.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
		if err := rooms.DeleteRoom(ctx, other.ID); err != nil {
			t.Fatalf("delete unused room: %v", err)
		}
	})
}

package recordings_test

import (
	"testing"

	"github.com/rakkr/rakkr/application/recordings"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
)

func TestCreatePinsCommandAndAudits(t *testing.T) {
	h := newHarness(t)
	r, j := h.create(h.input())
	if r.Status != recording.StatusQueued || r.RoomID != "room_a" || r.Codec != recording.CodecWAV || r.ChunkSeconds != 300 {
		t.Fatalf("recording %+v", r)
	}
	if j.Status != recording.JobQueued || j.Command.InterfaceRef != "usb:1" || j.Command.Map.Mode != channelmap.ModeStereo ||
		j.Command.BitDepth != 24 || j.Command.FileStem == "" || j.CaptureGroupID == "" {
		t.Fatalf("job %+v", j)
	}
	if h.audit.Count("recordings.create") != 1 || len(h.jobs) != 1 {
		t.Fatalf("audit %d, published %d", h.audit.Count("recordings.create"), len(h.jobs))
	}
	// The mode defaults to the profile's; the name to the node's alias and date.
	in := h.input()
	in.Channels, in.ChannelMode, in.Name = []int{4}, "", ""
	r, j = h.create(in)
	if j.Command.Map.Mode != channelmap.ModeMultichannel || r.Name != "Rec 1 2026-11-27 10:00 UTC" {
		t.Fatalf("defaults: %s %q", j.Command.Map.Mode, r.Name)
	}
}

func TestCreateValidationNamesTheField(t *testing.T) {
	h := newHarness(t)
	cases := map[string]func(in *recordings.CreateInput){
		"nodeId":          func(in *recordings.CreateInput) { in.NodeID = "" },
		"channels":        func(in *recordings.CreateInput) { in.Channels = nil },
		"channels[1]":     func(in *recordings.CreateInput) { in.Channels = []int{1, 9} },
		"channelMode":     func(in *recordings.CreateInput) { in.ChannelMode = "quad" },
		"durationSeconds": func(in *recordings.CreateInput) { in.DurationSeconds = -1 },
		"name":            func(in *recordings.CreateInput) { in.Name = string(make([]byte, 300)) + "x" },
		"tags[0]":         func(in *recordings.CreateInput) { in.Tags = []string{" "} },
	}
	for field, mut := range cases {
		in := h.input()
		mut(&in)
		_, _, err := h.svc.Create(h.ctx, in)
		wantField(t, err, field)
	}
	// Stereo needs exactly two channels.
	in := h.input()
	in.Channels = []int{1, 2, 4}
	_, _, err := h.svc.Create(h.ctx, in)
	wantField(t, err, "channels")
	// Channels in two rooms.
	in = h.input()
	in.Channels = []int{2, 3}
	_, _, err = h.svc.Create(h.ctx, in)
	wantCode(t, err, "channel_selection_cross_room")
	wantField(t, err, "channels")
	// Unknown node, interface and profile are 404; an absent interface 409.
	for code, mut := range map[string]func(in *recordings.CreateInput){
		"node.notFound":          func(in *recordings.CreateInput) { in.NodeID = "node_x" },
		"node.interfaceNotFound": func(in *recordings.CreateInput) { in.InterfaceID = "if_x" },
		"profile.notFound":       func(in *recordings.CreateInput) { in.ProfileID = "prof_x" },
		"interface_missing":      func(in *recordings.CreateInput) { in.InterfaceID = "if_gone" },
	} {
		in := h.input()
		mut(&in)
		_, _, err := h.svc.Create(h.ctx, in)
		e := wantCode(t, err, code)
		if want := map[bool]errs.Kind{true: errs.KindConflict, false: errs.KindNotFound}[code == "interface_missing"]; e.Kind != want {
			t.Errorf("%s: kind %v", code, e.Kind)
		}
	}
	if len(h.store.Recs) != 0 || len(h.store.JobsByID) != 0 {
		t.Fatal("a refused create stored rows")
	}
}

func TestCreateBusyChannelsAndCapacity(t *testing.T) {
	h := newHarness(t)
	h.create(h.input())
	in := h.input()
	in.Channels, in.ChannelMode = []int{2}, "mono"
	_, _, err := h.svc.Create(h.ctx, in)
	if e := wantCode(t, err, "capture_channels_busy"); e.Kind != errs.KindConflict {
		t.Fatal(e)
	}
	in.Channels = []int{4}
	h.create(in) // the node holds 2
	_, _, err = h.svc.Create(h.ctx, recordings.CreateInput{NodeID: nodeID, InterfaceID: "if_1", Channels: []int{3},
		ChannelMode: "mono", ProfileID: recording.ProfileRawWAV})
	wantCode(t, err, "node_capture_capacity_reached")
}

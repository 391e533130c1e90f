package node

import (
	"fmt"
	"testing"
)

func seqIDs() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("if_%d", n) }
}

func rep(ref string, channels int) ReportedInterface {
	return ReportedInterface{SystemRef: ref, SystemName: "dev " + ref, Backend: "alsa", ChannelCount: channels, SampleRates: []int{48000}}
}

func TestReconcile(t *testing.T) {
	ids := seqIDs()
	first, changed := Reconcile("n1", nil, []ReportedInterface{rep("usb:a", 2), rep("usb:b", 1)}, ids)
	if !changed || len(first) != 2 || first[0].ID != "if_1" || len(first[0].Channels) != 2 || first[0].Alias != "dev usb:a" {
		t.Fatalf("first = %+v changed %v", first, changed)
	}
	// Operator edits survive.
	first[0].Alias = "Desk mics"
	first[0].Channels[1].Alias = "Chair"
	first[0].Channels[1].RoomID = "room_1"

	t.Run("unchanged is a no-op", func(t *testing.T) {
		again, changed := Reconcile("n1", first, []ReportedInterface{rep("usb:b", 1), rep("usb:a", 2)}, ids)
		if changed {
			t.Errorf("changed on identical report: %+v", again)
		}
	})
	t.Run("missing marked absent, kept", func(t *testing.T) {
		out, changed := Reconcile("n1", first, []ReportedInterface{rep("usb:b", 1)}, ids)
		if !changed || len(out) != 2 || !out[0].Absent || out[0].Alias != "Desk mics" || out[1].Absent {
			t.Fatalf("out = %+v", out)
		}
		back, changed := Reconcile("n1", out, []ReportedInterface{rep("usb:a", 2), rep("usb:b", 1)}, ids)
		if !changed || back[0].Absent || back[0].ID != "if_1" || back[0].Channels[1].Alias != "Chair" || back[0].Channels[1].RoomID != "room_1" {
			t.Fatalf("back = %+v", back)
		}
		if _, changed := Reconcile("n1", out, []ReportedInterface{rep("usb:b", 1)}, ids); changed {
			t.Error("absent again counted as a change")
		}
	})
	t.Run("new and grown", func(t *testing.T) {
		out, changed := Reconcile("n1", first, []ReportedInterface{rep("usb:a", 4), rep("usb:b", 1), rep("usb:c", 8)}, ids)
		if !changed || len(out) != 3 || len(out[0].Channels) != 4 || out[0].Channels[1].Alias != "Chair" || out[2].ID == "" || out[2].NodeID != "n1" {
			t.Fatalf("out = %+v", out)
		}
		if out[0].ID != "if_1" || out[1].ID != "if_2" {
			t.Errorf("ids not kept: %s %s", out[0].ID, out[1].ID)
		}
	})
	t.Run("facts changed", func(t *testing.T) {
		r := rep("usb:a", 2)
		r.SampleRates = []int{44100, 48000}
		if _, changed := Reconcile("n1", first, []ReportedInterface{r, rep("usb:b", 1)}, ids); !changed {
			t.Error("sample rate change not seen")
		}
	})
}

func TestValidateReported(t *testing.T) {
	cases := []struct {
		name string
		in   []ReportedInterface
		ok   bool
	}{
		{"empty", nil, true},
		{"good", []ReportedInterface{rep("a", 2)}, true},
		{"no ref", []ReportedInterface{rep("", 2)}, false},
		{"duplicate", []ReportedInterface{rep("a", 2), rep("a", 1)}, false},
		{"too many channels", []ReportedInterface{rep("a", MaxChannels+1)}, false},
		{"bad index", []ReportedInterface{{SystemRef: "a", ChannelCount: 1, Channels: []ReportedChannel{{Index: 2}}}}, false},
	}
	for _, c := range cases {
		if err := ValidateReported("interfaces", c.in); (err == nil) != c.ok {
			t.Errorf("%s: err = %v", c.name, err)
		}
	}
}

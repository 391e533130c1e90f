package inventory_test

import (
	"testing"

	"github.com/rakkr/rakkr/agent/inventory"
	"github.com/rakkr/rakkr/ports"
)

func TestToAgentAPI(t *testing.T) {
	inv := inventory.Inventory{Interfaces: []inventory.Interface{{SystemRef: "demo:signal", SystemName: "Demo", Backend: ports.BackendDemo, ChannelCount: 2,
		SampleRates: []int{48000}, Channels: []inventory.Channel{{Index: 1, Label: "Input 1"}, {Index: 2, Label: "Input 2"}}}}}
	w := inventory.ToAgentAPI(inv)
	if len(w.Interfaces) != 1 {
		t.Fatalf("%+v", w)
	}
	i := w.Interfaces[0]
	if i.SystemRef != "demo:signal" || i.Backend != "demo" || i.ChannelCount != 2 || i.SampleRates[0] != 48000 || i.Channels[1].Label != "Input 2" || i.Channels[1].Index != 2 {
		t.Fatalf("%+v", i)
	}
}

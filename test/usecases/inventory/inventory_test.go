package inventory_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/rakkr/rakkr/adapters/demosource"
	"github.com/rakkr/rakkr/agent/inventory"
	"github.com/rakkr/rakkr/ports"
)

type devices []ports.AudioDevice

func (d devices) ListAudioDevices(context.Context) ([]ports.AudioDevice, error) { return d, nil }

type cards []ports.SoundCard

func (c cards) ListSoundCards(context.Context) ([]ports.SoundCard, error) { return c, nil }

type failing struct{}

func (failing) ListAudioDevices(context.Context) ([]ports.AudioDevice, error) {
	return nil, ports.DeviceUnavailable("portaudio", errors.New("boom"))
}

func umc(card int) ports.AudioDevice {
	return ports.AudioDevice{
		Name: "UMC404HD 192k: USB Audio (hw:" + string(rune('0'+card)) + ",0)", HostAPI: "ALSA", Backend: ports.BackendALSA,
		MaxInputChannels: 4, Channels: 4, SampleRates: []int{44100, 48000, 96000},
		Hardware: &ports.ALSAHardware{Card: card, Device: 0},
	}
}

func umcCard(index int, serial string) ports.SoundCard {
	return ports.SoundCard{Index: index, ID: "U192k", USBID: "1397:0509", SerialNumber: serial,
		HardwarePath: "/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0", CaptureChannels: 4,
		CaptureRates: []int{44100, 48000, 88200, 96000, 176400, 192000}}
}

func TestSystemRefIsStableAcrossCardRenumbering(t *testing.T) {
	for _, tc := range []struct {
		name   string
		serial string
		path   string
		want   string
	}{
		{"usb serial", "ABC123", "/devices/x/1-2:1.0", "usb:1397:0509:ABC123:pcm0"},
		{"usb port", "", "/devices/x/1-2:1.0", "usb:1397:0509@/devices/x/1-2:1.0:pcm0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, index := range []int{1, 3} { // the same device, renumbered
				c := umcCard(index, tc.serial)
				c.HardwarePath = tc.path
				if got := inventory.SystemRef(umc(index), &c); got != tc.want {
					t.Fatalf("card %d: %q, want %q", index, got, tc.want)
				}
			}
		})
	}
	pci := ports.SoundCard{Index: 0, ID: "PCH", HardwarePath: "/devices/pci0000:00/0000:00:1f.3"}
	if got := inventory.SystemRef(umc(0), &pci); got != "path:/devices/pci0000:00/0000:00:1f.3:pcm0" {
		t.Errorf("pci: %q", got)
	}
	if got := inventory.SystemRef(umc(2), &ports.SoundCard{Index: 2, ID: "U192k"}); got != "alsa:card=U192k:pcm0" {
		t.Errorf("card id: %q", got)
	}
	if got := inventory.SystemRef(umc(2), nil); got != "alsa:UMC404HD 192k: USB Audio:pcm0" {
		t.Errorf("no kernel details: %q", got)
	}
	jack := ports.AudioDevice{Name: "system", HostAPI: "JACK Audio Connection Kit"}
	if got := inventory.SystemRef(jack, nil); got != "jack:system" {
		t.Errorf("jack: %q", got)
	}
}

func TestInventoryJSONShape(t *testing.T) {
	b := inventory.Builder{
		Devices: []ports.DeviceLister{devices{umc(1), {Name: "fakemic", HostAPI: "ALSA", Backend: ports.BackendALSA, MaxInputChannels: 128, Channels: 2, SampleRates: []int{48000}}}, demosource.Lister{}},
		Cards:   cards{umcCard(1, "ABC123")},
	}
	inv, err := b.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(inventory.ToDocument(inv))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Interfaces []map[string]json.RawMessage `json:"interfaces"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Interfaces) != 3 {
		t.Fatalf("%s", raw)
	}
	keys := []string{"backend", "channelCount", "channels", "hardwarePath", "sampleRates", "serialNumber", "systemName", "systemRef"}
	for _, i := range doc.Interfaces {
		var got []string
		for k := range i {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, keys) {
			t.Fatalf("keys %v, want %v", got, keys)
		}
	}
	want := `{"interfaces":[` +
		`{"systemRef":"usb:1397:0509:ABC123:pcm0","systemName":"UMC404HD 192k: USB Audio (hw:1,0)","backend":"alsa","channelCount":4,"sampleRates":[44100,48000,88200,96000,176400,192000],"hardwarePath":"/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0","serialNumber":"ABC123","channels":[{"index":1,"label":"Input 1"},{"index":2,"label":"Input 2"},{"index":3,"label":"Input 3"},{"index":4,"label":"Input 4"}]},` +
		`{"systemRef":"alsa:fakemic","systemName":"fakemic","backend":"alsa","channelCount":2,"sampleRates":[48000],"hardwarePath":"","serialNumber":"","channels":[{"index":1,"label":"Input 1"},{"index":2,"label":"Input 2"}]},` +
		`{"systemRef":"demo:signal","systemName":"Demo signal (not a real input)","backend":"demo","channelCount":2,"sampleRates":[44100,48000,96000],"hardwarePath":"","serialNumber":"","channels":[{"index":1,"label":"Input 1"},{"index":2,"label":"Input 2"}]}]}`
	if string(raw) != want {
		t.Fatalf("JSON\n got %s\nwant %s", raw, want)
	}
}

func TestFailingListerDoesNotHideTheOthers(t *testing.T) {
	inv, err := inventory.Builder{Devices: []ports.DeviceLister{failing{}, demosource.Lister{}}}.Build(context.Background())
	if !errors.Is(err, ports.ErrDeviceUnavailable) {
		t.Fatalf("err = %v", err)
	}
	if d, ok := inv.Find(demosource.SystemRef); !ok || d.Backend != ports.BackendDemo {
		t.Fatalf("demo missing: %+v", inv)
	}
}

func TestDuplicateRefsAreNumbered(t *testing.T) {
	d := ports.AudioDevice{Name: "same", HostAPI: "ALSA", Channels: 1}
	inv, _ := inventory.Builder{Devices: []ports.DeviceLister{devices{d, d}}}.Build(context.Background())
	if inv.Interfaces[0].SystemRef != "alsa:same" || inv.Interfaces[1].SystemRef != "alsa:same#2" {
		t.Fatalf("%+v", inv.Interfaces)
	}
}

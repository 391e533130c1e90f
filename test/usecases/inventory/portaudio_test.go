package inventory_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rakkr/rakkr/adapters/demosource"
	"github.com/rakkr/rakkr/adapters/portaudio"
	"github.com/rakkr/rakkr/adapters/procasound"
	"github.com/rakkr/rakkr/agent/inventory"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/test/alsa"
)

// TestInventoryOfARealPortAudioDevice enumerates through PortAudio with the
// test's file-backed ALSA device defined.
func TestInventoryOfARealPortAudioDevice(t *testing.T) {
	alsa.Require(t, "sox")
	env := alsa.New(t)
	wav := filepath.Join(t.TempDir(), "in.wav")
	alsa.Sox(t, "-n", "-r", "48000", "-b", "16", "-c", "2", wav, "synth", "0.2", "sine", "440")
	env.AddFileDevice("fakemic", alsa.ToRawS16(t, wav), 48000, 2)

	b := inventory.Builder{Devices: []ports.DeviceLister{portaudio.Lister{}, demosource.Lister{}}, Cards: procasound.Reader{}}
	inv, err := b.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mic, ok := inv.Find("alsa:fakemic")
	if !ok {
		t.Fatalf("fakemic missing: %+v", inv)
	}
	if mic.Backend != ports.BackendALSA || mic.ChannelCount != 2 || len(mic.Channels) != 2 || mic.Channels[1].Label != "Input 2" ||
		!slices.Contains(mic.SampleRates, 48000) || mic.Device != "fakemic" {
		t.Fatalf("fakemic = %+v", mic)
	}
	// The plug's "file" slave is listed too; ALSA's stock aliases are not.
	for _, i := range inv.Interfaces {
		if i.SystemName == "dsnoop" || i.SystemName == "sysdefault" {
			t.Errorf("alias PCM listed: %+v", i)
		}
	}
	if demo, ok := inv.Find("demo:signal"); !ok || demo.Backend != ports.BackendDemo || demo.SystemName != demosource.Name {
		t.Fatalf("demo = %+v", demo)
	}
}

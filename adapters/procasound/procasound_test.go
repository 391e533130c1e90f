package procasound_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rakkr/rakkr/adapters/procasound"
)

// fakeSystem builds /proc/asound and /sys for an onboard PCI codec (card 0)
// and a USB interface with a serial number (card 1).
func fakeSystem(t *testing.T) procasound.Reader {
	t.Helper()
	root := t.TempDir()
	proc, sys := filepath.Join(root, "proc", "asound"), filepath.Join(root, "sys")
	stream0, err := os.ReadFile("testdata/stream0")
	if err != nil {
		t.Fatal(err)
	}
	usbDev := filepath.Join(sys, "devices", "pci0000:00", "0000:00:14.0", "usb1", "1-2")
	files := map[string]string{
		filepath.Join(proc, "cards"): ` 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 32
 1 [U192k          ]: USB-Audio - UMC404HD 192k
                      BEHRINGER UMC404HD 192k at usb-0000:00:14.0-2, high speed
`,
		filepath.Join(proc, "card0", "id"):                                    "PCH\n",
		filepath.Join(proc, "card1", "id"):                                    "U192k\n",
		filepath.Join(proc, "card1", "usbid"):                                 "1397:0509\n",
		filepath.Join(proc, "card1", "stream0"):                               string(stream0),
		filepath.Join(usbDev, "idVendor"):                                     "1397\n",
		filepath.Join(usbDev, "serial"):                                       "ABC123\n",
		filepath.Join(usbDev, "1-2:1.0", "bInterfaceClass"):                   "01\n",
		filepath.Join(sys, "devices", "pci0000:00", "0000:00:1f.3", "vendor"): "0x8086\n",
	}
	for path, text := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"card0": "../../../devices/pci0000:00/0000:00:1f.3",
		"card1": "../../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0",
	}
	for card, target := range links {
		dir := filepath.Join(sys, "class", "sound", card)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, "device")); err != nil {
			t.Fatal(err)
		}
	}
	return procasound.Reader{Proc: proc, Sys: sys}
}

func TestReadsCardsUSBDetailsAndStream0(t *testing.T) {
	cards, err := fakeSystem(t).ListSoundCards(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 2 {
		t.Fatalf("%d cards: %+v", len(cards), cards)
	}
	pch, usb := cards[0], cards[1]
	if pch.Index != 0 || pch.ID != "PCH" || pch.Driver != "HDA-Intel" || pch.Name != "HDA Intel PCH" ||
		pch.HardwarePath != "/devices/pci0000:00/0000:00:1f.3" || pch.SerialNumber != "" || pch.USBID != "" || pch.CaptureChannels != 0 {
		t.Errorf("card 0 = %+v", pch)
	}
	wantRates := []int{8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000}
	if usb.Index != 1 || usb.ID != "U192k" || usb.USBID != "1397:0509" || usb.SerialNumber != "ABC123" ||
		usb.HardwarePath != "/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0" ||
		usb.LongName != "BEHRINGER UMC404HD 192k at usb-0000:00:14.0-2, high speed" ||
		usb.CaptureChannels != 4 || !slices.Equal(usb.CaptureRates, wantRates) {
		t.Errorf("card 1 = %+v", usb)
	}
}

func TestWithoutSysfsTheUSBBusAddressIsThePath(t *testing.T) {
	r := fakeSystem(t)
	r.Sys = t.TempDir()
	cards, err := r.ListSoundCards(context.Background())
	if err != nil || len(cards) != 2 {
		t.Fatal(cards, err)
	}
	if cards[1].HardwarePath != "usb-0000:00:14.0-2" || cards[0].HardwarePath != "" {
		t.Fatalf("paths %q %q", cards[0].HardwarePath, cards[1].HardwarePath)
	}
}

func TestNoProcAsoundMeansNoCards(t *testing.T) {
	cards, err := procasound.Reader{Proc: filepath.Join(t.TempDir(), "missing")}.ListSoundCards(context.Background())
	if err != nil || len(cards) != 0 {
		t.Fatalf("%v %v", cards, err)
	}
}

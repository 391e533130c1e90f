// Package procasound reads what the Linux kernel says about sound cards:
// /proc/asound (card ids and names, USB ids, the capture channels and rates
// of USB cards in stream0) and sysfs (the device path and USB serial). It
// gives the inventory identities that survive reboots and card renumbering.
// Everything is optional: a machine without /proc/asound has no cards.
package procasound

import (
	"bufio"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rakkr/rakkr/ports"
)

// Reader reads sound card details. The zero value reads the real system.
type Reader struct {
	// Proc is the /proc/asound directory (default "/proc/asound").
	Proc string
	// Sys is the sysfs mount (default "/sys").
	Sys string
}

// cardLine matches the first line of a card in /proc/asound/cards:
// " 1 [U192k          ]: USB-Audio - UMC404HD 192k".
var cardLine = regexp.MustCompile(`^\s*(\d+)\s+\[([^\]]*)\]:\s+(\S+)\s+-\s+(.*)$`)

// usbBus matches the bus address USB audio puts in a card's long name.
var usbBus = regexp.MustCompile(`\bat (usb-[^,\s]+)`)

// ListSoundCards returns the cards in /proc/asound/cards with the details
// the kernel exposes. Without /proc/asound it returns no cards.
func (r Reader) ListSoundCards(ctx context.Context) ([]ports.SoundCard, error) {
	proc, sys := r.Proc, r.Sys
	if proc == "" {
		proc = "/proc/asound"
	}
	if sys == "" {
		sys = "/sys"
	}
	f, err := os.Open(filepath.Join(proc, "cards"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cards []ports.SoundCard
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m := cardLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		c := ports.SoundCard{ID: strings.TrimSpace(m[2]), Driver: m[3], Name: strings.TrimSpace(m[4])}
		c.Index, _ = strconv.Atoi(m[1])
		if sc.Scan() {
			c.LongName = strings.TrimSpace(sc.Text())
		}
		dir := filepath.Join(proc, "card"+m[1])
		if id := readTrim(filepath.Join(dir, "id")); id != "" {
			c.ID = id
		}
		c.USBID = readTrim(filepath.Join(dir, "usbid"))
		c.CaptureChannels, c.CaptureRates = parseStream(readTrim(filepath.Join(dir, "stream0")))
		c.HardwarePath, c.SerialNumber = sysfsDevice(sys, c.Index)
		if c.HardwarePath == "" {
			if b := usbBus.FindStringSubmatch(c.LongName); b != nil {
				c.HardwarePath = b[1]
			}
		}
		cards = append(cards, c)
	}
	return cards, sc.Err()
}

// sysfsDevice resolves /sys/class/sound/cardN/device to its sysfs path
// (relative to the sysfs mount, "/devices/…") and finds the USB serial of
// the enclosing USB device, if any.
func sysfsDevice(sys string, card int) (path, serial string) {
	link := filepath.Join(sys, "class", "sound", "card"+strconv.Itoa(card), "device")
	real, err := filepath.EvalSymlinks(link)
	if err != nil {
		return "", ""
	}
	top, err := filepath.EvalSymlinks(sys)
	if err != nil {
		top = sys
	}
	rel, err := filepath.Rel(top, real)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", ""
	}
	// The card hangs off a USB interface ("1-2:1.0"); the serial belongs to
	// the USB device above it ("1-2").
	for dir, i := real, 0; i < 3 && len(dir) > len(top); dir, i = filepath.Dir(dir), i+1 {
		if _, err := os.Stat(filepath.Join(dir, "idVendor")); err == nil {
			serial = readTrim(filepath.Join(dir, "serial"))
			break
		}
	}
	return "/" + filepath.ToSlash(rel), serial
}

// standardRates expand a continuous rate range from stream0.
var standardRates = []int{8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000}

// parseStream reads the Capture section of a USB card's stream0: the
// largest channel count and the union of rates over its altsets.
func parseStream(text string) (channels int, rates []int) {
	inCapture := false
	seen := map[int]bool{}
	add := func(r int) {
		if r > 0 && !seen[r] {
			seen[r] = true
			rates = append(rates, r)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(line, " ") && strings.HasSuffix(t, ":") {
			inCapture = t == "Capture:"
			continue
		}
		if !inCapture {
			continue
		}
		key, val, ok := strings.Cut(t, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "Channels":
			if n, err := strconv.Atoi(val); err == nil {
				channels = max(channels, n)
			}
		case "Rates":
			if lo, hi, ok := strings.Cut(strings.TrimSuffix(val, " (continuous)"), " - "); ok {
				l, _ := strconv.Atoi(strings.TrimSpace(lo))
				h, _ := strconv.Atoi(strings.TrimSpace(hi))
				for _, r := range standardRates {
					if r >= l && r <= h {
						add(r)
					}
				}
				continue
			}
			for _, f := range strings.Split(val, ",") {
				n, _ := strconv.Atoi(strings.TrimSpace(f))
				add(n)
			}
		}
	}
	slices.Sort(rates)
	return channels, rates
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

var _ ports.SoundCardLister = Reader{}

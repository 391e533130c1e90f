// Package inventory builds the node's list of audio interfaces and their
// channels from device enumeration and kernel card details. Each interface
// gets a systemRef that stays the same across restarts and card
// renumbering, so the controller can keep operator aliases and room
// assignments attached to the right physical device.
package inventory

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Channel is one input of an interface.
type Channel struct {
	// Index is 1-based.
	Index int
	// Label is the default label, "Input N".
	Label string
}

// Interface is one capture interface of the node.
type Interface struct {
	// SystemRef is the stable identity (see SystemRef).
	SystemRef string
	// SystemName is the device string as the audio system names it.
	SystemName string
	// Device is the name to open it with (equal to SystemName except for
	// demo and file inputs).
	Device string
	// Backend classifies the input.
	Backend ports.AudioBackend
	// ChannelCount is the number of channels captured.
	ChannelCount int
	// SampleRates lists the supported sample rates in Hz.
	SampleRates []int
	// HardwarePath is the sysfs (or bus) path of hardware, else "".
	HardwarePath string
	// SerialNumber is the USB serial, else "".
	SerialNumber string
	// IsDefault marks the system's default input.
	IsDefault bool
	// Channels lists the inputs 1..ChannelCount.
	Channels []Channel
}

// Inventory is the node's interfaces, in enumeration order.
type Inventory struct {
	Interfaces []Interface
}

// Find returns the interface with systemRef ref.
func (inv Inventory) Find(ref string) (Interface, bool) {
	for _, i := range inv.Interfaces {
		if i.SystemRef == ref {
			return i, true
		}
	}
	return Interface{}, false
}

// Builder collects the inventory.
type Builder struct {
	// Devices are asked in order; a failing lister is reported but does not
	// hide the others' devices.
	Devices []ports.DeviceLister
	// Cards adds kernel details to ALSA hardware devices; may be nil.
	Cards ports.SoundCardLister
}

// Build returns the inventory and, joined, the errors of listers that
// failed (the inventory then holds what the others found).
func (b Builder) Build(ctx context.Context) (Inventory, error) {
	var errs []error
	var cards []ports.SoundCard
	if b.Cards != nil {
		c, err := b.Cards.ListSoundCards(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("sound cards: %w", err))
		}
		cards = c
	}
	var inv Inventory
	seen := map[string]int{}
	for _, l := range b.Devices {
		devs, err := l.ListAudioDevices(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, d := range devs {
			i := fromDevice(d, cardOf(d, cards))
			if n := seen[i.SystemRef]; n > 0 {
				i.SystemRef = fmt.Sprintf("%s#%d", i.SystemRef, n+1)
			}
			seen[i.SystemRef]++
			inv.Interfaces = append(inv.Interfaces, i)
		}
	}
	return inv, errors.Join(errs...)
}

// cardOf finds the kernel card of an ALSA hardware device.
func cardOf(d ports.AudioDevice, cards []ports.SoundCard) *ports.SoundCard {
	if d.Hardware == nil {
		return nil
	}
	for i := range cards {
		if cards[i].Index == d.Hardware.Card {
			return &cards[i]
		}
	}
	return nil
}

// fromDevice builds an interface from a device and its card, if known.
func fromDevice(d ports.AudioDevice, card *ports.SoundCard) Interface {
	i := Interface{
		SystemRef:    SystemRef(d, card),
		SystemName:   d.Name,
		Device:       d.Name,
		Backend:      d.Backend,
		ChannelCount: d.Channels,
		SampleRates:  append([]int{}, d.SampleRates...),
		IsDefault:    d.IsDefault,
	}
	if i.Backend == "" {
		i.Backend = ports.BackendUnknown
	}
	if card != nil {
		i.HardwarePath, i.SerialNumber = card.HardwarePath, card.SerialNumber
		if len(card.CaptureRates) > 0 {
			i.SampleRates = append([]int{}, card.CaptureRates...)
		}
		if i.ChannelCount == 0 {
			i.ChannelCount = card.CaptureChannels
		}
	}
	if i.ChannelCount == 0 {
		i.ChannelCount = d.MaxInputChannels
	}
	for c := 1; c <= i.ChannelCount; c++ {
		i.Channels = append(i.Channels, Channel{Index: c, Label: agentapi.ChannelLabel(c)})
	}
	return i
}

// hwName matches the " (hw:1,0)" PortAudio appends to ALSA hardware names.
var hwName = regexp.MustCompile(`\s*\(hw:\d+,\d+\)$`)

// SystemRef returns the stable identity of a device. Hardware is named by
// what does not change when cards are renumbered, best first: the USB
// vendor, product and serial; the USB ids and the port the device is
// plugged into; the sysfs path; the ALSA card id; the device name without
// its card number. Each hardware identity ends in the PCM number
// (":pcm0"). Other inputs are "<host api>:<name>" ("alsa:pipewire",
// "jack:system"), and inputs that know their identity (demo, file) keep it.
func SystemRef(d ports.AudioDevice, card *ports.SoundCard) string {
	if d.SystemRef != "" {
		return d.SystemRef
	}
	api := strings.ToLower(strings.Fields(d.HostAPI + " unknown")[0])
	if d.Hardware == nil {
		return api + ":" + d.Name
	}
	pcm := fmt.Sprintf(":pcm%d", d.Hardware.Device)
	if card != nil {
		switch {
		case card.USBID != "" && card.SerialNumber != "":
			return "usb:" + card.USBID + ":" + card.SerialNumber + pcm
		case card.USBID != "" && card.HardwarePath != "":
			return "usb:" + card.USBID + "@" + card.HardwarePath + pcm
		case card.HardwarePath != "":
			return "path:" + card.HardwarePath + pcm
		case card.ID != "":
			return "alsa:card=" + card.ID + pcm
		}
	}
	return api + ":" + hwName.ReplaceAllString(d.Name, "") + pcm
}

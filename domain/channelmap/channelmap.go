// Package channelmap turns the channels captured from an interface into the
// channels of a recording's file: which inputs are included, how they are
// mixed (mono, stereo, mono-to-stereo mix, multichannel) and in what order.
// The controller validates and pins a map on each job; the agent renders
// with the same rules, so what an operator chose is what the file holds.
package channelmap

import (
	"fmt"
	"slices"

	"github.com/rakkr/rakkr/domain/errs"
)

// Mode is how the included channels become output channels.
type Mode string

// The modes.
const (
	// ModeMono writes one channel: the equal-gain (1/N) mix of the included
	// channels.
	ModeMono Mode = "mono"
	// ModeStereo writes two channels: the first included channel left, the
	// second right (exactly two included channels).
	ModeStereo Mode = "stereo"
	// ModeMonoToStereoMix writes the mono mix on both sides.
	ModeMonoToStereoMix Mode = "mono_to_stereo_mix"
	// ModeMultichannel writes one output channel per included channel, in
	// output-index order.
	ModeMultichannel Mode = "multichannel"
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool {
	switch m {
	case ModeMono, ModeStereo, ModeMonoToStereoMix, ModeMultichannel:
		return true
	}
	return false
}

// Modes lists the modes in the order the console offers them.
var Modes = []Mode{ModeMono, ModeStereo, ModeMonoToStereoMix, ModeMultichannel}

// MaxEntries bounds the entries of a map (and a channel selection).
const MaxEntries = 128

// Entry maps one captured channel.
type Entry struct {
	// Source is the 1-based channel index on the interface.
	Source int
	// Output is the 1-based output channel in multichannel mode; 0 means
	// "next in order".
	Output int
	// Label names the channel in the file's metadata and the console.
	Label string
	// Included is false for a channel captured but left out of the render.
	Included bool
}

// Map is a validated channel map.
type Map struct {
	Mode    Mode
	Entries []Entry
}

// FromSelection builds the map of an ad-hoc selection: every selected
// channel included, in the order given.
func FromSelection(mode Mode, channels []int) Map {
	m := Map{Mode: mode}
	for _, c := range channels {
		m.Entries = append(m.Entries, Entry{Source: c, Included: true, Label: fmt.Sprintf("Input %d", c)})
	}
	return m
}

// Sources returns the captured channels (1-based, in entry order).
func (m Map) Sources() []int {
	out := make([]int, 0, len(m.Entries))
	for _, e := range m.Entries {
		out = append(out, e.Source)
	}
	return out
}

// Validate checks the map against an interface of channelCount channels.
// field prefixes the names in the errors ("channels", "channelMap").
func (m Map) Validate(field string, channelCount int) error {
	var is errs.Issues
	if !m.Mode.Valid() {
		is.Add("channelMode", fmt.Sprintf("must be one of %v", Modes))
	}
	if len(m.Entries) == 0 {
		is.Add(field, "select at least one channel")
	}
	if len(m.Entries) > MaxEntries {
		is.Add(field, fmt.Sprintf("at most %d channels", MaxEntries))
	}
	seen := map[int]bool{}
	outs := map[int]bool{}
	for i, e := range m.Entries {
		switch {
		case e.Source < 1 || (channelCount > 0 && e.Source > channelCount):
			is.Add(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("channel %d does not exist (the interface has %d)", e.Source, channelCount))
		case seen[e.Source]:
			is.Add(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("channel %d is selected twice", e.Source))
		}
		seen[e.Source] = true
		if e.Output != 0 {
			if e.Output < 1 || e.Output > MaxEntries || outs[e.Output] {
				is.Add(fmt.Sprintf("%s[%d].outputChannelIndex", field, i), "must be a unique index from 1")
			}
			outs[e.Output] = true
		}
	}
	n := m.included()
	if len(m.Entries) > 0 && len(n) == 0 {
		is.Add(field, "include at least one channel")
	}
	if m.Mode == ModeStereo && len(n) != 2 && len(m.Entries) > 0 {
		is.Add(field, fmt.Sprintf("stereo needs exactly 2 included channels, got %d", len(n)))
	}
	return is.Err()
}

// included returns the positions (in Entries) of the included channels,
// in output order.
func (m Map) included() []int {
	var pos []int
	for i, e := range m.Entries {
		if e.Included {
			pos = append(pos, i)
		}
	}
	if m.Mode == ModeMultichannel {
		slices.SortStableFunc(pos, func(a, b int) int {
			oa, ob := m.Entries[a].Output, m.Entries[b].Output
			if oa == 0 {
				oa = MaxEntries + 1 + a
			}
			if ob == 0 {
				ob = MaxEntries + 1 + b
			}
			return oa - ob
		})
	}
	return pos
}

// OutputChannels returns the number of channels the render writes.
func (m Map) OutputChannels() int { return outputChannels(m.Mode, len(m.included())) }

// outputChannels is the output channel count of mode with included
// channels included.
func outputChannels(mode Mode, included int) int {
	switch mode {
	case ModeMono:
		return 1
	case ModeStereo, ModeMonoToStereoMix:
		return 2
	}
	return included
}

package node

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rakkr/rakkr/domain/errs"
)

// Inventory limits.
const (
	MaxInterfaces = 64
	MaxChannels   = 256
)

// ReportedInterface is one interface as the agent reports it.
type ReportedInterface struct {
	SystemRef    string
	SystemName   string
	Backend      string
	ChannelCount int
	SampleRates  []int
	HardwarePath string
	SerialNumber string
	Channels     []ReportedChannel
}

// ReportedChannel is one reported channel (Index 1-based).
type ReportedChannel struct {
	Index int
	Label string
}

// ValidateReported checks a reported inventory, naming the bad fields
// (field prefix e.g. "inventory.interfaces").
func ValidateReported(prefix string, in []ReportedInterface) error {
	var is errs.Issues
	if len(in) > MaxInterfaces {
		is.Add(prefix, fmt.Sprintf("at most %d interfaces", MaxInterfaces))
	}
	seen := map[string]bool{}
	for i, r := range in {
		f := fmt.Sprintf("%s[%d]", prefix, i)
		ref := strings.TrimSpace(r.SystemRef)
		switch {
		case ref == "" || len(ref) > 300:
			is.Add(f+".systemRef", "is required, at most 300 characters")
		case seen[ref]:
			is.Add(f+".systemRef", "is reported twice")
		}
		seen[ref] = true
		if r.ChannelCount < 0 || r.ChannelCount > MaxChannels {
			is.Add(f+".channelCount", fmt.Sprintf("must be from 0 to %d", MaxChannels))
		}
		for j, c := range r.Channels {
			if c.Index < 1 || c.Index > r.ChannelCount {
				is.Add(fmt.Sprintf("%s.channels[%d].index", f, j), "must be from 1 to channelCount")
			}
		}
	}
	return is.Err()
}

// Reconcile merges a reported inventory into the known interfaces: they are
// matched on SystemRef, keeping ids, aliases and channel rooms; new ones get
// ids from newID; known ones missing from the report are marked Absent
// (never deleted) and returning ones cleared. Channels 1..ChannelCount
// exist after it (known channels beyond the count keep their alias and
// room). It reports whether anything changed.
func Reconcile(nodeID string, known []Interface, reported []ReportedInterface, newID func() string) ([]Interface, bool) {
	out := make([]Interface, 0, len(known)+len(reported))
	byRef := map[string]ReportedInterface{}
	for _, r := range reported {
		byRef[strings.TrimSpace(r.SystemRef)] = r
	}
	changed := false
	matched := map[string]bool{}
	for _, k := range known {
		r, ok := byRef[k.SystemRef]
		if !ok {
			if !k.Absent {
				k.Absent, changed = true, true
			}
			out = append(out, k)
			continue
		}
		matched[k.SystemRef] = true
		n := applyReport(k, r)
		if !equalInterface(k, n) {
			changed = true
		}
		out = append(out, n)
	}
	for _, r := range reported {
		ref := strings.TrimSpace(r.SystemRef)
		if matched[ref] {
			continue
		}
		matched[ref] = true
		n := applyReport(Interface{ID: newID(), NodeID: nodeID, SystemRef: ref}, r)
		if n.Alias == "" {
			n.Alias = n.SystemName
		}
		out = append(out, n)
		changed = true
	}
	return out, changed
}

// applyReport copies the reported facts onto i and completes its channels.
func applyReport(i Interface, r ReportedInterface) Interface {
	i.SystemName, i.Backend, i.ChannelCount = r.SystemName, r.Backend, r.ChannelCount
	i.SampleRates = slices.Clone(r.SampleRates)
	if i.SampleRates == nil {
		i.SampleRates = []int{}
	}
	i.HardwarePath, i.SerialNumber, i.Absent = r.HardwarePath, r.SerialNumber, false
	if i.Backend == "" {
		i.Backend = "unknown"
	}
	labels := map[int]string{}
	for _, c := range r.Channels {
		labels[c.Index] = c.Label
	}
	chans := slices.Clone(i.Channels)
	for idx := 1; idx <= r.ChannelCount; idx++ {
		pos := slices.IndexFunc(chans, func(c Channel) bool { return c.Index == idx })
		if pos < 0 {
			chans = append(chans, Channel{InterfaceID: i.ID, Index: idx, Label: labels[idx]})
			continue
		}
		chans[pos].Label = labels[idx]
	}
	slices.SortFunc(chans, func(a, b Channel) int { return a.Index - b.Index })
	i.Channels = chans
	return i
}

func equalInterface(a, b Interface) bool {
	return a.SystemName == b.SystemName && a.Backend == b.Backend && a.ChannelCount == b.ChannelCount &&
		slices.Equal(a.SampleRates, b.SampleRates) && a.HardwarePath == b.HardwarePath &&
		a.SerialNumber == b.SerialNumber && a.Absent == b.Absent && a.Alias == b.Alias && slices.Equal(a.Channels, b.Channels)
}

package inventory

import "github.com/rakkr/rakkr/ports/agentapi"

// Document is the JSON form of an inventory, as printed by
// `rakkr-agent inventory`:
//
//	{"interfaces":[{"systemRef","systemName","backend","channelCount",
//	  "sampleRates","hardwarePath","serialNumber",
//	  "channels":[{"index":1,"label":"Input 1"}]}]}
//
// Every key is always present (empty strings and lists when unknown).
type Document struct {
	Interfaces []InterfaceJSON `json:"interfaces"`
}

// InterfaceJSON is one interface of a Document.
type InterfaceJSON struct {
	SystemRef    string        `json:"systemRef"`
	SystemName   string        `json:"systemName"`
	Backend      string        `json:"backend"`
	ChannelCount int           `json:"channelCount"`
	SampleRates  []int         `json:"sampleRates"`
	HardwarePath string        `json:"hardwarePath"`
	SerialNumber string        `json:"serialNumber"`
	Channels     []ChannelJSON `json:"channels"`
}

// ChannelJSON is one channel of an InterfaceJSON.
type ChannelJSON struct {
	Index int    `json:"index"`
	Label string `json:"label"`
}

// ToDocument converts an inventory to its JSON form.
func ToDocument(inv Inventory) Document {
	doc := Document{Interfaces: make([]InterfaceJSON, 0, len(inv.Interfaces))}
	for _, i := range inv.Interfaces {
		j := InterfaceJSON{
			SystemRef: i.SystemRef, SystemName: i.SystemName, Backend: string(i.Backend),
			ChannelCount: i.ChannelCount, SampleRates: append([]int{}, i.SampleRates...),
			HardwarePath: i.HardwarePath, SerialNumber: i.SerialNumber,
			Channels: make([]ChannelJSON, 0, len(i.Channels)),
		}
		for _, c := range i.Channels {
			j.Channels = append(j.Channels, ChannelJSON{Index: c.Index, Label: c.Label})
		}
		doc.Interfaces = append(doc.Interfaces, j)
	}
	return doc
}

// ToAgentAPI converts an inventory to the wire form posted to the
// controller (the same fields as Document).
func ToAgentAPI(inv Inventory) agentapi.Inventory {
	doc := ToDocument(inv)
	out := agentapi.Inventory{Interfaces: make([]agentapi.Interface, 0, len(doc.Interfaces))}
	for _, i := range doc.Interfaces {
		w := agentapi.Interface{
			SystemRef: i.SystemRef, SystemName: i.SystemName, Backend: i.Backend,
			ChannelCount: i.ChannelCount, SampleRates: i.SampleRates,
			HardwarePath: i.HardwarePath, SerialNumber: i.SerialNumber,
			Channels: make([]agentapi.Channel, 0, len(i.Channels)),
		}
		for _, c := range i.Channels {
			w.Channels = append(w.Channels, agentapi.Channel{Index: c.Index, Label: c.Label})
		}
		out.Interfaces = append(out.Interfaces, w)
	}
	return out
}

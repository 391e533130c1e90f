package recordings

import (
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// WireJob is the agent's view of a leased job (the pinned command).
func WireJob(j recording.Job) agentapi.Job {
	c := j.Command
	m := make([]agentapi.ChannelMapEntry, 0, len(c.Map.Entries))
	for _, e := range c.Map.Entries {
		m = append(m, agentapi.ChannelMapEntry{SourceChannelIndex: e.Source, OutputChannelIndex: e.Output, Label: e.Label,
			Included: e.Included})
	}
	return agentapi.Job{ID: j.ID, RecordingID: j.RecordingID, Status: string(j.Status), CaptureGroupID: j.CaptureGroupID,
		LeaseExpiresAt: j.LeaseExpiresAt, Command: agentapi.JobCommand{InterfaceID: c.InterfaceID, InterfaceRef: c.InterfaceRef,
			ChannelMode: string(c.Map.Mode), ChannelMap: m, Codec: string(c.Codec), BitrateKbps: c.BitrateKbps, VBR: c.VBR,
			BitDepth: c.BitDepth, ChunkSeconds: c.ChunkSeconds, DurationSeconds: c.DurationSeconds, FileStem: c.FileStem}}
}

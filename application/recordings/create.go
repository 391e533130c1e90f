package recordings

import (
	"context"
	"fmt"
	"slices"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/recording"
)

// MaxDurationSeconds bounds a requested capture duration (7 days).
const MaxDurationSeconds = 7 * 24 * 3600

// CreateInput is an ad-hoc recording request.
type CreateInput struct {
	NodeID      string
	InterfaceID string
	// Channels are the 1-based interface channels to capture, in order.
	Channels []int
	// ChannelMode "" takes the profile's mode.
	ChannelMode string
	ProfileID   string
	// Name "" becomes "<node alias> <date> UTC".
	Name   string
	Folder string
	Tags   []string
	// DurationSeconds > 0 ends the capture on its own.
	DurationSeconds int
	// ChannelMapTemplateID, when set, takes the template's map (its
	// channels; Channels must then be empty or the same channels).
	ChannelMapTemplateID string
}

// errCrossRoom refuses a selection whose channels lie in several rooms.
func errCrossRoom(rooms []string) error {
	msg := fmt.Sprintf("the selected channels cross rooms %v: a recording stays inside one room", rooms)
	return &errs.Error{Kind: errs.KindInvalid, Code: "channel_selection_cross_room", Message: "channels: " + msg,
		Details: map[string]any{"issues": []errs.FieldIssue{{Field: "channels", Message: msg}}, "rooms": rooms}}
}

// checkInput validates the fields that need no store.
func checkInput(in CreateInput) (recording.Metadata, error) {
	var is errs.Issues
	for f, v := range map[string]string{"nodeId": in.NodeID, "interfaceId": in.InterfaceID, "profileId": in.ProfileID} {
		if !validID(v) {
			is.Add(f, "is required (an id)")
		}
	}
	if in.ChannelMapTemplateID != "" && !validID(in.ChannelMapTemplateID) {
		is.Add("channelMapTemplateId", "must be a template id")
	}
	if in.ChannelMapTemplateID == "" && len(in.Channels) == 0 {
		is.Add("channels", "select at least one channel")
	}
	if len(in.Channels) > channelmap.MaxEntries {
		is.Add("channels", fmt.Sprintf("at most %d channels", channelmap.MaxEntries))
	}
	if in.ChannelMode != "" && !channelmap.Mode(in.ChannelMode).Valid() {
		is.Add("channelMode", fmt.Sprintf("must be one of %v", channelmap.Modes))
	}
	if in.DurationSeconds < 0 || in.DurationSeconds > MaxDurationSeconds {
		is.Add("durationSeconds", fmt.Sprintf("0 (until stopped) or up to %d", MaxDurationSeconds))
	}
	name := in.Name
	if name == "" {
		name = "unnamed" // replaced by the default name once the node is known
	}
	meta, err := recording.CleanMetadata(recording.Metadata{Name: name, Folder: in.Folder, Tags: in.Tags})
	return meta, errs.Merge(is.Err(), err)
}

// Create queues an ad-hoc recording with its capture job. The channels are
// validated against the interface (each bad field named), must stay in one
// room, must not be captured by another live job of the interface
// (recording.ErrChannelsBusy) and the node must have capacity left
// (recording.ErrCapacityReached). The job's command pins the channel map,
// codec settings, chunk length, duration and file stem. Each job gets its
// own capture group (jobs are not grouped across requests).
func (s *Service) Create(ctx context.Context, in CreateInput) (recording.Recording, recording.Job, error) {
	meta, err := checkInput(in)
	if err != nil {
		return recording.Recording{}, recording.Job{}, err
	}
	var rec recording.Recording
	var job recording.Job
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		now := s.now()
		n, iface, err := s.lockNode(ctx, in.NodeID, in.InterfaceID)
		if err != nil {
			return err
		}
		prof, err := s.d.Profiles.GetProfile(ctx, in.ProfileID)
		if err != nil {
			return err
		}
		m, err := s.channelMap(ctx, in, prof)
		if err != nil {
			return err
		}
		if err := m.Validate("channels", iface.ChannelCount); err != nil {
			return err
		}
		if prof.Codec == recording.CodecMP3 && m.OutputChannels() > 2 {
			return errs.Field("channelMode", "MP3 holds at most two channels: use mono, stereo or mono_to_stereo_mix")
		}
		room, err := roomOf(n, iface, m.Sources())
		if err != nil {
			return err
		}
		if err := s.checkAvailable(ctx, n, iface.ID, m.Sources()); err != nil {
			return err
		}
		if in.Name == "" {
			meta.Name = recording.DefaultName(n.Alias, now)
		}
		rec = recording.Recording{ID: recording.NewID(), Name: meta.Name, Folder: meta.Folder, Tags: meta.Tags,
			Source: recording.SourceAdHoc, Status: recording.StatusQueued, Health: recording.HealthUnknown,
			NodeID: n.ID, InterfaceID: iface.ID, RoomID: room, ProfileID: prof.ID, Channels: m.Sources(),
			ChannelMode: m.Mode, Codec: prof.Codec, OutputChannels: m.OutputChannels(), ChunkSeconds: prof.ChunkSeconds,
			CreatedBy: actorOf(ctx), CreatedAt: now, UpdatedAt: now}
		job = recording.NewJob(rec, recording.Command{InterfaceID: iface.ID, InterfaceRef: iface.SystemRef, Map: m,
			Codec: prof.Codec, BitrateKbps: prof.BitrateKbps, VBR: prof.VBR, BitDepth: prof.BitDepth,
			ChunkSeconds: prof.ChunkSeconds, DurationSeconds: in.DurationSeconds,
			FileStem: recording.FileStem(rec.Name, now)}, now)
		if err := s.d.Recordings.InsertRecording(ctx, rec); err != nil {
			return err
		}
		if err := s.d.Jobs.InsertJob(ctx, job); err != nil {
			return err
		}
		if s.d.Graph != nil {
			parents := []access.Ref{{Type: access.ResourceNode, ID: n.ID}}
			if room != "" {
				parents = append(parents, access.Ref{Type: access.ResourceRoom, ID: room})
			}
			if err := s.d.Graph.SetParents(ctx, access.Ref{Type: access.ResourceRecording, ID: rec.ID}, parents); err != nil {
				return err
			}
		}
		return s.record(ctx, "recordings.create", access.RecordingCreate, recTarget(rec), nil, auditRecording(rec),
			map[string]any{"jobId": job.ID, "durationSeconds": in.DurationSeconds})
	})
	if err != nil {
		return recording.Recording{}, recording.Job{}, err
	}
	s.publish(&changes{jobs: []recording.Job{job}, recs: []recording.Recording{rec}})
	return rec, job, nil
}

// lockNode locks the node row (so concurrent creates on one node check
// busy channels and capacity one after the other) and returns it with the
// interface, which must be present.
func (s *Service) lockNode(ctx context.Context, nodeID, ifaceID string) (node.Node, node.Interface, error) {
	n, err := s.d.Nodes.UpdateNode(ctx, nodeID, func(*node.Node) error { return nil })
	if err != nil {
		return node.Node{}, node.Interface{}, err
	}
	iface, ok := n.Interface(ifaceID)
	if !ok {
		return n, iface, node.ErrInterfaceNotFound
	}
	if iface.Absent {
		return n, iface, recording.ErrInterfaceMissing
	}
	return n, iface, nil
}

// channelMap builds the map of the request: the template's, or the
// selection's, in the requested mode or the profile's.
func (s *Service) channelMap(ctx context.Context, in CreateInput, prof recording.Profile) (channelmap.Map, error) {
	mode := channelmap.Mode(in.ChannelMode)
	if in.ChannelMapTemplateID == "" {
		if mode == "" {
			mode = prof.ChannelMode
		}
		return channelmap.FromSelection(mode, in.Channels), nil
	}
	if s.d.ChannelMaps == nil {
		return channelmap.Map{}, errs.Field("channelMapTemplateId", "channel-map templates are not available")
	}
	t, err := s.d.ChannelMaps.GetTemplate(ctx, in.ChannelMapTemplateID)
	if err != nil {
		return channelmap.Map{}, err
	}
	m := t.Map
	m.Entries = slices.Clone(m.Entries)
	if len(in.Channels) > 0 && !slices.Equal(in.Channels, m.Sources()) {
		return channelmap.Map{}, errs.Field("channels", "must be empty or the template's channels when a template is used")
	}
	if mode != "" {
		m.Mode = mode
	}
	return m, nil
}

// roomOf is the single room of the selected channels (a channel without
// its own room is in the node's room).
func roomOf(n node.Node, iface node.Interface, channels []int) (string, error) {
	var rooms []string
	for _, c := range channels {
		r := n.RoomID
		for _, ch := range iface.Channels {
			if ch.Index == c {
				r = ch.EffectiveRoom(n.RoomID)
			}
		}
		if !slices.Contains(rooms, r) {
			rooms = append(rooms, r)
		}
	}
	if len(rooms) > 1 {
		return "", errCrossRoom(rooms)
	}
	if len(rooms) == 0 {
		return n.RoomID, nil
	}
	return rooms[0], nil
}

// checkAvailable refuses channels a live job of the interface captures
// and a node at its capacity.
func (s *Service) checkAvailable(ctx context.Context, n node.Node, ifaceID string, channels []int) error {
	live, err := s.d.Jobs.LiveJobs(ctx, n.ID)
	if err != nil {
		return err
	}
	count := len(live)
	for _, j := range live {
		if j.Command.InterfaceID != ifaceID {
			continue
		}
		for _, c := range j.Command.Map.Sources() {
			if slices.Contains(channels, c) {
				e := *recording.ErrChannelsBusy
				e.Details = map[string]any{"channel": c, "jobId": j.ID, "recordingId": j.RecordingID}
				return &e
			}
		}
	}
	capacity := n.MaxConcurrentRecordings
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	if count >= capacity {
		e := *recording.ErrCapacityReached
		e.Details = map[string]any{"maxConcurrentRecordings": capacity, "liveJobs": count}
		return &e
	}
	return nil
}

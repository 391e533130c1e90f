// Package profiles holds the recording settings use cases: recording
// profiles (codec, bitrate, channel mode, chunk length; the built-ins are
// read-only), channel-map templates (revisioned), their assignments to
// interfaces and nodes, and Resolve, which finds the template that applies
// to an interface. Reads need settings:read, writes settings:manage (the
// routes check both); every write commits with its audit row.
package profiles

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// Audit actions of the writes (the stored action gets ".succeeded").
const (
	ActionProfileCreate  = "settings.recording_profiles.create"
	ActionProfileUpdate  = "settings.recording_profiles.update"
	ActionProfileDelete  = "settings.recording_profiles.delete"
	ActionTemplateCreate = "settings.channel_map_templates.create"
	ActionTemplateUpdate = "settings.channel_map_templates.update"
	ActionTemplateDelete = "settings.channel_map_templates.delete"
	ActionAssign         = "settings.channel_map_assignments.assign"
	ActionUnassign       = "settings.channel_map_assignments.unassign"
)

// Deps are the ports the service needs; Tx, Profiles, Maps and Audit are
// required.
type Deps struct {
	// Tx runs each write with its audit row in one transaction.
	Tx ports.Transactor
	// Profiles keeps the recording profiles.
	Profiles ports.ProfileStore
	// Maps keeps the channel-map templates and assignments.
	Maps ports.ChannelMapStore
	// Audit records the succeeded rows.
	Audit ports.AuditRecorder
	// Recordings, when set, lets Delete refuse a profile that a queued or
	// recording recording uses (recording.ErrProfileInUse).
	Recordings ports.RecordingStore
	// Nodes, when set, lets Assign check that the target node or
	// interface exists.
	Nodes ports.NodeStore
	// Clock defaults to the system clock.
	Clock ports.Clock
}

// Service implements the settings use cases.
type Service struct{ d Deps }

// New checks deps and returns the service.
func New(d Deps) (*Service, error) {
	if err := ports.RequireDeps("profiles", map[string]bool{"Tx": d.Tx != nil, "Profiles": d.Profiles != nil, "Maps": d.Maps != nil, "Audit": d.Audit != nil}); err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{d: d}, nil
}

// ListProfiles returns every profile, built-ins first, then by name.
func (s *Service) ListProfiles(ctx context.Context) ([]recording.Profile, error) {
	ps, err := s.d.Profiles.ListProfiles(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(ps, func(a, b recording.Profile) int {
		if a.Builtin != b.Builtin {
			if a.Builtin {
				return -1
			}
			return 1
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return ps, nil
}

// GetProfile returns one profile, or recording.ErrProfileNotFound.
func (s *Service) GetProfile(ctx context.Context, id string) (recording.Profile, error) {
	if invalidID(id) {
		return recording.Profile{}, recording.ErrProfileNotFound
	}
	return s.d.Profiles.GetProfile(ctx, id)
}

// ProfileInput is a profile's editable fields.
type ProfileInput struct {
	Name         string
	Codec        recording.Codec
	BitrateKbps  int
	VBR          bool
	BitDepth     int
	ChannelMode  string
	ChunkSeconds int
}

func (in ProfileInput) apply(p *recording.Profile) {
	p.Name, p.Codec, p.BitrateKbps, p.VBR = in.Name, in.Codec, in.BitrateKbps, in.VBR
	p.BitDepth, p.ChunkSeconds = in.BitDepth, in.ChunkSeconds
	p.ChannelMode = modeOf(in.ChannelMode)
}

// CreateProfile validates and stores a new (non built-in) profile.
func (s *Service) CreateProfile(ctx context.Context, in ProfileInput) (recording.Profile, error) {
	now := s.d.Clock.Now()
	p := recording.Profile{ID: recording.NewProfileID(), CreatedAt: now, UpdatedAt: now}
	in.apply(&p)
	if err := p.Validate(); err != nil {
		return recording.Profile{}, err
	}
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Profiles.InsertProfile(ctx, p); err != nil {
			return err
		}
		return s.record(ctx, ActionProfileCreate, profileTarget(p), nil, profileView(p))
	})
	if err != nil {
		return recording.Profile{}, err
	}
	return p, nil
}

// UpdateProfile replaces a profile's fields (built-ins:
// recording.ErrBuiltinProfile). Jobs already created keep the settings
// they pinned.
func (s *Service) UpdateProfile(ctx context.Context, id string, in ProfileInput) (recording.Profile, error) {
	if _, err := s.GetProfile(ctx, id); err != nil {
		return recording.Profile{}, err
	}
	var after recording.Profile
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		var before recording.Profile
		var err error
		after, err = s.d.Profiles.UpdateProfile(ctx, id, func(p *recording.Profile) error {
			if isBuiltin(*p) {
				return recording.ErrBuiltinProfile
			}
			before = *p
			in.apply(p)
			p.UpdatedAt = s.d.Clock.Now()
			return p.Validate()
		})
		if err != nil {
			return err
		}
		return s.record(ctx, ActionProfileUpdate, profileTarget(after), profileView(before), profileView(after))
	})
	if err != nil {
		return recording.Profile{}, err
	}
	return after, nil
}

// DeleteProfile removes a profile: never a built-in
// (recording.ErrBuiltinProfile), nor one a queued or recording recording
// uses (recording.ErrProfileInUse; checked when Deps.Recordings is set).
func (s *Service) DeleteProfile(ctx context.Context, id string) (recording.Profile, error) {
	p, err := s.GetProfile(ctx, id)
	if err != nil {
		return recording.Profile{}, err
	}
	if isBuiltin(p) {
		return recording.Profile{}, recording.ErrBuiltinProfile
	}
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.checkUnused(ctx, id); err != nil {
			return err
		}
		if err := s.d.Profiles.DeleteProfile(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, ActionProfileDelete, profileTarget(p), profileView(p), nil)
	})
	if err != nil {
		return recording.Profile{}, err
	}
	return p, nil
}

// errStop ends a scan early.
var errStop = errors.New("stop")

// checkUnused refuses when a live recording uses the profile.
func (s *Service) checkUnused(ctx context.Context, id string) error {
	if s.d.Recordings == nil {
		return nil
	}
	used := false
	err := s.d.Recordings.ScanRecordings(ctx, ports.RecordingFilter{Statuses: []recording.Status{recording.StatusQueued, recording.StatusRecording}},
		func(r recording.Recording) error {
			if r.ProfileID == id {
				used = true
				return errStop
			}
			return nil
		})
	if err != nil && !errors.Is(err, errStop) {
		return err
	}
	if used {
		return recording.ErrProfileInUse
	}
	return nil
}

// isBuiltin reports whether p is (or has the id of) a built-in profile.
func isBuiltin(p recording.Profile) bool {
	if p.Builtin {
		return true
	}
	for _, b := range recording.Builtins() {
		if b.ID == p.ID {
			return true
		}
	}
	return false
}

// record appends a succeeded audit row; inside InTx it commits with the work.
func (s *Service) record(ctx context.Context, action string, target audit.Target, before, after any) error {
	return s.d.Audit.Record(ctx, audit.Event{Action: action, Outcome: audit.Succeeded, Permission: string(access.SettingsManage),
		Target: target, Before: before, After: after})
}

func profileTarget(p recording.Profile) audit.Target {
	return audit.Target{Type: "recording_profile", ID: p.ID, Name: p.Name}
}

func profileView(p recording.Profile) map[string]any {
	return map[string]any{"id": p.ID, "name": p.Name, "codec": string(p.Codec), "bitrateKbps": p.BitrateKbps, "vbr": p.VBR,
		"bitDepth": p.BitDepth, "channelMode": string(p.ChannelMode), "chunkSeconds": p.ChunkSeconds}
}

// invalidID reports an id that cannot exist.
func invalidID(id string) bool { return id == "" || len(id) > 64 }

// notFoundField turns a missing reference into a 400 naming the field.
func notFoundField(err error, field, msg string) error {
	if errs.KindOf(err) == errs.KindNotFound {
		return errs.Field(field, msg)
	}
	return err
}

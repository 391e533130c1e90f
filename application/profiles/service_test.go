package profiles

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/node"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// mem is an in-memory ProfileStore, ChannelMapStore, NodeStore and (for
// the in-use check) RecordingStore.
type mem struct {
	ports.RecordingStore // only ScanRecordings is used
	ports.NodeStore      // only GetNode and ListNodes are used
	profiles             map[string]recording.Profile
	templates            map[string]channelmap.Template
	assigns              []channelmap.Assignment
	live                 []recording.Recording
	nodes                []node.Node
}

func (m *mem) ListProfiles(context.Context) ([]recording.Profile, error) {
	return slices.Collect(maps.Values(m.profiles)), nil
}
func (m *mem) GetProfile(_ context.Context, id string) (recording.Profile, error) {
	p, ok := m.profiles[id]
	if !ok {
		return p, recording.ErrProfileNotFound
	}
	return p, nil
}
func (m *mem) InsertProfile(_ context.Context, p recording.Profile) error {
	m.profiles[p.ID] = p
	return nil
}
func (m *mem) UpdateProfile(_ context.Context, id string, fn func(p *recording.Profile) error) (recording.Profile, error) {
	p, ok := m.profiles[id]
	if !ok {
		return p, recording.ErrProfileNotFound
	}
	if err := fn(&p); err != nil {
		return recording.Profile{}, err
	}
	m.profiles[id] = p
	return p, nil
}
func (m *mem) DeleteProfile(_ context.Context, id string) error { delete(m.profiles, id); return nil }
func (m *mem) ListTemplates(context.Context) ([]channelmap.Template, error) {
	return slices.Collect(maps.Values(m.templates)), nil
}
func (m *mem) GetTemplate(_ context.Context, id string) (channelmap.Template, error) {
	t, ok := m.templates[id]
	if !ok {
		return t, recording.ErrTemplateNotFound
	}
	return t, nil
}
func (m *mem) InsertTemplate(_ context.Context, t channelmap.Template) error {
	m.templates[t.ID] = t
	return nil
}
func (m *mem) UpdateTemplate(_ context.Context, id string, fn func(t *channelmap.Template) error) (channelmap.Template, error) {
	t, ok := m.templates[id]
	if !ok {
		return t, recording.ErrTemplateNotFound
	}
	if err := fn(&t); err != nil {
		return channelmap.Template{}, err
	}
	m.templates[id] = t
	return t, nil
}
func (m *mem) DeleteTemplate(_ context.Context, id string) error { delete(m.templates, id); return nil }
func (m *mem) Assign(ctx context.Context, a channelmap.Assignment) error {
	_ = m.Unassign(ctx, a.TargetType, a.TargetID)
	m.assigns = append(m.assigns, a)
	return nil
}
func (m *mem) Unassign(_ context.Context, tt channelmap.TargetType, id string) error {
	m.assigns = slices.DeleteFunc(m.assigns, func(a channelmap.Assignment) bool { return a.TargetType == tt && a.TargetID == id })
	return nil
}
func (m *mem) Assignments(context.Context) ([]channelmap.Assignment, error) {
	return slices.Clone(m.assigns), nil
}
func (m *mem) ScanRecordings(_ context.Context, f ports.RecordingFilter, fn func(recording.Recording) error) error {
	for _, r := range m.live {
		if slices.Contains(f.Statuses, r.Status) {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}
func (m *mem) GetNode(_ context.Context, id string) (node.Node, error) {
	for _, n := range m.nodes {
		if n.ID == id {
			return n, nil
		}
	}
	return node.Node{}, node.ErrNotFound
}
func (m *mem) ListNodes(context.Context, ports.NodeFilter) ([]node.Node, error) { return m.nodes, nil }

type tx struct{}

func (tx) InTx(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }

type rows struct{ events []audit.Event }

func (r *rows) Record(_ context.Context, e audit.Event) error {
	r.events = append(r.events, e)
	return nil
}

type fixedClock struct{}

func (fixedClock) Now() time.Time { return time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC) }

func newService(t *testing.T) (*Service, *mem, *rows) {
	t.Helper()
	m := &mem{profiles: map[string]recording.Profile{}, templates: map[string]channelmap.Template{},
		nodes: []node.Node{{ID: "n1", Interfaces: []node.Interface{{ID: "if1"}}}, {ID: "n2"}}}
	for _, p := range recording.Builtins() {
		m.profiles[p.ID] = p
	}
	r := &rows{}
	s, err := New(Deps{Tx: tx{}, Profiles: m, Maps: m, Audit: r, Recordings: m, Nodes: m, Clock: fixedClock{}})
	if err != nil {
		t.Fatal(err)
	}
	return s, m, r
}

var ctx = context.Background()

func TestBuiltinProfilesAreReadOnly(t *testing.T) {
	s, _, r := newService(t)
	ps, err := s.ListProfiles(ctx)
	if err != nil || len(ps) != 3 || !ps[0].Builtin {
		t.Fatalf("list %v %v", ps, err)
	}
	in := ProfileInput{Name: "x", Codec: recording.CodecWAV, ChannelMode: "mono"}
	if _, err := s.UpdateProfile(ctx, recording.ProfileRawWAV, in); !errors.Is(err, recording.ErrBuiltinProfile) {
		t.Fatalf("update built-in: %v", err)
	}
	if _, err := s.DeleteProfile(ctx, recording.ProfileVoiceMP3); !errors.Is(err, recording.ErrBuiltinProfile) {
		t.Fatalf("delete built-in: %v", err)
	}
	if len(r.events) != 0 {
		t.Fatal("refused writes were audited")
	}
}

func TestProfileLifecycleValidatesAuditsAndRefusesInUse(t *testing.T) {
	s, m, r := newService(t)
	_, err := s.CreateProfile(ctx, ProfileInput{Name: "Bad", Codec: recording.CodecMP3, BitrateKbps: 8, ChannelMode: "multichannel"})
	if errs.KindOf(err) != errs.KindInvalid {
		t.Fatalf("bad profile: %v", err)
	}
	p, err := s.CreateProfile(ctx, ProfileInput{Name: " Speech ", Codec: recording.CodecFLAC, ChannelMode: "mono", ChunkSeconds: 60})
	if err != nil || p.Name != "Speech" || p.BitDepth != 24 || p.Builtin {
		t.Fatalf("create %+v %v", p, err)
	}
	p, err = s.UpdateProfile(ctx, p.ID, ProfileInput{Name: "Speech 16", Codec: recording.CodecFLAC, BitDepth: 16, ChannelMode: "stereo"})
	if err != nil || p.BitDepth != 16 || p.ChannelMode != channelmap.ModeStereo {
		t.Fatalf("update %+v %v", p, err)
	}
	m.live = []recording.Recording{{ID: "rec_1", Status: recording.StatusRecording, ProfileID: p.ID}}
	if _, err := s.DeleteProfile(ctx, p.ID); !errors.Is(err, recording.ErrProfileInUse) {
		t.Fatalf("in use: %v", err)
	}
	m.live[0].Status = recording.StatusCached
	if _, err := s.DeleteProfile(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range r.events {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{ActionProfileCreate, ActionProfileUpdate, ActionProfileDelete}) {
		t.Fatalf("actions %v", actions)
	}
	if _, err := s.GetProfile(ctx, p.ID); !errors.Is(err, recording.ErrProfileNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func stereoIn(name string) TemplateInput {
	return TemplateInput{Name: name, Mode: "stereo", Entries: []channelmap.Entry{{Source: 1, Included: true}, {Source: 2, Included: true}}}
}

func TestTemplateRevisionGrowsOnEveryChange(t *testing.T) {
	s, _, r := newService(t)
	if _, err := s.CreateTemplate(ctx, TemplateInput{Name: "", Mode: "stereo"}); errs.KindOf(err) != errs.KindInvalid {
		t.Fatalf("invalid template: %v", err)
	}
	tm, err := s.CreateTemplate(ctx, stereoIn("Lectern"))
	if err != nil || tm.Revision != 1 {
		t.Fatalf("create %+v %v", tm, err)
	}
	for want := 2; want <= 3; want++ {
		if tm, err = s.UpdateTemplate(ctx, tm.ID, stereoIn("Lectern v"+string(rune('0'+want)))); err != nil || tm.Revision != want {
			t.Fatalf("update %d: %+v %v", want, tm, err)
		}
	}
	if _, err := s.UpdateTemplate(ctx, tm.ID, TemplateInput{Name: "x", Mode: "stereo"}); errs.KindOf(err) != errs.KindInvalid {
		t.Fatalf("invalid update: %v", err)
	}
	if got, _ := s.GetTemplate(ctx, tm.ID); got.Revision != 3 {
		t.Fatalf("a refused update changed the revision to %d", got.Revision)
	}
	last := r.events[len(r.events)-1]
	if last.Action != ActionTemplateUpdate || last.Before.(map[string]any)["revision"] != 2 || last.After.(map[string]any)["revision"] != 3 {
		t.Fatalf("audit %+v", last)
	}
}

func TestAssignValidatesTargetsAndResolvePrefersTheInterface(t *testing.T) {
	s, _, r := newService(t)
	nodeT, _ := s.CreateTemplate(ctx, stereoIn("Node map"))
	ifT, _ := s.CreateTemplate(ctx, stereoIn("Interface map"))
	if got, err := s.Resolve(ctx, "n1", "if1"); got != nil || err != nil {
		t.Fatalf("nothing assigned: %v %v", got, err)
	}
	for _, c := range []struct {
		in    AssignInput
		field string
	}{
		{AssignInput{TargetType: "room", TargetID: "n1", TemplateID: nodeT.ID}, "targetType"},
		{AssignInput{TargetType: "node", TargetID: "n9", TemplateID: nodeT.ID}, "targetId"},
		{AssignInput{TargetType: "interface", TargetID: "if9", TemplateID: nodeT.ID}, "targetId"},
		{AssignInput{TargetType: "node", TargetID: "n1", TemplateID: "cmt_missing"}, "templateId"},
	} {
		_, err := s.Assign(ctx, c.in)
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.KindInvalid || e.Details.(map[string]any)["issues"].([]errs.FieldIssue)[0].Field != c.field {
			t.Errorf("%+v: %v, want an issue on %s", c.in, err, c.field)
		}
	}
	if _, err := s.Assign(ctx, AssignInput{TargetType: "node", TargetID: "n1", TemplateID: nodeT.ID}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Resolve(ctx, "n1", "if1"); got == nil || got.ID != nodeT.ID {
		t.Fatalf("node assignment: %v", got)
	}
	if _, err := s.Assign(ctx, AssignInput{TargetType: "interface", TargetID: "if1", TemplateID: ifT.ID}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Resolve(ctx, "n1", "if1"); got == nil || got.ID != ifT.ID {
		t.Fatalf("interface assignment: %v", got)
	}
	if got, _ := s.Resolve(ctx, "n2", "if2"); got != nil {
		t.Fatalf("other node: %v", got)
	}
	if _, err := s.DeleteTemplate(ctx, ifT.ID); !errors.Is(err, ErrTemplateAssigned) {
		t.Fatalf("delete assigned: %v", err)
	}
	if _, err := s.Unassign(ctx, "interface", "if1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Unassign(ctx, "interface", "if1"); !errors.Is(err, recording.ErrAssignmentMissing) {
		t.Fatalf("unassign twice: %v", err)
	}
	if got, _ := s.Resolve(ctx, "n1", "if1"); got == nil || got.ID != nodeT.ID {
		t.Fatalf("after unassign: %v", got)
	}
	if _, err := s.DeleteTemplate(ctx, ifT.ID); err != nil {
		t.Fatal(err)
	}
	last := r.events[len(r.events)-1]
	if last.Action != ActionTemplateDelete || last.Target.ID != ifT.ID {
		t.Fatalf("audit %+v", last)
	}
}

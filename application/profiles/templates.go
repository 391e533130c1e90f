package profiles

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
)

// MaxTemplateTags bounds a template's tags.
const MaxTemplateTags = 32

// ErrTemplateAssigned refuses to delete a template still assigned.
var ErrTemplateAssigned = errs.Conflict("channelMap.assigned", "the template is assigned to interfaces or nodes; unassign it first")

func modeOf(s string) channelmap.Mode { return channelmap.Mode(strings.TrimSpace(s)) }

// ListTemplates returns every channel-map template by name.
func (s *Service) ListTemplates(ctx context.Context) ([]channelmap.Template, error) {
	ts, err := s.d.Maps.ListTemplates(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(ts, func(a, b channelmap.Template) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return ts, nil
}

// GetTemplate returns one template, or recording.ErrTemplateNotFound.
func (s *Service) GetTemplate(ctx context.Context, id string) (channelmap.Template, error) {
	if invalidID(id) {
		return channelmap.Template{}, recording.ErrTemplateNotFound
	}
	return s.d.Maps.GetTemplate(ctx, id)
}

// TemplateInput is a template's editable fields.
type TemplateInput struct {
	Name    string
	Mode    string
	Entries []channelmap.Entry
	Tags    []string
}

// apply sets t's fields from in and validates them.
func (in TemplateInput) apply(t *channelmap.Template) error {
	t.Name = strings.TrimSpace(in.Name)
	t.Map = channelmap.Map{Mode: modeOf(in.Mode), Entries: slices.Clone(in.Entries)}
	var is errs.Issues
	if len(in.Tags) > MaxTemplateTags {
		is.Add("tags", fmt.Sprintf("at most %d tags", MaxTemplateTags))
	}
	t.Tags = []string{}
	for i, tag := range in.Tags {
		tag = strings.TrimSpace(tag)
		if tag == "" || len(tag) > recording.MaxTagLength {
			is.Add(fmt.Sprintf("tags[%d]", i), fmt.Sprintf("1..%d characters", recording.MaxTagLength))
			continue
		}
		if !slices.Contains(t.Tags, tag) {
			t.Tags = append(t.Tags, tag)
		}
	}
	return errs.Merge(is.Err(), t.Validate())
}

// CreateTemplate validates and stores a template at revision 1.
func (s *Service) CreateTemplate(ctx context.Context, in TemplateInput) (channelmap.Template, error) {
	now := s.d.Clock.Now()
	t := channelmap.Template{ID: channelmap.NewTemplateID(), Revision: 1, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(&t); err != nil {
		return channelmap.Template{}, err
	}
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Maps.InsertTemplate(ctx, t); err != nil {
			return err
		}
		return s.record(ctx, ActionTemplateCreate, templateTarget(t), nil, templateView(t))
	})
	if err != nil {
		return channelmap.Template{}, err
	}
	return t, nil
}

// UpdateTemplate replaces a template's fields and bumps its revision (jobs
// already created keep the map they pinned).
func (s *Service) UpdateTemplate(ctx context.Context, id string, in TemplateInput) (channelmap.Template, error) {
	if _, err := s.GetTemplate(ctx, id); err != nil {
		return channelmap.Template{}, err
	}
	var after channelmap.Template
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		var before channelmap.Template
		var err error
		after, err = s.d.Maps.UpdateTemplate(ctx, id, func(t *channelmap.Template) error {
			before = *t
			if err := in.apply(t); err != nil {
				return err
			}
			t.Revision = before.Revision + 1
			t.UpdatedAt = s.d.Clock.Now()
			return nil
		})
		if err != nil {
			return err
		}
		return s.record(ctx, ActionTemplateUpdate, templateTarget(after), templateView(before), templateView(after))
	})
	if err != nil {
		return channelmap.Template{}, err
	}
	return after, nil
}

// DeleteTemplate removes a template that no interface or node is assigned
// (else ErrTemplateAssigned, 409).
func (s *Service) DeleteTemplate(ctx context.Context, id string) (channelmap.Template, error) {
	t, err := s.GetTemplate(ctx, id)
	if err != nil {
		return channelmap.Template{}, err
	}
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		as, err := s.d.Maps.Assignments(ctx)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(as, func(a channelmap.Assignment) bool { return a.TemplateID == id }) {
			return ErrTemplateAssigned
		}
		if err := s.d.Maps.DeleteTemplate(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, ActionTemplateDelete, templateTarget(t), templateView(t), nil)
	})
	if err != nil {
		return channelmap.Template{}, err
	}
	return t, nil
}

func templateTarget(t channelmap.Template) audit.Target {
	return audit.Target{Type: "channel_map_template", ID: t.ID, Name: t.Name}
}

func templateView(t channelmap.Template) map[string]any {
	entries := make([]any, 0, len(t.Map.Entries))
	for _, e := range t.Map.Entries {
		entries = append(entries, map[string]any{"source": e.Source, "output": e.Output, "label": e.Label, "included": e.Included})
	}
	return map[string]any{"id": t.ID, "name": t.Name, "channelMode": string(t.Map.Mode), "entries": entries,
		"revision": t.Revision, "tags": t.Tags}
}

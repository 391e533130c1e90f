package library

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
)

// Audit actions of the library's writes (the stored action gets
// ".succeeded" appended).
const (
	ActionMetadataUpdate = "recordings.metadata.update"
	ActionDelete         = "recordings.delete"
)

// MetadataPatch changes some of a recording's metadata; nil fields keep
// their value.
type MetadataPatch struct {
	Name   *string
	Folder *string
	Tags   *[]string
	Notes  *string
}

// EditMetadata applies p to a recording (recording:edit; the route checks
// the scope), cleaning and validating the result with
// recording.CleanMetadata, and records recordings.metadata.update with the
// metadata before and after.
func (s *Service) EditMetadata(ctx context.Context, id string, p MetadataPatch) (recording.Recording, error) {
	if p.Name == nil && p.Folder == nil && p.Tags == nil && p.Notes == nil {
		return recording.Recording{}, errs.Field("body", "change at least one of name, folder, tags, notes")
	}
	if _, err := s.Get(ctx, id); err != nil {
		return recording.Recording{}, err
	}
	var after recording.Recording
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		var before recording.Recording
		var err error
		after, err = s.d.Recordings.UpdateRecording(ctx, id, func(r *recording.Recording) error {
			before = *r
			before.Tags = slices.Clone(r.Tags)
			m := recording.Metadata{Name: r.Name, Folder: r.Folder, Tags: slices.Clone(r.Tags), Notes: r.Notes}
			if p.Name != nil {
				m.Name = *p.Name
			}
			if p.Folder != nil {
				m.Folder = *p.Folder
			}
			if p.Tags != nil {
				m.Tags = *p.Tags
			}
			if p.Notes != nil {
				m.Notes = *p.Notes
			}
			m, err := recording.CleanMetadata(m)
			if err != nil {
				return err
			}
			r.Name, r.Folder, r.Tags, r.Notes, r.UpdatedAt = m.Name, m.Folder, m.Tags, m.Notes, s.d.Clock.Now()
			return nil
		})
		if err != nil {
			return err
		}
		return s.record(ctx, ActionMetadataUpdate, access.RecordingEdit, after, metadataView(before), metadataView(after), nil)
	})
	if err != nil {
		return recording.Recording{}, err
	}
	s.changed(false, after)
	return after, nil
}

// BulkMetadata changes the folder and/or tags of up to MaxBulk recordings,
// all or nothing.
type BulkMetadata struct {
	// Folder, when set, moves every recording there ("" = no folder).
	Folder *string
	// AddTags are added to and RemoveTags removed from each recording's
	// tags (case-insensitively; removal wins over addition).
	AddTags, RemoveTags []string
}

// BulkEditMetadata applies b to every recording of ids, all or nothing.
// Each recording must be on a node where the caller holds recording:edit
// (others answer recording.notFound, naming the index). Every recording
// changed gets its own recordings.metadata.update row (before/after, details
// {bulk: true, count}) so that a recording's trail is complete on its own.
func (s *Service) BulkEditMetadata(ctx context.Context, ids []string, b BulkMetadata) ([]recording.Recording, error) {
	var is errs.Issues
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	if b.Folder == nil && len(b.AddTags) == 0 && len(b.RemoveTags) == 0 {
		is.Add("body", "set folder or name tags to add or remove")
	}
	for i, list := range [][]string{b.AddTags, b.RemoveTags} {
		field := []string{"addTags", "removeTags"}[i]
		if len(list) > recording.MaxTags {
			is.Add(field, fmt.Sprintf("at most %d tags", recording.MaxTags))
		}
	}
	if b.Folder != nil {
		if _, err := recording.CleanMetadata(recording.Metadata{Name: "x", Folder: *b.Folder}); err != nil {
			is.Add("folder", fmt.Sprintf("at most %d characters, no '.', '..' or control characters", recording.MaxFolderLength))
		}
	}
	if err := is.Err(); err != nil {
		return nil, err
	}
	allowed, err := s.allowedNodes(ctx, access.RecordingEdit)
	if err != nil {
		return nil, err
	}
	remove := map[string]bool{}
	for _, t := range b.RemoveTags {
		remove[strings.ToLower(strings.TrimSpace(t))] = true
	}
	out := make([]recording.Recording, 0, len(ids))
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		out = out[:0]
		befores := make([]recording.Recording, 0, len(ids))
		for i, id := range ids {
			var before recording.Recording
			after, err := s.d.Recordings.UpdateRecording(ctx, id, func(r *recording.Recording) error {
				if allowed != nil && !allowed[r.NodeID] {
					return recording.ErrNotFound
				}
				before = *r
				before.Tags = slices.Clone(r.Tags)
				m := recording.Metadata{Name: r.Name, Folder: r.Folder, Notes: r.Notes}
				if b.Folder != nil {
					m.Folder = *b.Folder
				}
				for _, t := range append(slices.Clone(r.Tags), b.AddTags...) {
					if !remove[strings.ToLower(strings.TrimSpace(t))] {
						m.Tags = append(m.Tags, t)
					}
				}
				m, err := recording.CleanMetadata(m)
				if err != nil {
					return err
				}
				r.Folder, r.Tags, r.UpdatedAt = m.Folder, m.Tags, s.d.Clock.Now()
				return nil
			})
			if err != nil {
				return errs.AtItem(err, i, id)
			}
			befores, out = append(befores, before), append(out, after)
		}
		// Audit rows last: an append holds the chain head until commit.
		for i := range out {
			if err := s.record(ctx, ActionMetadataUpdate, access.RecordingEdit, out[i], metadataView(befores[i]),
				metadataView(out[i]), map[string]any{"bulk": true, "count": len(ids)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.changed(false, out...)
	return out, nil
}

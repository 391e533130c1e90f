package library

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
)

// Delete removes a recording whose capture is over (else
// recording.ErrNotTerminal, 409) with its jobs, chunks and uploads, records
// recordings.delete with the recording before, and after commit removes its
// files (a failure there is logged: the rows are gone, the files are
// orphans a later delete of the directory clears). With a Graph it also
// drops the recording's scope links in the same transaction.
func (s *Service) Delete(ctx context.Context, id string) (recording.Recording, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return recording.Recording{}, err
	}
	var gone recording.Recording
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		gone, err = s.deleteOne(ctx, id, nil)
		if err != nil {
			return err
		}
		return s.record(ctx, ActionDelete, access.RecordingDelete, gone, auditView(gone), nil, nil)
	})
	if err != nil {
		return recording.Recording{}, err
	}
	s.cleanUp(gone)
	return gone, nil
}

// BulkDelete removes up to MaxBulk recordings, all or nothing: every one
// must be terminal and on a node where the caller holds recording:delete
// (others answer recording.notFound, naming the index). Each gets its own
// recordings.delete row (details {bulk: true, count}).
func (s *Service) BulkDelete(ctx context.Context, ids []string) ([]recording.Recording, error) {
	if err := checkIDs(ids); err != nil {
		return nil, err
	}
	allowed, err := s.allowedNodes(ctx, access.RecordingDelete)
	if err != nil {
		return nil, err
	}
	out := make([]recording.Recording, 0, len(ids))
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		out = out[:0]
		for i, id := range ids {
			r, err := s.deleteOne(ctx, id, allowed)
			if err != nil {
				return errs.AtItem(err, i, id)
			}
			out = append(out, r)
		}
		for _, r := range out {
			if err := s.record(ctx, ActionDelete, access.RecordingDelete, r, auditView(r), nil,
				map[string]any{"bulk": true, "count": len(ids)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range out {
		s.cleanUp(r)
	}
	return out, nil
}

// deleteOne locks and checks one recording, then deletes its rows.
func (s *Service) deleteOne(ctx context.Context, id string, allowed map[string]bool) (recording.Recording, error) {
	// UpdateRecording locks the row, so a capture cannot start between the
	// check and the delete; the closure changes nothing.
	r, err := s.d.Recordings.UpdateRecording(ctx, id, func(r *recording.Recording) error {
		if allowed != nil && !allowed[r.NodeID] {
			return recording.ErrNotFound
		}
		if !r.Status.Terminal() {
			return recording.ErrNotTerminal
		}
		return nil
	})
	if err != nil {
		return recording.Recording{}, err
	}
	if err := s.d.Recordings.DeleteRecording(ctx, id); err != nil {
		return recording.Recording{}, err
	}
	if s.d.Graph != nil {
		// In the transaction: the scope links go with the rows.
		if err := s.d.Graph.RemoveResource(ctx, access.Ref{Type: access.ResourceRecording, ID: id}); err != nil {
			return recording.Recording{}, err
		}
	}
	return r, nil
}

// cleanUp runs after a delete committed.
func (s *Service) cleanUp(r recording.Recording) {
	if err := s.d.Files.RemoveRecording(r.ID); err != nil {
		s.d.Log.Error("recording files not removed after delete", "recordingId", r.ID, "error", err)
	}
	s.changed(true, r)
}

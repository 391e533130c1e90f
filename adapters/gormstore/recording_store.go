package gormstore

import (
	"context"

	"gorm.io/gorm"

	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// RecordingStore keeps recordings in the recordings table, with their tags
// repeated in recording_tags for the library filters and facets.
type RecordingStore struct{ db *DB }

// NewRecordingStore returns the recording store on db.
func NewRecordingStore(db *DB) *RecordingStore { return &RecordingStore{db: db} }

// InsertRecording implements ports.RecordingStore.
func (s *RecordingStore) InsertRecording(ctx context.Context, r recording.Recording) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		row := fromDomainRecording(r)
		if err := s.db.Conn(ctx).Create(&row).Error; err != nil {
			return Translate(err)
		}
		return s.saveTags(ctx, r, false)
	})
}

// GetRecording implements ports.RecordingStore.
func (s *RecordingStore) GetRecording(ctx context.Context, id string) (recording.Recording, error) {
	var r recordingRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return recording.Recording{}, identityNotFound(err, recording.ErrNotFound)
	}
	return toDomainRecording(r), nil
}

// UpdateRecording implements ports.RecordingStore: the row is locked (FOR
// UPDATE on Postgres; SQLite writes are serialized) in the caller's
// transaction when ctx carries one.
func (s *RecordingStore) UpdateRecording(ctx context.Context, id string, fn func(r *recording.Recording) error) (recording.Recording, error) {
	var out recording.Recording
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		var row recordingRow
		if err := identityLocked(ctx, s.db).Where("id = ?", id).Take(&row).Error; err != nil {
			return identityNotFound(err, recording.ErrNotFound)
		}
		r := toDomainRecording(row)
		before := row.Tags
		if err := fn(&r); err != nil {
			return err
		}
		r.ID = id
		w := fromDomainRecording(r)
		if err := s.db.Conn(ctx).Model(&recordingRow{}).Where("id = ?", id).Select("*").Omit("id").Updates(&w).Error; err != nil {
			return Translate(err)
		}
		if w.Tags != before {
			if err := s.saveTags(ctx, r, true); err != nil {
				return err
			}
		}
		out = toDomainRecording(w)
		return nil
	})
	return out, err
}

// saveTags writes the recording_tags rows of r, first removing the old
// ones when replace is set.
func (s *RecordingStore) saveTags(ctx context.Context, r recording.Recording, replace bool) error {
	conn := s.db.Conn(ctx)
	if replace {
		if err := conn.Where("recording_id = ?", r.ID).Delete(&recordingTagRow{}).Error; err != nil {
			return Translate(err)
		}
	}
	if rows := recordingTagRows(r); len(rows) > 0 {
		return Translate(conn.Create(&rows).Error)
	}
	return nil
}

// DeleteRecording implements ports.RecordingStore; its jobs, chunks,
// uploads and tags go by ON DELETE CASCADE.
func (s *RecordingStore) DeleteRecording(ctx context.Context, id string) error {
	res := s.db.Conn(ctx).Where("id = ?", id).Delete(&recordingRow{})
	if res.Error != nil {
		return Translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return recording.ErrNotFound
	}
	return nil
}

// recordingRows converts rows to domain recordings.
func recordingRows(rows []recordingRow) []recording.Recording {
	out := make([]recording.Recording, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainRecording(r))
	}
	return out
}

// recordingFind reads rows of q into domain recordings.
func recordingFind(q *gorm.DB) ([]recording.Recording, error) {
	var rows []recordingRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	return recordingRows(rows), nil
}

var _ ports.RecordingStore = (*RecordingStore)(nil)

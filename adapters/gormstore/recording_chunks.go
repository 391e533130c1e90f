package gormstore

import (
	"context"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// errUploadNotFound is returned for a missing chunk upload.
var errUploadNotFound = errs.NotFound("upload.notFound", "no such chunk upload")

// ChunkStore keeps stored chunks in recording_chunks and the uploads in
// progress in recording_uploads; it implements ports.ChunkStore and
// ports.UploadStore.
type ChunkStore struct{ db *DB }

// NewChunkStore returns the chunk and upload store on db.
func NewChunkStore(db *DB) *ChunkStore { return &ChunkStore{db: db} }

// chunkKey is the conflict target shared by chunks and uploads.
var chunkKey = clause.OnConflict{Columns: []clause.Column{{Name: "recording_id"}, {Name: "idx"}}, DoNothing: true}

// PutChunk implements ports.ChunkStore. The insert skips an existing
// (recording, index), so concurrent puts of one chunk never fail a
// transaction; the stored row then decides.
func (s *ChunkStore) PutChunk(ctx context.Context, c recording.Chunk) (recording.Chunk, bool, error) {
	var stored recording.Chunk
	var created bool
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		r := fromDomainChunk(c)
		res := s.db.Conn(ctx).Clauses(chunkKey).Create(&r)
		if res.Error != nil {
			return Translate(res.Error)
		}
		if res.RowsAffected == 1 {
			stored, created = toDomainChunk(r), true
			return nil
		}
		old, err := s.GetChunk(ctx, c.RecordingID, c.Index)
		if err != nil {
			return err
		}
		if old.SHA256 != c.SHA256 {
			return recording.ErrChunkConflict
		}
		stored = old
		return nil
	})
	if err != nil {
		return recording.Chunk{}, false, err
	}
	return stored, created, nil
}

// ListChunks implements ports.ChunkStore.
func (s *ChunkStore) ListChunks(ctx context.Context, recordingID string) ([]recording.Chunk, error) {
	var rows []chunkRow
	if err := s.db.Conn(ctx).Where("recording_id = ?", recordingID).Order("idx").Find(&rows).Error; err != nil {
		return nil, Translate(err)
	}
	out := make([]recording.Chunk, 0, len(rows))
	for _, r := range rows {
		out = append(out, toDomainChunk(r))
	}
	return out, nil
}

// GetChunk implements ports.ChunkStore.
func (s *ChunkStore) GetChunk(ctx context.Context, recordingID string, index int) (recording.Chunk, error) {
	var r chunkRow
	if err := s.db.Conn(ctx).Where("recording_id = ? AND idx = ?", recordingID, index).Take(&r).Error; err != nil {
		return recording.Chunk{}, identityNotFound(err, recording.ErrChunkNotFound)
	}
	return toDomainChunk(r), nil
}

// OpenUpload implements ports.UploadStore: an upload of the same recording,
// index and SHA-256 is resumed; one declaring other bytes is replaced by u.
func (s *ChunkStore) OpenUpload(ctx context.Context, u recording.Upload) (recording.Upload, string, error) {
	var stored recording.Upload
	var replaced string
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		// A few attempts: a concurrent open may delete the row between our
		// insert and our read, or insert one after our delete.
		for range 3 {
			r := fromDomainUpload(u)
			res := s.db.Conn(ctx).Clauses(chunkKey).Create(&r)
			if res.Error != nil {
				return Translate(res.Error)
			}
			if res.RowsAffected == 1 {
				stored = toDomainUpload(r)
				return nil
			}
			var old uploadRow
			err := identityLocked(ctx, s.db).Where("recording_id = ? AND idx = ?", u.RecordingID, u.Chunk.Index).Take(&old).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				continue
			}
			if err != nil {
				return Translate(err)
			}
			if old.SHA256 == u.Chunk.SHA256 {
				stored = toDomainUpload(old)
				return nil
			}
			if err := s.db.Conn(ctx).Where("id = ?", old.ID).Delete(&uploadRow{}).Error; err != nil {
				return Translate(err)
			}
			replaced = old.ID
		}
		return errs.Conflict("upload.busy", "another upload of this chunk is being opened; retry")
	})
	if err != nil {
		return recording.Upload{}, "", err
	}
	return stored, replaced, nil
}

// GetUpload implements ports.UploadStore.
func (s *ChunkStore) GetUpload(ctx context.Context, id string) (recording.Upload, error) {
	var r uploadRow
	if err := s.db.Conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return recording.Upload{}, identityNotFound(err, errUploadNotFound)
	}
	return toDomainUpload(r), nil
}

// DeleteUpload implements ports.UploadStore; a missing upload is no error.
func (s *ChunkStore) DeleteUpload(ctx context.Context, id string) error {
	return Translate(s.db.Conn(ctx).Where("id = ?", id).Delete(&uploadRow{}).Error)
}

var (
	_ ports.ChunkStore  = (*ChunkStore)(nil)
	_ ports.UploadStore = (*ChunkStore)(nil)
)

package recordingstest

import (
	"context"
	"sort"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
)

// PutChunk implements ports.ChunkStore.
func (s *Store) PutChunk(_ context.Context, c recording.Chunk) (recording.Chunk, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.ChunksByID {
		if x.RecordingID == c.RecordingID && x.Index == c.Index {
			if x.SHA256 == c.SHA256 {
				return x, false, nil
			}
			return recording.Chunk{}, false, recording.ErrChunkConflict
		}
	}
	s.ChunksByID[c.ID] = c
	return c, true, nil
}

// GetChunk implements ports.ChunkStore.
func (s *Store) GetChunk(_ context.Context, recordingID string, index int) (recording.Chunk, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.ChunksByID {
		if c.RecordingID == recordingID && c.Index == index {
			return c, nil
		}
	}
	return recording.Chunk{}, recording.ErrChunkNotFound
}

// ListChunks implements ports.ChunkStore.
func (s *Store) ListChunks(_ context.Context, recordingID string) ([]recording.Chunk, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []recording.Chunk{}
	for _, c := range s.ChunksByID {
		if c.RecordingID == recordingID {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out, nil
}

// OpenUpload implements ports.UploadStore.
func (s *Store) OpenUpload(_ context.Context, u recording.Upload) (recording.Upload, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, x := range s.UploadsByID {
		if x.RecordingID == u.RecordingID && x.Chunk.Index == u.Chunk.Index {
			if x.Chunk.SHA256 == u.Chunk.SHA256 {
				return x, "", nil
			}
			delete(s.UploadsByID, id)
			s.UploadsByID[u.ID] = u
			return u, id, nil
		}
	}
	s.UploadsByID[u.ID] = u
	return u, "", nil
}

// GetUpload implements ports.UploadStore.
func (s *Store) GetUpload(_ context.Context, id string) (recording.Upload, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.UploadsByID[id]
	if !ok {
		return u, errs.NotFound("upload.notFound", "no such upload")
	}
	return u, nil
}

// DeleteUpload implements ports.UploadStore.
func (s *Store) DeleteUpload(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.UploadsByID, id)
	return nil
}

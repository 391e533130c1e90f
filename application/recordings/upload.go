package recordings

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// MaxChunkBytes bounds a declared chunk file size (8 GiB).
const MaxChunkBytes = 8 << 30

// Upload errors besides the domain's.
var (
	errUploadNotFound = errs.NotFound("upload.notFound", "no such upload")
	errUploadTooLarge = errs.New(errs.KindTooLarge, "upload.tooLarge", "the body runs past the declared size of the file")
	errUndecodable    = errs.New(errs.KindUnprocessable, "upload.undecodable", "the uploaded file is not readable audio")
)

// checkUploadRequest validates every field of an upload request.
func checkUploadRequest(r agentapi.UploadRequest) error {
	var is errs.Issues
	if !validID(r.RecordingID) {
		is.Add("recordingId", "is required (an id)")
	}
	if !validID(r.JobID) {
		is.Add("jobId", "is required (an id)")
	}
	if r.Index < 0 || r.Index > 1_000_000 {
		is.Add("index", "must be 0..1000000")
	}
	if r.OffsetFrames < 0 {
		is.Add("offsetFrames", "must not be negative")
	}
	if r.Frames < 1 {
		is.Add("frames", "must be at least 1")
	}
	if r.SampleRate < 8000 || r.SampleRate > 384000 {
		is.Add("sampleRate", "must be 8000..384000")
	}
	if r.Channels < 1 || r.Channels > 128 {
		is.Add("channels", "must be 1..128")
	}
	if !recording.Codec(r.Codec).Valid() {
		is.Add("codec", "must be wav, flac or mp3")
	}
	if r.SizeBytes < 1 || r.SizeBytes > MaxChunkBytes {
		is.Add("sizeBytes", fmt.Sprintf("must be 1..%d", int64(MaxChunkBytes)))
	}
	if len(r.SHA256) != 64 || strings.Trim(r.SHA256, "0123456789abcdef") != "" {
		is.Add("sha256", "must be 64 lowercase hex characters")
	}
	return is.Err()
}

// OpenUpload opens (or resumes) the upload of one chunk of a recording of
// the node. A chunk already stored with the same SHA-256 answers complete;
// with another one recording.ErrChunkConflict.
func (s *Service) OpenUpload(ctx context.Context, nodeID string, req agentapi.UploadRequest) (agentapi.UploadStatus, error) {
	if err := checkUploadRequest(req); err != nil {
		return agentapi.UploadStatus{}, err
	}
	rec, err := s.d.Recordings.GetRecording(ctx, req.RecordingID)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	if rec.NodeID != nodeID {
		return agentapi.UploadStatus{}, recording.ErrNotFound
	}
	j, err := s.d.Jobs.GetJob(ctx, req.JobID)
	if err != nil && errs.KindOf(err) != errs.KindNotFound {
		return agentapi.UploadStatus{}, err
	}
	if err != nil || j.RecordingID != rec.ID || j.NodeID != nodeID {
		return agentapi.UploadStatus{}, errs.Field("jobId", "is not a job of this recording on this node")
	}
	if recording.Codec(req.Codec) != rec.Codec {
		return agentapi.UploadStatus{}, errs.Field("codec", "must be the recording's codec "+string(rec.Codec))
	}
	if st, done, err := s.storedChunk(ctx, rec.ID, req.Index, req.SHA256); done || err != nil {
		return st, err
	}
	u := recording.Upload{ID: recording.NewUploadID(), RecordingID: rec.ID, JobID: j.ID, NodeID: nodeID, CreatedAt: s.now(),
		Chunk: recording.Chunk{RecordingID: rec.ID, JobID: j.ID, Index: req.Index, OffsetFrames: req.OffsetFrames,
			Frames: req.Frames, SampleRate: req.SampleRate, Channels: req.Channels, Codec: recording.Codec(req.Codec),
			SizeBytes: req.SizeBytes, SHA256: req.SHA256, Final: req.Final}}
	stored, replacedID, err := s.d.Uploads.OpenUpload(ctx, u)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	if replacedID != "" {
		// The bytes received for the replaced upload belonged to another file.
		if err := s.d.Files.DiscardUpload(replacedID); err != nil {
			return agentapi.UploadStatus{}, err
		}
	}
	return s.status(stored)
}

// storedChunk answers complete when the chunk is stored with sum, and
// recording.ErrChunkConflict when it is stored with other bytes.
func (s *Service) storedChunk(ctx context.Context, recID string, index int, sum string) (agentapi.UploadStatus, bool, error) {
	c, err := s.d.Chunks.GetChunk(ctx, recID, index)
	if errors.Is(err, recording.ErrChunkNotFound) {
		return agentapi.UploadStatus{}, false, nil
	}
	if err != nil {
		return agentapi.UploadStatus{}, false, err
	}
	if c.SHA256 != sum {
		return agentapi.UploadStatus{}, false, recording.ErrChunkConflict
	}
	return agentapi.UploadStatus{UploadID: c.ID, ReceivedBytes: c.SizeBytes, SizeBytes: c.SizeBytes, Complete: true, ChunkID: c.ID}, true, nil
}

// status reports the bytes received of an upload.
func (s *Service) status(u recording.Upload) (agentapi.UploadStatus, error) {
	got, err := s.d.Files.UploadSize(u.ID)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	return agentapi.UploadStatus{UploadID: u.ID, ReceivedBytes: got, SizeBytes: u.Chunk.SizeBytes}, nil
}

// nodeUpload returns one of the node's uploads.
func (s *Service) nodeUpload(ctx context.Context, nodeID, uploadID string) (recording.Upload, error) {
	if !validID(uploadID) {
		return recording.Upload{}, errUploadNotFound
	}
	u, err := s.d.Uploads.GetUpload(ctx, uploadID)
	if err != nil {
		return u, err
	}
	if u.NodeID != nodeID {
		return recording.Upload{}, errUploadNotFound
	}
	return u, nil
}

// UploadStatus reports how much of one of the node's uploads arrived.
func (s *Service) UploadStatus(ctx context.Context, nodeID, uploadID string) (agentapi.UploadStatus, error) {
	u, err := s.nodeUpload(ctx, nodeID, uploadID)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	return s.status(u)
}

// UploadRemaining is the number of bytes a PUT at offset may carry (for
// the edge's body limit).
func (s *Service) UploadRemaining(ctx context.Context, nodeID, uploadID string, offset int64) (int64, error) {
	u, err := s.nodeUpload(ctx, nodeID, uploadID)
	if err != nil {
		return 0, err
	}
	return max(u.Chunk.SizeBytes-offset, 0), nil
}

// PutUpload appends body at offset (which must equal the bytes received:
// recording.ErrOffsetMismatch with details.receivedBytes). Bytes of a
// broken connection are kept. A body running past the declared size is
// upload.tooLarge (413). When the last byte arrives the file is verified
// (recording.ErrChecksumMismatch, 422: nothing kept, the agent sends it
// again from 0), decoded for its waveform and frame count, and stored as a
// chunk with its audit row.
func (s *Service) PutUpload(ctx context.Context, nodeID, uploadID string, offset int64, body io.Reader) (agentapi.UploadStatus, error) {
	u, err := s.nodeUpload(ctx, nodeID, uploadID)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	if offset < 0 {
		return agentapi.UploadStatus{}, errs.Field(agentapi.HeaderUploadOffset, "must be a non-negative byte offset")
	}
	size := u.Chunk.SizeBytes
	got, err := s.d.Files.AppendUpload(ctx, u.ID, offset, body, max(size-offset, 0))
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	var one [1]byte
	if n, _ := io.ReadFull(body, one[:]); n > 0 {
		return agentapi.UploadStatus{}, errUploadTooLarge
	}
	if got < size {
		return agentapi.UploadStatus{UploadID: u.ID, ReceivedBytes: got, SizeBytes: size}, nil
	}
	return s.storeChunk(ctx, u)
}

// chunkFile names a chunk's file; the digest prefix keeps a different
// file of the same index from ever replacing a stored one.
func chunkFile(c recording.Chunk) string {
	return fmt.Sprintf("%s/chunk-%06d-%s.%s", c.RecordingID, c.Index, c.SHA256[:12], c.Codec)
}

// storeChunk verifies and stores a fully received upload.
func (s *Service) storeChunk(ctx context.Context, u recording.Upload) (agentapi.UploadStatus, error) {
	if st, done, err := s.storedChunk(ctx, u.RecordingID, u.Chunk.Index, u.Chunk.SHA256); done || err != nil {
		_ = s.d.Files.DiscardUpload(u.ID)
		if done {
			err = s.d.Uploads.DeleteUpload(ctx, u.ID)
		}
		return st, err
	}
	c := u.Chunk
	c.Path = chunkFile(c)
	if err := s.d.Files.CommitUpload(ctx, u.ID, c.SHA256, c.Path); err != nil {
		return agentapi.UploadStatus{}, err
	}
	peaks, err := s.inspect(c)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	c.ID, c.Peaks, c.CreatedAt = recording.NewChunkID(), peaks, s.now()
	var ch changes
	var stored recording.Chunk
	var created bool
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		ch = changes{}
		var err error
		if stored, created, err = s.d.Chunks.PutChunk(ctx, c); err != nil {
			return err
		}
		if err := s.d.Uploads.DeleteUpload(ctx, u.ID); err != nil && !errors.Is(err, errs.ErrNotFound) {
			return err
		}
		if !created {
			return nil
		}
		ch.chunk(stored, u.NodeID)
		rec, err := s.afterChunk(ctx, stored)
		if err != nil {
			return err
		}
		ch.rec(rec)
		return s.record(ctx, "recordings.chunk.store", access.NodeControl, recTarget(rec), nil, nil,
			map[string]any{"chunkId": stored.ID, "index": stored.Index, "frames": stored.Frames,
				"sizeBytes": stored.SizeBytes, "sha256": stored.SHA256, "jobId": stored.JobID})
	})
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	s.publish(&ch)
	if created && s.d.Observer != nil {
		s.d.Observer.ChunkStored(u.NodeID, stored.SizeBytes)
	}
	return agentapi.UploadStatus{UploadID: u.ID, ReceivedBytes: stored.SizeBytes, SizeBytes: stored.SizeBytes,
		Complete: true, ChunkID: stored.ID}, nil
}

// afterChunk updates the recording with a new chunk; a recording whose
// job already reported is settled again (a late chunk may complete it).
func (s *Service) afterChunk(ctx context.Context, c recording.Chunk) (recording.Recording, error) {
	chunks, err := s.d.Chunks.ListChunks(ctx, c.RecordingID)
	if err != nil {
		return recording.Recording{}, err
	}
	j, err := s.d.Jobs.GetJob(ctx, c.JobID)
	if err != nil {
		return recording.Recording{}, err
	}
	now := s.now()
	return s.d.Recordings.UpdateRecording(ctx, c.RecordingID, func(r *recording.Recording) error {
		applyChunks(r, chunks)
		r.UpdatedAt = now
		if j.Status.Terminal() && r.Status.Terminal() {
			r.Settle(outcome(j, contiguous(chunks), r.FailureReason != recording.ReasonVerificationFailed), now)
			applyChunks(r, chunks)
		}
		return nil
	})
}

package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rakkr/rakkr/agent/healthlog"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// jitter spreads a back-off wait (±20 %).
var jitter = healthlog.Jitter

// maxPutsPerAttempt bounds the PUTs of one attempt (offset corrections,
// a re-render) before it counts as failed and backs off.
const maxPutsPerAttempt = 8

// startUploader starts the job's single uploader; the channel is closed
// when it returns: every chunk uploaded after the capture ended, or the
// job's context ended.
func (j *job) startUploader() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		j.uploader()
	}()
	return done
}

// uploader uploads the chunks in index order as they close.
func (j *job) uploader() {
	for {
		idx, ok, finished := j.nextChunk()
		if !ok {
			if finished {
				return
			}
			select {
			case <-j.ctx.Done():
				return
			case <-j.notify:
			}
			continue
		}
		if !j.uploadWithRetry(idx) {
			return
		}
	}
}

// nextChunk returns the position of the first chunk not uploaded; finished
// is true when there is none and the capture has ended.
func (j *job) nextChunk() (pos int, ok, finished bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i, c := range j.rec.Chunks {
		if !c.Uploaded {
			return i, true, false
		}
	}
	return 0, false, j.rec.Phase != ports.PhaseCapturing
}

// uploadWithRetry uploads one chunk, retrying with jittered back-off until
// it is stored, the job is dropped or the context ends (false).
func (j *job) uploadWithRetry(pos int) bool {
	ctx := j.ctx
	backoff, failed, rerendered := j.r.cfg.MinBackoff, false, false
	for {
		err := j.uploadChunk(ctx, pos, &rerendered)
		c := j.chunkAt(pos)
		if err == nil {
			j.r.event(j.snapshot(), EventChunkUploaded, agentapi.SeverityInfo, "", map[string]any{"index": c.Index, "sizeBytes": c.SizeBytes, "final": c.Final})
			if failed {
				j.r.event(j.snapshot(), EventUploadRecovered, agentapi.SeverityInfo, EventUploadFailed, map[string]any{"index": c.Index})
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if ended(err) {
			j.drop(err)
			return false
		}
		if !failed {
			failed = true
			j.r.event(j.snapshot(), EventUploadFailed, agentapi.SeverityWarning, "", map[string]any{"index": c.Index, "error": err.Error()})
		}
		j.r.cfg.Logger.Warn("chunk upload failed; retrying", "job", j.rec.Job.ID, "index", c.Index, "err", err, "in", backoff)
		if !sleep(ctx, jitter(backoff)) {
			return false
		}
		backoff = min(2*backoff, j.r.cfg.MaxBackoff)
	}
}

// chunkAt returns a copy of the chunk at pos.
func (j *job) chunkAt(pos int) ports.AgentChunk {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.rec.Chunks[pos]
}

// setChunk stores c at pos and persists the record.
func (j *job) setChunk(pos int, c ports.AgentChunk) {
	j.update(func(r *ports.AgentJob) { r.Chunks[pos] = c })
}

// uploadChunk makes one attempt: render if needed, open (or resume) the
// upload and PUT the missing bytes. A checksum mismatch re-renders the
// chunk once (*rerendered) and sends it again from the controller's offset.
func (j *job) uploadChunk(ctx context.Context, pos int, rerendered *bool) error {
	c := j.chunkAt(pos)
	if err := j.ensureRendered(ctx, pos, &c, false); err != nil {
		return err
	}
	st, err := j.open(ctx, pos, &c)
	if err != nil {
		return err
	}
	for puts := 0; !st.Complete; puts++ {
		if puts >= maxPutsPerAttempt {
			return fmt.Errorf("chunk %d: the upload did not complete after %d requests", c.Index, puts)
		}
		next, err := j.put(ctx, c, st.ReceivedBytes)
		var oe *ports.UploadOffsetError
		switch {
		case err == nil:
			st = next
		case errors.As(err, &oe):
			st.ReceivedBytes = oe.ReceivedBytes
		case errors.Is(err, ports.ErrUploadOffsetMismatch):
			if st, err = j.r.cfg.API.UploadStatus(ctx, c.UploadID); err != nil {
				return err
			}
		case errors.Is(err, ports.ErrUploadChecksumMismatch):
			j.r.cfg.Logger.Warn("the controller refused the chunk's checksum; sending it again", "job", j.rec.Job.ID, "index", c.Index, "rerender", !*rerendered)
			if !*rerendered {
				*rerendered = true
				if err := j.ensureRendered(ctx, pos, &c, true); err != nil {
					return err
				}
			}
			if st, err = j.open(ctx, pos, &c); err != nil {
				return err
			}
		default:
			return err
		}
	}
	c.Uploaded = true
	if st.UploadID != "" {
		c.UploadID = st.UploadID
	}
	j.setChunk(pos, c)
	return nil
}

// ensureRendered renders the chunk's raw master unless a rendering of the
// recorded size exists (force renders anyway).
func (j *job) ensureRendered(ctx context.Context, pos int, c *ports.AgentChunk, force bool) error {
	if !force && c.RenderedPath != "" && c.SHA256 != "" {
		if fi, err := os.Stat(c.RenderedPath); err == nil && fi.Size() == c.SizeBytes {
			return nil
		}
	}
	cmd := j.rec.Job.Command
	codec := j.codec()
	dst := filepath.Join(j.rec.Dir, fmt.Sprintf("%s.chunk-%04d%s", j.stem(), c.Index, codec.Extension()))
	res, err := j.r.cfg.Media.Render(ctx, c.RawPath, dst, j.m, ports.EncodeOptions{Codec: codec, BitDepth: cmd.BitDepth, BitrateKbps: cmd.BitrateKbps, VBR: cmd.VBR})
	if err != nil {
		return fmt.Errorf("render chunk %d: %w", c.Index, err)
	}
	c.RenderedPath, c.SizeBytes, c.SHA256, c.UploadID = dst, res.SizeBytes, res.SHA256, ""
	c.Measured, c.PeakDbfs, c.RmsDbfs = true, res.PeakDbfs, res.RmsDbfs
	j.setChunk(pos, *c)
	return nil
}

// open resumes the chunk's known upload (its status) or opens one.
func (j *job) open(ctx context.Context, pos int, c *ports.AgentChunk) (agentapi.UploadStatus, error) {
	if c.UploadID != "" {
		st, err := j.r.cfg.API.UploadStatus(ctx, c.UploadID)
		if err == nil && (st.SizeBytes == 0 || st.SizeBytes == c.SizeBytes) {
			return st, nil
		}
		if err != nil && !errors.Is(err, ports.ErrJobGone) {
			return st, err
		}
	}
	rec := j.snapshot()
	st, err := j.r.cfg.API.OpenUpload(ctx, agentapi.UploadRequest{RecordingID: rec.Job.RecordingID, JobID: rec.Job.ID,
		Index: c.Index, Final: c.Final, OffsetFrames: c.OffsetFrames, Frames: c.Frames, SampleRate: c.SampleRate,
		Channels: c.Channels, Codec: string(j.codec()), SizeBytes: c.SizeBytes, SHA256: c.SHA256})
	if err != nil {
		return st, err
	}
	if st.UploadID != c.UploadID {
		c.UploadID = st.UploadID
		j.setChunk(pos, *c)
	}
	return st, nil
}

// put sends the rendered file from offset to its end.
func (j *job) put(ctx context.Context, c ports.AgentChunk, offset int64) (agentapi.UploadStatus, error) {
	length := c.SizeBytes - offset
	if offset < 0 || length < 0 {
		return agentapi.UploadStatus{}, fmt.Errorf("chunk %d: the controller holds %d bytes of a %d-byte file", c.Index, offset, c.SizeBytes)
	}
	f, err := os.Open(c.RenderedPath)
	if err != nil {
		return agentapi.UploadStatus{}, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return agentapi.UploadStatus{}, err
	}
	// A stalled connection must not hold the chunk forever: allow 2 min
	// plus 32 KiB/s.
	actx, cancel := context.WithTimeout(ctx, 2*time.Minute+time.Duration(length/(32<<10))*time.Second)
	defer cancel()
	return j.r.cfg.API.PutUpload(actx, c.UploadID, offset, f, length)
}

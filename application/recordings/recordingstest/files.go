package recordingstest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"maps"
	"sync"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// Files is an in-memory ports.RecordingFiles.
type Files struct {
	mu     sync.Mutex
	Parts  map[string][]byte
	Stored map[string][]byte
}

// NewFiles returns empty files.
func NewFiles() *Files { return &Files{Parts: map[string][]byte{}, Stored: map[string][]byte{}} }

// UploadSize implements ports.RecordingFiles.
func (f *Files) UploadSize(id string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return int64(len(f.Parts[id])), nil
}

// AppendUpload implements ports.RecordingFiles.
func (f *Files) AppendUpload(_ context.Context, id string, offset int64, r io.Reader, limit int64) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if int64(len(f.Parts[id])) != offset {
		e := *recording.ErrOffsetMismatch
		e.Details = map[string]any{"receivedBytes": int64(len(f.Parts[id]))}
		return int64(len(f.Parts[id])), &e
	}
	var buf bytes.Buffer
	_, err := io.Copy(&buf, io.LimitReader(r, limit))
	f.Parts[id] = append(f.Parts[id], buf.Bytes()...)
	return int64(len(f.Parts[id])), err
}

// CommitUpload implements ports.RecordingFiles.
func (f *Files) CommitUpload(_ context.Context, id, sum, rel string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := sha256.Sum256(f.Parts[id])
	if hex.EncodeToString(h[:]) != sum {
		delete(f.Parts, id)
		return recording.ErrChecksumMismatch
	}
	f.Stored[rel] = f.Parts[id]
	delete(f.Parts, id)
	return nil
}

// DiscardUpload implements ports.RecordingFiles.
func (f *Files) DiscardUpload(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.Parts, id)
	return nil
}

// Path implements ports.RecordingFiles (the relative path itself).
func (f *Files) Path(rel string) string { return rel }

// Open implements ports.RecordingFiles.
func (f *Files) Open(string) (ports.FileRange, error) { return nil, recording.ErrNotReady }

// RemoveRecording implements ports.RecordingFiles.
func (f *Files) RemoveRecording(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	maps.DeleteFunc(f.Stored, func(k string, _ []byte) bool { return len(k) > len(id) && k[:len(id)+1] == id+"/" })
	return nil
}

// Decoder "decodes" a stored file as Frames frames of Format (silence with
// one full-scale sample), whatever its bytes; Err fails every open.
type Decoder struct {
	Format pcm.Format
	// Frames returns the decoded length of a file (by its path).
	Frames func(path string) int64
	Err    error
}

// OpenAudioFile implements ports.AudioDecoder.
func (d *Decoder) OpenAudioFile(path string) (ports.DecodedAudio, error) {
	if d.Err != nil {
		return nil, d.Err
	}
	return &decoded{f: d.Format, left: d.Frames(path)}, nil
}

type decoded struct {
	f    pcm.Format
	left int64
	seen bool
}

// Format implements ports.DecodedAudio.
func (d *decoded) Format() pcm.Format { return d.f }

// Close implements ports.DecodedAudio.
func (d *decoded) Close() error { return nil }

// ReadFrames implements ports.DecodedAudio.
func (d *decoded) ReadFrames(dst []float32) (int, error) {
	if d.left == 0 {
		return 0, io.EOF
	}
	n := min(int64(len(dst)/max(d.f.Channels, 1)), d.left)
	clear(dst[:int(n)*d.f.Channels])
	if !d.seen && n > 0 {
		dst[0], d.seen = 1, true
	}
	d.left -= n
	return int(n), nil
}

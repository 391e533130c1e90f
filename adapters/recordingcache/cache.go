// Package recordingcache is the controller's recording cache on disk
// (RAKKR_DATA_DIR/recordings), implementing ports.RecordingFiles: chunk
// uploads grow in <dir>/.uploads/<uploadId>.part, resumable at the byte
// received last; a verified upload is synced and renamed to
// <dir>/<recordingId>/<file>. Ids and relative paths are validated so that
// nothing outside the directory can be named.
package recordingcache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/ports"
)

// uploadsDir holds the partial files.
const uploadsDir = ".uploads"

// syncEvery is how many appended bytes trigger an fsync of a partial file.
const syncEvery = 8 << 20

// errBadID refuses an id or path that could leave the cache directory.
var errBadID = errs.Field("id", "must be 1-128 characters of letters, digits, '_' or '-'")

// Cache is a ports.RecordingFiles on a directory.
type Cache struct {
	dir string
	// mu serialises appends and commits of one upload at a time (the
	// store's lock rows are not held while bytes stream in).
	mu    sync.Mutex
	locks map[string]*uploadLock
}

// uploadLock is the mutex of one upload with the number of goroutines
// holding or waiting for it: it leaves the map when the last one is done,
// so two callers can never hold different mutexes of the same upload.
type uploadLock struct {
	sync.Mutex
	refs int
}

// New creates dir (and its uploads directory) and returns the cache.
func New(dir string) (*Cache, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(abs, uploadsDir), 0o750); err != nil {
		return nil, fmt.Errorf("recording cache: %w", err)
	}
	return &Cache{dir: abs, locks: map[string]*uploadLock{}}, nil
}

// Dir is the cache's absolute directory.
func (c *Cache) Dir() string { return c.dir }

// validID reports whether id is a safe single path element.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// validRel reports whether rel is "<id>/<file>" with safe elements.
func validRel(rel string) bool {
	id, file, ok := strings.Cut(rel, "/")
	if !ok || !validID(id) || file == "" || len(file) > 200 || strings.ContainsAny(file, "/\\\x00") ||
		file == "." || file == ".." || strings.HasPrefix(file, ".") {
		return false
	}
	return true
}

func (c *Cache) partPath(uploadID string) string {
	return filepath.Join(c.dir, uploadsDir, uploadID+".part")
}

// lock takes the mutex of one upload (held while it is appended,
// committed, discarded or swept) and returns its release.
func (c *Cache) lock(uploadID string) func() {
	c.mu.Lock()
	m, ok := c.locks[uploadID]
	if !ok {
		m = &uploadLock{}
		c.locks[uploadID] = m
	}
	m.refs++
	c.mu.Unlock()
	m.Lock()
	return func() {
		m.Unlock()
		c.mu.Lock()
		if m.refs--; m.refs == 0 {
			delete(c.locks, uploadID)
		}
		c.mu.Unlock()
	}
}

// UploadSize implements ports.RecordingFiles.
func (c *Cache) UploadSize(uploadID string) (int64, error) {
	if !validID(uploadID) {
		return 0, errBadID
	}
	st, err := os.Stat(c.partPath(uploadID))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// AppendUpload implements ports.RecordingFiles. Bytes that arrived before
// a read error are kept (and synced) so the agent resumes after them.
func (c *Cache) AppendUpload(ctx context.Context, uploadID string, offset int64, r io.Reader, limit int64) (int64, error) {
	if !validID(uploadID) {
		return 0, errBadID
	}
	unlock := c.lock(uploadID)
	defer unlock()
	f, err := os.OpenFile(c.partPath(uploadID), os.O_CREATE|os.O_WRONLY, 0o640)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := st.Size()
	if offset != size {
		e := *recording.ErrOffsetMismatch
		e.Details = map[string]any{"receivedBytes": size}
		return size, &e
	}
	if _, err := f.Seek(size, io.SeekStart); err != nil {
		return size, err
	}
	if limit < 0 {
		limit = 0
	}
	buf := make([]byte, 256<<10)
	src := io.LimitReader(r, limit)
	var sinceSync int64
	var rerr error
	for {
		if err := ctx.Err(); err != nil {
			rerr = err
			break
		}
		n, err := src.Read(buf)
		if n > 0 {
			w, werr := f.Write(buf[:n])
			size += int64(w)
			sinceSync += int64(w)
			if werr != nil {
				_ = f.Sync()
				return size, werr
			}
			if sinceSync >= syncEvery {
				if err := f.Sync(); err != nil {
					return size, err
				}
				sinceSync = 0
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			rerr = err
			break
		}
	}
	if err := f.Sync(); err != nil {
		return size, err
	}
	return size, rerr
}

// CommitUpload implements ports.RecordingFiles.
func (c *Cache) CommitUpload(ctx context.Context, uploadID, sum, rel string) error {
	if !validID(uploadID) || !validRel(rel) {
		return errBadID
	}
	unlock := c.lock(uploadID)
	defer unlock()
	part := c.partPath(uploadID)
	// One handle hashes the file and syncs it; it is closed before the
	// rename (the deferred Close is then a no-op).
	f, err := os.OpenFile(part, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, readerCtx{ctx, f}); err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != strings.ToLower(sum) {
		f.Close()
		_ = os.Remove(part)
		return recording.ErrChecksumMismatch
	}
	dst := filepath.Join(c.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(part, dst); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}

// DiscardUpload implements ports.RecordingFiles.
func (c *Cache) DiscardUpload(uploadID string) error {
	if !validID(uploadID) {
		return errBadID
	}
	unlock := c.lock(uploadID)
	defer unlock()
	if err := os.Remove(c.partPath(uploadID)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Path implements ports.RecordingFiles; an unsafe rel yields a path inside
// the cache that does not exist.
func (c *Cache) Path(rel string) string {
	if !validRel(rel) {
		return filepath.Join(c.dir, uploadsDir, "invalid")
	}
	return filepath.Join(c.dir, filepath.FromSlash(rel))
}

// Open implements ports.RecordingFiles.
func (c *Cache) Open(rel string) (ports.FileRange, error) {
	if !validRel(rel) {
		return nil, recording.ErrNotReady
	}
	f, err := os.Open(c.Path(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, recording.ErrNotReady
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileRange{File: f, size: st.Size()}, nil
}

// RemoveRecording implements ports.RecordingFiles.
func (c *Cache) RemoveRecording(recordingID string) error {
	if !validID(recordingID) {
		return errBadID
	}
	return os.RemoveAll(filepath.Join(c.dir, recordingID))
}

var _ ports.RecordingFiles = (*Cache)(nil)

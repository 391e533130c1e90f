package recordingcache_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/recordingcache"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/recording"
)

func sum(b string) string { h := sha256.Sum256([]byte(b)); return hex.EncodeToString(h[:]) }

// brokenReader yields its data, then fails like a dropped connection.
type brokenReader struct{ r io.Reader }

func (b *brokenReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset")
	}
	return n, err
}

func TestUploadResumeCommitAndOpen(t *testing.T) {
	c, err := recordingcache.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	data := strings.Repeat("rakkr-audio-", 1000)
	// A broken connection keeps what arrived.
	n, err := c.AppendUpload(ctx, "upl_1", 0, &brokenReader{strings.NewReader(data[:5000])}, int64(len(data)))
	if err == nil || n != 5000 {
		t.Fatalf("broken append: %d %v", n, err)
	}
	if got, _ := c.UploadSize("upl_1"); got != 5000 {
		t.Fatalf("size after break = %d", got)
	}
	// A wrong offset names the bytes received.
	_, err = c.AppendUpload(ctx, "upl_1", 0, strings.NewReader("x"), 1)
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != recording.ErrOffsetMismatch.Code || e.Details.(map[string]any)["receivedBytes"] != int64(5000) {
		t.Fatalf("offset mismatch: %v", err)
	}
	// The limit stops extra bytes.
	n, err = c.AppendUpload(ctx, "upl_1", 5000, strings.NewReader(data[5000:]+"EXTRA"), int64(len(data)-5000))
	if err != nil || n != int64(len(data)) {
		t.Fatalf("resume: %d %v", n, err)
	}
	if err := c.CommitUpload(ctx, "upl_1", sum(data), "rec_1/chunk-000000.wav"); err != nil {
		t.Fatal(err)
	}
	f, err := c.Open("rec_1/chunk-000000.wav")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != data || f.Size() != int64(len(data)) {
		t.Fatalf("stored %d bytes", len(got))
	}
	if sz, _ := c.UploadSize("upl_1"); sz != 0 {
		t.Fatalf("part left behind: %d", sz)
	}
	if err := c.RemoveRecording("rec_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Path("rec_1/chunk-000000.wav")); !os.IsNotExist(err) {
		t.Fatalf("file not removed: %v", err)
	}
}

func TestChecksumMismatchKeepsNothing(t *testing.T) {
	c, _ := recordingcache.New(t.TempDir())
	ctx := context.Background()
	if _, err := c.AppendUpload(ctx, "upl_2", 0, strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	err := c.CommitUpload(ctx, "upl_2", sum("abd"), "rec_2/a.wav")
	if !errors.Is(err, recording.ErrChecksumMismatch) {
		t.Fatalf("want checksum mismatch, got %v", err)
	}
	if sz, _ := c.UploadSize("upl_2"); sz != 0 {
		t.Fatalf("part kept: %d", sz)
	}
	if _, err := c.Open("rec_2/a.wav"); err == nil {
		t.Fatal("file stored despite mismatch")
	}
}

func TestPathTraversalRefused(t *testing.T) {
	dir := t.TempDir()
	c, _ := recordingcache.New(filepath.Join(dir, "recordings"))
	ctx := context.Background()
	for _, id := range []string{"../x", "a/b", "", ".", "..", strings.Repeat("a", 200), "a b"} {
		if _, err := c.AppendUpload(ctx, id, 0, strings.NewReader("x"), 1); err == nil {
			t.Errorf("upload id %q accepted", id)
		}
		if err := c.RemoveRecording(id); err == nil {
			t.Errorf("recording id %q accepted", id)
		}
	}
	_, _ = c.AppendUpload(ctx, "upl_3", 0, strings.NewReader("x"), 1)
	for _, rel := range []string{"../escape.wav", "rec/../../x", "rec/.hidden", "rec", "/abs/x", "rec/a/b"} {
		if err := c.CommitUpload(ctx, "upl_3", sum("x"), rel); err == nil {
			t.Errorf("rel %q accepted", rel)
		}
		if _, err := c.Open(rel); err == nil {
			t.Errorf("open %q accepted", rel)
		}
		if p := c.Path(rel); !strings.HasPrefix(p, c.Dir()) {
			t.Errorf("path %q escapes: %s", rel, p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "escape.wav")); !os.IsNotExist(err) {
		t.Fatal("escaped the cache")
	}
}

func TestSweepUploadsRemovesOnlyIdlePartFiles(t *testing.T) {
	c, err := recordingcache.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, id := range []string{"upl_old", "upl_new"} {
		if _, err := c.AppendUpload(ctx, id, 0, strings.NewReader("0123456789"), 10); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(c.Dir(), ".uploads", "upl_old.part"), past, past); err != nil {
		t.Fatal(err)
	}
	files, bytes, err := c.SweepUploads(24*time.Hour, time.Now())
	if err != nil || files != 1 || bytes != 10 {
		t.Fatalf("swept %d files, %d bytes, %v", files, bytes, err)
	}
	if n, _ := c.UploadSize("upl_old"); n != 0 {
		t.Errorf("the idle upload still holds %d bytes", n)
	}
	if n, _ := c.UploadSize("upl_new"); n != 10 {
		t.Errorf("the active upload holds %d bytes, want 10", n)
	}
}

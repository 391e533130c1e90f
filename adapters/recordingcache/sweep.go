package recordingcache

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SweepUploads removes partial upload files not written to for longer
// than idle: uploads replaced by a re-rendered file, or left by a
// discarded recording. It is always safe: an agent still holding such an
// upload is answered receivedBytes 0 on its next PUT and sends from the
// start. It returns the files and bytes removed.
func (c *Cache) SweepUploads(idle time.Duration, now time.Time) (files int, bytes int64, err error) {
	entries, err := os.ReadDir(filepath.Join(c.dir, uploadsDir))
	if err != nil {
		return 0, 0, err
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".part")
		if !ok || !validID(id) {
			continue
		}
		unlock := c.lock(id) // never under a running append or commit
		info, err := os.Stat(c.partPath(id))
		if err == nil && now.Sub(info.ModTime()) > idle && os.Remove(c.partPath(id)) == nil {
			files++
			bytes += info.Size()
		}
		unlock()
	}
	return files, bytes, nil
}

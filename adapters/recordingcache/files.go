package recordingcache

import (
	"context"
	"io"
	"os"
)

// fileRange is an open stored file.
type fileRange struct {
	*os.File
	size int64
}

// Size implements ports.FileRange.
func (f *fileRange) Size() int64 { return f.size }

// readerCtx stops a read loop when ctx ends.
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

// Read implements io.Reader, failing once the context has ended.
func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs directories
	return nil
}

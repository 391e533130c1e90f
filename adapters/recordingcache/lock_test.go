package recordingcache

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestUploadLockIsExclusiveAndForgotten: goroutines taking and releasing
// the same upload's lock (as appends, commits, discards and the sweep do)
// never hold it two at a time, and the lock leaves the map once the last
// one is done. Before the lock was reference-counted, a commit dropping it
// from the map while another call waited let a third create a second
// mutex for the same upload.
func TestUploadLockIsExclusiveAndForgotten(t *testing.T) {
	c, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var inside, worst atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for range 200 {
				unlock := c.lock("up_1")
				n := inside.Add(1)
				if n > worst.Load() {
					worst.Store(n)
				}
				inside.Add(-1)
				unlock()
			}
		})
	}
	wg.Wait()
	if worst.Load() != 1 {
		t.Fatalf("%d holders at once", worst.Load())
	}
	c.mu.Lock()
	left := len(c.locks)
	c.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d locks left in the map", left)
	}
}

package library

import "sync"

// layoutCache remembers the WAV layout of chunk files: a chunk file is
// immutable (named after its digest), and an <audio> element seeking
// through a long recording asks for the whole concatenation again with
// every Range request. Bounded; emptied when full.
type layoutCache struct {
	mu sync.Mutex
	m  map[string]wavLayout
}

// maxLayouts bounds a layoutCache (≈ 100 bytes an entry).
const maxLayouts = 20000

func (c *layoutCache) get(rel string) (wavLayout, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.m[rel]
	return l, ok
}

func (c *layoutCache) put(rel string, l wavLayout) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxLayouts {
		c.m = map[string]wavLayout{}
	}
	c.m[rel] = l
}

package analysis

// block is one decoded block of audio, one slice per channel.
type block struct {
	planar [][]float32
	n      int   // sample frames in the block; 0 at the end
	err    error // why the stream ended, when n == 0
}

// reader reads and decodes blocks ahead on its own goroutine, with two
// blocks in flight: one being metered, one being filled.
type reader struct {
	filled chan *block
	free   chan *block
	done   chan struct{}
}

func startReader(src Source, channels, frames int) *reader {
	r := &reader{filled: make(chan *block, 2), free: make(chan *block, 2), done: make(chan struct{})}
	for i := 0; i < 2; i++ {
		b := &block{planar: make([][]float32, channels)}
		for c := range b.planar {
			b.planar[c] = make([]float32, frames)
		}
		r.free <- b
	}
	go func() {
		for {
			var b *block
			select {
			case b = <-r.free:
			case <-r.done:
				return
			}
			b.n, b.err = src.Next(frames)
			for c := 0; c < channels && b.n > 0; c++ {
				src.Decode(c, b.planar[c][:b.n])
			}
			r.filled <- b
			if b.n == 0 {
				return
			}
		}
	}()
	return r
}

// next returns the next block; a block with n == 0 ends the stream.
func (r *reader) next() *block { return <-r.filled }

// release hands a metered block back for refilling.
func (r *reader) release(b *block) { r.free <- b }

// stop ends the read-ahead goroutine.
func (r *reader) stop() { close(r.done) }

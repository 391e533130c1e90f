package analysis

import "github.com/rakkr/rakkr/domain/quality"

// block is one block of audio: raw as read, then decoded one slice per
// channel, with the per-frame readings of its channels once metered.
type block struct {
	raw      []byte
	planar   [][]float32
	n        int   // sample frames in the block; 0 at the end
	err      error // why the stream ended, when n == 0
	readings [][]quality.ChannelMetrics
}

// blocksInFlight: one being reported, one being metered, one being read.
const blocksInFlight = 3

// reader reads and decodes blocks ahead on its own goroutine.
type reader struct {
	filled chan *block
	free   chan *block
	done   chan struct{}
}

func startReader(src Source, channels, frames, framesPerBlock int) *reader {
	r := &reader{filled: make(chan *block, blocksInFlight), free: make(chan *block, blocksInFlight), done: make(chan struct{})}
	for i := 0; i < blocksInFlight; i++ {
		b := &block{planar: make([][]float32, channels), readings: make([][]quality.ChannelMetrics, framesPerBlock)}
		for c := range b.planar {
			b.planar[c] = make([]float32, frames)
		}
		for k := range b.readings {
			b.readings[k] = make([]quality.ChannelMetrics, channels)
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
			b.raw, b.n, b.err = src.ReadRaw(b.raw, frames)
			for c := 0; c < channels && b.n > 0; c++ {
				src.DecodeRaw(b.raw, c, 0, b.n, b.planar[c])
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

// release hands a reported block back for refilling.
func (r *reader) release(b *block) { r.free <- b }

// stop ends the read-ahead goroutine.
func (r *reader) stop() { close(r.done) }

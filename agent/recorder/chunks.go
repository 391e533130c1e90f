package recorder

import (
	"os"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// chunker writes the timeline into chunk files: chunk i holds exactly the
// frames [i·size, (i+1)·size). A full chunk is closed lazily, when the next
// frame arrives, so that the last chunk of a capture is always the open one
// and can be marked Final.
type chunker struct {
	files     ports.PCMFiles
	dir, stem string
	size      int64 // frames per chunk; 0: unbounded
	format    pcm.Format
	handOver  func(ClosedChunk)

	cur       ports.PCMFile // the open chunk, nil before the first frame
	curPath   string
	curClosed bool // Close was called on cur (and failed)
	index     int  // cur's index
	offset    int64
	gaps      []Gap // cur's gaps
	pos       int64 // frames on the timeline
	allGaps   []Gap
	paths     []string // every file created
	zeros     []float32
}

// put appends interleaved frames; gap names the reason when they are the
// silence standing in for lost audio.
func (c *chunker) put(samples []float32, gap string) error {
	ch := c.format.Channels
	for len(samples) >= ch {
		if c.cur != nil && c.size > 0 && c.pos-c.offset == c.size {
			if err := c.rotate(); err != nil {
				return err
			}
		}
		if c.cur == nil {
			f, path, err := c.create(0)
			if err != nil {
				return err
			}
			c.cur, c.curPath, c.index, c.offset = f, path, 0, c.pos
		}
		n := int64(len(samples) / ch)
		if c.size > 0 {
			n = min(n, c.size-(c.pos-c.offset))
		}
		if err := c.cur.Write(samples[:n*int64(ch)]); err != nil {
			return err
		}
		if gap != "" {
			c.gaps = addGap(c.gaps, Gap{AtFrame: c.pos, Frames: n, Reason: gap})
			c.allGaps = addGap(c.allGaps, Gap{AtFrame: c.pos, Frames: n, Reason: gap})
		}
		c.pos += n
		samples = samples[n*int64(ch):]
	}
	return nil
}

// silence appends n frames of silence standing in for lost audio.
func (c *chunker) silence(n int64, reason string) error {
	const piece = 4096
	if c.zeros == nil {
		c.zeros = make([]float32, piece*c.format.Channels)
	}
	for n > 0 {
		k := min(n, piece)
		if err := c.put(c.zeros[:k*int64(c.format.Channels)], reason); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// addGap appends g, merging it with a contiguous gap of the same reason.
func addGap(gaps []Gap, g Gap) []Gap {
	if n := len(gaps); n > 0 && gaps[n-1].Reason == g.Reason && gaps[n-1].AtFrame+gaps[n-1].Frames == g.AtFrame {
		gaps[n-1].Frames += g.Frames
		return gaps
	}
	return append(gaps, g)
}

// create creates chunk index's file.
func (c *chunker) create(index int) (ports.PCMFile, string, error) {
	path := ChunkPath(c.dir, c.stem, index)
	f, err := c.files.CreatePCM(path, c.format)
	if err != nil {
		return nil, "", err
	}
	c.paths = append(c.paths, path)
	return f, path, nil
}

// rotate closes the full open chunk and opens the next one. The next file
// is created first: when that fails, the open chunk is still intact and
// the failure path closes it as the final one.
func (c *chunker) rotate() error {
	next, path, err := c.create(c.index + 1)
	if err != nil {
		return err
	}
	if err := c.cur.Close(); err != nil {
		_ = next.Close()
		_ = os.Remove(path)
		c.curClosed = true
		return err
	}
	c.give(false)
	c.cur, c.curPath, c.curClosed, c.index, c.offset, c.gaps = next, path, false, c.index+1, c.pos, nil
	return nil
}

// give hands the open chunk over as closed.
func (c *chunker) give(final bool) {
	cc := ClosedChunk{
		Index: c.index, OffsetFrames: c.offset, Frames: c.pos - c.offset,
		SampleRate: c.format.SampleRate, Channels: c.format.Channels,
		RawPath: c.curPath, Final: final, Gaps: c.gaps,
	}
	if c.handOver != nil {
		c.handOver(cc)
	}
}

// sync flushes the open chunk to disk.
func (c *chunker) sync() error {
	if c.cur == nil || c.curClosed {
		return nil
	}
	return c.cur.Sync()
}

// finish closes the open chunk and, when final, hands it over marked
// Final (a failing Close then goes through salvage). Without final the
// chunk is left on disk for restart recovery. Close's error is returned.
func (c *chunker) finish(final bool) error {
	if c.cur == nil {
		return nil
	}
	if err := c.cur.Close(); err != nil {
		c.curClosed = true
		if final {
			c.salvage()
		} else {
			c.cur = nil // left to restart recovery
		}
		return err
	}
	if final {
		c.give(true)
	}
	c.cur = nil
	return nil
}

// salvage ends the open chunk after a write failure: closed as far as it
// can be, repaired, and handed over as Final with the frames that reached
// the disk; a file that cannot be repaired (or holds nothing) is removed.
func (c *chunker) salvage() {
	if c.cur == nil {
		return
	}
	if !c.curClosed {
		_ = c.cur.Close()
	}
	c.cur = nil
	frames, err := c.files.RepairPCM(c.curPath)
	frames = min(frames, c.pos-c.offset)
	if err != nil || frames <= 0 {
		_ = os.Remove(c.curPath)
		frames = 0
	}
	c.pos = c.offset + frames
	c.gaps, c.allGaps = clipGaps(c.gaps, c.pos), clipGaps(c.allGaps, c.pos)
	if frames > 0 {
		c.give(true)
	}
}

// clipGaps cuts gaps at frame end.
func clipGaps(gaps []Gap, end int64) []Gap {
	out := gaps[:0]
	for _, g := range gaps {
		if g.AtFrame >= end {
			continue
		}
		g.Frames = min(g.Frames, end-g.AtFrame)
		out = append(out, g)
	}
	return out
}

// discard closes the open chunk and removes every file created.
func (c *chunker) discard() {
	if c.cur != nil && !c.curClosed {
		_ = c.cur.Close()
	}
	c.cur = nil
	for _, p := range c.paths {
		_ = os.Remove(p)
	}
}

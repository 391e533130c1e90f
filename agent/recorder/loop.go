package recorder

import (
	"context"
	"fmt"
	"time"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// loop is the state of the capture goroutine.
type loop struct {
	c         *chunker // nil until the first block
	started   bool
	next      int64 // hub index expected next
	lost      bool  // the device is lost
	resumed   bool  // it came back: the next block reports the recovery
	stalled   bool
	missed    bool // blocks were dropped since the last block written
	lastBlock time.Time
	lastXrun  time.Time
	lastOver  time.Time
	buf       []float32
}

// run is the capture goroutine.
func (r *Recorder) run(ctx context.Context) {
	defer close(r.done)
	defer r.sub.Close()
	l := &loop{lastBlock: time.Now()}
	r.result.StartedAt = l.lastBlock
	tick := time.NewTicker(syncInterval)
	defer tick.Stop()
	for {
		select {
		case m, ok := <-r.sub.C():
			if !ok {
				if ctx.Err() != nil {
					r.interrupt(l)
				} else {
					r.end(l, ReasonDeviceLost, errs.New(errs.KindUnavailable, "recorder.captureEnded", "the capture stream ended"))
				}
				return
			}
			if r.message(l, m) {
				return
			}
		case <-r.stopCh:
			if r.cancel.Load() {
				r.discard(l)
			} else {
				r.end(l, ReasonStopped, nil)
			}
			return
		case <-ctx.Done():
			r.interrupt(l)
			return
		case now := <-tick.C:
			if r.tick(l, now) {
				return
			}
		}
	}
}

// message handles one hub message and reports whether the capture ended.
func (r *Recorder) message(l *loop, m capture.Message) bool {
	if m.MissedFrames > 0 { // this loop fell behind: blocks were dropped for it
		now := time.Now()
		if now.Sub(l.lastOver) >= burstWindow {
			r.emit(EventOverflow, agentapi.SeverityWarning, "", map[string]any{"missedFrames": m.MissedFrames})
		}
		l.lastOver, l.missed = now, true
	}
	switch m.Kind {
	case capture.KindBlock:
		return r.block(l, m)
	case capture.KindXrun:
		now := time.Now()
		if now.Sub(l.lastXrun) >= burstWindow {
			r.emit(EventXrun, agentapi.SeverityWarning, "", map[string]any{"error": errText(m.Err)})
		}
		l.lastXrun = now
	case capture.KindDeviceLost:
		if !l.lost && !l.resumed { // once per outage
			r.emit(EventDeviceLost, agentapi.SeverityCritical, "", map[string]any{"error": errText(m.Err)})
		}
		l.lost, l.lastBlock = true, time.Now()
	case capture.KindDeviceResumed:
		l.resumed = l.resumed || l.lost
		l.lost, l.lastBlock = false, time.Now()
	}
	return false
}

// block writes one block's selected channels, preceded by silence for any
// audio lost before it, and reports whether the capture ended.
func (r *Recorder) block(l *loop, m capture.Message) bool {
	b := m.Block
	l.lastBlock = time.Now()
	if l.stalled {
		l.stalled = false
		r.emit(EventStalledRecovered, agentapi.SeverityInfo, EventStalled, nil)
	}
	if !l.started {
		if err := r.fits(b.Format, pcm.Format{}); err != nil {
			return r.formatChanged(l, err)
		}
		l.started, l.next = true, b.Index
		r.result.StartedAt, r.result.SampleRate = b.CapturedAt, b.Format.SampleRate
		l.c = &chunker{files: r.files, dir: r.spec.Dir, stem: r.spec.FileStem, size: r.spec.ChunkFrames,
			format:   pcm.Format{SampleRate: b.Format.SampleRate, Channels: len(r.sources)},
			handOver: r.handOver}
	} else if err := r.fits(b.Format, l.c.format); err != nil {
		return r.formatChanged(l, err)
	}
	gap := b.Index - l.next
	var gapFrames int64
	if gap > 0 {
		reason := GapXrun
		switch {
		case l.lost || l.resumed:
			reason = GapDeviceLost
		case l.missed:
			reason = GapOverflow
		}
		gapFrames = r.room(l, gap)
		if err := l.c.silence(gapFrames, reason); err != nil {
			return r.failed(l, err)
		}
	}
	if l.resumed {
		r.emit(EventDeviceRecovered, agentapi.SeverityInfo, EventDeviceLost, map[string]any{"gapFrames": gapFrames})
	}
	l.lost, l.resumed, l.missed = false, false, false
	skip := max(0, -gap) // overlapping frames (never from the hub) are dropped
	frames := max(0, int64(b.Frames())-skip)
	frames = r.room(l, frames)
	l.buf = r.selectChannels(l.buf, b, int(skip), int(frames))
	if err := l.c.put(l.buf, ""); err != nil {
		return r.failed(l, err)
	}
	l.next = b.End()
	r.frames.Store(l.c.pos)
	if r.spec.MaxFrames > 0 && l.c.pos >= r.spec.MaxFrames {
		r.end(l, ReasonDurationReached, nil)
		r.result.EndedAt = b.CapturedAt.Add(b.Format.Duration(skip + frames))
		return true
	}
	return false
}

// room caps n to what MaxFrames still allows.
func (r *Recorder) room(l *loop, n int64) int64 {
	if r.spec.MaxFrames > 0 {
		return min(n, r.spec.MaxFrames-l.c.pos)
	}
	return n
}

// fits checks a block's format against the selection and the format
// recorded so far (zero before the first block).
func (r *Recorder) fits(f, rec pcm.Format) error {
	if r.top > f.Channels {
		return errs.Conflict("recorder.formatChanged", fmt.Sprintf("channel %d is selected but the interface delivers %d", r.top, f.Channels))
	}
	if rec.SampleRate != 0 && f.SampleRate != rec.SampleRate {
		return errs.Conflict("recorder.formatChanged", fmt.Sprintf("the interface changed from %d Hz to %d Hz", rec.SampleRate, f.SampleRate))
	}
	return nil
}

// selectChannels copies frames [skip, skip+n) of b's selected columns, in
// entry order, into dst.
func (r *Recorder) selectChannels(dst []float32, b ports.AudioBlock, skip, n int) []float32 {
	in, out := b.Format.Channels, len(r.sources)
	if cap(dst) < n*out {
		dst = make([]float32, n*out)
	}
	dst = dst[:n*out]
	for f := range n {
		src := b.Samples[(skip+f)*in : (skip+f+1)*in]
		o := dst[f*out : (f+1)*out]
		for i, s := range r.sources {
			o[i] = src[s-1]
		}
	}
	return dst
}

// tick syncs the open chunk, watches for stalls and free space, and
// reports whether the capture ended.
func (r *Recorder) tick(l *loop, now time.Time) bool {
	if !l.lost && !l.stalled && now.Sub(l.lastBlock) >= stallTimeout {
		l.stalled = true
		r.emit(EventStalled, agentapi.SeverityCritical, "", map[string]any{"secondsWithoutAudio": int(now.Sub(l.lastBlock).Seconds())})
	}
	if l.c == nil {
		return false
	}
	if err := l.c.sync(); err != nil {
		return r.failed(l, err)
	}
	if r.disk == nil {
		return false
	}
	if free, err := r.disk.FreeBytes(r.spec.Dir); err == nil && free < r.spec.MinFreeBytes {
		r.emit(EventDiskFull, agentapi.SeverityCritical, "", map[string]any{"freeBytes": free, "minFreeBytes": r.spec.MinFreeBytes})
		r.end(l, ReasonDiskFull, errs.New(errs.KindUnavailable, "recorder.diskFull",
			fmt.Sprintf("free disk space fell under the floor (%d < %d bytes)", free, r.spec.MinFreeBytes)))
		return true
	}
	return false
}

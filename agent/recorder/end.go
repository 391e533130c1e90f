package recorder

import (
	"errors"
	"syscall"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// handOver counts a closed chunk and passes it to onChunk.
func (r *Recorder) handOver(cc ClosedChunk) {
	r.chunks.Add(1)
	if r.onChunk != nil {
		r.onChunk(cc)
	}
}

// end finishes the capture normally: the open chunk is closed as Final.
func (r *Recorder) end(l *loop, reason string, err error) {
	if l.c != nil {
		if cerr := l.c.finish(true); cerr != nil {
			r.writeFailed(l, cerr)
			return
		}
	}
	r.conclude(l, reason, err)
}

// failed ends the capture after a write error.
func (r *Recorder) failed(l *loop, err error) bool {
	l.c.salvage()
	r.writeFailed(l, err)
	return true
}

// writeFailed reports a write error (the open chunk already salvaged) and
// concludes with ReasonDiskFull.
func (r *Recorder) writeFailed(l *loop, err error) {
	typ, code, msg := EventWriteFailed, "recorder.writeFailed", "writing the recording failed"
	if errors.Is(err, syscall.ENOSPC) {
		typ, code, msg = EventDiskFull, "recorder.diskFull", "the disk is full"
	}
	r.emit(typ, agentapi.SeverityCritical, "", map[string]any{"error": err.Error()})
	r.conclude(l, ReasonDiskFull, errs.Wrap(errs.KindUnavailable, code, msg, err))
}

// formatChanged ends the capture when the device's format no longer fits.
func (r *Recorder) formatChanged(l *loop, err error) bool {
	r.emit(EventFormatChanged, agentapi.SeverityCritical, "", map[string]any{"error": err.Error()})
	r.end(l, ReasonDeviceLost, err)
	return true
}

// interrupt closes the open chunk without handing it over or marking it
// Final: restart recovery takes over.
func (r *Recorder) interrupt(l *loop) {
	if l.c != nil {
		_ = l.c.finish(false)
	}
	r.conclude(l, ReasonInterrupted, nil)
}

// discard removes every file of the job.
func (r *Recorder) discard(l *loop) {
	if l.c != nil {
		l.c.discard()
	}
	r.conclude(l, ReasonCancelled, nil)
}

// conclude fills the result.
func (r *Recorder) conclude(l *loop, reason string, err error) {
	r.result.Reason, r.err = reason, err
	r.result.EndedAt = time.Now()
	r.result.Chunks = int(r.chunks.Load())
	if l.c != nil {
		r.result.Frames = l.c.pos
		r.result.Gaps = append([]Gap(nil), l.c.allGaps...)
	}
	r.frames.Store(r.result.Frames)
}

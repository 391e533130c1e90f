package capture

import (
	"sync/atomic"

	"github.com/rakkr/rakkr/ports"
)

// Kind says what a Message carries.
type Kind int

// The message kinds.
const (
	// KindBlock carries a block of audio.
	KindBlock Kind = iota + 1
	// KindXrun reports that the device lost samples (Err is a
	// *ports.XrunError); capture continues and the next block has the Gap.
	KindXrun
	// KindDeviceLost reports that the device failed or cannot be opened
	// (Err says why); the hub keeps trying to reopen it.
	KindDeviceLost
	// KindDeviceResumed reports that the device is open again; the next
	// block is a Discontinuity whose Gap covers the time it was away.
	KindDeviceResumed
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case KindBlock:
		return "block"
	case KindXrun:
		return "xrun"
	case KindDeviceLost:
		return "deviceLost"
	case KindDeviceResumed:
		return "deviceResumed"
	}
	return "unknown"
}

// Message is what a listener receives from the hub.
type Message struct {
	Kind Kind
	// Block is the audio of a KindBlock message; its Samples are shared with
	// every other listener and must not be modified.
	Block ports.AudioBlock
	// Err explains KindXrun and KindDeviceLost.
	Err error
	// MissedBlocks and MissedFrames count the blocks this listener lost
	// right before this message because its channel was full.
	MissedBlocks int64
	MissedFrames int64
}

// maxPending bounds the status messages held for a listener whose channel
// is full; beyond it the oldest are dropped.
const maxPending = 64

// Subscription is one listener's feed. Read from C until it is closed
// (after Close, or when the hub stops).
type Subscription struct {
	hub *Hub
	ch  chan Message

	// Touched only by the hub with its mutex held.
	pending      []Message
	missedBlocks int64
	missedFrames int64
	closed       bool

	totalBlocks atomic.Int64
	totalFrames atomic.Int64
}

// C returns the channel of messages.
func (s *Subscription) C() <-chan Message { return s.ch }

// Missed returns how many blocks (and frames) this listener has lost in
// total because it did not keep up.
func (s *Subscription) Missed() (blocks, frames int64) {
	return s.totalBlocks.Load(), s.totalFrames.Load()
}

// Close unsubscribes; C is closed. It is safe to call more than once.
func (s *Subscription) Close() { s.hub.unsubscribe(s) }

// deliver hands m to the listener without ever blocking: pending status
// messages go first (to keep the order), and a block that does not fit is
// counted as missed and reported with the next message that does fit.
func (s *Subscription) deliver(m Message) {
	if s.closed {
		return
	}
	if s.flush() && s.try(m) {
		return
	}
	if m.Kind == KindBlock {
		n := int64(m.Block.Frames())
		s.missedBlocks++
		s.missedFrames += n
		s.totalBlocks.Add(1)
		s.totalFrames.Add(n)
		return
	}
	if len(s.pending) == maxPending {
		s.pending = s.pending[1:]
	}
	s.pending = append(s.pending, m)
}

// flush sends pending status messages and reports whether none is left.
func (s *Subscription) flush() bool {
	for len(s.pending) > 0 {
		if !s.try(s.pending[0]) {
			return false
		}
		s.pending[0] = Message{}
		s.pending = s.pending[1:]
	}
	return true
}

// try sends m with the loss count attached, if the channel has room.
func (s *Subscription) try(m Message) bool {
	m.MissedBlocks, m.MissedFrames = s.missedBlocks, s.missedFrames
	select {
	case s.ch <- m:
		s.missedBlocks, s.missedFrames = 0, 0
		return true
	default:
		return false
	}
}

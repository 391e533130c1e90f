package capture_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/ports"
)

// run starts h and stops it at cleanup, checking that Run returns.
func run(t *testing.T, h *capture.Hub) context.CancelFunc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("Hub.Run did not return after cancel")
		}
	})
	return cancel
}

// next returns the next message or fails after a timeout.
func next(t *testing.T, s *capture.Subscription) capture.Message {
	t.Helper()
	select {
	case m, ok := <-s.C():
		if !ok {
			t.Fatal("subscription closed")
		}
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5 s")
	}
	return capture.Message{}
}

// blocks reads n block messages, failing on anything else.
func blocks(t *testing.T, s *capture.Subscription, n int) []ports.AudioBlock {
	t.Helper()
	var out []ports.AudioBlock
	for len(out) < n {
		m := next(t, s)
		if m.Kind != capture.KindBlock {
			t.Fatalf("message %d: %v (%v), want a block", len(out), m.Kind, m.Err)
		}
		out = append(out, m.Block)
	}
	return out
}

func TestTwoListenersGetIdenticalBlocksFromOneOpen(t *testing.T) {
	o := &fakeOpener{frames: 96, period: time.Millisecond, plans: []plan{{}}}
	h := capture.NewHub(o, capture.Config{})
	a, b := h.Subscribe(256), h.Subscribe(256)
	run(t, h)
	ga, gb := blocks(t, a, 50), blocks(t, b, 50)
	for i := range ga {
		if ga[i].Index != int64(i*96) || ga[i].Index != gb[i].Index || &ga[i].Samples[0] != &gb[i].Samples[0] {
			t.Fatalf("block %d: index %d / %d, shared samples %v", i, ga[i].Index, gb[i].Index, &ga[i].Samples[0] == &gb[i].Samples[0])
		}
	}
	if o.Attempts() != 1 || h.Stats().Opens != 1 {
		t.Fatalf("device opened %d times (hub says %d), want once", o.Attempts(), h.Stats().Opens)
	}
}

func TestBlockedListenerNeitherStallsOthersNorMissesSilently(t *testing.T) {
	o := &fakeOpener{frames: 48, period: time.Millisecond, plans: []plan{{}}}
	h := capture.NewHub(o, capture.Config{})
	slow, fast := h.Subscribe(4), h.Subscribe(512)
	run(t, h)
	got := blocks(t, fast, 200) // slow reads nothing meanwhile
	for i, b := range got {
		if b.Index != int64(i*48) {
			t.Fatalf("fast listener: block %d has index %d: it was held up or lost blocks", i, b.Index)
		}
	}
	// The slow listener finds its 4 oldest blocks, then a block that says
	// how many it missed; the index gap agrees.
	old := blocks(t, slow, 4)
	m := next(t, slow)
	if m.Kind != capture.KindBlock || m.MissedBlocks < 150 {
		t.Fatalf("after stalling: %v with %d missed blocks, want a block reporting ≥150", m.Kind, m.MissedBlocks)
	}
	if m.Block.Index != old[3].End()+m.MissedFrames || m.MissedFrames != 48*m.MissedBlocks {
		t.Fatalf("index %d after %d; missed %d blocks / %d frames", m.Block.Index, old[3].End(), m.MissedBlocks, m.MissedFrames)
	}
	if total, _ := slow.Missed(); total < m.MissedBlocks {
		t.Fatalf("Missed() = %d, less than reported %d", total, m.MissedBlocks)
	}
	if total, _ := fast.Missed(); total != 0 {
		t.Fatalf("fast listener missed %d blocks", total)
	}
}

func TestDeviceLossIsReportedAndTheHubReopens(t *testing.T) {
	unplugged := ports.DeviceUnavailable("fake", errors.New("no such device"))
	o := &fakeOpener{frames: 96, period: time.Millisecond, plans: []plan{
		{failAfter: 5}, {openErr: unplugged}, {openErr: unplugged}, {},
	}}
	h := capture.NewHub(o, capture.Config{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	s := h.Subscribe(256)
	run(t, h)
	before := blocks(t, s, 5)
	if m := next(t, s); m.Kind != capture.KindDeviceLost || !errors.Is(m.Err, ports.ErrDeviceUnavailable) {
		t.Fatalf("after the failure: %v %v, want deviceLost", m.Kind, m.Err)
	}
	if m := next(t, s); m.Kind != capture.KindDeviceResumed { // one lost message per outage
		t.Fatalf("then %v %v, want deviceResumed", m.Kind, m.Err)
	}
	after := blocks(t, s, 3)
	first := after[0]
	if !first.Discontinuity || first.Gap <= 0 || first.Index != before[4].End()+first.Gap {
		t.Fatalf("first block after reopen: index %d gap %d discontinuity %v; before it ended at %d", first.Index, first.Gap, first.Discontinuity, before[4].End())
	}
	if after[1].Index != first.End() || after[1].Discontinuity {
		t.Fatalf("second block after reopen: index %d, want %d", after[1].Index, first.End())
	}
	if o.Attempts() != 4 {
		t.Fatalf("%d open attempts, want 4", o.Attempts())
	}
	if st := h.Stats(); st.Opens != 2 || st.Failures != 3 || !st.Running {
		t.Fatalf("stats %+v", st)
	}
}

func TestAFullListenerStillLearnsTheDeviceIsLost(t *testing.T) {
	gone := ports.DeviceUnavailable("fake", errors.New("unplugged"))
	o := &fakeOpener{frames: 96, period: time.Millisecond, plans: []plan{{failAfter: 10}, {openErr: gone}}}
	h := capture.NewHub(o, capture.Config{MinBackoff: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond})
	s := h.Subscribe(2)
	run(t, h)
	for deadline := time.Now().Add(5 * time.Second); h.Stats().Failures < 2; { // it failed while s was full, and stays away
		if time.Now().After(deadline) {
			t.Fatalf("stats %+v", h.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
	blocks(t, s, 2)
	m := next(t, s) // no block will come to carry the news
	if m.Kind != capture.KindDeviceLost || m.MissedBlocks != 8 {
		t.Fatalf("got %v with %d missed blocks, want deviceLost after 8 missed", m.Kind, m.MissedBlocks)
	}
}

func TestOverrunsReachListeners(t *testing.T) {
	o := &fakeOpener{frames: 96, period: time.Millisecond, plans: []plan{{xrunAt: 3}}}
	h := capture.NewHub(o, capture.Config{})
	s := h.Subscribe(64)
	run(t, h)
	got := blocks(t, s, 3)
	m := next(t, s)
	var x *ports.XrunError
	if m.Kind != capture.KindXrun || !errors.As(m.Err, &x) || x.LostFrames != 1000 {
		t.Fatalf("got %v %v, want an xrun of 1000 frames", m.Kind, m.Err)
	}
	b := blocks(t, s, 1)[0]
	if b.Gap != 1000 || b.Index != got[2].End()+1000 {
		t.Fatalf("block after xrun: index %d gap %d", b.Index, b.Gap)
	}
	if h.Stats().Xruns != 1 {
		t.Fatalf("stats %+v", h.Stats())
	}
}

func TestSubscriptionsCloseOnUnsubscribeAndStop(t *testing.T) {
	o := &fakeOpener{frames: 96, period: time.Millisecond, plans: []plan{{}}}
	h := capture.NewHub(o, capture.Config{})
	a, b := h.Subscribe(8), h.Subscribe(8)
	stop := run(t, h)
	blocks(t, a, 2)
	a.Close()
	a.Close()
	drainClosed(t, a)
	stop()
	drainClosed(t, b)
	if late := h.Subscribe(1); !isClosed(late) {
		t.Fatal("subscription to a stopped hub is open")
	}
}

func drainClosed(t *testing.T, s *capture.Subscription) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-s.C():
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("subscription not closed")
		}
	}
}

func isClosed(s *capture.Subscription) bool {
	select {
	case _, ok := <-s.C():
		return !ok
	default:
		return false
	}
}

func TestRegistryRunsOneHubPerInterface(t *testing.T) {
	o := &fakeOpener{frames: 96, period: time.Millisecond, plans: []plan{{}}}
	r := capture.NewRegistry(context.Background())
	defer r.Stop()
	h1 := r.Hub("usb:1397:0509:ABC:pcm0", o, capture.Config{})
	h2 := r.Hub("usb:1397:0509:ABC:pcm0", o, capture.Config{})
	if h1 != h2 {
		t.Fatal("two hubs for one interface")
	}
	a, b := h1.Subscribe(16), h2.Subscribe(16)
	blocks(t, a, 3)
	blocks(t, b, 3)
	if o.Attempts() != 1 {
		t.Fatalf("%d opens, want 1", o.Attempts())
	}
	if got, ok := r.Lookup("usb:1397:0509:ABC:pcm0"); !ok || got != h1 {
		t.Fatal("lookup failed")
	}
}

package recorder

import (
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// shorten makes the loop's timers fast for one test.
func shorten(t *testing.T) {
	s, y, b := stallTimeout, syncInterval, burstWindow
	stallTimeout, syncInterval, burstWindow = 150*time.Millisecond, 10*time.Millisecond, time.Second
	t.Cleanup(func() { stallTimeout, syncInterval, burstWindow = s, y, b })
}

func TestWriteFailureEndsDiskFullKeepingWhatIsOnDisk(t *testing.T) {
	r := newRig(t, quad, []int{1}, 1000)
	r.files.failAfter = 2300
	r.start()
	r.play(blocksOf(500, 500, 500, 500, 300, 500)...) // the block after 2300 frames fails
	res, err := r.result()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != "recorder.diskFull" || res.Reason != ReasonDiskFull || res.Frames != 2300 {
		t.Fatalf("result %+v, %v", res, err)
	}
	sameSamples(t, r.timeline(), expect(nil, 0, 2300, []int{1}, false))
	c := r.closed()
	if len(c) != 3 || c[2].Frames != 300 || !c[2].Final || c[1].Final {
		t.Fatalf("chunks %+v", c)
	}
	if ev := r.events.of(EventDiskFull); len(ev) != 1 || ev[0].Severity != agentapi.SeverityCritical {
		t.Fatalf("events %+v", ev)
	}
}

func TestUnreadablePartialChunkIsDropped(t *testing.T) {
	r := newRig(t, quad, []int{1}, 1000)
	r.files.failAfter, r.files.unrepairable = 1500, true
	r.start()
	r.play(blocksOf(500, 500, 500, 500)...)
	res, err := r.result()
	if err == nil || res.Reason != ReasonDiskFull || res.Frames != 1000 {
		t.Fatalf("result %+v, %v", res, err)
	}
	c := r.closed()
	if len(c) != 1 || c[0].Final {
		t.Fatalf("chunks %+v", c)
	}
	if _, err := os.Stat(ChunkPath(r.spec.Dir, r.spec.FileStem, 1)); !os.IsNotExist(err) {
		t.Fatalf("the unreadable chunk is still there: %v", err)
	}
}

func TestFreeSpaceFloorEndsTheCapture(t *testing.T) {
	shorten(t)
	r := newRig(t, quad, []int{1}, 1000)
	r.start()
	r.play(blocksOf(1500)...)
	r.waitFrames(1500)
	r.disk.set(DefaultMinFreeBytes - 1)
	res, err := r.result()
	c := r.closed()
	if err == nil || res.Reason != ReasonDiskFull || len(c) != 2 || !c[1].Final || c[1].Frames != 500 {
		t.Fatalf("result %+v, %v; chunks %+v", res, err, c)
	}
	if ev := r.events.of(EventDiskFull); len(ev) != 1 {
		t.Fatalf("events %+v", ev)
	}
}

func TestStallIsRaisedAndRecovered(t *testing.T) {
	shorten(t)
	r := newRig(t, quad, []int{1}, 0)
	r.start()
	r.play(blocksOf(480)...)
	deadline := time.Now().Add(3 * time.Second)
	for len(r.events.of(EventStalled)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no stall event")
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.play(blocksOf(480)...)
	r.waitFrames(960)
	r.rec.Stop()
	if _, err := r.result(); err != nil {
		t.Fatal(err)
	}
	st, back := r.events.of(EventStalled), r.events.of(EventStalledRecovered)
	if len(st) != 1 || st[0].Severity != agentapi.SeverityCritical || len(back) != 1 || back[0].Resolves != EventStalled {
		t.Fatalf("stalled %+v, recovered %+v", st, back)
	}
}

func TestContextEndLeavesTheOpenChunkForRecovery(t *testing.T) {
	r := newRig(t, quad, []int{1}, 1000)
	r.start()
	r.play(blocksOf(1500)...)
	r.waitFrames(1500)
	r.cancel()
	res, err := r.result()
	c := r.closed()
	if err != nil || res.Reason != ReasonInterrupted || res.Frames != 1500 || len(c) != 1 || c[0].Final {
		t.Fatalf("result %+v, %v; chunks %+v", res, err, c)
	}
	got, closed := r.files.get(ChunkPath(r.spec.Dir, r.spec.FileStem, 1))
	if !closed || len(got) != 500 {
		t.Fatalf("open chunk: closed %v, %d samples", closed, len(got))
	}
}

func TestHubEndingClosesTheFinalChunk(t *testing.T) {
	r := newRig(t, quad, []int{1}, 0)
	r.start()
	r.play(blocksOf(480)...)
	r.waitFrames(480)
	r.stopHub()
	res, err := r.result()
	c := r.closed()
	if err == nil || res.Reason != ReasonDeviceLost || len(c) != 1 || !c[0].Final {
		t.Fatalf("result %+v, %v; chunks %+v", res, err, c)
	}
}

func TestFallingBehindIsAnOverflowGap(t *testing.T) {
	r := newRig(t, quad, []int{1}, 100)
	blocked, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	r.hook = func(ClosedChunk) { once.Do(func() { close(blocked); <-release }) } // the first hand-over blocks the loop
	r.start()
	r.play(blocksOf(100, 100)...)
	<-blocked
	sizes := make([]int, SubscriptionBuffer+44)
	for i := range sizes {
		sizes[i] = 10
	}
	r.play(blocksOf(sizes...)...)                    // 256 are queued, 44 dropped
	for r.hub.Stats().Blocks < int64(2+len(sizes)) { // every block was delivered or dropped
		time.Sleep(time.Millisecond)
	}
	close(release)
	r.waitFrames(2760) // the queue is drained
	r.play(blocksOf(10)...)
	r.waitFrames(200 + 2560 + 440 + 10)
	r.rec.Stop()
	res, err := r.result()
	if err != nil || len(res.Gaps) != 1 || res.Gaps[0] != (Gap{2760, 440, GapOverflow}) {
		t.Fatalf("result %+v, %v", res, err)
	}
	want := expect(nil, 0, 2760, []int{1}, false)
	want = expect(want, 0, 440, []int{1}, true)
	want = expect(want, 3200, 10, []int{1}, false)
	sameSamples(t, r.timeline(), want)
	if ev := r.events.of(EventOverflow); len(ev) != 1 || ev[0].Details["missedFrames"] != int64(440) {
		t.Fatalf("events %+v", ev)
	}
}

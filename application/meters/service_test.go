package meters_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/application/meters"
	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// meterClock is a settable clock.
type meterClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *meterClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *meterClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// meterCounts is a counting MeterObserver.
type meterCounts struct {
	mu                 sync.Mutex
	received, dropped  int
	rejected           map[string]int
	subscribersChanges int
}

func (m *meterCounts) MeterFrameReceived() { m.mu.Lock(); m.received++; m.mu.Unlock() }
func (m *meterCounts) MeterFrameRejected(r string) {
	m.mu.Lock()
	if m.rejected == nil {
		m.rejected = map[string]int{}
	}
	m.rejected[r]++
	m.mu.Unlock()
}
func (m *meterCounts) MeterFramesDropped(_ string, n int) { m.mu.Lock(); m.dropped += n; m.mu.Unlock() }
func (m *meterCounts) WSSubscribersChanged(d int) {
	m.mu.Lock()
	m.subscribersChanges += d
	m.mu.Unlock()
}

func meterFrame(node, iface string, at time.Time, channels int) agentapi.MeterFrame {
	f := agentapi.MeterFrame{NodeID: node, InterfaceID: iface, CapturedAt: at}
	for i := 1; i <= channels; i++ {
		f.Levels = append(f.Levels, agentapi.LevelFrame{ChannelIndex: i, Label: agentapi.ChannelLabel(i), RMSDBFS: -20, PeakDBFS: -6})
	}
	return f
}

func newMeterService(history int) (*meters.Service, *meterClock, *meterCounts) {
	clk := &meterClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	obs := &meterCounts{}
	return meters.New(meters.Config{History: history, Clock: clk, Observer: obs, Queue: 4}), clk, obs
}

func TestMeterIngestValidation(t *testing.T) {
	svc, clk, obs := newMeterService(10)
	now := clk.Now()
	dup := meterFrame("n1", "i1", now, 2)
	dup.Levels[1].ChannelIndex = 1
	cases := map[string]struct {
		f    agentapi.MeterFrame
		code string
	}{
		"mismatch":   {meterFrame("other", "i1", now, 1), "meter.nodeMismatch"},
		"tooMany":    {meterFrame("n1", "i1", now, meters.MaxLevels+1), "meter.tooManyLevels"},
		"noIface":    {meterFrame("n1", "", now, 1), "meter.invalid"},
		"noTime":     {meterFrame("n1", "i1", time.Time{}, 1), "meter.invalid"},
		"badChannel": {agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1", CapturedAt: now, Levels: []agentapi.LevelFrame{{ChannelIndex: 0}}}, "meter.invalid"},
		"duplicate":  {dup, "meter.invalid"},
	}
	for name, tc := range cases {
		err := svc.Ingest("n1", tc.f)
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != tc.code {
			t.Errorf("%s: got %v, want %s", name, err, tc.code)
		}
	}
	if obs.received != 0 || svc.Latest("n1") != nil {
		t.Fatalf("rejected frames were stored: %d", obs.received)
	}
	if err := svc.Ingest("n1", meterFrame("n1", "i1", now, meters.MaxLevels)); err != nil {
		t.Fatalf("512 levels refused: %v", err)
	}
}

func TestMeterLatestAndStale(t *testing.T) {
	svc, clk, _ := newMeterService(10)
	if err := svc.Ingest("n1", meterFrame("n1", "b", clk.Now(), 2)); err != nil {
		t.Fatal(err)
	}
	if err := svc.Ingest("n1", meterFrame("n1", "a", clk.Now(), 2)); err != nil {
		t.Fatal(err)
	}
	got := svc.Latest("n1")
	if len(got) != 2 || got[0].Frame.InterfaceID != "a" || got[0].Stale || got[1].Stale {
		t.Fatalf("latest: %+v", got)
	}
	if len(svc.Live()) != 2 {
		t.Fatal("live frames missing")
	}
	clk.advance(3 * time.Second)
	if got := svc.Latest("n1"); got[0].Stale {
		t.Fatal("stale at exactly 3 s")
	}
	clk.advance(time.Millisecond)
	got = svc.Latest("n1")
	if !got[0].Stale || !got[1].Stale || got[0].Age < 3*time.Second {
		t.Fatalf("not stale after 3 s: %+v", got)
	}
	if len(svc.Live()) != 0 {
		t.Fatal("stale frames reported live")
	}
	if svc.Latest("unknown") != nil {
		t.Fatal("unknown node has frames")
	}
	// A frame stamped in the future by a skewed agent ages from its arrival.
	if err := svc.Ingest("n1", meterFrame("n1", "a", clk.Now().Add(time.Hour), 1)); err != nil {
		t.Fatal(err)
	}
	clk.advance(4 * time.Second)
	if got := svc.Latest("n1"); !got[0].Stale {
		t.Fatal("future-stamped frame never goes stale")
	}
}

func TestMeterHistoryBounded(t *testing.T) {
	svc, clk, _ := newMeterService(5)
	base := clk.Now()
	for i := range 12 {
		if err := svc.Ingest("n1", meterFrame("n1", "i1", base.Add(time.Duration(i)*100*time.Millisecond), 1)); err != nil {
			t.Fatal(err)
		}
	}
	h := svc.History("n1", "i1")
	if len(h) != 5 {
		t.Fatalf("history has %d frames, want 5", len(h))
	}
	for i, f := range h {
		if want := base.Add(time.Duration(7+i) * 100 * time.Millisecond); !f.CapturedAt.Equal(want) {
			t.Fatalf("history[%d] = %v, want %v", i, f.CapturedAt, want)
		}
	}
	if got := svc.Latest("n1")[0].Frame.CapturedAt; !got.Equal(base.Add(1100 * time.Millisecond)) {
		t.Fatalf("latest %v", got)
	}
	svc.Forget("n1")
	if svc.Latest("n1") != nil || svc.History("n1", "i1") != nil {
		t.Fatal("forget kept frames")
	}
}

func TestMeterSlowSubscriberDoesNotBlockIngest(t *testing.T) {
	svc, clk, obs := newMeterService(10)
	sub := svc.Subscribe("n1")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 10 { // queue is 4: six frames are dropped, none blocks
			if err := svc.Ingest("n1", meterFrame("n1", "i1", clk.Now(), 1)); err != nil {
				t.Error(err)
			}
			clk.advance(100 * time.Millisecond)
		}
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("ingest blocked on a slow subscriber")
	}
	if obs.dropped != 6 {
		t.Fatalf("dropped %d, want 6", obs.dropped)
	}
	for range 4 {
		if d := <-sub.C(); d.Missed != 0 {
			t.Fatalf("queued frame reports missed %d", d.Missed)
		}
	}
	if err := svc.Ingest("n1", meterFrame("n1", "i1", clk.Now(), 1)); err != nil {
		t.Fatal(err)
	}
	if d := <-sub.C(); d.Missed != 6 {
		t.Fatalf("next delivery reports missed %d, want 6", d.Missed)
	}
	sub.Close()
	sub.Close()
	if svc.Subscribers() != 0 || sub.Err() != nil {
		t.Fatal("close left the subscription")
	}
}

func TestMeterSubscriberTooSlowIsDisconnected(t *testing.T) {
	svc, clk, _ := newMeterService(10)
	sub := svc.Subscribe("n1")
	other := svc.Subscribe("n2")
	defer other.Close()
	for range 5*10 + 15 { // more than 5 s of frames at 10/s without reading
		if err := svc.Ingest("n1", meterFrame("n1", "i1", clk.Now(), 1)); err != nil {
			t.Fatal(err)
		}
		clk.advance(100 * time.Millisecond)
	}
	n := 0
	for range sub.C() {
		n++
	}
	if n != 4 || !errors.Is(sub.Err(), meters.ErrTooSlow) {
		t.Fatalf("drained %d, err %v", n, sub.Err())
	}
	if svc.Subscribers() != 1 {
		t.Fatalf("subscribers %d", svc.Subscribers())
	}
}

// meterRooms grants node:read on node n1 and on channels listed.
type meterRooms struct{ channels map[string]bool }

func (m meterRooms) Decide(_ context.Context, _ access.Principal, perm access.Permission, t access.Ref) (access.Decision, error) {
	ok := perm == access.NodeRead && (t.Key() == "node:n1" || m.channels[t.Key()])
	return access.Decision{Allowed: ok, Permission: perm, Target: t}, nil
}

func TestMeterFilterLevels(t *testing.T) {
	f := meters.NewFilter(meterRooms{channels: map[string]bool{"channel:i1.2": true}}, access.Principal{ID: "u"}, 0, nil)
	fr := meterFrame("n1", "i1", time.Now(), 3)
	out, ok := f.Frame(context.Background(), fr)
	if !ok || len(out.Levels) != 1 || out.Levels[0].ChannelIndex != 2 || len(fr.Levels) != 3 {
		t.Fatalf("filtered %+v ok=%v", out.Levels, ok)
	}
	if _, ok := f.Frame(context.Background(), meterFrame("n2", "i1", time.Now(), 1)); ok {
		t.Fatal("frame of an unreadable node shown")
	}
	if _, ok := f.Frame(context.Background(), meterFrame("n1", "i9", time.Now(), 2)); ok {
		t.Fatal("frame without a readable channel shown")
	}
}

// A frame of a node the principal may not read reuses the denial until it
// expires: no new decision (and no allocation) per frame.
func TestMeterFilterReusesADenial(t *testing.T) {
	f := meters.NewFilter(meterRooms{}, access.Principal{ID: "u"}, time.Hour, nil)
	fr := meterFrame("n2", "i1", time.Now(), 2)
	if _, ok := f.Frame(context.Background(), fr); ok {
		t.Fatal("frame of an unreadable node shown")
	}
	if n := testing.AllocsPerRun(100, func() { f.Frame(context.Background(), fr) }); n != 0 {
		t.Fatalf("%v allocations per denied frame, want 0", n)
	}
}

package recorder

import (
	"errors"
	"os"
	"testing"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports/agentapi"
)

var quad = pcm.Format{SampleRate: 48000, Channels: 4}

func TestChunksAreSampleExact(t *testing.T) {
	r := newRig(t, quad, []int{3, 1}, 1000)
	r.start()
	sizes := []int{7, 333, 1001, 64, 2999, 1, 480, 997, 1500, 13}
	var total int64
	for range 3 {
		r.play(blocksOf(sizes...)...)
		for _, n := range sizes {
			total += int64(n)
		}
	}
	r.waitFrames(total)
	r.rec.Stop()
	res, err := r.result()
	if err != nil || res.Reason != ReasonStopped || res.Frames != total || len(res.Gaps) != 0 {
		t.Fatalf("result %+v, %v", res, err)
	}
	sameSamples(t, r.timeline(), expect(nil, 0, total, []int{3, 1}, false))
	chunks := r.closed()
	want := int((total + 999) / 1000)
	if len(chunks) != want || res.Chunks != want {
		t.Fatalf("%d chunks (result %d), want %d", len(chunks), res.Chunks, want)
	}
	for i, c := range chunks {
		last := i == len(chunks)-1
		if c.Final != last || c.SampleRate != 48000 || c.Channels != 2 || (!last && c.Frames != 1000) {
			t.Fatalf("chunk %d: %+v", i, c)
		}
	}
	if f, n := r.rec.Progress(); f != total || n != want {
		t.Fatalf("progress %d frames, %d chunks", f, n)
	}
}

func TestSelectsChannelsInEntryOrder(t *testing.T) {
	r := newRig(t, quad, []int{4, 2, 3}, 0)
	r.start()
	r.play(blocksOf(100, 50)...)
	r.waitFrames(150)
	r.rec.Stop()
	if res, err := r.result(); err != nil || res.Chunks != 1 {
		t.Fatalf("result %+v, %v", res, err)
	}
	got := r.timeline()
	sameSamples(t, got, expect(nil, 0, 150, []int{4, 2, 3}, false))
	if got[0] != 3 || got[1] != 1 || got[2] != 2 { // the integer part is the 0-based channel
		t.Fatalf("first frame %v", got[:3])
	}
}

func TestDeviceLossAndXrunsInsertSilenceAndReport(t *testing.T) {
	r := newRig(t, quad, []int{1}, 1000)
	r.start()
	r.play(blocksOf(480, 480, 480)...)
	r.play(step{lose: true, away: 960})
	r.play(blocksOf(480, 480)...)
	r.play(step{xrun: 100}, step{xrun: 20})
	r.play(blocksOf(480)...)
	r.waitFrames(3*480 + 960 + 2*480 + 120 + 480)
	r.rec.Stop()
	res, err := r.result()
	if err != nil {
		t.Fatal(err)
	}
	want := expect(nil, 0, 1440, []int{1}, false)
	want = expect(want, 0, 960, []int{1}, true)
	want = expect(want, 1440, 960, []int{1}, false)
	want = expect(want, 0, 120, []int{1}, true)
	want = expect(want, 2400, 480, []int{1}, false)
	sameSamples(t, r.timeline(), want)
	wantGaps := []Gap{{1440, 960, GapDeviceLost}, {3360, 120, GapXrun}}
	if len(res.Gaps) != 2 || res.Gaps[0] != wantGaps[0] || res.Gaps[1] != wantGaps[1] {
		t.Fatalf("gaps %+v, want %+v", res.Gaps, wantGaps)
	}
	// The device-loss gap spans chunks 1 and 2 (frames 1440..2400).
	chunks := r.closed()
	if g := chunks[1].Gaps; len(g) != 1 || g[0] != (Gap{1440, 560, GapDeviceLost}) {
		t.Fatalf("chunk 1 gaps %+v", g)
	}
	if g := chunks[2].Gaps; len(g) != 1 || g[0] != (Gap{2000, 400, GapDeviceLost}) {
		t.Fatalf("chunk 2 gaps %+v", g)
	}
	lost, back := r.events.of(EventDeviceLost), r.events.of(EventDeviceRecovered)
	if len(lost) != 1 || lost[0].Severity != agentapi.SeverityCritical || lost[0].RecordingID != "rec_1" ||
		lost[0].Details["jobId"] != "job_1" || lost[0].Details["recordingId"] != "rec_1" || lost[0].Details["error"] == "" {
		t.Fatalf("lost events %+v", lost)
	}
	if len(back) != 1 || back[0].Severity != agentapi.SeverityInfo || back[0].Resolves != EventDeviceLost || back[0].Details["gapFrames"] != int64(960) {
		t.Fatalf("recovered events %+v", back)
	}
	if x := r.events.of(EventXrun); len(x) != 1 || x[0].Severity != agentapi.SeverityWarning {
		t.Fatalf("xrun events %+v, want one per burst", x)
	}
}

func TestMaxFramesEndsWithAFinalChunk(t *testing.T) {
	r := newRig(t, quad, []int{2}, 1000)
	r.spec.MaxFrames = 2500
	r.start()
	r.play(blocksOf(700, 700, 700, 700)...)
	res, err := r.result()
	if err != nil || res.Reason != ReasonDurationReached || res.Frames != 2500 {
		t.Fatalf("result %+v, %v", res, err)
	}
	sameSamples(t, r.timeline(), expect(nil, 0, 2500, []int{2}, false))
	c := r.closed()
	if len(c) != 3 || c[2].Frames != 500 || !c[2].Final || c[1].Final {
		t.Fatalf("chunks %+v", c)
	}
	if d := res.EndedAt.Sub(res.StartedAt); d != quad.Duration(2500) {
		t.Fatalf("window %v, want %v", d, quad.Duration(2500))
	}
}

func TestStopKeepsThePartialChunk(t *testing.T) {
	r := newRig(t, quad, []int{1, 2}, 48000)
	r.start()
	r.play(blocksOf(960, 960)...)
	r.waitFrames(1920)
	r.rec.Stop()
	res, err := r.result()
	c := r.closed()
	if err != nil || res.Reason != ReasonStopped || len(c) != 1 || !c[0].Final || c[0].Frames != 1920 {
		t.Fatalf("result %+v, %v; chunks %+v", res, err, c)
	}
	if _, err := os.Stat(c[0].RawPath); err != nil {
		t.Fatal(err)
	}
}

func TestCancelRemovesEveryFile(t *testing.T) {
	r := newRig(t, quad, []int{1}, 1000)
	r.start()
	r.play(blocksOf(1200, 1200)...)
	r.waitFrames(2400)
	r.rec.Cancel()
	res, err := r.result()
	if err != nil || res.Reason != ReasonCancelled {
		t.Fatalf("result %+v, %v", res, err)
	}
	left, _ := os.ReadDir(r.spec.Dir)
	if len(left) != 0 {
		t.Fatalf("files left: %v", left)
	}
}

func TestPreflightRefusesWithoutSpace(t *testing.T) {
	r := newRig(t, quad, []int{1, 2}, 48000*60)
	r.spec.Dir += "/job"
	r.disk.set(DefaultMinFreeBytes + 48000*60*4*2 - 1)
	_, err := Start(t.Context(), r.hub, r.files, r.disk, r.events, r.spec, nil)
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != "recorder.insufficientDisk" || e.Kind != errs.KindUnavailable {
		t.Fatalf("err %v", err)
	}
	ev := r.events.of(EventInsufficientDisk)
	if len(ev) != 1 || ev[0].Severity != agentapi.SeverityCritical || ev[0].RecordingID != "rec_1" {
		t.Fatalf("events %+v", ev)
	}
	if _, err := os.Stat(r.spec.Dir); !os.IsNotExist(err) {
		t.Fatalf("the job directory was created: %v", err)
	}
	r.disk.set(DefaultMinFreeBytes + 48000*60*4*2)
	rec, err := Start(t.Context(), r.hub, r.files, r.disk, r.events, r.spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec.Stop()
	<-rec.Done()
}

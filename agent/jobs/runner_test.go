package jobs_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rakkr/rakkr/agent/jobs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// harness runs a Runner over the fakes.
type harness struct {
	t      *testing.T
	api    *fakeAPI
	state  *memState
	recs   *fakeRecorders
	media  *fakeMedia
	events *events
	cache  string
	runner *jobs.Runner
	cancel context.CancelFunc
	done   chan struct{}
}

func testJob(id string) agentapi.Job {
	return agentapi.Job{ID: id, RecordingID: "rec_" + id, Status: "running", Command: agentapi.JobCommand{
		InterfaceRef: "demo:1", ChannelMode: "stereo", Codec: "flac", ChunkSeconds: 1, FileStem: "take",
		ChannelMap: []agentapi.ChannelMapEntry{{SourceChannelIndex: 1, Label: "L", Included: true}, {SourceChannelIndex: 2, Label: "R", Included: true}}}}
}

func newHarness(t *testing.T, api *fakeAPI, state *memState, cache string) *harness {
	h := &harness{t: t, api: api, state: state, recs: newRecorders(), media: &fakeMedia{}, events: &events{}, cache: cache}
	h.start()
	return h
}

func (h *harness) start() {
	h.runner = jobs.New(jobs.Config{API: h.api, State: h.state, Recorders: h.recs, Media: h.media, Events: h.events, CacheDir: h.cache,
		Sources: func(ref string) (jobs.Source, bool) {
			if ref != "demo:1" {
				return nil, false
			}
			return fakeSource{rate: 48000}, true
		},
		ClaimInterval: 5 * time.Millisecond, HeartbeatInterval: 5 * time.Millisecond, MinBackoff: 2 * time.Millisecond, MaxBackoff: 10 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan struct{})
	go func() {
		defer close(h.done)
		_ = h.runner.Run(ctx)
	}()
	h.t.Cleanup(h.stop)
}

// stop shuts the runner down and waits for it.
func (h *harness) stop() {
	h.cancel()
	select {
	case <-h.done:
	case <-time.After(5 * time.Second):
		h.t.Fatal("runner did not stop")
	}
}

func (h *harness) capture() *fakeCapture {
	select {
	case c := <-h.recs.started:
		return c
	case <-time.After(5 * time.Second):
		h.t.Fatal("no capture started")
		return nil
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (h *harness) reports(id string) []agentapi.JobReport {
	h.api.mu.Lock()
	defer h.api.mu.Unlock()
	return append([]agentapi.JobReport(nil), h.api.reports[id]...)
}

func (h *harness) stored(id string) map[int][]byte {
	h.api.mu.Lock()
	defer h.api.mu.Unlock()
	out := map[int][]byte{}
	for k, v := range h.api.stored[id] {
		out[k] = v
	}
	return out
}

func (h *harness) phase(id string) ports.AgentJobPhase {
	j, ok, _ := h.state.GetJob(id)
	if !ok {
		return ""
	}
	return j.Phase
}

func TestClaimRecordUploadAndReport(t *testing.T) {
	api := newAPI(testJob("job_1"))
	h := newHarness(t, api, newState(), t.TempDir())
	c := h.capture()
	if c.spec.ChunkFrames != 48000 || c.spec.FileStem != "take" || len(c.spec.Map.Entries) != 2 || c.spec.Dir != filepath.Join(h.cache, "job_1") {
		t.Fatalf("spec %+v", c.spec)
	}
	eventually(t, "capturing flag", h.runner.Capturing)
	c.chunk(48000, false)
	c.chunk(48000, false)
	eventually(t, "two chunks uploaded", func() bool { return len(h.stored("job_1")) == 2 })
	api.set(func(a *fakeAPI) { a.stop["job_1"] = true })
	eventually(t, "report", func() bool { return len(h.reports("job_1")) == 1 })
	r := h.reports("job_1")[0]
	if r.Status != "completed" || r.Reason != "operator_stop" || r.ChunkTotal != 3 || r.Verification.PeakDbfs != -6 {
		t.Fatalf("report %+v", r)
	}
	h.media.mu.Lock()
	reads := h.media.levelReads
	h.media.mu.Unlock()
	if reads != 0 {
		t.Fatalf("the report read %d raw masters again; rendering had measured them", reads)
	}
	st := h.stored("job_1")
	for i, frames := range []int64{48000, 48000, 100} {
		if !bytes.Equal(st[i], rawBytes(i, frames)) {
			t.Fatalf("chunk %d stored %d bytes, want %d", i, len(st[i]), frames*8)
		}
	}
	eventually(t, "done", func() bool { return h.phase("job_1") == ports.PhaseDone })
	if h.runner.Capturing() {
		t.Fatal("still capturing after the report")
	}
	if n := h.events.count(jobs.EventChunkUploaded); n != 3 {
		t.Fatalf("chunk_uploaded events = %d", n)
	}
	// Raw masters stay in the cache (retention is a later feature).
	if _, err := os.Stat(c.spec.Dir); err != nil {
		t.Fatal(err)
	}
}

func TestCancelAndNotLiveDropTheJobAndItsFiles(t *testing.T) {
	for _, how := range []string{"cancelled", "notLive"} {
		t.Run(how, func(t *testing.T) {
			api := newAPI(testJob("job_c"))
			h := newHarness(t, api, newState(), t.TempDir())
			c := h.capture()
			c.chunk(48000, false)
			eventually(t, "chunk uploaded", func() bool { return len(h.stored("job_c")) == 1 })
			api.set(func(a *fakeAPI) {
				if how == "cancelled" {
					a.cancel["job_c"] = true
				} else {
					a.notLive["job_c"] = true
				}
			})
			eventually(t, "job dropped", func() bool {
				_, ok, _ := h.state.GetJob("job_c")
				_, err := os.Stat(c.spec.Dir)
				return !ok && os.IsNotExist(err)
			})
			if len(h.reports("job_c")) != 0 {
				t.Fatal("a dropped job was reported")
			}
			if h.events.count(jobs.EventDropped) != 1 {
				t.Fatal("no dropped event")
			}
		})
	}
}

func TestControllerOutageDoesNotStopTheCapture(t *testing.T) {
	api := newAPI(testJob("job_o"))
	h := newHarness(t, api, newState(), t.TempDir())
	c := h.capture()
	api.set(func(a *fakeAPI) { a.down = true })
	c.chunk(48000, false)
	c.chunk(48000, false)
	eventually(t, "control_plane_failed", func() bool { return h.events.count(jobs.EventControlPlaneFailed) == 1 })
	eventually(t, "upload_failed", func() bool { return h.events.count(jobs.EventUploadFailed) == 1 })
	time.Sleep(30 * time.Millisecond)
	if len(h.stored("job_o")) != 0 || !h.runner.Capturing() {
		t.Fatal("uploads went through an outage or the capture stopped")
	}
	if n := h.events.count(jobs.EventControlPlaneFailed); n != 1 {
		t.Fatalf("control_plane_failed emitted %d times", n)
	}
	c.chunk(100, true)
	c.end("duration_reached")
	time.Sleep(20 * time.Millisecond)
	api.set(func(a *fakeAPI) { a.down = false })
	eventually(t, "report after the outage", func() bool { return len(h.reports("job_o")) == 1 })
	r := h.reports("job_o")[0]
	if r.Status != "completed" || r.Reason != "duration_reached" || r.ChunkTotal != 3 || len(h.stored("job_o")) != 3 {
		t.Fatalf("report %+v, stored %d", r, len(h.stored("job_o")))
	}
	// The recoveries are sent from the heartbeat and upload loops, which
	// may run a moment after the report.
	eventually(t, "recovery events", func() bool {
		return h.events.count(jobs.EventControlPlaneRecovered) == 1 && h.events.count(jobs.EventUploadRecovered) == 1
	})
}

func TestUploadResumesFromReceivedBytes(t *testing.T) {
	api := newAPI(testJob("job_r"))
	api.cutAfter = 1000
	h := newHarness(t, api, newState(), t.TempDir())
	c := h.capture()
	c.chunk(48000, false)
	eventually(t, "chunk stored", func() bool { return len(h.stored("job_r")) == 1 })
	api.mu.Lock()
	offsets, received := append([]int64(nil), api.putOffsets...), api.bytesReceived
	api.mu.Unlock()
	if len(offsets) != 2 || offsets[0] != 0 || offsets[1] != 1000 || received != 48000*8 {
		t.Fatalf("puts at %v, %d bytes received (want %d)", offsets, received, 48000*8)
	}
}

func TestChecksumMismatchRendersAgainAndResends(t *testing.T) {
	api := newAPI(testJob("job_s"))
	api.checksumFailures = 2
	h := newHarness(t, api, newState(), t.TempDir())
	c := h.capture()
	c.chunk(1000, false)
	eventually(t, "chunk stored", func() bool { return len(h.stored("job_s")) == 1 })
	h.media.mu.Lock()
	defer h.media.mu.Unlock()
	for _, n := range h.media.renders {
		if n != 2 {
			t.Fatalf("rendered %d times, want 2 (once more after the first mismatch only)", n)
		}
	}
}

func TestUnknownInterfaceIsReportedFailed(t *testing.T) {
	j := testJob("job_i")
	j.Command.InterfaceRef = "alsa:gone"
	api := newAPI(j)
	h := newHarness(t, api, newState(), t.TempDir())
	eventually(t, "report", func() bool { return len(h.reports("job_i")) == 1 })
	if r := h.reports("job_i")[0]; r.Status != "failed" || r.Reason != jobs.ReasonInterfaceUnavailable {
		t.Fatalf("report %+v", r)
	}
}

func TestCapacityLimitsClaims(t *testing.T) {
	api := newAPI(testJob("job_a"), testJob("job_b"))
	h := newHarness(t, api, newState(), t.TempDir())
	c := h.capture()
	time.Sleep(30 * time.Millisecond)
	api.mu.Lock()
	left := len(api.queue)
	api.mu.Unlock()
	if left != 1 {
		t.Fatalf("claimed beyond the capacity of 1 (%d left)", left)
	}
	c.Stop()
	c2 := h.capture()
	if c2.spec.JobID != "job_b" {
		t.Fatalf("second capture is %s", c2.spec.JobID)
	}
}

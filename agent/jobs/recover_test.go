package jobs_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/rakkr/rakkr/agent/jobs"
	"github.com/rakkr/rakkr/ports"
)

func TestRecoveryAfterACrashUploadsThePartialAndReportsAgentRestarted(t *testing.T) {
	api := newAPI(testJob("job_x"))
	state, cache := newState(), t.TempDir()
	h := newHarness(t, api, state, cache)
	c := h.capture()
	c.chunk(48000, false)
	eventually(t, "first chunk stored", func() bool { return len(h.stored("job_x")) == 1 })
	h.stop() // the fake leaves an open chunk of 50 frames on disk
	if p := h.phase("job_x"); p != ports.PhaseCapturing {
		t.Fatalf("phase after shutdown = %s, want capturing", p)
	}
	if len(h.reports("job_x")) != 0 {
		t.Fatal("an interrupted job was reported")
	}

	h2 := newHarness(t, api, state, cache)
	eventually(t, "report after restart", func() bool { return len(h2.reports("job_x")) == 1 })
	r := h2.reports("job_x")[0]
	if r.Status != "failed" || r.Reason != jobs.ReasonAgentRestarted || r.ChunkTotal != 2 {
		t.Fatalf("report %+v", r)
	}
	if r.Details["framesRecovered"] != int64(50) || r.Details["chunks"] != 2 {
		t.Fatalf("details %+v", r.Details)
	}
	if st := h2.stored("job_x"); !bytes.Equal(st[1], rawBytes(1, 50)) {
		t.Fatalf("partial chunk stored %d bytes", len(st[1]))
	}
	if h2.events.count(jobs.EventRecoveredAfterRestart) != 1 {
		t.Fatal("no recovered_after_restart event")
	}
	eventually(t, "done", func() bool { return h2.phase("job_x") == ports.PhaseDone })
	j, _, _ := state.GetJob("job_x")
	if !j.Chunks[1].Final || !j.Chunks[1].Recovered || j.Chunks[1].OffsetFrames != 48000 {
		t.Fatalf("recovered chunk %+v", j.Chunks[1])
	}
}

func TestRecoveryDropsAJobTheControllerForgot(t *testing.T) {
	api := newAPI(testJob("job_f"))
	state, cache := newState(), t.TempDir()
	h := newHarness(t, api, state, cache)
	c := h.capture()
	c.chunk(1000, false)
	eventually(t, "chunk stored", func() bool { return len(h.stored("job_f")) == 1 })
	h.stop()
	api.set(func(a *fakeAPI) { a.gone["job_f"] = true })
	h2 := newHarness(t, api, state, cache)
	eventually(t, "dropped", func() bool {
		_, ok, _ := state.GetJob("job_f")
		_, err := os.Stat(c.spec.Dir)
		return !ok && os.IsNotExist(err)
	})
	if len(h2.reports("job_f")) != 0 {
		t.Fatal("a forgotten job was reported")
	}
}

package jobs_test

import (
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

func TestSweepRemovesExpiredDoneJobsThenOldestWhileShortOfSpace(t *testing.T) {
	cache, now := t.TempDir(), time.Now()
	state, ev := newState(), &events{}
	put := func(id string, phase ports.AgentJobPhase, endedAgo time.Duration) string {
		dir := filepath.Join(cache, id)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "chunk-0000.raw.wav"), make([]byte, 1000), 0o644); err != nil {
			t.Fatal(err)
		}
		_ = state.PutJob(ports.AgentJob{Job: agentapi.Job{ID: id}, Phase: phase, Dir: dir, EndedAt: now.Add(-endedAgo)})
		return dir
	}
	old := put("job_old", ports.PhaseDone, 100*time.Hour)
	mid := put("job_mid", ports.PhaseDone, 10*time.Hour)
	recent := put("job_recent", ports.PhaseDone, time.Hour)
	live := put("job_live", ports.PhaseCapturing, 200*time.Hour)
	lowChecks := 0
	r := jobs.New(jobs.Config{State: state, Events: ev, CacheDir: cache, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Retention: jobs.Retention{KeepFor: 72 * time.Hour, FreeFloor: 1 << 30, Free: func(string) (int64, error) {
			lowChecks++
			if lowChecks <= 1 {
				return 1 << 20, nil // short of space once: one more job goes
			}
			return 2 << 30, nil
		}}})
	removed, freed := r.Sweep(now)
	if removed != 2 || freed != 2000 {
		t.Fatalf("removed %d jobs, %d bytes; want 2, 2000", removed, freed)
	}
	for dir, want := range map[string]bool{old: false, mid: false, recent: true, live: true} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s exists=%v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
	if _, ok, _ := state.GetJob("job_old"); ok {
		t.Error("the expired job's state was kept")
	}
	if _, ok, _ := state.GetJob("job_live"); !ok {
		t.Error("a job still capturing lost its state")
	}
	if ev.count(jobs.EventCacheSwept) != 1 {
		t.Errorf("sweep events: %d", ev.count(jobs.EventCacheSwept))
	}
	if removed, _ := r.Sweep(now); removed != 0 || ev.count(jobs.EventCacheSwept) != 1 {
		t.Errorf("a sweep with nothing to do removed %d or reported it", removed)
	}
}

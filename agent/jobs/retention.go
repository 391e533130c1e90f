package jobs

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// EventCacheSwept (info) reports what a cache sweep removed.
const EventCacheSwept = "agent.recorder_cache.sweep_completed"

// Retention says how long a finished job's files (raw masters and renders)
// stay in the node's cache once the controller holds the recording. Jobs
// that are not done are never touched.
type Retention struct {
	// KeepFor keeps a done job's files this long after its capture ended
	// (0: 72 h; negative: keep until space is needed).
	KeepFor time.Duration
	// FreeFloor: while the cache's disk has less free space than this,
	// done jobs are removed oldest first whatever their age (0: none).
	FreeFloor int64
	// Free measures the free space of a path (nil: no space rule).
	Free func(path string) (int64, error)
	// Interval is the sweep period (0: 1 minute).
	Interval time.Duration
}

// retain sweeps the cache every Interval until ctx ends.
func (r *Runner) retain(ctx context.Context) {
	t := time.NewTicker(r.cfg.Retention.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.Sweep(time.Now())
		}
	}
}

// Sweep removes the files and state of done jobs whose capture ended more
// than KeepFor before now, then, while free space is under FreeFloor, the
// oldest remaining done jobs. It returns how many jobs it removed and the
// bytes freed, and reports them in one info event.
func (r *Runner) Sweep(now time.Time) (removed int, freed int64) {
	ret := r.cfg.Retention
	list, err := r.cfg.State.ListJobs()
	if err != nil {
		r.cfg.Logger.Warn("cache sweep: cannot read the job state", "err", err)
		return 0, 0
	}
	var done []ports.AgentJob
	for _, j := range list {
		if j.Phase == ports.PhaseDone {
			done = append(done, j)
		}
	}
	slices.SortFunc(done, func(a, b ports.AgentJob) int { return a.EndedAt.Compare(b.EndedAt) })
	lowSpace := func() bool {
		if ret.Free == nil || ret.FreeFloor <= 0 {
			return false
		}
		free, err := ret.Free(r.cfg.CacheDir)
		return err == nil && free < ret.FreeFloor
	}
	for _, j := range done {
		expired := ret.KeepFor >= 0 && !j.EndedAt.IsZero() && now.Sub(j.EndedAt) > ret.KeepFor
		if !expired && !lowSpace() {
			continue
		}
		size := dirSize(j.Dir)
		if err := os.RemoveAll(j.Dir); err != nil {
			r.cfg.Logger.Warn("cache sweep: cannot remove a job's files", "job", j.Job.ID, "dir", j.Dir, "err", err)
			continue
		}
		if err := r.cfg.State.DeleteJob(j.Job.ID); err != nil {
			r.cfg.Logger.Warn("cache sweep: cannot forget a job", "job", j.Job.ID, "err", err)
		}
		removed++
		freed += size
	}
	if removed > 0 {
		r.cfg.Logger.Info("recording cache swept", "jobs", removed, "bytes", freed)
		if r.cfg.Events != nil {
			r.cfg.Events.Event(agentapi.HealthEvent{Type: EventCacheSwept, Severity: agentapi.SeverityInfo,
				Details: map[string]any{"jobsRemoved": removed, "bytesFreed": freed}})
		}
	}
	return removed, freed
}

// dirSize is the size of the files under dir (0 when unreadable).
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

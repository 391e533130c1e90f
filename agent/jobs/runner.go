// Package jobs carries out the node's recording jobs: it claims jobs from
// the controller, records each from its interface's capture hub into raw
// masters, renders and uploads every chunk (resumably, retrying until the
// controller has it), and reports the outcome. Captures never depend on the
// controller being reachable: heartbeats, uploads and the report are
// retried while the recorder keeps going. Every step is kept in the agent's
// durable job state, so that a restart finishes what a crash interrupted.
//
// The raw masters and renders stay in the cache after a job is done, for
// Retention.KeepFor (72 h), or until the disk runs short (see Sweep).
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// Config wires a Runner.
type Config struct {
	// API is the controller's job and upload routes.
	API ports.JobAPI
	// State is the durable job state.
	State ports.AgentJobState
	// Sources finds the capture hub of an interface by its systemRef.
	Sources func(interfaceRef string) (Source, bool)
	// Recorders start captures; Media renders and checks them.
	Recorders Recorders
	Media     Media
	// Events receives health events (nil drops them).
	Events recorder.Events
	// CacheDir holds one directory per job (<data dir>/recordings).
	CacheDir string
	// Capacity is how many captures may run at once (≤ 0 means 1); read
	// before each claim (NodeConfig.MaxConcurrentRecordings).
	Capacity func() int
	// ClaimInterval is the claim poll period (2 s).
	ClaimInterval time.Duration
	// HeartbeatInterval is the job heartbeat period (agentapi.JobHeartbeatInterval).
	HeartbeatInterval time.Duration
	// MinBackoff and MaxBackoff bound upload and report retries (1 s … 30 s).
	MinBackoff, MaxBackoff time.Duration
	// RateWait is how long a claimed job waits for the hub to know its
	// sample rate before failing with device_unavailable (5 s).
	RateWait time.Duration
	// MinFreeBytes is the recorder's free-space floor (0: its default).
	MinFreeBytes int64
	// SilenceFloorDbfs is the peak under which a capture counts as silent
	// (0: render.DefaultFloorDbfs).
	SilenceFloorDbfs float64
	// Retention removes done jobs' files from the cache.
	Retention Retention
	// Logger receives the runner's log (default slog.Default()).
	Logger *slog.Logger
}

// Runner runs the node's jobs. Run it once.
type Runner struct {
	cfg       Config
	mu        sync.Mutex
	jobs      map[string]*job
	capturing atomic.Int64 // recorders running
	busy      atomic.Int64 // claimed jobs not done capturing (capacity)
	wg        sync.WaitGroup
}

// New returns a runner with cfg's defaults filled in.
func New(cfg Config) *Runner {
	if cfg.ClaimInterval <= 0 {
		cfg.ClaimInterval = 2 * time.Second
	}
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = agentapi.JobHeartbeatInterval
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(30*time.Second, cfg.MinBackoff)
	}
	if cfg.RateWait <= 0 {
		cfg.RateWait = 5 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Capacity == nil {
		cfg.Capacity = func() int { return 1 }
	}
	if cfg.Retention.KeepFor == 0 {
		cfg.Retention.KeepFor = 72 * time.Hour
	}
	if cfg.Retention.Interval <= 0 {
		cfg.Retention.Interval = time.Minute
	}
	return &Runner{cfg: cfg, jobs: map[string]*job{}}
}

// Capturing reports whether at least one capture runs (for the node
// heartbeat's Capturing flag).
func (r *Runner) Capturing() bool { return r.capturing.Load() > 0 }

// Captures returns the number of running captures.
func (r *Runner) Captures() int { return int(r.capturing.Load()) }

// Run recovers the jobs a previous run left unfinished, then claims jobs
// while fewer captures run than the node's capacity, until ctx ends. At
// the end, captures end as interrupted (their state stays capturing, for
// recovery at the next start) and uploads stop; Run returns once every
// job's goroutines have.
func (r *Runner) Run(ctx context.Context) error {
	if err := r.Recover(ctx); err != nil {
		r.cfg.Logger.Error("cannot read the agent's job state; unfinished jobs are not recovered", "err", err)
	}
	defer r.wg.Wait()
	r.wg.Add(1)
	go func() { defer r.wg.Done(); r.retain(ctx) }()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		wait := r.cfg.ClaimInterval
		if r.claim(ctx) {
			wait = 0 // maybe there is capacity for another one
		}
		t.Reset(wait)
	}
}

// claim asks for one job when there is capacity; it reports whether a job
// was claimed.
func (r *Runner) claim(ctx context.Context) bool {
	capacity := r.cfg.Capacity()
	if capacity <= 0 {
		capacity = 1
	}
	if int(r.busy.Load()) >= capacity {
		return false
	}
	j, err := r.cfg.API.ClaimJob(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.cfg.Logger.Debug("job claim failed", "err", err)
		}
		return false
	}
	if j == nil {
		return false
	}
	r.mu.Lock()
	_, known := r.jobs[j.ID]
	r.mu.Unlock()
	if known {
		return false
	}
	r.busy.Add(1) // freed by the job when its capture ends
	r.cfg.Logger.Info("job claimed", "job", j.ID, "recording", j.RecordingID, "interface", j.Command.InterfaceRef)
	r.launch(ctx, ports.AgentJob{Job: *j, Phase: ports.PhaseCapturing, Dir: filepath.Join(r.cfg.CacheDir, safeName(j.ID))}, false)
	return true
}

// launch runs one job in its own goroutine.
func (r *Runner) launch(ctx context.Context, rec ports.AgentJob, recovered bool) {
	jctx, cancel := context.WithCancel(ctx)
	j := &job{r: r, rec: rec, ctx: jctx, cancel: cancel, notify: make(chan struct{}, 1), m: mapOf(rec.Job.Command)}
	r.mu.Lock()
	r.jobs[rec.Job.ID] = j
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() {
			cancel()
			r.mu.Lock()
			delete(r.jobs, rec.Job.ID)
			r.mu.Unlock()
		}()
		if recovered {
			j.resume(ctx)
		} else {
			j.run(ctx)
		}
	}()
}

// event records a health event for a job.
func (r *Runner) event(rec ports.AgentJob, typ, severity, resolves string, details map[string]any) {
	if r.cfg.Events == nil {
		return
	}
	d := map[string]any{"jobId": rec.Job.ID, "recordingId": rec.Job.RecordingID}
	for k, v := range details {
		d[k] = v
	}
	r.cfg.Events.Event(agentapi.HealthEvent{Type: typ, Severity: severity, OpenedAt: time.Now().UTC(),
		RecordingID: rec.Job.RecordingID, Resolves: resolves, Details: d})
}

// ended reports whether err says the controller ended or forgot the job.
func ended(err error) bool {
	return errors.Is(err, ports.ErrJobNotLive) || errors.Is(err, ports.ErrJobGone)
}

// sleep waits d or until ctx ends (false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

package agent

import (
	"context"
	"log/slog"
	"path/filepath"
	"syscall"
	"time"

	"github.com/rakkr/rakkr/adapters/agentclient"
	"github.com/rakkr/rakkr/adapters/agentstate"
	"github.com/rakkr/rakkr/adapters/audiofile"
	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/agent/healthlog"
	"github.com/rakkr/rakkr/agent/jobs"
	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// RecordingsDir is the recording cache under the agent's data directory:
// one directory per job (<data dir>/recordings/<job id>/).
const RecordingsDir = "recordings"

// statfsDisk reports free space with statfs (recorder.Disk).
type statfsDisk struct{}

// FreeBytes returns the bytes available to unprivileged users on path's
// file system.
func (statfsDisk) FreeBytes(path string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// logEvents records health events in the durable health log.
type logEvents struct {
	log    *healthlog.Log
	logger *slog.Logger
}

// Event appends e to the log, logging a failure.
func (l logEvents) Event(e agentapi.HealthEvent) {
	if _, err := l.log.Append(e); err != nil {
		l.logger.Error("cannot record health event", "type", e.Type, "err", err)
	}
}

// jobsSetup is what runs the node's recording jobs.
type jobsSetup struct {
	runner *jobs.Runner
	state  *agentstate.Store
}

// setupJobs opens the job state in dataDir and builds the job runner over
// the node's one capture hub (found by the interface's systemRef).
func setupJobs(dataDir string, client *agentclient.Client, hlog *healthlog.Log, hub *capture.Hub, systemRef string,
	capacity func() int, minFree int64, keep time.Duration, logger *slog.Logger) (jobsSetup, error) {
	st, err := agentstate.Open(dataDir)
	if err != nil {
		return jobsSetup{}, err
	}
	events := logEvents{log: hlog, logger: logger}
	engine := jobs.Engine{Files: audiofile.NewPCMFiles(), Encoder: audiofile.NewEncoder(), Disk: statfsDisk{}, Events: events}
	r := jobs.New(jobs.Config{
		API: client, State: st, Recorders: engine, Media: engine, Events: events,
		Sources: func(ref string) (jobs.Source, bool) {
			if ref != systemRef {
				return nil, false
			}
			return hub, true
		},
		CacheDir: filepath.Join(dataDir, RecordingsDir), Capacity: capacity, MinFreeBytes: minFree, Logger: logger,
		// Finished jobs go after keep, or sooner while free space is under
		// four times the recording floor (room for the next recordings).
		Retention: jobs.Retention{KeepFor: keep, FreeFloor: 4 * max(minFree, recorder.DefaultMinFreeBytes), Free: statfsDisk{}.FreeBytes},
	})
	return jobsSetup{runner: r, state: st}, nil
}

// start runs the runner until ctx ends; the returned func waits for it
// (captures interrupted, uploads stopped) and closes the state.
func (s jobsSetup) start(ctx context.Context) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.runner.Run(ctx)
	}()
	return func() {
		<-done
		_ = s.state.Close()
	}
}

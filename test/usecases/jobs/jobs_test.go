// Package jobs_test runs the agent's job runner wired to the real adapters
// (HTTP client, bbolt state, audio files, recorder over a demo capture hub)
// against a fake controller that implements the job and upload contract.
package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/agentclient"
	"github.com/rakkr/rakkr/adapters/agentstate"
	"github.com/rakkr/rakkr/adapters/audiofile"
	"github.com/rakkr/rakkr/adapters/demosource"
	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/agent/jobs"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
	"github.com/rakkr/rakkr/test/usecases/jobs/fakecontroller"
)

const ref = "demo"

// disk is the recorder's Disk over statfs.
type disk struct{}

func (disk) FreeBytes(path string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}

// events collects health events.
type events struct {
	mu    sync.Mutex
	types []string
}

func (e *events) Event(ev agentapi.HealthEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.types = append(e.types, ev.Type)
}

func (e *events) has(typ string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range e.types {
		if t == typ {
			return true
		}
	}
	return false
}

// demoHub runs a demo capture hub until the test ends.
func demoHub(t *testing.T) *capture.Hub {
	h := capture.NewHub(&demosource.Opener{}, capture.Config{Request: ports.AudioRequest{Device: demosource.Device}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = h.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

func job(id string, duration int) agentapi.Job {
	return agentapi.Job{ID: id, RecordingID: "rec_" + id, Command: agentapi.JobCommand{InterfaceRef: ref, ChannelMode: "stereo",
		ChannelMap: []agentapi.ChannelMapEntry{{SourceChannelIndex: 1, Label: "L", Included: true}, {SourceChannelIndex: 2, Label: "R", Included: true}},
		Codec:      "flac", BitDepth: 16, ChunkSeconds: 1, DurationSeconds: duration, FileStem: "take"}}
}

// agent is one run of the runner over the real adapters.
type agent struct {
	runner *jobs.Runner
	state  *agentstate.Store
	events *events
	stop   func()
}

func startAgent(t *testing.T, fc *fakecontroller.Controller, hub *capture.Hub, dataDir string) *agent {
	client, err := agentclient.New(agentclient.Options{ControllerURL: fc.Server.URL, NodeID: fc.NodeID, NodeToken: fc.Token, AgentVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := agentstate.Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	engine := jobs.Engine{Files: audiofile.NewPCMFiles(), Encoder: audiofile.NewEncoder(), Disk: disk{}, Events: ev}
	r := jobs.New(jobs.Config{API: client, State: st, Recorders: engine, Media: engine, Events: ev,
		Sources:  func(s string) (jobs.Source, bool) { return hub, s == ref },
		CacheDir: filepath.Join(dataDir, "recordings"), ClaimInterval: 20 * time.Millisecond, HeartbeatInterval: 50 * time.Millisecond,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, MinFreeBytes: 1 << 20,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = r.Run(ctx) }()
	a := &agent{runner: r, state: st, events: ev}
	var once sync.Once
	a.stop = func() { once.Do(func() { cancel(); <-done; _ = st.Close() }) }
	t.Cleanup(a.stop)
	return a
}

func eventually(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func reports(fc *fakecontroller.Controller, id string) []agentapi.JobReport {
	fc.Mu.Lock()
	defer fc.Mu.Unlock()
	return append([]agentapi.JobReport(nil), fc.Reports[id]...)
}

func stored(fc *fakecontroller.Controller, rec string, index int) []byte {
	fc.Mu.Lock()
	defer fc.Mu.Unlock()
	return fc.Stored[fakecontroller.Key(rec, index)]
}

// frames decodes a stored chunk and counts its frames.
func frames(t *testing.T, b []byte) int64 {
	p := filepath.Join(t.TempDir(), "chunk.flac")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := audiofile.NewDecoder().OpenAudioFile(p)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	buf := make([]float32, 4096*a.Format().Channels)
	var n int64
	for {
		k, err := a.ReadFrames(buf)
		n += int64(k)
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestADurationJobIsRecordedUploadedOverACutConnectionAndReported(t *testing.T) {
	fc := fakecontroller.New("node_1", "tok")
	defer fc.Close()
	fc.Queue = []agentapi.Job{job("job_1", 2)}
	fc.CutAfter = 10_000 // the first PUT is cut mid-way; the runner resumes it
	a := startAgent(t, fc, demoHub(t), t.TempDir())
	eventually(t, "report", 20*time.Second, func() bool { return len(reports(fc, "job_1")) == 1 })
	r := reports(fc, "job_1")[0]
	if r.Status != "completed" || r.Reason != "duration_reached" || r.ChunkTotal != 2 || !r.Verification.OK {
		t.Fatalf("report %+v", r)
	}
	for i := 0; i < 2; i++ {
		if n := frames(t, stored(fc, "rec_job_1", i)); n != 48000 {
			t.Fatalf("chunk %d has %d frames", i, n)
		}
	}
	fc.Mu.Lock()
	puts, received := append([]int64(nil), fc.Puts...), fc.BytesReceived
	var size int64
	for _, u := range fc.Uploads {
		size += u.Req.SizeBytes
	}
	fc.Mu.Unlock()
	if len(puts) < 3 || puts[1] != 10_000 || received != size {
		t.Fatalf("PUT offsets %v, %d bytes received for %d bytes of chunks", puts, received, size)
	}
	eventually(t, "done", 5*time.Second, func() bool {
		j, ok, _ := a.state.GetJob("job_1")
		return ok && j.Phase == ports.PhaseDone
	})
}

func TestACrashedCaptureIsRecoveredAtTheNextStart(t *testing.T) {
	fc := fakecontroller.New("node_1", "tok")
	defer fc.Close()
	fc.Queue = []agentapi.Job{job("job_2", 0)}
	hub, dir := demoHub(t), t.TempDir()
	a := startAgent(t, fc, hub, dir)
	eventually(t, "first chunk stored", 20*time.Second, func() bool { return stored(fc, "rec_job_2", 0) != nil })
	time.Sleep(300 * time.Millisecond)
	a.stop() // shutdown mid-capture: the open chunk stays on disk
	if len(reports(fc, "job_2")) != 0 {
		t.Fatal("an interrupted capture was reported")
	}
	b := startAgent(t, fc, hub, dir)
	eventually(t, "report after restart", 20*time.Second, func() bool { return len(reports(fc, "job_2")) == 1 })
	r := reports(fc, "job_2")[0]
	// On a slow machine more than one chunk may close before the stop:
	// what matters is that the last one is the recovered partial.
	if r.Status != "failed" || r.Reason != jobs.ReasonAgentRestarted || r.ChunkTotal < 2 {
		t.Fatalf("report %+v", r)
	}
	if n := frames(t, stored(fc, "rec_job_2", r.ChunkTotal-1)); n <= 0 || n >= 48000 {
		t.Fatalf("recovered partial chunk has %d frames", n)
	}
	if !b.events.has(jobs.EventRecoveredAfterRestart) {
		t.Fatal("no recovered_after_restart event")
	}
}

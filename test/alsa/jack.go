package alsa

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// serverSeq makes JACK server names unique within the test process.
var serverSeq atomic.Int64

// JACK is a private jackd running the dummy driver: a real-time clock for
// test capture devices, no hardware needed.
type JACK struct {
	// Server is the server name (JACK_DEFAULT_SERVER).
	Server string
	// Channels is the number of system:capture ports.
	Channels int
	// Rate is the sample rate in Hz.
	Rate int

	cmd  *exec.Cmd
	mu   sync.Mutex
	logs bytes.Buffer
	done chan struct{}
}

// lockedWriter guards the log buffer shared by stdout and stderr.
type lockedWriter struct{ j *JACK }

// Write appends p to the log.
func (w lockedWriter) Write(p []byte) (int, error) {
	w.j.mu.Lock()
	defer w.j.mu.Unlock()
	return w.j.logs.Write(p)
}

// StartJACK starts `jackd --no-realtime -d dummy -r 48000 -p 480 -C
// channels -P 2` under a unique server name, sets JACK_DEFAULT_SERVER for
// the rest of the test (so PortAudio and the ALSA jack plugin connect to it)
// and stops the server at cleanup. Call Require(t, "jackd", "jack_lsp") first.
func (e *Env) StartJACK(channels int) *JACK {
	t := e.t
	t.Helper()
	j := &JACK{
		// The name is stable across runs (test binary + sequence, no pid):
		// JACK's shared registry holds 8 servers and reclaims a dead
		// server's slot only when a server of the same name starts, so
		// per-run names would leak slots whenever a jackd is killed.
		Server:   fmt.Sprintf("rakkr-%s-%d", strings.TrimSuffix(filepath.Base(os.Args[0]), ".test"), serverSeq.Add(1)),
		Channels: channels,
		Rate:     48000,
		done:     make(chan struct{}),
	}
	j.cmd = exec.Command("jackd", "--no-realtime", "-d", "dummy",
		"-r", fmt.Sprint(j.Rate), "-p", "480", "-C", fmt.Sprint(channels), "-P", "2")
	j.cmd.Env = append(os.Environ(), "JACK_DEFAULT_SERVER="+j.Server, "JACK_NO_AUDIO_RESERVATION=1")
	j.cmd.Stdout, j.cmd.Stderr = lockedWriter{j}, lockedWriter{j}
	j.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := j.cmd.Start(); err != nil {
		t.Fatalf("start jackd: %v", err)
	}
	go func() { _ = j.cmd.Wait(); close(j.done) }()
	t.Cleanup(j.stop)
	t.Setenv("JACK_DEFAULT_SERVER", j.Server)
	if err := j.waitReady(5 * time.Second); err != nil {
		t.Fatalf("jackd did not come up: %v\n%s", err, j.Logs())
	}
	return j
}

// waitReady waits for the server socket, then for jack_lsp to list the
// capture ports (each JACK client takes about half a second to connect, so
// polling jack_lsp alone is slow).
func (j *JACK) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	socket := fmt.Sprintf("/dev/shm/jack_%s_%d_0", j.Server, os.Getuid())
	for time.Now().Before(deadline) {
		if _, err := os.Stat(socket); err == nil {
			break
		}
		select {
		case <-j.done:
			return fmt.Errorf("jackd exited")
		case <-time.After(20 * time.Millisecond):
		}
	}
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-j.done:
			return fmt.Errorf("jackd exited")
		default:
		}
		cmd := exec.Command("jack_lsp")
		cmd.Env = append(os.Environ(), "JACK_DEFAULT_SERVER="+j.Server, "JACK_NO_START_SERVER=1")
		out, err := cmd.CombinedOutput()
		if err == nil && bytes.Contains(out, []byte(fmt.Sprintf("system:capture_%d", j.Channels))) {
			return nil
		}
		last = fmt.Errorf("jack_lsp: %v: %s", err, out)
		time.Sleep(50 * time.Millisecond)
	}
	return last
}

// PID returns jackd's process id.
func (j *JACK) PID() int { return j.cmd.Process.Pid }

// Logs returns what jackd printed so far.
func (j *JACK) Logs() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.logs.String()
}

// stop terminates jackd: SIGTERM, then SIGKILL after 10 s (a killed
// server leaves its registry slot behind until a server of its name starts).
func (j *JACK) stop() {
	_ = j.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-j.done:
	case <-time.After(10 * time.Second):
		_ = j.cmd.Process.Kill()
		<-j.done
	}
}

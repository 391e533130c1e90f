package alsa

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serverSlots are the name indexes of the JACK servers this test process
// runs now. A new server takes the lowest free index, so a package whose
// tests run one after another reuses one name: JACK's shared registry
// holds 8 servers, and a suite that named every server anew ran out.
var serverSlots struct {
	sync.Mutex
	used map[int]bool
}

// takeSlot reserves the lowest free server index.
func takeSlot() int {
	serverSlots.Lock()
	defer serverSlots.Unlock()
	if serverSlots.used == nil {
		serverSlots.used = map[int]bool{}
	}
	i := 1
	for serverSlots.used[i] {
		i++
	}
	serverSlots.used[i] = true
	return i
}

// releaseSlot frees a server index.
func releaseSlot(i int) {
	serverSlots.Lock()
	defer serverSlots.Unlock()
	delete(serverSlots.used, i)
}

// realtime reports whether this process may use SCHED_FIFO (root, or
// CAP_SYS_NICE): then jackd runs real-time, so a busy machine (the rest
// of the suite, other tests' processes) does not starve the test clock
// and turn it slower than the wall clock.
var realtime = sync.OnceValue(func() bool { return exec.Command("chrt", "-f", "1", "true").Run() == nil })

// JACK is a private jackd running the dummy driver: a real-time clock for
// test capture devices, no hardware needed.
type JACK struct {
	// Server is the server name (JACK_DEFAULT_SERVER).
	Server string
	// Channels is the number of system:capture ports.
	Channels int
	// Rate is the sample rate in Hz.
	Rate int
	slot int

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

// StartJACK starts `jackd --realtime -d dummy -r 48000 -p 480 -C channels
// -P 2` (--no-realtime where SCHED_FIFO is not allowed) under a server name
// unique among this process's running servers, sets JACK_DEFAULT_SERVER for
// the rest of the test (so PortAudio and the ALSA jack plugin connect to it)
// and stops the server at cleanup. Call Require(t, "jackd", "jack_lsp") first.
func (e *Env) StartJACK(channels int) *JACK {
	t := e.t
	t.Helper()
	j := &JACK{
		// The name is stable across runs (test binary + slot, no pid):
		// JACK's shared registry reclaims a dead server's slot only when a
		// server of the same name starts, so per-run names would leak
		// slots whenever a jackd is killed.
		slot:     takeSlot(),
		Channels: channels,
		Rate:     48000,
		done:     make(chan struct{}),
	}
	j.Server = fmt.Sprintf("rakkr-%s-%d", strings.TrimSuffix(filepath.Base(os.Args[0]), ".test"), j.slot)
	sched := []string{"--no-realtime"}
	if realtime() {
		sched = []string{"--realtime", "--realtime-priority", "70"}
	}
	j.cmd = exec.Command("jackd", append(sched, "-d", "dummy",
		"-r", fmt.Sprint(j.Rate), "-p", "480", "-C", fmt.Sprint(channels), "-P", "2")...)
	j.cmd.Env = append(os.Environ(), "JACK_DEFAULT_SERVER="+j.Server, "JACK_NO_AUDIO_RESERVATION=1")
	j.cmd.Stdout, j.cmd.Stderr = lockedWriter{j}, lockedWriter{j}
	j.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := j.cmd.Start(); err != nil {
		releaseSlot(j.slot)
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
	defer releaseSlot(j.slot)
	_ = j.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-j.done:
	case <-time.After(10 * time.Second):
		_ = j.cmd.Process.Kill()
		<-j.done
	}
}

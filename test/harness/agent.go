package harness

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Agent is a running rakkr-agent.
type Agent struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	exited chan struct{}
	code   int
}

// StartAgent runs `rakkr-agent args…` with the test's environment (HOME
// points at the ALSA configuration the test wrote).
func StartAgent(t *testing.T, env []string, args ...string) *Agent {
	t.Helper()
	a := &Agent{exited: make(chan struct{})}
	a.cmd = exec.Command(filepath.Join(Binaries(t), "rakkr-agent"), args...)
	a.cmd.Env = append(os.Environ(), env...)
	w := &lockedWriter{mu: &a.mu, w: &a.out}
	a.cmd.Stdout, a.cmd.Stderr = w, w
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := a.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			a.code = ee.ExitCode()
		}
		close(a.exited)
	}()
	t.Cleanup(func() { a.Kill() })
	return a
}

// Kill ends the agent at once (SIGKILL), as a crash or power loss would.
func (a *Agent) Kill() {
	select {
	case <-a.exited:
	default:
		_ = a.cmd.Process.Kill()
		<-a.exited
	}
}

// Wait waits for the agent to exit and returns its status.
func (a *Agent) Wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-a.exited:
		return a.code
	case <-time.After(d):
		t.Fatalf("agent still running after %v:\n%s", d, a.Output())
		return -1
	}
}

// Output returns what the agent printed.
func (a *Agent) Output() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.out.String()
}

// Eventually polls fn until it returns true or the time is up.
func Eventually(t *testing.T, d time.Duration, what string, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if fn() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("timed out after %v waiting for %s", d, what)
}

package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/agent/daemon"
	"github.com/rakkr/rakkr/agent/daemon/daemontest"
)

// clearAgentEnv unsets the agent settings for the test.
func clearAgentEnv(t *testing.T) {
	for _, s := range AgentNodeSettings {
		t.Setenv(s.Env, "")
		os.Unsetenv(s.Env)
	}
}

func TestRunEnrollWritesCredential(t *testing.T) {
	clearAgentEnv(t)
	f := daemontest.New(false)
	defer f.Close()
	dir := filepath.Join(t.TempDir(), "agent")
	var out, errb bytes.Buffer
	code := RunEnroll(context.Background(), []string{"--controller", f.URL(), "--token", "boot-1", "--data-dir", dir, "--source", "demo"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	p := filepath.Join(dir, daemon.CredentialFile)
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credential %v %v", fi, err)
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Fatalf("data dir mode %v", di.Mode().Perm())
	}
	var c map[string]string
	b, _ := os.ReadFile(p)
	if err := json.Unmarshal(b, &c); err != nil || c["nodeId"] != "node-1" || c["nodeToken"] != "node-token-1" || c["controllerUrl"] != f.URL() || c["alias"] != "room-1" {
		t.Fatalf("credential %s (%v)", b, err)
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if len(f.Enrolls) != 1 || len(f.Enrolls[0].Inventory.Interfaces) != 1 || f.Enrolls[0].Inventory.Interfaces[0].Backend != "demo" ||
		f.Enrolls[0].Runtime.Hostname == "" {
		t.Fatalf("enroll request %+v", f.Enrolls)
	}
}

func TestRunEnrollRefusals(t *testing.T) {
	clearAgentEnv(t)
	f := daemontest.New(false)
	defer f.Close()
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"bad token", []string{"--controller", f.URL(), "--token", "used"}, 1, "bootstrap token expired or already used: ask for a new one"},
		{"insecure", []string{"--controller", "http://controller.example:8787", "--token", "t"}, 1, "--allow-insecure-controller"},
		{"missing token", []string{"--controller", f.URL()}, 2, "--token"},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		args := append(c.args, "--data-dir", dir, "--source", "demo")
		if code := RunEnroll(context.Background(), args, &out, &errb); code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, errb.String(), c.code, c.want)
		}
	}
	// With the flag the insecure URL passes the transport check (and then
	// fails to connect, as the host does not exist).
	var out, errb bytes.Buffer
	RunEnroll(context.Background(), []string{"--controller", "http://controller.invalid:8787", "--token", "t", "--allow-insecure-controller", "--data-dir", dir, "--source", "demo"}, &out, &errb)
	if strings.Contains(errb.String(), "refusing plain http") {
		t.Errorf("--allow-insecure-controller ignored: %s", errb.String())
	}
	if _, err := os.Stat(filepath.Join(dir, daemon.CredentialFile)); !os.IsNotExist(err) {
		t.Errorf("a credential was written after a refusal")
	}
}

func TestRunDaemonRevokedExits3(t *testing.T) {
	clearAgentEnv(t)
	f := daemontest.New(false)
	defer f.Close()
	f.Set(func(f *daemontest.Fake) { f.Revoked = true })
	dir := t.TempDir()
	if err := daemon.SaveCredential(dir, daemon.Credential{ControllerURL: f.URL(), NodeID: f.NodeID, NodeToken: f.NodeToken}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := RunDaemon(ctx, []string{"--data-dir", dir, "--source", "demo"}, &out, &errb)
	if code != 3 || !strings.Contains(errb.String(), "node credential revoked or invalid: re-enroll with rakkr-agent enroll") {
		t.Fatalf("exit %d, stderr %s", code, errb.String())
	}
}

func TestRunDaemonStreamsAndStopsCleanly(t *testing.T) {
	clearAgentEnv(t)
	f := daemontest.New(false)
	defer f.Close()
	dir := t.TempDir()
	// Credential from the environment, no file needed.
	t.Setenv("RAKKR_CONTROLLER_URL", f.URL())
	t.Setenv("RAKKR_NODE_ID", f.NodeID)
	t.Setenv("RAKKR_NODE_TOKEN", f.NodeToken)
	t.Setenv("RAKKR_AUDIO_SOURCE", "demo")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- RunDaemon(ctx, []string{"--data-dir", dir, "--heartbeat-interval", "200ms"}, &out, &errb)
	}()
	deadline := time.Now().Add(8 * time.Second)
	for {
		f.Mu.Lock()
		n := len(f.Frames)
		f.Mu.Unlock()
		if n >= 5 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no meter frames; stderr: %s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	begin := time.Now()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop within 5 s")
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Fatalf("stop took %s", d)
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.Frames[0].InterfaceID != daemontest.InterfaceID("demo:signal") || f.Inventories[0].Interfaces[0].Backend != "demo" {
		t.Fatalf("frame %+v inventory %+v", f.Frames[0], f.Inventories)
	}
	if _, err := os.Stat(filepath.Join(dir, "health-events.jsonl")); err != nil {
		t.Fatalf("health log: %v", err)
	}
}

// Package browser drives the embedded console in Debian's Chromium
// (playwright-core) against the real rakkr controller and a real
// rakkr-agent, as an operator would.
package browser

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rakkr/rakkr/test/alsa"
	"github.com/rakkr/rakkr/test/harness"
)

const (
	chromiumPath  = "/usr/bin/chromium"
	ownerEmail    = "owner@example.org"
	ownerPassword = "owner-password-browser-1"
	viewerEmail   = "viewer@example.org"
	viewerPass    = "viewer-password-browser-1"
)

// requireTools skips (or, under CI=true, fails) when node, Chromium or
// playwright-core is missing.
func requireTools(t *testing.T, frontend string) {
	t.Helper()
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		missing = append(missing, chromiumPath+" (apt-get install -y chromium)")
	}
	if _, err := os.Stat(filepath.Join(frontend, "node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, "frontend/node_modules/playwright-core (scripts/deps.sh or npm ci in frontend/)")
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("browser test needs %v", missing)
	}
	t.Skipf("browser test needs %v", missing)
}

// writeSine writes seconds of a 48 kHz stereo float32 signal (440 Hz left,
// 660 Hz right, −12 dBFS) for the JACK-backed capture device.
func writeSine(t *testing.T, path string, seconds int) {
	t.Helper()
	frames := seconds * 48000
	b := make([]byte, frames*2*4)
	for f := 0; f < frames; f++ {
		for c, hz := range []float64{440, 660} {
			v := float32(0.25 * math.Sin(2*math.Pi*hz*float64(f)/48000))
			binary.LittleEndian.PutUint32(b[(f*2+c)*4:], math.Float32bits(v))
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestConsoleInChromium signs in through the console, watches the live
// meter of a real agent capturing from a JACK-backed ALSA device move,
// records from the Record dialog, stops, finds, plays (seeking with HTTP
// Range through the ticket URL) and downloads the recording, checks a
// viewer's view and the server's 403s, and verifies the audit chain and the
// recording's events from the Audit page.
func TestConsoleInChromium(t *testing.T) {
	frontend, err := filepath.Abs("../../frontend")
	if err != nil {
		t.Fatal(err)
	}
	requireTools(t, frontend)
	alsa.Require(t, "jackd", "jack_lsp", alsa.JACKPlugin)
	// Build (or find, with RAKKR_TEST_BIN_DIR) the binaries before alsa.New
	// points $HOME at a temporary directory, so the Go caches stay warm.
	harness.Binaries(t)
	audio := alsa.New(t)
	raw := filepath.Join(t.TempDir(), "sine.f32")
	writeSine(t, raw, 180)
	jack := audio.StartJACK(2)
	audio.AddJACKFileDevice(jack, "rtmic", raw)
	artifacts, err := filepath.Abs("../artifacts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	began := time.Now()
	phase := func(what string) { t.Logf("%-32s at %v", what, time.Since(began).Round(100*time.Millisecond)) }
	c := harness.StartController(t, "RAKKR_DEV=true", "RAKKR_DATA_DIR="+t.TempDir(),
		"RAKKR_ADMIN_EMAIL="+ownerEmail, "RAKKR_ADMIN_PASSWORD="+ownerPassword)
	phase("controller healthy")
	owner := c.Login(ownerEmail, ownerPassword)
	if r := c.Call("POST", "/api/v1/auth/users", owner, map[string]any{
		"email": viewerEmail, "name": "Vera Viewer", "password": viewerPass, "roles": []string{"viewer"}}); r.Status != 201 {
		t.Fatalf("create viewer: %d %s", r.Status, r.Body)
	}
	r := c.Call("POST", "/api/v1/nodes/enroll", owner, map[string]any{"alias": "chamber-1", "site": "city-hall"})
	if r.Status != 201 {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	var enrolled struct {
		Node           struct{ ID string }
		BootstrapToken string
	}
	r.Data(t, &enrolled)

	agentEnv := []string{"RAKKR_AGENT_DATA_DIR=" + filepath.Join(t.TempDir(), "agent"), "RAKKR_AUDIO_SOURCE=portaudio:rtmic",
		"RAKKR_HEARTBEAT_INTERVAL=1s"}
	enroll := harness.StartAgent(t, agentEnv, "enroll", "--controller", c.URL, "--token", enrolled.BootstrapToken)
	if code := enroll.Wait(t, 30*time.Second); code != 0 {
		t.Fatalf("rakkr-agent enroll: exit %d\n%s", code, enroll.Output())
	}
	agent := harness.StartAgent(t, agentEnv, "run")
	// Connected is enough: under a loaded machine the agent's own health checks
	// may report the node degraded or alerting rather than online.
	lastStatus := ""
	defer func() {
		if t.Failed() {
			t.Logf("last node status: %q\nagent output:\n%s\ncontroller output:\n%s\njackd:\n%s",
				lastStatus, agent.Output(), c.Output(), jack.Logs())
		}
	}()
	ifaceID := ""
	harness.Eventually(t, 60*time.Second, "the node to connect and report the rtmic interface", func() bool {
		r := c.Call("GET", "/api/v1/nodes/"+enrolled.Node.ID, owner, nil)
		if r.Status != 200 {
			return false
		}
		var n struct {
			Status     string
			Interfaces []struct {
				ID         string
				SystemName string
				Absent     bool
			}
		}
		r.Data(t, &n)
		lastStatus = n.Status
		if n.Status == "" || n.Status == "provisioning" || n.Status == "offline" {
			return false
		}
		for _, i := range n.Interfaces {
			if i.SystemName == "rtmic" && !i.Absent {
				ifaceID = i.ID
				return true
			}
		}
		return false
	})
	phase("node connected (" + lastStatus + ")")

	ctx, cancel := context.WithTimeout(context.Background(), 240*time.Second)
	defer cancel()
	node := exec.CommandContext(ctx, "node", "../test/browser/console.spec.mjs")
	node.Dir = frontend
	node.Env = append(os.Environ(),
		"RAKKR_URL="+c.URL,
		"RAKKR_OWNER_EMAIL="+ownerEmail, "RAKKR_OWNER_PASSWORD="+ownerPassword,
		"RAKKR_VIEWER_EMAIL="+viewerEmail, "RAKKR_VIEWER_PASSWORD="+viewerPass,
		"RAKKR_NODE_ID="+enrolled.Node.ID,
		"RAKKR_INTERFACE_ID="+ifaceID,
		"RAKKR_ARTIFACTS="+artifacts,
		"CHROMIUM_PATH="+chromiumPath,
	)
	node.WaitDelay = 5 * time.Second
	out, err := node.CombinedOutput()
	phase("console.spec.mjs done")
	if err != nil {
		t.Fatalf("console.spec.mjs failed (%v):\n%s", err, out)
	}
	t.Logf("console.spec.mjs output:\n%s", out)
}

package e2e

import (
	"github.com/rakkr/rakkr/test/harness"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/test/alsa"
)

type nodeView struct {
	ID         string
	Alias      string
	Status     string
	Interfaces []struct {
		ID           string
		SystemName   string
		Backend      string
		ChannelCount int
		Absent       bool
	}
}

// TestFleetEnrollRunOfflineRevoke drives the real controller and the real
// agent capturing through PortAudio from a real-time ALSA device (JACK dummy
// backend fed from a sine file): enroll, the node goes online with the right
// interface, killing the agent makes it offline after the threshold, and a
// revoked credential stops the agent with a clear message.
func TestFleetEnrollRunOfflineRevoke(t *testing.T) {
	alsa.Require(t, "sox", "jackd", "jack_lsp", alsa.JACKPlugin)
	env := alsa.New(t)
	wav := filepath.Join(t.TempDir(), "sine.wav")
	alsa.Sox(t, "-n", "-r", "48000", "-e", "floating-point", "-b", "32", "-c", "2", wav,
		"synth", "120", "sine", "1000", "sine", "1500", "gain", "-16.9897") // two tones: uncorrelated channels
	j := env.StartJACK(2)
	env.AddJACKFileDevice(j, "rtmic", alsa.ToRawF32(t, wav))

	c := harness.StartController(t, "RAKKR_DEV=true", "RAKKR_DATA_DIR="+t.TempDir(), "RAKKR_ADMIN_EMAIL=owner@example.org",
		"RAKKR_NODE_OFFLINE_AFTER=4s")
	owner := c.Login("owner@example.org", c.GeneratedPassword())

	r := c.Call("POST", "/api/v1/nodes/enroll", owner, map[string]any{"alias": "chamber-1", "site": "city-hall"})
	if r.Status != 201 {
		t.Fatalf("enroll: %d %s", r.Status, r.Body)
	}
	var enrolled struct {
		Node           nodeView
		BootstrapToken string
	}
	r.Data(t, &enrolled)
	if enrolled.Node.Status != "provisioning" || enrolled.BootstrapToken == "" {
		t.Fatalf("enrolled node: %+v", enrolled)
	}

	dataDir := filepath.Join(t.TempDir(), "agent")
	agentEnv := []string{"RAKKR_AGENT_DATA_DIR=" + dataDir, "RAKKR_AUDIO_SOURCE=portaudio:rtmic", "RAKKR_HEARTBEAT_INTERVAL=1s"}
	enroll := harness.StartAgent(t, agentEnv, "enroll", "--controller", c.URL, "--token", enrolled.BootstrapToken)
	if code := enroll.Wait(t, 30*time.Second); code != 0 {
		t.Fatalf("rakkr-agent enroll: exit %d\n%s", code, enroll.Output())
	}
	st, err := os.Stat(filepath.Join(dataDir, "credential.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("credential file: %v %v", err, st)
	}
	// The token is single use.
	again := harness.StartAgent(t, []string{"RAKKR_AGENT_DATA_DIR=" + t.TempDir()}, "enroll", "--controller", c.URL, "--token", enrolled.BootstrapToken)
	if code := again.Wait(t, 30*time.Second); code == 0 {
		t.Fatalf("a used bootstrap token enrolled again:\n%s", again.Output())
	}

	agent := harness.StartAgent(t, agentEnv, "run")
	var node nodeView
	defer func() {
		if t.Failed() {
			t.Logf("last node view: %+v\nagent output:\n%s\njackd:\n%s", node, agent.Output(), j.Logs())
		}
	}()
	harness.Eventually(t, 60*time.Second, "the node to come online (or degraded by xruns) with the rtmic interface", func() bool {
		r := c.Call("GET", "/api/v1/nodes/"+enrolled.Node.ID, owner, nil)
		if r.Status != 200 {
			return false
		}
		r.Data(t, &node)
		for _, i := range node.Interfaces {
			// degraded is reachable too: on a loaded machine JACK xruns open warnings.
			if i.SystemName == "rtmic" && i.ChannelCount == 2 && !i.Absent && (node.Status == "online" || node.Status == "degraded") {
				return true
			}
		}
		return false
	})

	checkLiveMeters(t, c, owner, enrolled.Node.ID, node)

	agent.Kill()
	harness.Eventually(t, 20*time.Second, "the node to go offline after the agent was killed", func() bool {
		r := c.Call("GET", "/api/v1/nodes/"+enrolled.Node.ID, owner, nil)
		r.Data(t, &node)
		return node.Status == "offline"
	})

	if r := c.Call("POST", "/api/v1/nodes/"+enrolled.Node.ID+"/credentials/revoke", owner, map[string]any{}); r.Status != 200 {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	refused := harness.StartAgent(t, agentEnv, "run")
	if code := refused.Wait(t, 30*time.Second); code != 3 || !strings.Contains(refused.Output(), "re-enroll") {
		t.Fatalf("agent with a revoked credential: exit %d\n%s", code, refused.Output())
	}
}

package e2e

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/rakkr/rakkr/test/alsa"
)

// TestFaultLaneOpensAndResolvesAgentEvents feeds the agent (PortAudio,
// real-time JACK-backed ALSA device) 8 s of digital silence and then a
// tone: the controller shows an agent.meter.flatline event that the agent's
// flatline_recovered event resolves, and the node is not degraded afterwards.
func TestFaultLaneOpensAndResolvesAgentEvents(t *testing.T) {
	alsa.Require(t, "sox", "jackd", "jack_lsp", alsa.JACKPlugin)
	env := alsa.New(t)
	dir := t.TempDir()
	silence, tone, lane := filepath.Join(dir, "silence.wav"), filepath.Join(dir, "tone.wav"), filepath.Join(dir, "lane.wav")
	alsa.Sox(t, "-n", "-r", "48000", "-e", "floating-point", "-b", "32", "-c", "2", silence, "trim", "0", "8")
	alsa.Sox(t, "-n", "-r", "48000", "-e", "floating-point", "-b", "32", "-c", "2", tone, "synth", "110", "sine", "440", "gain", "-16.9897")
	alsa.Sox(t, silence, tone, lane)
	j := env.StartJACK(2)
	env.AddJACKFileDevice(j, "faultmic", alsa.ToRawF32(t, lane))

	c := startController(t, "RAKKR_DEV=true", "RAKKR_DATA_DIR="+t.TempDir(), "RAKKR_ADMIN_EMAIL=owner@example.org")
	owner := c.login("owner@example.org", c.GeneratedPassword())
	r := c.call("POST", "/api/v1/nodes/enroll", owner, map[string]any{"alias": "court-2"})
	var enrolled struct {
		Node           nodeView
		BootstrapToken string
	}
	r.Data(t, &enrolled)
	agentEnv := []string{"RAKKR_AGENT_DATA_DIR=" + filepath.Join(t.TempDir(), "agent"), "RAKKR_AUDIO_SOURCE=portaudio:faultmic", "RAKKR_HEARTBEAT_INTERVAL=1s"}
	if code := startAgent(t, agentEnv, "enroll", "--controller", c.URL, "--token", enrolled.BootstrapToken).Wait(t, 30*time.Second); code != 0 {
		t.Fatalf("enroll exit %d", code)
	}
	agent := startAgent(t, agentEnv, "run")

	type event struct {
		ID, Type, Status, Severity string
		ResolvedByEventID          *string `json:"resolvedByEventId"`
	}
	var flatline event
	eventually(t, 60*time.Second, "a resolved agent.meter.flatline event", func() bool {
		r := c.call("GET", "/api/v1/health-events?nodeId="+enrolled.Node.ID+"&type=agent.meter.flatline&limit=50", owner, nil)
		var events []event
		r.Data(t, &events)
		for _, e := range events {
			if e.Type == "agent.meter.flatline" {
				flatline = e
			}
		}
		return flatline.Status == "resolved"
	})
	if flatline.Severity != "warning" || flatline.ResolvedByEventID == nil {
		t.Fatalf("flatline event: %+v\nagent:\n%s", flatline, agent.Output())
	}
	r = c.call("GET", "/api/v1/health-events?nodeId="+enrolled.Node.ID+"&type=agent.meter.low_signal", owner, nil)
	var lows []event
	r.Data(t, &lows)
	if len(lows) != 0 {
		t.Fatalf("digital silence must read as flatline, not low signal: %s", r.Body)
	}
	var node nodeView
	eventually(t, 20*time.Second, "the node to be online (not degraded) once the fault resolved", func() bool {
		c.call("GET", "/api/v1/nodes/"+enrolled.Node.ID, owner, nil).Data(t, &node)
		return node.Status == "online"
	})
}

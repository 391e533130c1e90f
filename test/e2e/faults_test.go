package e2e

import (
	"github.com/rakkr/rakkr/test/harness"
	"path/filepath"
	"testing"
	"time"

	"github.com/rakkr/rakkr/test/alsa"
)

// TestFaultLanesOpenAndResolveAgentEvents feeds the agent (PortAudio,
// real-time JACK-backed ALSA device) a fault and then a healthy,
// uncorrelated stereo signal: the controller shows the agent's fault event,
// the agent's *_recovered event resolves it, no other level fault is raised,
// and nothing of the fault's type stays open.
func TestFaultLanesOpenAndResolveAgentEvents(t *testing.T) {
	alsa.Require(t, "sox", "jackd", "jack_lsp", alsa.JACKPlugin)
	lanes := []struct {
		fault string
		synth []string // sox arguments producing the fault segment
		other string   // a level fault that must not be raised
	}{
		{"flatline", []string{"trim", "0", "8"}, "low_signal"},
		{"low_signal", []string{"synth", "13", "sine", "440", "sine", "660", "gain", "-57"}, "flatline"},
		{"clipping", []string{"synth", "4", "square", "440", "square", "660", "gain", "-0.5"}, "flatline"},
		{"channel_correlation", []string{"synth", "13", "sine", "440", "gain", "-16.9897"}, "clipping"},
	}
	c := harness.StartController(t, "RAKKR_DEV=true", "RAKKR_DATA_DIR="+t.TempDir(), "RAKKR_ADMIN_EMAIL=owner@example.org")
	owner := c.Login("owner@example.org", c.GeneratedPassword())
	for _, lane := range lanes {
		t.Run(lane.fault, func(t *testing.T) {
			env := alsa.New(t)
			dir := t.TempDir()
			fault, healthy, joined := filepath.Join(dir, "fault.wav"), filepath.Join(dir, "healthy.wav"), filepath.Join(dir, "lane.wav")
			alsa.Sox(t, append([]string{"-n", "-r", "48000", "-e", "floating-point", "-b", "32", "-c", "2", fault}, lane.synth...)...)
			alsa.Sox(t, "-n", "-r", "48000", "-e", "floating-point", "-b", "32", "-c", "2", healthy,
				"synth", "110", "sine", "440", "sine", "660", "gain", "-16.9897")
			alsa.Sox(t, fault, healthy, joined)
			j := env.StartJACK(2)
			env.AddJACKFileDevice(j, "lanemic", alsa.ToRawF32(t, joined))

			r := c.Call("POST", "/api/v1/nodes/enroll", owner, map[string]any{"alias": "lane-" + lane.fault})
			var enrolled struct {
				Node           nodeView
				BootstrapToken string
			}
			r.Data(t, &enrolled)
			agentEnv := []string{"RAKKR_AGENT_DATA_DIR=" + filepath.Join(dir, "agent"), "RAKKR_AUDIO_SOURCE=portaudio:lanemic", "RAKKR_HEARTBEAT_INTERVAL=1s"}
			if code := harness.StartAgent(t, agentEnv, "enroll", "--controller", c.URL, "--token", enrolled.BootstrapToken).Wait(t, 30*time.Second); code != 0 {
				t.Fatalf("enroll exit %d", code)
			}
			agent := harness.StartAgent(t, agentEnv, "run")
			defer agent.Kill()

			type event struct {
				ID, Type, Status, Severity string
				ResolvedByEventID          *string `json:"resolvedByEventId"`
			}
			events := func(kind string) []event {
				var out []event
				c.Call("GET", "/api/v1/health-events?nodeId="+enrolled.Node.ID+"&type=agent.meter."+kind+"&limit=50", owner, nil).Data(t, &out)
				return out
			}
			var raised event
			harness.Eventually(t, 60*time.Second, "a resolved agent.meter."+lane.fault+" event", func() bool {
				for _, e := range events(lane.fault) {
					if e.Type == "agent.meter."+lane.fault {
						raised = e
					}
				}
				return raised.Status == "resolved"
			})
			if raised.Severity != "warning" || raised.ResolvedByEventID == nil {
				t.Fatalf("%s event: %+v\nagent:\n%s", lane.fault, raised, agent.Output())
			}
			for _, e := range events(lane.other) {
				if e.Type == "agent.meter."+lane.other {
					t.Fatalf("the %s lane also raised %s: %+v", lane.fault, lane.other, e)
				}
			}
			// Nothing of the lane's type is left open. (The node may still read
			// degraded on a loaded machine: JACK xrun warnings stay open until
			// an operator acknowledges them.)
			var open []event
			c.Call("GET", "/api/v1/health-events?nodeId="+enrolled.Node.ID+"&status=open&type=agent.meter."+lane.fault, owner, nil).Data(t, &open)
			if len(open) != 0 {
				t.Fatalf("open %s events after recovery: %+v", lane.fault, open)
			}
		})
	}
}

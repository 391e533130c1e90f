package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/audiofile"
	"github.com/rakkr/rakkr/test/alsa"
	"github.com/rakkr/rakkr/test/harness"
)

// rig is a controller and an enrolled agent capturing the known signal
// through a real-time JACK-backed ALSA device.
type rig struct {
	c        *harness.Controller
	owner    string
	nodeID   string
	ifaceID  string
	src      []float32 // the known signal, 2 channels interleaved
	agent    *harness.Agent
	agentEnv []string
	dataDir  string
	ctlEnv   []string
}

// rigPassword is the owner's password in recording tests (fixed, so a
// restarted controller accepts the same login).
const rigPassword = "correct horse battery staple 42"

// rigOption adjusts a rig before it starts.
type rigOption func(*rig)

// withAgentDataDir puts the agent's data directory at dir.
func withAgentDataDir(dir string) rigOption { return func(r *rig) { r.dataDir = dir } }

// newRig starts JACK, the controller and the agent, and waits until the
// node reports its interface.
func newRig(t *testing.T, seconds int, opts ...rigOption) *rig {
	t.Helper()
	alsa.Require(t, "jackd", "jack_lsp", alsa.JACKPlugin)
	env := alsa.New(t)
	r := &rig{src: knownSignal(seconds, 2), dataDir: filepath.Join(t.TempDir(), "agent")}
	for _, o := range opts {
		o(r)
	}
	raw := filepath.Join(t.TempDir(), "known.f32")
	writeF32(t, raw, r.src)
	j := env.StartJACK(2)
	env.AddJACKFileDevice(j, "rtmic", raw)

	r.ctlEnv = []string{"RAKKR_DEV=true", "RAKKR_DATA_DIR=" + t.TempDir(), "RAKKR_ADMIN_EMAIL=owner@example.org",
		"RAKKR_ADMIN_PASSWORD=" + rigPassword}
	r.c = harness.StartController(t, r.ctlEnv...)
	r.owner = r.c.Login("owner@example.org", rigPassword)
	resp := r.c.Call("POST", "/api/v1/nodes/enroll", r.owner, map[string]any{"alias": "chamber-1", "site": "city-hall"})
	if resp.Status != 201 {
		t.Fatalf("enroll: %d %s", resp.Status, resp.Body)
	}
	var enrolled struct {
		Node           nodeView
		BootstrapToken string
	}
	resp.Data(t, &enrolled)
	r.nodeID = enrolled.Node.ID
	r.agentEnv = []string{"RAKKR_AGENT_DATA_DIR=" + r.dataDir, "RAKKR_AUDIO_SOURCE=portaudio:rtmic", "RAKKR_HEARTBEAT_INTERVAL=1s"}
	enroll := harness.StartAgent(t, r.agentEnv, "enroll", "--controller", r.c.URL, "--token", enrolled.BootstrapToken)
	if code := enroll.Wait(t, 30*time.Second); code != 0 {
		t.Fatalf("rakkr-agent enroll: exit %d\n%s", code, enroll.Output())
	}
	r.startAgent(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("agent output:\n%s\ncontroller output:\n%s\njackd:\n%s", r.agent.Output(), r.c.Output(), j.Logs())
		}
	})
	harness.Eventually(t, 60*time.Second, "the node to report the rtmic interface", func() bool {
		var n nodeView
		resp := r.c.Call("GET", "/api/v1/nodes/"+r.nodeID, r.owner, nil)
		if resp.Status != 200 {
			return false
		}
		resp.Data(t, &n)
		for _, i := range n.Interfaces {
			if i.SystemName == "rtmic" && !i.Absent && n.Status != "provisioning" && n.Status != "offline" {
				r.ifaceID = i.ID
				return true
			}
		}
		return false
	})
	return r
}

// startAgent (re)starts `rakkr-agent run`.
func (r *rig) startAgent(t *testing.T) { r.agent = harness.StartAgent(t, r.agentEnv, "run") }

// recView is the part of a recording the tests read.
type recView struct {
	ID              string
	Status          string
	HealthStatus    string
	DurationSeconds float64
	SizeBytes       int64
	ChunkTotal      int
	Checksum        string
	SampleRate      int
	ChannelCount    int
	FailureReason   string
}

// record starts a recording and returns its id.
func (r *rig) record(t *testing.T, body map[string]any) string {
	t.Helper()
	body["nodeId"], body["interfaceId"] = r.nodeID, r.ifaceID
	resp := r.c.Call("POST", "/api/v1/recordings", r.owner, body)
	if resp.Status != 201 {
		t.Fatalf("start recording %v: %d %s", body, resp.Status, resp.Body)
	}
	var out struct{ Recording recView }
	resp.Data(t, &out)
	return out.Recording.ID
}

// get returns a recording.
func (r *rig) get(t *testing.T, id string) recView {
	t.Helper()
	var v recView
	resp := r.c.Call("GET", "/api/v1/recordings/"+id, r.owner, nil)
	if resp.Status != 200 {
		t.Fatalf("get recording: %d %s", resp.Status, resp.Body)
	}
	resp.Data(t, &v)
	return v
}

// waitStatus waits until the recording reaches one of the statuses.
func (r *rig) waitStatus(t *testing.T, id string, d time.Duration, statuses ...string) recView {
	t.Helper()
	var v recView
	harness.Eventually(t, d, "recording "+id+" to become "+statuses[0], func() bool {
		v = r.get(t, id)
		for _, s := range statuses {
			if v.Status == s {
				return true
			}
		}
		return false
	})
	return v
}

// download fetches a recording's file (query may select a chunk) and
// checks the checksum when want is given.
func (r *rig) download(t *testing.T, id, query, want string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", r.c.URL+"/api/v1/recordings/"+id+"/file"+query, nil)
	req.Header.Set("Authorization", "Bearer "+r.owner)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("download %s%s: %d %s", id, query, resp.StatusCode, b)
	}
	if want != "" {
		sum := sha256.Sum256(b)
		if got := "sha256:" + hex.EncodeToString(sum[:]); got != want {
			t.Fatalf("downloaded file checksum %s, recording says %s", got, want)
		}
	}
	return b
}

// decode decodes an audio file's bytes and returns the interleaved samples
// and the channel count.
func decode(t *testing.T, b []byte) ([]float32, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audio")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := (&audiofile.Decoder{}).OpenAudioFile(path)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	defer a.Close()
	ch := a.Format().Channels
	var out []float32
	buf := make([]float32, 4096*ch)
	for {
		n, err := a.ReadFrames(buf)
		out = append(out, buf[:n*ch]...)
		if err == io.EOF || n == 0 {
			break
		}
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
	}
	return out, ch
}

// jsonBody renders v for logs.
func jsonBody(v any) string {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	return b.String()
}

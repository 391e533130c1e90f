package e2e

import (
	"math"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/test/harness"
)

// TestRecordingSurvivesAControllerOutage kills the controller 5 s into a
// recording and starts it again 10 s later: the agent keeps capturing, and
// the recording completes with every sample (no gap).
func TestRecordingSurvivesAControllerOutage(t *testing.T) {
	r := newRig(t, 120)
	id := r.record(t, map[string]any{"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": "raw-wav",
		"name": "Through an outage", "durationSeconds": 25})
	r.waitStatus(t, id, 30*time.Second, "recording")
	time.Sleep(5 * time.Second)
	addr := r.c.Addr()
	r.c.Kill()
	time.Sleep(10 * time.Second)
	r.c = harness.StartControllerAt(t, addr, r.ctlEnv...)
	r.owner = r.c.Login("owner@example.org", rigPassword)
	v := r.waitStatus(t, id, 90*time.Second, "cached", "partial", "failed")
	if v.Status != "cached" || math.Abs(v.DurationSeconds-25) > 0.1 {
		t.Fatalf("recording after the controller outage: %+v", v)
	}
	s, ch := decode(t, r.download(t, id, "", v.Checksum))
	compareToSource(t, "recording through an outage", r.src, s, ch, stereoSource)
}

// TestAgentCrashRecoversThePartial kills the agent (SIGKILL) mid-capture
// and starts it again: what was captured is recovered and uploaded, and the
// job says why the recording is partial.
func TestAgentCrashRecoversThePartial(t *testing.T) {
	r := newRig(t, 90)
	id := r.record(t, map[string]any{"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": "raw-wav",
		"name": "Crash"})
	r.waitStatus(t, id, 30*time.Second, "recording")
	time.Sleep(6 * time.Second)
	r.agent.Kill()
	r.startAgent(t)
	v := r.waitStatus(t, id, 90*time.Second, "partial", "cached", "failed")
	if v.Status != "partial" || v.DurationSeconds < 4 || v.FailureReason != "agent_restarted" {
		t.Fatalf("recording after the agent crash: %+v", v)
	}
	var jobs []struct {
		Status        string
		FailureReason string
	}
	r.c.Call("GET", "/api/v1/recording-jobs?recordingId="+id, r.owner, nil).Data(t, &jobs)
	if len(jobs) != 1 || jobs[0].Status != "failed" || jobs[0].FailureReason != "agent_restarted" {
		t.Fatalf("job after the crash: %+v", jobs)
	}
	s, ch := decode(t, r.download(t, id, "", v.Checksum))
	compareToSource(t, "recovered partial", r.src, s, ch, stereoSource)
}

// TestUploadResumesAfterACutConnection cuts the connection in the middle
// of the chunk upload: the agent asks what arrived and sends the rest; the
// stored file is whole (its checksum matches) and no byte is stored twice.
func TestUploadResumesAfterACutConnection(t *testing.T) {
	r := newRig(t, 90)
	proxy := startCutProxy(t, r.c.Addr(), 1<<20)
	r.agent.Kill()
	r.agent = harness.StartAgent(t, r.agentEnv, "run", "--controller", proxy.URL())
	id := r.record(t, map[string]any{"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": "raw-wav",
		"name": "Cut upload", "durationSeconds": 10})
	v := r.waitStatus(t, id, 90*time.Second, "cached", "partial", "failed")
	if proxy.cuts.Load() != 1 {
		t.Fatalf("the proxy cut %d uploads, want 1", proxy.cuts.Load())
	}
	if v.Status != "cached" {
		t.Fatalf("recording after a cut upload: %+v", v)
	}
	b := r.download(t, id, "", v.Checksum)
	if int64(len(b)) != v.SizeBytes {
		t.Fatalf("stored %d bytes, recording says %d", len(b), v.SizeBytes)
	}
	s, ch := decode(t, b)
	compareToSource(t, "resumed upload", r.src, s, ch, stereoSource)
}

// TestFullNodeDiskFailsCleanly gives the agent a data disk too small to
// record on: the job fails at once with a clear reason, a critical health
// event names the recording, and nothing half-written is left.
func TestFullNodeDiskFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a 16 MiB tmpfs for the agent's disk (the test runs as root): %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	r := newRig(t, 60, withAgentDataDir(dir))
	id := r.record(t, map[string]any{"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": "raw-wav", "name": "No room"})
	v := r.waitStatus(t, id, 60*time.Second, "failed", "partial", "cached")
	if v.Status != "failed" || !strings.Contains(v.FailureReason, "disk") {
		t.Fatalf("recording on a full disk: %+v", v)
	}
	harness.Eventually(t, 30*time.Second, "a critical disk event for the recording", func() bool {
		var evs []struct {
			Type, Severity, RecordingID string
		}
		r.c.Call("GET", "/api/v1/health-events?recordingId="+id, r.owner, nil).Data(t, &evs)
		for _, e := range evs {
			if e.Severity == "critical" && strings.Contains(e.Type, "disk") {
				return true
			}
		}
		return false
	})
}

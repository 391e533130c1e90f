package daemon_test

import (
	"io"
	"log/slog"
	"math"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/demosource"
	"github.com/rakkr/rakkr/adapters/filesource"
	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/agent/capture"
	"github.com/rakkr/rakkr/agent/daemon"
	"github.com/rakkr/rakkr/agent/daemon/daemontest"
	"github.com/rakkr/rakkr/agent/meterloop"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/quality"
	"github.com/rakkr/rakkr/ports"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// startHub runs a capture hub on opener until the test ends.
func startHub(t *testing.T, opener ports.AudioOpener, device string) *capture.Hub {
	t.Helper()
	h := capture.NewHub(opener, capture.Config{Request: ports.AudioRequest{Device: device}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	done := make(chan struct{})
	go func() { defer close(done); _ = h.Run(t.Context()) }()
	t.Cleanup(func() { <-done })
	return h
}

func TestMeterStreamTenFramesPerSecond(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.cfg.Inventory = agentapi.Inventory{Interfaces: []agentapi.Interface{{SystemRef: demosource.SystemRef, Backend: "demo", ChannelCount: 2}}}
	hub := startHub(t, &demosource.Opener{}, demosource.Device)
	r.cfg.Lanes = []*meterloop.Lane{{Hub: hub, SystemRef: demosource.SystemRef}}
	r.start(t)
	eventually(t, 5*time.Second, "first frame", func() bool { r.fake.Mu.Lock(); defer r.fake.Mu.Unlock(); return len(r.fake.Frames) > 0 })
	r.fake.Mu.Lock()
	first := len(r.fake.Frames)
	r.fake.Mu.Unlock()
	time.Sleep(2 * time.Second)
	r.fake.Mu.Lock()
	frames := append([]agentapi.MeterFrame{}, r.fake.Frames...)
	r.fake.Mu.Unlock()
	n := len(frames) - first
	if n < 10 || n > 30 {
		t.Fatalf("%d frames in 2 s; want 5..15 per second", n)
	}
	f := frames[len(frames)-1]
	if f.InterfaceID != daemontest.InterfaceID(demosource.SystemRef) || f.NodeID != r.fake.NodeID || len(f.Levels) != 2 {
		t.Fatalf("frame ids/levels: %+v", f)
	}
	if f.Levels[0].Label != "Input 1" || f.Levels[0].RMSDBFS > 0 || f.Levels[0].RMSDBFS < -160 {
		t.Fatalf("level %+v", f.Levels[0])
	}
	if st := hub.Stats(); st.Opens != 1 {
		t.Fatalf("the device was opened %d times", st.Opens)
	}
}

// writeLane writes a mono WAV: silence, then a −20 dBFS 440 Hz tone.
func writeLane(t *testing.T, silence, tone time.Duration) string {
	t.Helper()
	const rate = 16000
	format := pcm.Format{SampleRate: rate, Channels: 1}
	n0, n1 := format.FramesIn(silence), format.FramesIn(tone)
	s := make([]float32, n0+n1)
	amp := math.Pow(10, -20.0/20) * math.Sqrt2
	for i := 0; i < n1; i++ {
		s[n0+i] = float32(amp * math.Sin(2*math.Pi*440*float64(i)/rate))
	}
	p := filepath.Join(t.TempDir(), "lane.wav")
	if err := wavfile.WriteFile(p, format, s, wavfile.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFaultLaneFlatlineThroughDurableLog(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	path := writeLane(t, 1500*time.Millisecond, 3*time.Second)
	ref := filesource.Prefix + path
	r.cfg.Inventory = agentapi.Inventory{Interfaces: []agentapi.Interface{{SystemRef: ref, Backend: "file", ChannelCount: 1}}}
	faults := quality.DefaultFaultConfig()
	faults.FlatlineSpan = 500 * time.Millisecond
	hub := startHub(t, filesource.Opener{}, path)
	r.cfg.Lanes = []*meterloop.Lane{{Hub: hub, SystemRef: ref, Faults: faults}}
	r.start(t)
	raised, recovered := "agent.meter.flatline", "agent.meter.flatline_recovered"
	eventually(t, 6*time.Second, "flatline raised then recovered at the controller", func() bool { return hasEvents(r.fake, raised, recovered) })
	r.fake.Mu.Lock()
	defer r.fake.Mu.Unlock()
	var sawRaise bool
	for _, e := range r.fake.Events {
		switch e.Type {
		case raised:
			sawRaise = true
			if e.Severity != agentapi.SeverityWarning || e.InterfaceID != daemontest.InterfaceID(ref) || e.ID == "" {
				t.Fatalf("raise event %+v", e)
			}
		case recovered:
			if !sawRaise || e.Severity != agentapi.SeverityInfo || e.Resolves != raised {
				t.Fatalf("recovery event %+v", e)
			}
		case "agent.meter.low_signal":
			t.Fatalf("digital silence must read as flatline, not low signal: %+v", e)
		}
	}
}

func TestShutdownWithinFiveSeconds(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	hub := startHub(t, &demosource.Opener{}, demosource.Device)
	r.cfg.Lanes = []*meterloop.Lane{{Hub: hub, SystemRef: demosource.SystemRef}}
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r.cfg.Notifier = daemon.Notifier{Socket: sock, Watchdog: 200 * time.Millisecond}
	r.start(t)
	got := map[string]bool{}
	buf := make([]byte, 256)
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	for !(got["READY=1"] && got["WATCHDOG=1"]) {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("sd_notify messages so far %v: %v", got, err)
		}
		got[strings.TrimSpace(string(buf[:n]))] = true
	}
	eventually(t, 3*time.Second, "agent.started synced", func() bool { return hasEvents(r.fake, daemon.EventStarted) })
	begin := time.Now()
	if err := r.stop(t); err != nil {
		t.Fatalf("clean shutdown returned %v", err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Fatalf("shutdown took %s", d)
	}
}

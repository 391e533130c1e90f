package promexport_test

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/promexport"
	"github.com/rakkr/rakkr/ports/agentapi"
)

// meterFrames is a fixed LiveFrames source.
type meterFrames []agentapi.MeterFrame

func (m meterFrames) Live() []agentapi.MeterFrame { return m }

func scrapeMeters(t *testing.T, frames meterFrames) string {
	t.Helper()
	m := promexport.New(time.Now())
	mm := m.RegisterMeters()
	m.RegisterChannelGauges(frames)
	mm.MeterFrameReceived()
	mm.MeterFrameRejected("malformed")
	mm.MeterFramesDropped("queue_full", 3)
	mm.WSSubscribersChanged(2)
	mm.WSSubscribersChanged(-1)
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	return w.Body.String()
}

func TestMeterGauges(t *testing.T) {
	f := agentapi.MeterFrame{NodeID: "n1", InterfaceID: "i1", CapturedAt: time.Now(), Levels: []agentapi.LevelFrame{
		{ChannelIndex: 1, RMSDBFS: -20.5, PeakDBFS: -0.5, Clipping: true, Quality: agentapi.Quality{SpeechScore: 0.7,
			ChannelCorrelation: &agentapi.ChannelCorrelation{PeerChannelIndex: 2, Phase: agentapi.PhaseInverted, Score: 0.9}}},
		{ChannelIndex: 2, RMSDBFS: -30, PeakDBFS: -10},
	}}
	body := scrapeMeters(t, meterFrames{f})
	for _, want := range []string{
		`rakkr_input_rms_dbfs{channel="1",interface_id="i1",node_id="n1"} -20.5`,
		`rakkr_input_peak_dbfs{channel="2",interface_id="i1",node_id="n1"} -10`,
		`rakkr_input_clipping_ratio{channel="1",interface_id="i1",node_id="n1"} 1`,
		`rakkr_input_speech_score{channel="1",interface_id="i1",node_id="n1"} 0.7`,
		`rakkr_input_noise_score{`, `rakkr_input_broadband_noise_score{`, `rakkr_input_hum_score{`, `rakkr_input_static_score{`,
		`rakkr_input_estimated_snr_db{`, `rakkr_input_intelligibility_score{`,
		`rakkr_input_channel_correlation_score{channel="1",interface_id="i1",node_id="n1",peer_channel="2",phase="inverted"} 0.9`,
		`rakkr_meter_frames_received_total 1`, `rakkr_meter_frames_rejected_total{reason="malformed"} 1`,
		`rakkr_meter_frames_dropped_total{reason="queue_full"} 3`, `rakkr_ws_subscribers 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(body, `rakkr_input_channel_correlation_score{channel="2"`) {
		t.Error("correlation exported for a channel without a peer")
	}
	if empty := scrapeMeters(t, nil); strings.Contains(empty, "rakkr_input_rms_dbfs{") {
		t.Error("series without frames")
	}
	promtoolCheck(t, body)
}

// promtoolCheck runs `promtool check metrics` when promtool is installed
// (required when CI=true).
func promtoolCheck(t *testing.T, body string) {
	t.Helper()
	path, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("promtool is required in CI")
		}
		t.Skip("promtool not installed")
	}
	cmd := exec.Command(path, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("promtool: %v\n%s", err, out.String())
	}
}

package agentapi

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/quality"
)

func sampleFrame() quality.Frame {
	return quality.Frame{Samples: 4800, Duration: 100 * time.Millisecond, PairsMeasured: 1, Channels: []quality.ChannelMetrics{
		{RMSDBFS: -20.04, PeakDBFS: -6.96, CrestFactorDB: 13.08, ZeroCrossingRate: 0.123456,
			Scores:      quality.Scores{Speech: 0.81234, SpeechLike: true, Noise: 0.2, Broadband: 0.0004, Hum: 0.01, Static: 0, SNRDB: 31.26, Intelligibility: 0.7},
			Correlation: quality.Correlation{Peer: 1, R: -0.99321}},
		{RMSDBFS: -160, PeakDBFS: -160, Correlation: quality.Correlation{Peer: -1}},
	}}
}

func TestFromQualityFrameUsesWireNamesAndRounding(t *testing.T) {
	var m MeterFrame
	FromQualityFrame(&m, "node-1", "iface-1", time.Date(2025, 1, 2, 3, 4, 5, 600_000_000, time.FixedZone("x", 3600)), sampleFrame(), []string{"Lectern"})
	b, err := json.Marshal(&m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"nodeId":"node-1","interfaceId":"iface-1","capturedAt":"2025-01-02T02:04:05.6Z","levels":[` +
		`{"channelIndex":1,"label":"Lectern","rmsDbfs":-20,"peakDbfs":-7,"clipping":false,"quality":{"speechScore":0.812,"speechLike":true,"noiseScore":0.2,"broadbandNoiseScore":0,"humScore":0.01,"staticScore":0,"estimatedSnrDb":31.3,"intelligibilityScore":0.7,"crestFactorDb":13.1,"zeroCrossingRate":0.1235,"channelCorrelation":{"peerChannelIndex":2,"phase":"inverted","score":0.993}}},` +
		`{"channelIndex":2,"label":"Input 2","rmsDbfs":-160,"peakDbfs":-160,"clipping":false,"quality":{"speechScore":0,"speechLike":false,"noiseScore":0,"broadbandNoiseScore":0,"humScore":0,"staticScore":0,"estimatedSnrDb":0,"intelligibilityScore":0,"crestFactorDb":0,"zeroCrossingRate":0}}]}`
	if string(b) != want {
		t.Errorf("json\n got %s\nwant %s", b, want)
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	var m MeterFrame
	for _, labels := range [][]string{nil, {`quote " and <tag> & back\slash`, "ünïcode"}} {
		FromQualityFrame(&m, "n\t1", "i", time.Unix(12, 345), sampleFrame(), labels)
		want, err := json.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.AppendJSON(nil); string(got) != string(want) {
			t.Errorf("AppendJSON\n got %s\nwant %s", got, want)
		}
	}
	for _, v := range []float64{0, -0.0, 1e-7, 1e22, -160, 0.001, 79.9} {
		want, _ := json.Marshal(v)
		if got := appendFloat(nil, v); string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, want %s", v, got, want)
		}
	}
}

func TestFromQualityFrameReusesStorage(t *testing.T) {
	var m MeterFrame
	f := sampleFrame()
	labels := []string{"A", "B"}
	FromQualityFrame(&m, "n", "i", time.Unix(0, 0), f, labels)
	var buf []byte
	allocs := testing.AllocsPerRun(100, func() {
		FromQualityFrame(&m, "n", "i", time.Unix(0, 0), f, labels)
		buf = m.AppendJSON(buf[:0])
	})
	if allocs != 0 {
		t.Errorf("%v allocations per frame, want 0", allocs)
	}
}

func TestToQualityFrameRoundTrips(t *testing.T) {
	var m MeterFrame
	FromQualityFrame(&m, "n", "i", time.Unix(0, 0), sampleFrame(), nil)
	f := ToQualityFrame(m, 100*time.Millisecond)
	c := f.Channels[0]
	if c.RMSDBFS != -20 || c.Scores.Speech != 0.812 || !c.Scores.SpeechLike || c.Correlation.Peer != 1 || c.Correlation.R != -0.993 {
		t.Errorf("channel 0: %+v", c)
	}
	if f.Channels[1].Correlation.Valid() || f.PairsMeasured != 1 || f.Duration != 100*time.Millisecond {
		t.Errorf("frame %+v", f)
	}
	if !strings.HasPrefix(ChannelLabel(3), "Input 3") || Version != 1 {
		t.Error("label or version")
	}
}

func TestAppendFloatFastPathMatchesEncodingJSON(t *testing.T) {
	check := func(v float64) {
		t.Helper()
		want, _ := json.Marshal(v)
		if got := appendFloat(nil, v); string(got) != string(want) {
			t.Fatalf("appendFloat(%v) = %s, want %s", v, got, want)
		}
	}
	for k := int64(-200000); k <= 200000; k += 7 {
		check(float64(k) / 10)
		check(float64(k) / 1000)
		check(round(float64(k)/10000, 10000))
	}
	for _, v := range []float64{0.5, -0.0001, 1e8 + 0.25, 123456.789, 0.30000000000000004, 1.0 / 3} {
		check(v)
	}
}

package agentapi

import (
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
)

// benchFrame is an 8-channel frame as an agent sends it (rounded values).
func benchFrame() MeterFrame {
	var m MeterFrame
	q := sampleFrame()
	q.Channels = append(q.Channels, q.Channels...)
	q.Channels = append(q.Channels, q.Channels...) // 8 channels
	FromQualityFrame(&m, "3f2b6a1c-node", "7d1e-iface", time.Now(), q, nil)
	return m
}

// BenchmarkMeterDecodeJSON is the hub's JSON path: go-json into a fresh
// StreamMessage per message.
func BenchmarkMeterDecodeJSON(b *testing.B) {
	f := benchFrame()
	msg := append(f.AppendJSON([]byte(`{"type":"meter","meter":`)), '}')
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		var m StreamMessage
		if err := gojson.Unmarshal(msg, &m); err != nil || m.Meter == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeterDecodeBinary decodes into one reused frame.
func BenchmarkMeterDecodeBinary(b *testing.B) {
	msg := AppendMeterBinary(nil, benchFrame())
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	var f MeterFrame
	for b.Loop() {
		if err := DecodeMeterBinary(msg, &f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeterDecodeBinaryDetached adds the copy the hub makes before
// handing the frame on (levels and correlations, two allocations).
func BenchmarkMeterDecodeBinaryDetached(b *testing.B) {
	msg := AppendMeterBinary(nil, benchFrame())
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	var f MeterFrame
	var keep MeterFrame
	for b.Loop() {
		if err := DecodeMeterBinary(msg, &f); err != nil {
			b.Fatal(err)
		}
		keep = f
		keep.Levels = append([]LevelFrame(nil), f.Levels...)
		corr := make([]ChannelCorrelation, 0, len(f.Levels))
		for i := range keep.Levels {
			if c := keep.Levels[i].Quality.ChannelCorrelation; c != nil {
				corr = append(corr, *c)
				keep.Levels[i].Quality.ChannelCorrelation = &corr[len(corr)-1]
			}
		}
	}
	_ = keep
}

// BenchmarkMeterEncodeJSON is the agent's JSON path.
func BenchmarkMeterEncodeJSON(b *testing.B) {
	f := benchFrame()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = append(f.AppendJSON(append(buf[:0], `{"type":"meter","meter":`...)), '}')
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkMeterEncodeBinary is the agent's binary path.
func BenchmarkMeterEncodeBinary(b *testing.B) {
	f := benchFrame()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendMeterBinary(buf[:0], f)
	}
	b.SetBytes(int64(len(buf)))
}

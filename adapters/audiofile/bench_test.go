package audiofile

import (
	"path/filepath"
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// benchmarkEncode encodes 60 s of 2-channel 48 kHz speech and tone and
// reports the speed as a multiple of real time.
func benchmarkEncode(b *testing.B, opt ports.EncodeOptions) {
	const seconds = 60
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	x := testSignal(48000, 2, seconds)
	dst := filepath.Join(b.TempDir(), "bench"+opt.Codec.Extension())
	var size int64
	b.ResetTimer()
	for b.Loop() {
		res, err := NewEncoder().Encode(b.Context(), dst, &sliceReader{format: f, samples: x}, opt)
		if err != nil {
			b.Fatal(err)
		}
		size = res.SizeBytes
	}
	b.ReportMetric(seconds*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
	b.ReportMetric(float64(size), "bytes/file")
}

func BenchmarkEncodeFLAC(b *testing.B) {
	benchmarkEncode(b, ports.EncodeOptions{Codec: ports.CodecFLAC})
}

func BenchmarkEncodeMP3(b *testing.B) {
	benchmarkEncode(b, ports.EncodeOptions{Codec: ports.CodecMP3, BitrateKbps: 192, VBR: true})
}

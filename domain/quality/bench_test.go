package quality

import (
	"testing"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
)

// BenchmarkAnalyzeStereo48k measures the metering throughput on 2-channel
// 48 kHz speech; the custom metric is seconds of audio analysed per second.
func BenchmarkAnalyzeStereo48k(b *testing.B) {
	const fs = 48000
	voice := synth.Speech(synth.Voice{Rate: fs, Seconds: 20, PitchHz: 120, LevelDBFS: -20, NoiseDBFS: -60, Seed: 9})
	x := synth.Interleave(voice, synth.Delay(voice, fs*83/1000))
	x = x[5*2*fs : 6*2*fs] // one second of talk, small enough to stay in cache like a freshly decoded block
	a, err := NewAnalyzer(pcm.Format{SampleRate: fs, Channels: 2}, DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	step := a.FrameLength() * 2
	b.SetBytes(int64(step * 2)) // as 16-bit PCM
	b.ReportAllocs()
	b.ResetTimer()
	pos := 0
	for i := 0; i < b.N; i++ {
		if pos+step > len(x) {
			pos = 0
		}
		if _, err := a.Analyze(x[pos : pos+step]); err != nil {
			b.Fatal(err)
		}
		pos += step
	}
	b.ReportMetric(float64(b.N)*0.1/b.Elapsed().Seconds(), "audio-s/s")
}

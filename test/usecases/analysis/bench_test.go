package analysis_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/agent/analysis"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
)

// BenchmarkRunWAV measures the whole offline pipeline (read, decode, meter,
// fault rules) on a 60 s 2-channel 48 kHz 16-bit WAV file in the page cache.
// audio-s/s is seconds of audio analysed per wall-clock second.
func BenchmarkRunWAV(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			path := benchWAV(b)
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := wavfile.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := analysis.Run(context.Background(), r, analysis.Options{Workers: workers}, nil); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
			b.ReportMetric(float64(b.N)*60/b.Elapsed().Seconds(), "audio-s/s")
		})
	}
}

var benchFile string

// benchWAV writes the benchmark file once per process.
func benchWAV(b *testing.B) string {
	b.Helper()
	if benchFile != "" {
		return benchFile
	}
	const fs = 48000
	voice := synth.Speech(synth.Voice{Rate: fs, Seconds: 60, PitchHz: 120, LevelDBFS: -22, NoiseDBFS: -65, Seed: 3})
	x := synth.Interleave(voice, synth.Delay(voice, fs*83/1000))
	dir, err := os.MkdirTemp("", "rakkr-bench-")
	if err != nil {
		b.Fatal(err)
	}
	benchFile = filepath.Join(dir, "speech60.wav")
	if err := wavfile.WriteFile(benchFile, pcm.Format{SampleRate: fs, Channels: 2}, x, wavfile.WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	return benchFile
}

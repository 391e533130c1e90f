package analysis

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/domain/pcm/synth"
	"github.com/rakkr/rakkr/domain/quality"
)

const rate = 48000

// memSource serves channels from memory; a "raw" block holds the 8-byte
// stream position of its first frame.
type memSource struct {
	chans [][]float32
	pos   int
	err   error // returned instead of io.EOF at the end
}

func (m *memSource) Format() pcm.Format { return pcm.Format{SampleRate: rate, Channels: len(m.chans)} }

func (m *memSource) ReadRaw(buf []byte, n int) ([]byte, int, error) {
	total := len(m.chans[0])
	if m.pos >= total {
		if m.err != nil {
			return buf, 0, m.err
		}
		return buf, 0, io.EOF
	}
	k := min(n, total-m.pos)
	buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(m.pos))
	m.pos += k
	return buf, k, nil
}

func (m *memSource) DecodeRaw(raw []byte, c, from, to int, dst []float32) {
	at := int(binary.LittleEndian.Uint64(raw))
	copy(dst[:to-from], m.chans[c][at+from:at+to])
}

func speech(secs float64, seed uint64) []float32 {
	return synth.Speech(synth.Voice{Rate: rate, Seconds: secs, PitchHz: 120, LevelDBFS: -22, NoiseDBFS: -70, Seed: seed})
}

func TestRunVerdicts(t *testing.T) {
	v := speech(20, 1)
	delayed := synth.Delay(v, rate*83/1000)
	tests := []struct {
		name  string
		chans [][]float32
		want  Verdicts
	}{
		{"healthy delayed stereo speech", [][]float32{v, delayed}, Verdicts{SpeechPresent: true}},
		{"duplicated channels", [][]float32{v, v}, Verdicts{ChannelCorrelation: true, SpeechPresent: true}},
		{"low speech", [][]float32{synth.Gain(v, -48), synth.Gain(delayed, -48)}, Verdicts{LowSignal: true}},
		{"clipped speech", [][]float32{synth.Gain(v, 18), synth.Gain(delayed, 18)}, Verdicts{Clipping: true, SpeechPresent: true}},
		{"dead input", [][]float32{synth.Silence(8 * rate), synth.Silence(8 * rate)}, Verdicts{Flatline: true}},
		{"hum only", [][]float32{synth.Hum(12*rate, rate, 50, 0.05)}, Verdicts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Run(context.Background(), &memSource{chans: tt.chans}, Options{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.Verdicts != tt.want {
				t.Errorf("verdicts %+v, want %+v (transitions %v)", s.Verdicts, tt.want, s.Transitions)
			}
		})
	}
}

func TestRunFramesAtTheLiveRate(t *testing.T) {
	x := synth.Sine(rate*25/10+1234, rate, 440, 0.1) // 2.5257 s
	start := time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)
	var times []time.Time
	var durations []time.Duration
	s, err := Run(context.Background(), &memSource{chans: [][]float32{x}}, Options{Start: start}, func(at time.Time, f quality.Frame) error {
		times = append(times, at)
		durations = append(durations, f.Duration)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(times) != 26 || s.Frames != 26 {
		t.Fatalf("%d frames (summary %d), want 26", len(times), s.Frames)
	}
	for i, at := range times {
		if want := start.Add(time.Duration(i) * 100 * time.Millisecond); !at.Equal(want) {
			t.Fatalf("frame %d at %v, want %v", i, at, want)
		}
	}
	if durations[25] != 25708333*time.Nanosecond || s.Duration != 2525708333*time.Nanosecond {
		t.Errorf("last frame %v, total %v", durations[25], s.Duration)
	}
	c := s.Channels[0]
	if c.RMSDBFS.Min < -23.1 || c.RMSDBFS.Max > -22.9 || c.Hum.Max != 0 {
		t.Errorf("summary %+v", c)
	}
}

// TestRunIsTheSameWithAnyNumberOfWorkers: parallel metering must not change
// a single reading.
func TestRunIsTheSameWithAnyNumberOfWorkers(t *testing.T) {
	chans := [][]float32{speech(6, 2), synth.WhiteNoise(6*rate, 0.05, 3), speech(6, 2)}
	collect := func(workers int) ([]quality.Frame, Summary) {
		var frames []quality.Frame
		s, err := Run(context.Background(), &memSource{chans: chans}, Options{Workers: workers}, func(_ time.Time, f quality.Frame) error {
			f.Channels = append([]quality.ChannelMetrics(nil), f.Channels...)
			frames = append(frames, f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return frames, s
	}
	f1, s1 := collect(1)
	for _, w := range []int{2, 3, 8} {
		fw, sw := collect(w)
		if !reflect.DeepEqual(f1, fw) || !reflect.DeepEqual(s1, sw) {
			t.Errorf("workers=%d differs from workers=1", w)
		}
	}
}

func TestRunStopsOnErrors(t *testing.T) {
	x := synth.Sine(10*rate, rate, 440, 0.1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, &memSource{chans: [][]float32{x}}, Options{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
	boom := errors.New("disk on fire")
	if _, err := Run(context.Background(), &memSource{chans: [][]float32{x}, err: boom}, Options{}, nil); !errors.Is(err, boom) {
		t.Errorf("read error: %v", err)
	}
	stop := errors.New("stdout closed")
	if _, err := Run(context.Background(), &memSource{chans: [][]float32{x}}, Options{}, func(time.Time, quality.Frame) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("frame callback error: %v", err)
	}
}

package demosource_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/demosource"
	"github.com/rakkr/rakkr/ports"
)

func TestDemoIsLabelledDemo(t *testing.T) {
	devs, err := demosource.Lister{}.ListAudioDevices(context.Background())
	if err != nil || len(devs) != 1 {
		t.Fatalf("%v %v", devs, err)
	}
	d := devs[0]
	if d.Backend != ports.BackendDemo || d.Name != "Demo signal (not a real input)" || d.SystemRef != "demo:signal" || d.Channels != 2 {
		t.Fatalf("demo device = %+v", d)
	}
}

func TestDemoSignalTalksAtMinus20DBFSWithPauses(t *testing.T) {
	s := demosource.Signal(48000)
	const frame = 4800 // 100 ms
	var loud, quiet int
	var talkPower float64
	for ch := 0; ch < 2; ch++ {
		for start := 0; start+2*frame <= len(s); start += 2 * frame {
			var sum float64
			for i := start + ch; i < start+2*frame; i += 2 {
				sum += float64(s[i]) * float64(s[i])
			}
			db := 10 * math.Log10(sum/frame+1e-20)
			switch {
			case db > -6:
				t.Fatalf("channel %d frame at %d: %.1f dBFS, far louder than a −20 dBFS talker", ch+1, start/2, db)
			case db > -50:
				loud++
				talkPower += sum / frame
			default:
				quiet++
			}
		}
	}
	if loud == 0 || quiet == 0 {
		t.Fatalf("talking frames %d, pause frames %d: want both", loud, quiet)
	}
	if level := 10 * math.Log10(talkPower/float64(loud)); math.Abs(level-demosource.LevelDBFS) > 3 {
		t.Fatalf("talking level %.1f dBFS, want about %d", level, demosource.LevelDBFS)
	}
}

func TestDemoOpensAtRealTime(t *testing.T) {
	src, err := (&demosource.Opener{}).OpenAudio(context.Background(), ports.AudioRequest{Device: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if f := src.Format(); f.SampleRate != 48000 || f.Channels != 2 {
		t.Fatalf("format %v", f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	var frames int64
	for time.Since(start) < 300*time.Millisecond {
		b, err := src.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		frames = b.End()
	}
	if ratio := float64(frames) / (0.3 * 48000); ratio < 0.5 || ratio > 2 {
		t.Fatalf("%.2f× real time", ratio)
	}
	if _, err := (&demosource.Opener{}).OpenAudio(context.Background(), ports.AudioRequest{Device: "hw:0,0"}); err == nil {
		t.Fatal("the demo opener accepted a real device name")
	}
}

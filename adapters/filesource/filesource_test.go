package filesource_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/filesource"
	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/domain/pcm"
	"github.com/rakkr/rakkr/ports"
)

// rampWAV writes a 2-channel file of n frames whose samples encode their
// position exactly in 16 bits: frame f is (f, −f) × 2⁻¹⁵.
func rampWAV(t *testing.T, n int) string {
	t.Helper()
	s := make([]float32, 2*n)
	for f := 0; f < n; f++ {
		s[2*f] = float32(f) / 32768
		s[2*f+1] = -float32(f) / 32768
	}
	path := filepath.Join(t.TempDir(), "ramp.wav")
	if err := wavfile.WriteFile(path, pcm.Format{SampleRate: 8000, Channels: 2}, s, wavfile.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFileSourceLoopsAndPacesAtRealTime(t *testing.T) {
	const fileFrames = 2000 // 0.25 s at 8 kHz
	src, err := filesource.Opener{}.OpenAudio(context.Background(), ports.AudioRequest{Device: "file:" + rampWAV(t, fileFrames)})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if f := src.Format(); f != (pcm.Format{SampleRate: 8000, Channels: 2}) {
		t.Fatalf("format %v", f)
	}
	const window = 600 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	var frames int64
	for time.Since(start) < window {
		b, err := src.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if b.Index != frames || b.Gap != 0 || b.Discontinuity {
			t.Fatalf("block at %d (gap %d), want %d", b.Index, b.Gap, frames)
		}
		if want := src.Format().Duration(b.Index); b.CapturedAt.Sub(start) < want-50*time.Millisecond {
			t.Fatalf("block %d captured at +%v, before its time +%v", b.Index, b.CapturedAt.Sub(start), want)
		}
		for i := 0; i < b.Frames(); i++ {
			want := float32((b.Index+int64(i))%fileFrames) / 32768
			if b.Samples[2*i] != want || b.Samples[2*i+1] != -want {
				t.Fatalf("frame %d = %v,%v want %v (looped file)", b.Index+int64(i), b.Samples[2*i], b.Samples[2*i+1], want)
			}
		}
		frames = b.End()
	}
	ratio := float64(frames) / (window.Seconds() * 8000)
	if ratio < 0.5 || ratio > 2 {
		t.Fatalf("%d frames in %v: %.2f× real time, want about 1×", frames, window, ratio)
	}
	if frames <= fileFrames {
		t.Fatalf("only %d frames: the file did not loop", frames)
	}
}

func TestSlowReaderGetsAnOverrunAndAGap(t *testing.T) {
	samples := make([]float32, 2*4800)
	src, err := filesource.NewClip(pcm.Format{SampleRate: 48000, Channels: 2}, samples, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx := context.Background()
	first, err := src.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(filesource.MaxLag + 300*time.Millisecond)
	_, err = src.Read(ctx)
	var xrun *ports.XrunError
	if !errors.As(err, &xrun) || !errors.Is(err, ports.ErrXrun) || xrun.LostFrames <= 0 {
		t.Fatalf("read after stalling: %v, want an overrun", err)
	}
	b, err := src.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Discontinuity || b.Gap != xrun.LostFrames || b.Index != first.End()+b.Gap {
		t.Fatalf("block after overrun: index %d gap %d discontinuity %v; first ended at %d, lost %d", b.Index, b.Gap, b.Discontinuity, first.End(), xrun.LostFrames)
	}
}

func TestFileSourceErrors(t *testing.T) {
	ctx := context.Background()
	_, err := filesource.Opener{}.OpenAudio(ctx, ports.AudioRequest{Device: "file:/no/such.wav"})
	if !errors.Is(err, ports.ErrDeviceUnavailable) {
		t.Errorf("missing file: %v", err)
	}
	path := rampWAV(t, 100)
	_, err = filesource.Opener{}.OpenAudio(ctx, ports.AudioRequest{Device: path, SampleRate: 48000})
	if !errors.Is(err, ports.ErrFormatUnsupported) {
		t.Errorf("other rate: %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.wav")
	if err := os.WriteFile(junk, []byte("not a wav file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = filesource.Opener{}.OpenAudio(ctx, ports.AudioRequest{Device: junk})
	if !errors.Is(err, ports.ErrFormatUnsupported) {
		t.Errorf("junk file: %v", err)
	}
}

func TestFewerChannelsTakeTheFirstOnes(t *testing.T) {
	src, err := filesource.Opener{}.OpenAudio(context.Background(), ports.AudioRequest{Device: rampWAV(t, 1000), Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if b.Format.Channels != 1 || b.Samples[5] != 5.0/32768 {
		t.Fatalf("mono block: %v, sample 5 = %v", b.Format, b.Samples[5])
	}
}

func TestCloseUnblocksRead(t *testing.T) {
	src, err := filesource.NewClip(pcm.Format{SampleRate: 8000, Channels: 1}, make([]float32, 8000), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := src.Read(context.Background()); done <- err }()
	time.Sleep(50 * time.Millisecond)
	src.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ports.ErrSourceClosed) {
			t.Fatalf("read: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Read did not return after Close")
	}
}

func TestListerDescribesTheFile(t *testing.T) {
	path := rampWAV(t, 100)
	devs, err := filesource.Lister{Path: "file:" + path}.ListAudioDevices(context.Background())
	if err != nil || len(devs) != 1 {
		t.Fatalf("%v %v", devs, err)
	}
	d := devs[0]
	if d.Backend != ports.BackendFile || d.SystemRef != "file:"+path || d.Channels != 2 || d.SampleRates[0] != 8000 {
		t.Fatalf("%+v", d)
	}
}

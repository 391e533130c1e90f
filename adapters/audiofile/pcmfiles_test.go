package audiofile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/rakkr/rakkr/adapters/wavfile"
	"github.com/rakkr/rakkr/domain/pcm"
)

// appendRaw appends float samples (and extra raw bytes) to path behind the
// writer's back, as data that reached the disk after the last header update.
func appendRaw(t *testing.T, path string, x []float32, extra []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4*len(x))
	putFloat(b, x)
	if _, err := f.Write(append(b, extra...)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// headerFrames returns the frame count the WAV header of path declares.
func headerFrames(t *testing.T, path string) int64 {
	t.Helper()
	r, err := wavfile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return r.Info().Frames
}

func TestPCMFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.wav")
	f := pcm.Format{SampleRate: 48000, Channels: 2}
	x := testSignal(48000, 2, 1)
	w, err := NewPCMFiles().CreatePCM(path, f)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(x); i += 2 * 480 {
		if err := w.Write(x[i:min(len(x), i+2*480)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write(x[:3]); err == nil {
		t.Error("a partial frame was accepted")
	}
	if w.Frames() != 48000 {
		t.Errorf("Frames %d, want 48000", w.Frames())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
	if err := w.Write(x[:2]); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	r, err := wavfile.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if info := r.Info(); info.Encoding != wavfile.Float32 || info.Frames != 48000 || info.Format != f {
		t.Errorf("header %+v", info)
	}
	r.Close()
	pr, err := NewPCMFiles().OpenPCM(path)
	if err != nil {
		t.Fatal(err)
	}
	assertExact(t, readAll(t, pr), x) // float: bit-exact, even the over-range samples
}

func TestPCMHeaderLaggingTheDataIsReadAndRepaired(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.wav")
	f := pcm.Format{SampleRate: 16000, Channels: 3}
	x := testSignal(16000, 3, 0.2) // 3200 frames
	w, err := NewPCMFiles().CreatePCM(path, f)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(x[:3*1000]); err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(); err != nil {
		t.Fatal(err)
	}
	// The rest reaches the disk but the header is never updated again, and
	// the last frame is cut after 7 of its 12 bytes.
	appendRaw(t, path, x[3*1000:], []byte{1, 2, 3, 4, 5, 6, 7})
	if got := headerFrames(t, path); got != 1000 {
		t.Fatalf("header declares %d frames, want 1000 (the test needs a lagging header)", got)
	}
	pr, err := NewPCMFiles().OpenPCM(path)
	if err != nil {
		t.Fatal(err)
	}
	assertExact(t, readAll(t, pr), x)
	n, err := NewPCMFiles().RepairPCM(path)
	if err != nil || n != 3200 {
		t.Fatalf("RepairPCM: %d, %v; want 3200", n, err)
	}
	if st, _ := os.Stat(path); st.Size() != 44+3200*12 {
		t.Errorf("repaired file has %d bytes, want %d", st.Size(), 44+3200*12)
	}
	if got := headerFrames(t, path); got != 3200 {
		t.Errorf("repaired header declares %d frames", got)
	}
	if n, err := NewPCMFiles().RepairPCM(path); err != nil || n != 3200 {
		t.Errorf("second RepairPCM: %d, %v", n, err)
	}
	_, got := decodeFile(t, path)
	assertExact(t, got, x)
}

func TestPCMHeaderOverstatingTheDataIsReadToTheCut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.wav")
	f := pcm.Format{SampleRate: 8000, Channels: 1}
	x := testSignal(8000, 1, 0.5)
	w, _ := NewPCMFiles().CreatePCM(path, f)
	if err := w.Write(x); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 44+4*3000+2); err != nil {
		t.Fatal(err)
	}
	pr, err := NewPCMFiles().OpenPCM(path)
	if err != nil {
		t.Fatal(err)
	}
	assertExact(t, readAll(t, pr), x[:3000])
	if n, err := NewPCMFiles().RepairPCM(path); err != nil || n != 3000 {
		t.Errorf("RepairPCM: %d, %v; want 3000", n, err)
	}
}

func TestPCMRefusesNonWAV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	if err := os.WriteFile(path, []byte("not a wav file at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewPCMFiles().OpenPCM(path); !errors.Is(err, errNotWAV) {
		t.Errorf("OpenPCM: %v", err)
	}
	if _, err := NewPCMFiles().RepairPCM(path); !errors.Is(err, errNotWAV) {
		t.Errorf("RepairPCM: %v", err)
	}
}

// crashEnv tells a re-executed test binary to write a master and die.
const crashEnv = "AUDIOFILE_CRASH_CHILD"

// crashFormat, crashSynced and crashTotal describe what the child writes:
// crashSynced frames then Sync (when synced), then the rest of crashTotal
// in 480-frame writes, and then it is killed without Sync or Close.
var crashFormat = pcm.Format{SampleRate: 48000, Channels: 3}

const (
	crashSynced = 1000
	crashTotal  = 100000
)

// TestPCMFileSurvivesAProcessCrash runs a child process that records into
// a raw master and is SIGKILLed mid-write. What reached the disk before
// the kill is only what the buffered writer had flushed to the OS; the
// parent checks that OpenPCM and RepairPCM recover every whole frame of
// it, and that the header alone (1000 frames, or none) would have lost them.
func TestPCMFileSurvivesAProcessCrash(t *testing.T) {
	x := testSignal(crashFormat.SampleRate, crashFormat.Channels, float64(crashTotal)/48000)[:crashTotal*3]
	if mode := os.Getenv(crashEnv); mode != "" {
		w, err := NewPCMFiles().CreatePCM(os.Getenv(crashEnv+"_PATH"), crashFormat)
		if err != nil {
			os.Exit(2)
		}
		start := 0
		if mode == "synced" {
			if w.Write(x[:3*crashSynced]) != nil || w.Sync() != nil {
				os.Exit(2)
			}
			start = 3 * crashSynced
		}
		for i := start; i < len(x); i += 3 * 480 {
			if w.Write(x[i:min(len(x), i+3*480)]) != nil {
				os.Exit(2)
			}
		}
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	for _, mode := range []string{"synced", "never-synced"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.wav")
			cmd := exec.Command(os.Args[0], "-test.run=^TestPCMFileSurvivesAProcessCrash$")
			cmd.Env = append(os.Environ(), crashEnv+"="+mode, crashEnv+"_PATH="+path)
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child: %v; want it killed", err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			onDisk := (st.Size() - 44) / 12
			t.Logf("%d bytes on disk: %d whole frames and %d stray bytes", st.Size(), onDisk, (st.Size()-44)%12)
			wantHeader := map[string]int64{"synced": crashSynced, "never-synced": -1}[mode]
			if got := headerFrames(t, path); got != wantHeader {
				t.Fatalf("header declares %d frames, want %d", got, wantHeader)
			}
			if onDisk <= crashSynced || onDisk >= crashTotal {
				t.Fatalf("%d frames on disk; the test needs more than the %d synced and fewer than the %d written", onDisk, crashSynced, crashTotal)
			}
			pr, err := NewPCMFiles().OpenPCM(path)
			if err != nil {
				t.Fatal(err)
			}
			assertExact(t, readAll(t, pr), x[:3*onDisk])
			n, err := NewPCMFiles().RepairPCM(path)
			if err != nil || n != onDisk {
				t.Fatalf("RepairPCM: %d, %v; want %d", n, err, onDisk)
			}
			if got := headerFrames(t, path); got != onDisk {
				t.Errorf("repaired header declares %d frames, want %d", got, onDisk)
			}
			_, got := decodeFile(t, path)
			assertExact(t, got, x[:3*onDisk])
		})
	}
}

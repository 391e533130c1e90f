package recorder_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/audiofile"
	"github.com/rakkr/rakkr/agent/recorder"
	"github.com/rakkr/rakkr/agent/render"
	"github.com/rakkr/rakkr/domain/channelmap"
	"github.com/rakkr/rakkr/ports"
)

// TestRecordRenderDecodeIsSampleExact records 3 s of a looping WAV played
// through a real capture hub into 1 s raw chunks, renders each to 24-bit
// FLAC and decodes it: every sample equals the source's after 24-bit
// quantisation, across chunk boundaries and the file's loop point.
func TestRecordRenderDecodeIsSampleExact(t *testing.T) {
	path, src := fixture(t)
	hub, run := playHub(t, path)
	files, enc, dec := audiofile.NewPCMFiles(), audiofile.NewEncoder(), audiofile.NewDecoder()
	m := channelmap.FromSelection(channelmap.ModeStereo, []int{3, 1})
	spec := recorder.Spec{JobID: "job_1", RecordingID: "rec_1", Dir: filepath.Join(t.TempDir(), "job_1"), FileStem: "take",
		Map: m, ChunkFrames: rate, MaxFrames: 3 * rate}
	var (
		mu     sync.Mutex
		chunks []recorder.ClosedChunk
	)
	ev := &events{}
	rec, err := recorder.Start(context.Background(), hub, files, statfs{}, ev, spec, func(c recorder.ClosedChunk) {
		mu.Lock()
		defer mu.Unlock()
		chunks = append(chunks, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	run()
	waitDone(t, rec.Done(), 10*time.Second)
	res, err := rec.Result()
	if err != nil || res.Reason != recorder.ReasonDurationReached || res.Frames != 3*rate || len(res.Gaps) != 0 || res.Chunks != 3 {
		t.Fatalf("result %+v, %v (events %+v)", res, err, ev.got)
	}
	if len(chunks) != 3 || !chunks[2].Final || chunks[1].Final {
		t.Fatalf("chunks %+v", chunks)
	}
	var peaks []float64
	for i, c := range chunks {
		if c.OffsetFrames != int64(i)*rate || c.Frames != rate || c.Channels != 2 || c.SampleRate != rate {
			t.Fatalf("chunk %d: %+v", i, c)
		}
		dst := filepath.Join(spec.Dir, fmt.Sprintf("take.chunk-%04d.flac", i))
		out, err := render.Render(context.Background(), files, enc, c.RawPath, dst, m, ports.EncodeOptions{Codec: ports.CodecFLAC, BitDepth: 24})
		if err != nil || out.Frames != rate || out.SizeBytes == 0 || len(out.SHA256) != 64 {
			t.Fatalf("render chunk %d: %+v, %v", i, out, err)
		}
		d, err := dec.OpenAudioFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, d)
		d.Close()
		if len(got) != 2*rate {
			t.Fatalf("chunk %d decodes to %d samples", i, len(got))
		}
		for f := range int64(rate) {
			k := c.OffsetFrames + f
			for o, ch := range []int{3, 1} {
				if want := q24(source(src, k, ch)); got[2*f+int64(o)] != want {
					t.Fatalf("chunk %d frame %d output %d: %v, want %v", i, f, o, got[2*f+int64(o)], want)
				}
			}
		}
		peak, _, err := render.Levels(files, c.RawPath)
		if err != nil {
			t.Fatal(err)
		}
		peaks = append(peaks, peak)
	}
	v := render.Check(render.CheckInput{StartedAt: res.StartedAt, EndedAt: res.EndedAt, SampleRate: res.SampleRate,
		CapturedFrames: res.Frames, PeakDbfs: peaks[0]})
	if !v.OK || len(v.Problems) != 0 || peaks[0] > -5.9 || peaks[0] < -6.1 {
		t.Fatalf("verification %+v (peaks %v)", v, peaks)
	}
}

// TestCrashLeavesARepairableRawMaster copies the open raw master while the
// recorder runs (what a crash would leave) and repairs the copy; then ends
// the recorder by its context (agent shutdown) and repairs the file it left.
// Both hold the source's samples exactly, and the copy at least the audio
// synced a second in.
func TestCrashLeavesARepairableRawMaster(t *testing.T) {
	path, src := fixture(t)
	hub, run := playHub(t, path)
	files := audiofile.NewPCMFiles()
	m := channelmap.FromSelection(channelmap.ModeMultichannel, []int{2, 3})
	spec := recorder.Spec{JobID: "job_2", RecordingID: "rec_2", Dir: t.TempDir(), FileStem: "take", Map: m}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec, err := recorder.Start(ctx, hub, files, statfs{}, &events{}, spec, func(recorder.ClosedChunk) {
		t.Error("no chunk is complete before the interruption")
	})
	if err != nil {
		t.Fatal(err)
	}
	run()
	time.Sleep(1600 * time.Millisecond)
	raw := recorder.ChunkPath(spec.Dir, spec.FileStem, 0)
	data, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(t.TempDir(), "crashed.raw.wav")
	if err := os.WriteFile(crashed, data, 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := files.RepairPCM(crashed)
	if err != nil || n < rate*8/10 {
		t.Fatalf("repaired %d frames, %v", n, err)
	}
	checkRaw(t, files, crashed, src, n, []int{2, 3})

	cancel()
	waitDone(t, rec.Done(), 5*time.Second)
	res, err := rec.Result()
	if err != nil || res.Reason != recorder.ReasonInterrupted || res.Frames < n {
		t.Fatalf("result %+v, %v", res, err)
	}
	left, err := files.RepairPCM(raw)
	if err != nil || left != res.Frames {
		t.Fatalf("repaired %d frames of %d, %v", left, res.Frames, err)
	}
	checkRaw(t, files, raw, src, left, []int{2, 3})
}

// checkRaw checks that the raw master holds frames frames of the fixture's
// sources, bit-exact.
func checkRaw(t *testing.T, files *audiofile.PCMFiles, path string, src []float32, frames int64, sources []int) {
	t.Helper()
	r, err := files.OpenPCM(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := readAll(t, r)
	if int64(len(got)) != frames*int64(len(sources)) {
		t.Fatalf("%s: %d samples, want %d", path, len(got), frames*int64(len(sources)))
	}
	for k := range frames {
		for o, ch := range sources {
			if want := source(src, k, ch); got[k*int64(len(sources))+int64(o)] != want {
				t.Fatalf("%s frame %d channel %d: %v, want %v", path, k, ch, got[k*int64(len(sources))+int64(o)], want)
			}
		}
	}
}

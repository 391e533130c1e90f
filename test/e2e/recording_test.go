package e2e

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/rakkr/rakkr/test/harness"
)

// compareToSource locates the recording's first channel in the source and
// checks every channel against want(sourceFrame) sample by sample with
// one global alignment, so a sample lost or doubled anywhere (a chunk
// boundary included) shows as a collapse of the correlation after it.
func compareToSource(t *testing.T, what string, src, rec []float32, recCh int, want func(frame []float32, c int) float32) {
	t.Helper()
	frames := len(rec) / recCh
	srcFrames := len(src) / 2
	ref0 := make([]float32, srcFrames)
	for f := 0; f < srcFrames; f++ {
		ref0[f] = want(src[2*f:2*f+2], 0)
	}
	at, r := locate(t, ref0, channel(rec, recCh, 0))
	if r < 0.99 {
		t.Fatalf("%s: the recording was not found in the source (best correlation %.4f)", what, r)
	}
	if at+frames > srcFrames {
		t.Fatalf("%s: the recording runs past the end of the source", what)
	}
	for c := 0; c < recCh; c++ {
		got := channel(rec, recCh, c)
		exp := make([]float32, frames)
		for f := range exp {
			exp[f] = want(src[2*(at+f):2*(at+f)+2], c)
		}
		if corr := pearson(got, exp); corr < 0.999 {
			// Say where it broke, second by second.
			var where string
			for s := 0; s+48000 <= frames; s += 48000 {
				where += fmt.Sprintf(" %.4f", pearson(got[s:s+48000], exp[s:s+48000]))
			}
			t.Fatalf("%s channel %d: correlation %.5f < 0.999; per second:%s", what, c+1, corr, where)
		}
	}
}

func stereoSource(frame []float32, c int) float32 { return frame[c] }

// TestRecordStopDownloadEndToEnd drives the real controller and agent with
// PortAudio capturing a known signal through a real-time JACK device:
// record 10 s, download, compare with the source; a 25 s recording in 5 s
// chunks; mono, stereo-pair and mono-to-stereo channel maps; stop keeps
// the partial.
func TestRecordStopDownloadEndToEnd(t *testing.T) {
	r := newRig(t, 200)

	// 1. Ten seconds, every channel, lossless.
	id := r.record(t, map[string]any{"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": "raw-wav",
		"name": "Ten seconds", "durationSeconds": 10})
	v := r.waitStatus(t, id, 60*time.Second, "cached", "partial", "failed")
	v.ID = id
	if v.Status != "cached" || v.HealthStatus != "healthy" || math.Abs(v.DurationSeconds-10) > 0.1 || v.ChunkTotal != 1 {
		t.Fatalf("10 s recording: %+v", v)
	}
	samples, ch := decode(t, r.download(t, id, "", v.Checksum))
	if ch != 2 || math.Abs(float64(len(samples)/2)/48000-10) > 0.1 {
		t.Fatalf("downloaded %d channels, %d frames", ch, len(samples)/ch)
	}
	compareToSource(t, "10 s recording", r.src, samples, ch, stereoSource)
	checkBadInput(t, r, v)

	// 2. 25 s in 5 s chunks: indices 0..4 once each, sample-exact.
	resp := r.c.Call("POST", "/api/v1/settings/recording-profiles", r.owner, map[string]any{
		"name": "Five-second chunks", "codec": "wav", "bitDepth": 24, "channelMode": "multichannel", "chunkSeconds": 5})
	if resp.Status != 201 {
		t.Fatalf("create profile: %d %s", resp.Status, resp.Body)
	}
	var prof struct{ ID string }
	resp.Data(t, &prof)
	id = r.record(t, map[string]any{"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": prof.ID,
		"name": "Chunked", "durationSeconds": 25})
	v = r.waitStatus(t, id, 90*time.Second, "cached", "partial", "failed")
	if v.Status != "cached" || v.ChunkTotal != 5 {
		t.Fatalf("chunked recording: %+v", v)
	}
	var detail struct {
		Chunks []struct {
			Index        int
			OffsetFrames int64
			Frames       int64
		}
	}
	r.c.Call("GET", "/api/v1/recordings/"+id, r.owner, nil).Data(t, &detail)
	var joined []float32
	for i, c := range detail.Chunks {
		if c.Index != i || c.OffsetFrames != int64(i)*240000 || c.Frames != 240000 {
			t.Fatalf("chunk %d: %+v (all: %s)", i, c, jsonBody(detail.Chunks))
		}
		s, _ := decode(t, r.download(t, id, fmt.Sprintf("?chunk=%d", i), ""))
		if len(s) != 2*240000 {
			t.Fatalf("chunk %d holds %d frames", i, len(s)/2)
		}
		joined = append(joined, s...)
	}
	if len(detail.Chunks) != 5 {
		t.Fatalf("%d chunks listed", len(detail.Chunks))
	}
	whole, _ := decode(t, r.download(t, id, "", ""))
	if len(whole) != len(joined) {
		t.Fatalf("whole file %d frames, chunks %d", len(whole)/2, len(joined)/2)
	}
	for i := range whole {
		if whole[i] != joined[i] {
			t.Fatalf("whole file differs from the chunks at sample %d", i)
		}
	}
	compareToSource(t, "chunked recording", r.src, joined, 2, stereoSource)

	// The same in FLAC: the controller joins the chunks into one file on
	// the first whole-file request.
	resp = r.c.Call("POST", "/api/v1/settings/recording-profiles", r.owner, map[string]any{
		"name": "FLAC in five-second chunks", "codec": "flac", "bitDepth": 24, "channelMode": "multichannel", "chunkSeconds": 5})
	if resp.Status != 201 {
		t.Fatalf("create FLAC profile: %d %s", resp.Status, resp.Body)
	}
	resp.Data(t, &prof)
	id = r.record(t, map[string]any{"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": prof.ID,
		"name": "Chunked FLAC", "durationSeconds": 12})
	v = r.waitStatus(t, id, 90*time.Second, "cached", "partial", "failed")
	if v.Status != "cached" || v.ChunkTotal != 3 {
		t.Fatalf("chunked FLAC recording: %+v", v)
	}
	var flac []byte
	harness.Eventually(t, 60*time.Second, "the FLAC chunks to be joined", func() bool {
		resp := r.c.Call("GET", "/api/v1/recordings/"+id+"/file", r.owner, nil)
		if resp.Status == 409 {
			return false
		}
		if resp.Status != 200 {
			t.Fatalf("joined FLAC: %d %s", resp.Status, resp.Body)
		}
		flac = resp.Body
		return true
	})
	s, ch := decode(t, flac)
	if ch != 2 || len(s) != 2*12*48000 {
		t.Fatalf("joined FLAC: %d channels, %d frames", ch, len(s)/max(ch, 1))
	}
	compareToSource(t, "joined FLAC", r.src, s, ch, stereoSource)

	// 3. Channel maps.
	maps := []struct {
		mode     string
		channels []int
		outs     int
		want     func(f []float32, c int) float32
	}{
		{"mono", []int{1, 2}, 1, func(f []float32, _ int) float32 { return (f[0] + f[1]) / 2 }},
		{"stereo", []int{2, 1}, 2, func(f []float32, c int) float32 { return f[1-c] }},
		{"mono_to_stereo_mix", []int{1, 2}, 2, func(f []float32, _ int) float32 { return (f[0] + f[1]) / 2 }},
	}
	for _, m := range maps {
		id := r.record(t, map[string]any{"channels": m.channels, "channelMode": m.mode, "profileId": "raw-wav",
			"name": "Map " + m.mode, "durationSeconds": 3})
		v := r.waitStatus(t, id, 60*time.Second, "cached", "partial", "failed")
		s, ch := decode(t, r.download(t, id, "", v.Checksum))
		if v.Status != "cached" || ch != m.outs || v.ChannelCount != m.outs {
			t.Fatalf("%s: %+v, file has %d channels", m.mode, v, ch)
		}
		compareToSource(t, m.mode, r.src, s, ch, m.want)
	}

	// 4. Stop keeps what was captured.
	id = r.record(t, map[string]any{"channels": []int{1, 2}, "channelMode": "multichannel", "profileId": "raw-wav", "name": "Stopped"})
	r.waitStatus(t, id, 30*time.Second, "recording")
	time.Sleep(4 * time.Second)
	if resp := r.c.Call("POST", "/api/v1/recordings/"+id+"/stop", r.owner, map[string]any{}); resp.Status != 200 {
		t.Fatalf("stop: %d %s", resp.Status, resp.Body)
	}
	v = r.waitStatus(t, id, 60*time.Second, "cached", "partial", "failed")
	if v.Status != "cached" || v.DurationSeconds < 3 || v.DurationSeconds > 12 {
		t.Fatalf("stopped recording: %+v", v)
	}
	s, ch = decode(t, r.download(t, id, "", v.Checksum))
	compareToSource(t, "stopped recording", r.src, s, ch, stereoSource)
}

package recording

import (
	"strings"
	"testing"
)

func TestSettle(t *testing.T) {
	cases := []struct {
		name   string
		from   Status
		o      Outcome
		status Status
		health Health
	}{
		{"every chunk, verified", StatusRecording, Outcome{Job: JobCompleted, ChunksExpected: 5, ChunksStored: 5, Verified: true}, StatusCached, HealthHealthy},
		{"a chunk missing", StatusRecording, Outcome{Job: JobCompleted, ChunksExpected: 5, ChunksStored: 4, Verified: true}, StatusPartial, HealthCritical},
		{"verification failed", StatusRecording, Outcome{Job: JobCompleted, ChunksExpected: 1, ChunksStored: 1, Verified: false}, StatusPartial, HealthCritical},
		{"failed with audio", StatusRecording, Outcome{Job: JobFailed, Reason: "agent_restarted", ChunksExpected: 2, ChunksStored: 2, Verified: true}, StatusPartial, HealthCritical},
		{"failed with nothing", StatusRecording, Outcome{Job: JobFailed, Reason: "disk_full"}, StatusFailed, HealthCritical},
		{"late failure never downgrades", StatusCached, Outcome{Job: JobFailed, Reason: ReasonLeaseExpired}, StatusCached, HealthHealthy},
	}
	for _, c := range cases {
		r := Recording{Status: c.from, Health: HealthHealthy}
		r.Settle(c.o, t0)
		if r.Status != c.status || r.Health != c.health || r.EndedAt == nil {
			t.Errorf("%s: got %s/%s, want %s/%s", c.name, r.Status, r.Health, c.status, c.health)
		}
	}
}

func TestCleanMetadataNamesEveryBadField(t *testing.T) {
	_, err := CleanMetadata(Metadata{Name: " ", Folder: "a/../b", Tags: []string{"ok", ""}, Notes: strings.Repeat("x", MaxNotesLength+1)})
	if err == nil {
		t.Fatal("accepted bad metadata")
	}
	for _, f := range []string{"name", "folder", "tags[1]", "notes"} {
		if !strings.Contains(errDetails(err), f) {
			t.Errorf("error does not name %s: %v", f, errDetails(err))
		}
	}
	m, err := CleanMetadata(Metadata{Name: " Council ", Folder: "/2026/nov/", Tags: []string{"Budget", "budget", "vote"}})
	if err != nil || m.Name != "Council" || m.Folder != "2026/nov" || len(m.Tags) != 2 {
		t.Fatalf("clean: %v %+v", err, m)
	}
}

func TestProfileValidation(t *testing.T) {
	for _, p := range Builtins() {
		if err := p.Validate(); err != nil {
			t.Errorf("built-in %s invalid: %v", p.ID, err)
		}
	}
	p := Profile{Name: "x", Codec: CodecMP3, BitrateKbps: 128, ChannelMode: "multichannel"}
	if err := p.Validate(); err == nil || !strings.Contains(errDetails(err), "channelMode") {
		t.Fatalf("multichannel MP3 accepted: %v", err)
	}
	p = Profile{Name: "x", Codec: CodecFLAC, BitDepth: 20, ChannelMode: "mono", ChunkSeconds: 2}
	if err := p.Validate(); err == nil || !strings.Contains(errDetails(err), "bitDepth") || !strings.Contains(errDetails(err), "chunkSeconds") {
		t.Fatalf("bad FLAC profile: %v", err)
	}
}

func TestFileStemIsSafe(t *testing.T) {
	s := FileStem("Council / Budget: ../Vote 2026", t0)
	if strings.ContainsAny(s, "/.: ") || !strings.HasPrefix(s, "20261127T100000Z_council-budget-vote-2026") {
		t.Fatalf("stem %q", s)
	}
}

func TestMergePeaksKeepsEachChunksPlace(t *testing.T) {
	a := Chunk{Frames: 100, Peaks: []float32{0.1, 0.2}}
	b := Chunk{Frames: 300, Peaks: []float32{0.9, 0.3, 0.3, 0.3}}
	p := MergePeaks([]Chunk{a, b}, 4)
	if len(p) != 4 || p[0] != 0.2 || p[1] != 0.9 {
		t.Fatalf("peaks %v", p)
	}
	bins := NewPeakBins(4, 2, 2)
	bins.Add([]float32{0.5, -0.7, 0, 0, 0.1, 0.2, -1.5, 0})
	if got := bins.Peaks(); got[0] != 0.7 || got[1] != 1 {
		t.Fatalf("bins %v", got)
	}
}

func errDetails(err error) string { return strings.ReplaceAll(fmtErr(err), "\n", " ") }

// TestPeakBinsMatchesTheDefinition checks the boundary-walking bins against
// the per-frame rule (frame f in bin f·bins/total) for awkward sizes and
// block splits.
func TestPeakBinsMatchesTheDefinition(t *testing.T) {
	for _, c := range []struct {
		total      int64
		ch, bins   int
		blockSizes []int
	}{{1000, 2, 256, []int{7, 64, 1}}, {255, 1, 256, []int{3}}, {100000, 3, 256, []int{4096, 17}}, {1, 1, 256, []int{1}}} {
		samples := make([]float32, c.total*int64(c.ch))
		for i := range samples {
			samples[i] = float32((i*7919)%2001-1000) / 1000
		}
		want := make([]float32, min(int64(c.bins), c.total))
		for f := int64(0); f < c.total; f++ {
			b := int(f * int64(len(want)) / c.total)
			for _, v := range samples[f*int64(c.ch) : (f+1)*int64(c.ch)] {
				if v < 0 {
					v = -v
				}
				want[b] = max(want[b], min(v, 1))
			}
		}
		p := NewPeakBins(c.total, c.ch, c.bins)
		for i, k := 0, 0; i < len(samples); k++ {
			n := min(c.blockSizes[k%len(c.blockSizes)]*c.ch, len(samples)-i)
			p.Add(samples[i : i+n])
			i += n
		}
		got := p.Peaks()
		if len(got) != len(want) {
			t.Fatalf("%+v: %d bins, want %d", c, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%+v: bin %d = %v, want %v", c, i, got[i], want[i])
			}
		}
	}
}

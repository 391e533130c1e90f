package healthlog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rakkr/rakkr/ports/agentapi"
)

// poster records batches and accepts what accept allows.
type poster struct {
	batches [][]agentapi.HealthEvent
	accept  func(agentapi.HealthEvent) bool
	fail    error
}

func (p *poster) PostHealthEvents(_ context.Context, b agentapi.HealthEventBatch) (agentapi.HealthEventBatchResponse, error) {
	if p.fail != nil {
		return agentapi.HealthEventBatchResponse{}, p.fail
	}
	p.batches = append(p.batches, b.Events)
	var r agentapi.HealthEventBatchResponse
	for _, e := range b.Events {
		if p.accept == nil || p.accept(e) {
			r.Accepted = append(r.Accepted, e.ID)
		}
	}
	return r, nil
}

func appendN(t *testing.T, l *Log, n int, typ string) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		e, err := l.Append(agentapi.HealthEvent{Type: typ, Severity: agentapi.SeverityWarning, Details: map[string]any{"i": i}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	return ids
}

func TestNewIDIsUUIDv4(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id := NewID()
		if !re.MatchString(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}

func TestLogSurvivesRestartAndResendsUnsynced(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ids := appendN(t, l, 5, "agent.meter.flatline")
	// The controller accepts only the first two, then goes away.
	p := &poster{accept: func(e agentapi.HealthEvent) bool { return e.ID == ids[0] || e.ID == ids[1] }}
	s := &Syncer{Log: l, Poster: p}
	if n, err := s.SyncOnce(context.Background()); n != 2 || err == nil {
		t.Fatalf("SyncOnce = %d, %v; want 2 and a partial-accept error", n, err)
	}
	p.fail = errors.New("controller down")
	appendN(t, l, 1, "agent.meter.flatline_recovered")
	if _, err := s.SyncOnce(context.Background()); err == nil {
		t.Fatal("want the post error")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, FileName)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("log file: %v %v", fi, err)
	}

	// Restart: the 4 unsynced events are sent again, in order, and the
	// sequence continues.
	l2, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	p2 := &poster{}
	if n, err := (&Syncer{Log: l2, Poster: p2}).SyncOnce(context.Background()); n != 4 || err != nil {
		t.Fatalf("after restart SyncOnce = %d, %v; want 4", n, err)
	}
	got := p2.batches[0]
	if got[0].ID != ids[2] || got[3].Type != "agent.meter.flatline_recovered" {
		t.Fatalf("resent %+v", got)
	}
	if got[0].OpenedAt.IsZero() || got[0].Details["i"] != float64(2) {
		t.Fatalf("event not restored: %+v", got[0])
	}
	if n, _ := (&Syncer{Log: l2, Poster: p2}).SyncOnce(context.Background()); n != 0 {
		t.Fatalf("synced events sent again: %d", n)
	}
	ids2 := appendN(t, l2, 1, "x")
	pend, _ := l2.Pending(10)
	if len(pend) != 1 || pend[0].ID != ids2[0] {
		t.Fatalf("pending after restart = %+v", pend)
	}
}

func TestLogRotationKeepsThreeFiles(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(Options{Dir: dir, MaxBytes: 2048})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	appendN(t, l, 200, "agent.meter.xrun") // ~150 bytes each: many rotations
	entries, _ := os.ReadDir(dir)
	var files []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), FileName) {
			files = append(files, e.Name())
			if fi, _ := e.Info(); fi.Size() > 2048 {
				t.Errorf("%s is %d bytes, over the limit", e.Name(), fi.Size())
			}
		}
	}
	want := []string{FileName, FileName + ".1", FileName + ".2"}
	if fmt.Sprint(files) != fmt.Sprint(want) {
		t.Fatalf("files = %v, want %v", files, want)
	}
	// Events rotated away are skipped; the rest sync and the cursor moves on.
	p := &poster{}
	n, err := (&Syncer{Log: l, Poster: p}).SyncOnce(context.Background())
	if err != nil || n == 0 || n >= 200 {
		t.Fatalf("SyncOnce = %d, %v", n, err)
	}
	if pend, _ := l.Pending(10); len(pend) != 0 {
		t.Fatalf("pending after sync: %d", len(pend))
	}
}

func TestSyncBatchesAtMost200(t *testing.T) {
	l, err := Open(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	appendN(t, l, 450, "agent.meter.clipping")
	p := &poster{}
	if n, err := (&Syncer{Log: l, Poster: p}).SyncOnce(context.Background()); n != 450 || err != nil {
		t.Fatalf("SyncOnce = %d, %v", n, err)
	}
	if len(p.batches) != 3 || len(p.batches[0]) != MaxBatch || len(p.batches[2]) != 50 {
		t.Fatalf("batches of %d, %d, %d", len(p.batches[0]), len(p.batches[1]), len(p.batches[2]))
	}
}

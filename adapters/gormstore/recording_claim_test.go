package gormstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/recording"
	"github.com/rakkr/rakkr/test/dbtest"
)

// claimSeed stores one recording per node and n queued jobs spread over
// the nodes, with distinct creation times (the last oldest), in one
// multi-row insert, and returns the node of each job id.
func claimSeed(t testing.TB, db *gormstore.DB, prefix string, nodes []string, n int) map[string]string {
	t.Helper()
	ctx := context.Background()
	rs := gormstore.NewRecordingStore(db)
	for _, node := range nodes {
		if err := rs.InsertRecording(ctx, recMinimal("rec_"+node, node, recT0)); err != nil {
			t.Fatalf("seed recording: %v", err)
		}
	}
	owner := map[string]string{}
	rows := make([]string, 0, n)
	args := make([]any, 0, 4*n)
	for i := range n {
		node := nodes[i%len(nodes)]
		id := fmt.Sprintf("job_%s%05d", prefix, i)
		owner[id] = node
		rows = append(rows, "(?, ?, ?, 'queued', ?)")
		args = append(args, id, node, "rec_"+node, recT0.Add(time.Duration(n-i)*time.Millisecond))
	}
	q := "INSERT INTO recording_jobs (id, node_id, recording_id, status, created_at) VALUES " + strings.Join(rows, ", ")
	if err := db.Gorm.Exec(q, args...).Error; err != nil {
		t.Fatalf("seed jobs: %v", err)
	}
	return owner
}

// TestClaimNextJobNeverDoubleClaims has 50 goroutines claim 1,000 queued
// jobs (on one node, then spread over four) until none is left: every job
// is claimed exactly once, by its node, and no claim fails.
func TestClaimNextJobNeverDoubleClaims(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		for _, nodes := range [][]string{{"n1"}, {"n1", "n2", "n3", "n4"}} {
			t.Run(fmt.Sprintf("%d-nodes", len(nodes)), func(t *testing.T) {
				ctx := context.Background()
				js := gormstore.NewJobStore(c.DB)
				prefix := fmt.Sprintf("x%d", len(nodes))
				for i := range nodes {
					nodes[i] = prefix + nodes[i]
				}
				owner := claimSeed(t, c.DB, prefix, nodes, 1000)
				now := recT0.Add(time.Hour)
				var mu sync.Mutex
				claims := map[string]int{}
				var failures []string
				var wg sync.WaitGroup
				for g := range 50 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						node := nodes[g%len(nodes)]
						for {
							j, ok, err := js.ClaimNextJob(ctx, node, now)
							mu.Lock()
							switch {
							case err != nil:
								failures = append(failures, err.Error())
							case ok && (j.Status != recording.JobRunning || j.ClaimedBy != node || owner[j.ID] != node ||
								j.LeaseExpiresAt == nil || !j.LeaseExpiresAt.Equal(now.Add(recording.LeaseDuration))):
								failures = append(failures, fmt.Sprintf("bad claim %+v by %s", j, node))
							case ok:
								claims[j.ID]++
							}
							mu.Unlock()
							if err != nil || !ok {
								return
							}
						}
					}()
				}
				wg.Wait()
				if len(failures) > 0 {
					t.Fatalf("%d claim failures, first: %s", len(failures), failures[0])
				}
				for id := range owner {
					if claims[id] != 1 {
						t.Errorf("job %s claimed %d times", id, claims[id])
					}
				}
				if len(claims) != len(owner) {
					t.Fatalf("claimed %d distinct jobs, want %d", len(claims), len(owner))
				}
				counts, err := js.CountJobs(ctx)
				for _, node := range nodes {
					if err != nil || counts[node][recording.JobQueued] != 0 || counts[node][recording.JobRunning] != int64(1000/len(nodes)) {
						t.Fatalf("counts of %s: %v %v", node, err, counts[node])
					}
					if _, ok, err := js.ClaimNextJob(ctx, node, now); ok || err != nil {
						t.Fatalf("claim after drain: %v %v", ok, err)
					}
				}
			})
		}
	})
}

// claimOrderAndTx checks that a claim takes the oldest queued job of its
// node and joins (and rolls back with) the caller's transaction.
func claimOrderAndTx(t *testing.T, c dbtest.Case) {
	ctx := context.Background()
	js := gormstore.NewJobStore(c.DB)
	claimSeed(t, c.DB, "o", []string{"o1", "o2"}, 6) // job_o00004 is the oldest of o1, job_o00005 of o2
	_ = c.DB.InTx(ctx, func(ctx context.Context) error {
		j, ok, err := js.ClaimNextJob(ctx, "o1", recT0)
		if err != nil || !ok || j.ID != "job_o00004" {
			t.Fatalf("claim in tx: %v %v %s", err, ok, j.ID)
		}
		return context.Canceled
	})
	for _, want := range []string{"job_o00004", "job_o00002", "job_o00000"} {
		j, ok, err := js.ClaimNextJob(ctx, "o1", recT0)
		if err != nil || !ok || j.ID != want {
			t.Fatalf("claim: %v %v %s, want %s", err, ok, j.ID, want)
		}
	}
	if _, ok, err := js.ClaimNextJob(ctx, "o1", recT0); ok || err != nil {
		t.Fatalf("o1 drained: %v %v", ok, err)
	}
	if j, ok, _ := js.ClaimNextJob(ctx, "o2", recT0); !ok || j.ID != "job_o00005" {
		t.Fatalf("o2: %v %s", ok, j.ID)
	}
}

// BenchmarkClaimNextJob claims b.N queued jobs of one node with 200
// concurrent claimers on Postgres (a pool of 210 connections) and reports
// claims per second.
func BenchmarkClaimNextJob(b *testing.B) {
	dsn := dbtest.PostgresURL(b)
	db, err := gormstore.Open(context.Background(), gormstore.Options{DatabaseURL: dsn, MaxOpenConns: 210})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		b.Fatal(err)
	}
	if err := gormstore.NewRecordingStore(db).InsertRecording(context.Background(), recMinimal("rec_bench", "n1", recT0)); err != nil {
		b.Fatal(err)
	}
	claimWarmPool(b, db, 200)
	procs := runtime.GOMAXPROCS(0)
	for _, want := range []int{2, 20, 200} {
		p := (want + procs - 1) / procs
		b.Run(fmt.Sprintf("claimers=%d", p*procs), func(b *testing.B) { claimBench(b, db, p) })
	}
}

// claimBench drains b.N queued jobs of node n1 with p×GOMAXPROCS claimers.
func claimBench(b *testing.B, db *gormstore.DB, p int) {
	js := gormstore.NewJobStore(db)
	if err := db.Gorm.Exec("DELETE FROM recording_jobs").Error; err != nil {
		b.Fatal(err)
	}
	err := db.Gorm.Exec("INSERT INTO recording_jobs (id, node_id, recording_id, status, created_at) "+
		"SELECT 'job_' || g, 'n1', 'rec_bench', 'queued', ?::timestamptz + g * interval '1 microsecond' "+
		"FROM generate_series(1, ?) AS g", recT0, b.N).Error
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(p)
	var claimed, failed atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, ok, err := js.ClaimNextJob(context.Background(), "n1", recT0)
			switch {
			case err != nil:
				failed.Add(1)
			case ok:
				claimed.Add(1)
			}
		}
	})
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d claims failed", failed.Load())
	}
	b.ReportMetric(float64(claimed.Load())/b.Elapsed().Seconds(), "claims/s")
}

// claimWarmPool opens n pooled connections up front, so that connecting is
// not timed.
func claimWarmPool(b *testing.B, db *gormstore.DB, n int) {
	ctx := context.Background()
	conns := make([]*sql.Conn, 0, n)
	for range n {
		c, err := db.SQL().Conn(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.PingContext(ctx); err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
}

package gormstore_test

import (
	"context"
	"os"
	"testing"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/test/dbtest"
)

// BenchmarkAppend measures one audit append (its own transaction: lock the
// head, seal, insert, advance the head) on each real database.
func BenchmarkAppend(b *testing.B) {
	run := func(b *testing.B, c dbtest.Case) {
		s := gormstore.NewAuditStore(c.DB)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Append(ctx, newAuditEvent(i), nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, dbtest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv("RAKKR_TEST_DATABASE_URL") == "" && os.Getenv("CI") != "true" {
			b.Skip("RAKKR_TEST_DATABASE_URL not set")
		}
		run(b, dbtest.Postgres(b))
	})
	b.Run("postgres-parallel", func(b *testing.B) {
		if os.Getenv("RAKKR_TEST_DATABASE_URL") == "" && os.Getenv("CI") != "true" {
			b.Skip("RAKKR_TEST_DATABASE_URL not set")
		}
		s := gormstore.NewAuditStore(dbtest.Postgres(b).DB)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				if _, err := s.Append(context.Background(), newAuditEvent(i), nil); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkVerify measures verifying a 10,000-row chain (streamed in
// batches) on each real database; ns/op is per whole chain.
func BenchmarkVerify(b *testing.B) {
	const rows = 10000
	run := func(b *testing.B, c dbtest.Case) {
		s := gormstore.NewAuditStore(c.DB)
		ctx := context.Background()
		err := c.DB.InTx(ctx, func(ctx context.Context) error {
			for i := range rows {
				if _, err := s.Append(ctx, newAuditEvent(i), nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for b.Loop() {
			if v := verifyStore(ctx, b, s); !v.OK || v.Checked != rows {
				b.Fatalf("verify: %+v", v)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
	}
	b.Run("sqlite", func(b *testing.B) { run(b, dbtest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv("RAKKR_TEST_DATABASE_URL") == "" && os.Getenv("CI") != "true" {
			b.Skip("RAKKR_TEST_DATABASE_URL not set")
		}
		run(b, dbtest.Postgres(b))
	})
}

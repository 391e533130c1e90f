package gormstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/rakkr/rakkr/adapters/gormstore"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/test/dbtest"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// newAuditEvent is a complete event with every column filled, numbered i.
func newAuditEvent(i int) audit.Event {
	return audit.Event{
		ID: uuid.NewString(), CreatedAt: t0.Add(time.Duration(i)*time.Second + 123456789),
		Action: fmt.Sprintf("nodes.update.%d.succeeded", i%3), Outcome: audit.Succeeded, Permission: "node:manage",
		Actor:          audit.Actor{ID: fmt.Sprintf("u%d", i%2), Name: "Ada", Type: audit.ActorUser, Roles: []string{"admin"}},
		ActorContext:   audit.ActorContext{IPAddress: "10.0.0.9", SessionID: "sess", UserAgent: "test/1"},
		Target:         audit.Target{Type: "node", ID: fmt.Sprintf("n%d", i), Name: "Desk"},
		Before:         json.RawMessage(`{"gain": 1.50, "big": 12345678901234567890, "tags": ["a"]}`),
		After:          map[string]any{"gain": 2.25, "note": "=cmd()"},
		Details:        map[string]any{"method": "PATCH", "i": i},
		CorrelationIDs: map[string]string{"requestId": fmt.Sprintf("r%d", i)},
		Reason:         "granted",
	}
}

// appendN appends n events and returns them as stored.
func appendN(t testing.TB, s *gormstore.AuditStore, n int) []audit.Event {
	t.Helper()
	out := make([]audit.Event, 0, n)
	for i := range n {
		e, err := s.Append(context.Background(), newAuditEvent(i+1), nil)
		if err != nil {
			t.Fatalf("append %d: %v", i+1, err)
		}
		out = append(out, e)
	}
	return out
}

// verifyStore walks the chain as the auditing service does.
func verifyStore(ctx context.Context, t testing.TB, s *gormstore.AuditStore) audit.Verification {
	t.Helper()
	head, err := s.Head(ctx)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	v, err := audit.VerifyChain(head, func(visit func(audit.Event) error) error {
		return s.Scan(ctx, audit.Filter{MaxSeq: head.Seq}, visit)
	})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return v
}

func TestAuditAppendStoresTheSealedRowExactly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		s := gormstore.NewAuditStore(c.DB)
		if v := verifyStore(ctx, t, s); !v.OK || v.Checked != 0 {
			t.Fatalf("empty chain: %+v", v)
		}
		rows := appendN(t, s, 5)
		for i, e := range rows {
			if e.Seq != int64(i+1) {
				t.Fatalf("row %d has seq %d", i, e.Seq)
			}
			got, err := s.Get(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := audit.Canonical(e)
			b, _ := audit.Canonical(got)
			if string(a) != string(b) || got.Hash != e.Hash {
				t.Fatalf("row does not round-trip:\nappended %s\nstored   %s", a, b)
			}
		}
		got, _ := s.Get(ctx, rows[0].ID)
		before, _ := audit.EncodeJSON(got.Before)
		if string(before) != `{"big":12345678901234567890,"gain":1.50,"tags":["a"]}` {
			t.Errorf("numbers not preserved: %s", before)
		}
		if !got.CreatedAt.Equal(t0.Add(time.Second + 123456000)) {
			t.Errorf("created_at %v not kept to the microsecond", got.CreatedAt)
		}
		head, _ := s.Head(ctx)
		if head.Seq != 5 || head.Hash != rows[4].Hash || head.MaxRowSeq != 5 {
			t.Errorf("head %+v", head)
		}
		if v := verifyStore(ctx, t, s); !v.OK || v.Checked != 5 {
			t.Fatalf("verify: %+v", v)
		}
		if _, err := s.Get(ctx, "nope"); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("unknown id: %v", err)
		}
	})
}

func TestAuditRowsAreAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		appendN(t, gormstore.NewAuditStore(c.DB), 2)
		if err := c.DB.Gorm.Exec("UPDATE audit_events SET reason = 'x' WHERE seq = 1").Error; err == nil {
			t.Error("UPDATE of an audit row succeeded")
		}
		if err := c.DB.Gorm.Exec("DELETE FROM audit_events WHERE seq = 2").Error; err == nil {
			t.Error("DELETE of an audit row succeeded")
		}
	})
}

func TestAuditConcurrentAppendsKeepSeqContiguous(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		s := gormstore.NewAuditStore(c.DB)
		const workers, each = 20, 50
		var wg sync.WaitGroup
		var failed atomic.Int64
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					if _, err := s.Append(ctx, newAuditEvent(w*each+i), nil); err != nil {
						failed.Add(1)
						t.Errorf("append: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if failed.Load() > 0 {
			t.FailNow()
		}
		var seqs []int64
		if err := c.DB.Gorm.Raw("SELECT seq FROM audit_events ORDER BY seq").Scan(&seqs).Error; err != nil {
			t.Fatal(err)
		}
		if len(seqs) != workers*each {
			t.Fatalf("%d rows, want %d", len(seqs), workers*each)
		}
		for i, q := range seqs {
			if q != int64(i+1) {
				t.Fatalf("seq %d at position %d", q, i)
			}
		}
		if v := verifyStore(ctx, t, s); !v.OK || v.Checked != workers*each {
			t.Fatalf("verify: %+v", v)
		}
	})
}

func TestAuditRowRollsBackWithItsTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		s := gormstore.NewAuditStore(c.DB)
		appendN(t, s, 2)
		boom := errors.New("use case failed")
		called := false
		err := c.DB.InTx(ctx, func(ctx context.Context) error {
			if _, err := s.Append(ctx, newAuditEvent(3), func(audit.Event) { called = true }); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx: %v", err)
		}
		if called {
			t.Error("committed callback ran for a rolled-back row")
		}
		if head, _ := s.Head(ctx); head.Seq != 2 || head.MaxRowSeq != 2 {
			t.Fatalf("rolled-back append left head %+v", head)
		}
		var got audit.Event
		err = c.DB.InTx(ctx, func(ctx context.Context) error {
			_, err := s.Append(ctx, newAuditEvent(4), func(e audit.Event) { got = e })
			return err
		})
		if err != nil || got.Seq != 3 {
			t.Fatalf("next append: seq %d, %v", got.Seq, err)
		}
		if v := verifyStore(ctx, t, s); !v.OK || v.Checked != 3 {
			t.Fatalf("verify: %+v", v)
		}
	})
}

func TestAuditAppendFailsClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, c dbtest.Case) {
		ctx := context.Background()
		s := gormstore.NewAuditStore(c.DB)
		appendN(t, s, 1)
		if err := c.DB.Gorm.Exec("DELETE FROM audit_chain_head").Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.Head(ctx); !errors.Is(err, audit.ErrHeadMissing) {
			t.Fatalf("head without its row: %v", err)
		}
		if _, err := s.Append(ctx, newAuditEvent(2), nil); !errors.Is(err, audit.ErrHeadMissing) || errs.KindOf(err) != errs.KindUnavailable {
			t.Fatalf("append without head: %v", err)
		}
		if err := c.DB.Gorm.Exec("DROP TABLE audit_events").Error; err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(ctx, newAuditEvent(3), nil); errs.KindOf(err) != errs.KindUnavailable {
			t.Fatalf("append without table: %v", err)
		}
	})
}

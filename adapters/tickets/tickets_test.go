package tickets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rakkr/rakkr/application/identity/identitytest"
)

func newTable(mode Mode, capacity int) (*Table[string], *identitytest.Clock) {
	clock := identitytest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	return New[string](Config{Clock: clock, TTL: time.Minute, Capacity: capacity, Bytes: 24, Mode: mode}), clock
}

var modes = map[string]Mode{"single use": SingleUse, "reusable": Reusable}

func mustIssue(t *testing.T, tb *Table[string], v string) string {
	t.Helper()
	ticket, _, err := tb.Issue(v)
	if err != nil {
		t.Fatalf("issue %q: %v", v, err)
	}
	return ticket
}

func TestRedeemByMode(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode Mode
		want []bool // results of three redeems in a row
	}{
		{"single use", SingleUse, []bool{true, false, false}},
		{"reusable", Reusable, []bool{true, true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, _ := newTable(tc.mode, 10)
			ticket := mustIssue(t, tb, "bearer-1")
			for i, want := range tc.want {
				v, ok := tb.Redeem(ticket)
				if ok != want || ok && v != "bearer-1" || !ok && v != "" {
					t.Fatalf("redeem %d: %q %v, want ok=%v", i, v, ok, want)
				}
			}
			if _, ok := tb.Redeem("nope"); ok {
				t.Fatal("an unknown ticket redeemed")
			}
		})
	}
}

func TestTicketFormat(t *testing.T) {
	for _, n := range []int{0, 24, 32} {
		tb := New[int](Config{TTL: time.Second, Capacity: 1, Bytes: n})
		ticket, exp, err := tb.Issue(1)
		want := 2 * n
		if n == 0 {
			want = 64
		}
		if err != nil || len(ticket) != want || exp.Location() != time.UTC {
			t.Fatalf("bytes %d: %q %v %v", n, ticket, exp, err)
		}
		for _, r := range ticket {
			if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
				t.Fatalf("bytes %d: not lowercase hex: %q", n, ticket)
			}
		}
	}
}

func TestExpiry(t *testing.T) {
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			tb, clock := newTable(mode, 10)
			ticket, exp, err := tb.Issue("v")
			if err != nil || !exp.Equal(clock.Now().Add(time.Minute)) {
				t.Fatalf("issue: %v %v", exp, err)
			}
			clock.Advance(time.Minute - time.Nanosecond)
			if _, ok := tb.Redeem(ticket); !ok {
				t.Fatal("refused just before expiry")
			}
			if mode == SingleUse {
				ticket = mustIssue(t, tb, "v")
			}
			clock.Advance(time.Minute)
			if v, ok := tb.Redeem(ticket); ok || v != "" {
				t.Fatalf("expired ticket redeemed: %q", v)
			}
			if n := tb.Len(); n != 0 {
				t.Fatalf("len after expiry = %d", n)
			}
		})
	}
}

func TestCapacity(t *testing.T) {
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			tb, clock := newTable(mode, 3)
			first := mustIssue(t, tb, "a")
			mustIssue(t, tb, "b")
			clock.Advance(30 * time.Second)
			last := mustIssue(t, tb, "c")
			if _, _, err := tb.Issue("d"); !errors.Is(err, ErrFull) {
				t.Fatalf("at capacity: %v", err)
			}
			if tb.Len() != 3 {
				t.Fatalf("len = %d", tb.Len())
			}
			// A redeemed single-use ticket frees its place at once.
			if mode == SingleUse {
				if _, ok := tb.Redeem(first); !ok {
					t.Fatal("redeem")
				}
				mustIssue(t, tb, "e")
			}
			// The first two expire and free their places; the third lives on.
			clock.Advance(30 * time.Second)
			if tb.Len() != 1+btoi(mode == SingleUse) {
				t.Fatalf("len after the first expiries = %d", tb.Len())
			}
			mustIssue(t, tb, "f")
			if v, ok := tb.Redeem(last); !ok || v != "c" {
				t.Fatalf("the live ticket: %q %v", v, ok)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestPurgeKeepsTheQueueBounded(t *testing.T) {
	tb, clock := newTable(SingleUse, 4)
	for i := range 1000 {
		ticket := mustIssue(t, tb, "v")
		if i%2 == 0 {
			tb.Redeem(ticket)
		}
		if i%6 == 5 {
			clock.Advance(time.Minute)
		}
	}
	tb.Len()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if n := len(tb.order) - tb.head; n > 2*4 || len(tb.m) > 4 {
		t.Fatalf("queue %d, table %d", n, len(tb.m))
	}
}

func TestTableNeverHoldsTheTicket(t *testing.T) {
	tb, _ := newTable(Reusable, 100)
	issued := map[string]bool{}
	for range 50 {
		issued[mustIssue(t, tb, "v")] = true
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	digests := map[key]bool{}
	for ticket := range issued {
		digests[sha256.Sum256([]byte(ticket))] = true
	}
	// Every key (of the table and of the purge queue) is a ticket's SHA-256,
	// and no ticket appears in any of them.
	keys := []key{}
	for k := range tb.m {
		keys = append(keys, k)
	}
	for _, q := range tb.order[tb.head:] {
		keys = append(keys, q.key)
	}
	for _, k := range keys {
		for ticket := range issued {
			if bytes.Contains([]byte(ticket), []byte(hex.EncodeToString(k[:]))) || bytes.Contains(k[:], []byte(ticket[:16])) {
				t.Fatalf("key %x holds the ticket", k)
			}
		}
		if !digests[k] {
			t.Fatalf("key %x is no ticket's SHA-256", k)
		}
	}
	if len(tb.m) != len(issued) || len(keys) != 2*len(issued) {
		t.Fatalf("%d keys, %d in all, for %d tickets", len(tb.m), len(keys), len(issued))
	}
}

func TestConcurrentIssueRedeem(t *testing.T) {
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			tb, clock := newTable(mode, 64)
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range 200 {
						v := fmt.Sprintf("%d/%d", g, i)
						ticket, _, err := tb.Issue(v)
						if errors.Is(err, ErrFull) {
							clock.Advance(time.Minute)
							continue
						}
						if err != nil {
							t.Error(err)
							return
						}
						if got, ok := tb.Redeem(ticket); ok && got != v {
							t.Errorf("redeemed %q for %q", got, v)
						}
						_ = tb.Len()
					}
				})
			}
			wg.Wait()
			if n := tb.Len(); n > 64 {
				t.Fatalf("len %d over capacity", n)
			}
		})
	}
}

func TestNewRefusesAZeroTTLOrCapacity(t *testing.T) {
	for _, cfg := range []Config{{Capacity: 1}, {TTL: time.Second}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%+v) did not panic", cfg)
				}
			}()
			New[int](cfg)
		}()
	}
}

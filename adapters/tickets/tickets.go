// Package tickets is an in-memory table of short-lived random tickets: a
// ticket stands for a value (a bearer, a media grant) for a while, so that
// a browser can open a URL or a socket without the Authorization header.
// The table keeps only the SHA-256 of each ticket, never the ticket, and is
// bounded. A ticket is only valid in the process that issued it.
package tickets

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// Mode says whether a redeemed ticket stays valid.
type Mode int

const (
	// SingleUse tickets are deleted by their first Redeem (the zero Mode).
	SingleUse Mode = iota
	// Reusable tickets redeem any number of times until they expire.
	Reusable
)

// ErrFull is returned by Issue when Capacity live tickets are open; callers
// map it to their own error code.
var ErrFull = errors.New("tickets: too many open tickets")

// Config shapes a Table.
type Config struct {
	// Clock tells the time (ports.SystemClock when nil).
	Clock ports.Clock
	// TTL is how long a ticket stays valid after Issue; it must be positive.
	TTL time.Duration
	// Capacity bounds the open tickets; it must be positive.
	Capacity int
	// Bytes is the ticket's random length (32 when zero); the ticket is its
	// lowercase hex encoding, 2×Bytes characters.
	Bytes int
	// Mode is SingleUse or Reusable.
	Mode Mode
}

type key = [sha256.Size]byte

type entry[T any] struct {
	value   T
	expires time.Time
}

// queued remembers when a key expires, in issue order, so that expired
// entries are purged from the front without scanning the table.
type queued struct {
	key     key
	expires time.Time
}

// Table maps tickets to values of type T. It is safe for concurrent use.
type Table[T any] struct {
	cfg   Config
	mu    sync.Mutex
	m     map[key]entry[T]
	order []queued // issue order; may name keys already redeemed
	head  int      // order[:head] is purged
}

// New returns an empty table; it panics when cfg.TTL or cfg.Capacity is not
// positive (a wiring mistake).
func New[T any](cfg Config) *Table[T] {
	if cfg.TTL <= 0 || cfg.Capacity <= 0 {
		panic("tickets: TTL and Capacity must be positive")
	}
	if cfg.Clock == nil {
		cfg.Clock = ports.SystemClock{}
	}
	if cfg.Bytes <= 0 {
		cfg.Bytes = 32
	}
	return &Table[T]{cfg: cfg, m: map[key]entry[T]{}}
}

// Issue returns a new random ticket for v and the time (UTC) it expires.
// It fails with ErrFull when Capacity tickets are open, and with an
// internal error when there is no randomness.
func (t *Table[T]) Issue(v T) (string, time.Time, error) {
	b := make([]byte, t.cfg.Bytes)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, errs.Wrap(errs.KindInternal, "internal", "no randomness", err)
	}
	ticket := hex.EncodeToString(b)
	now := t.cfg.Clock.Now()
	exp := now.Add(t.cfg.TTL).UTC()
	k := sha256.Sum256([]byte(ticket))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.purgeLocked(now)
	if len(t.m) >= t.cfg.Capacity {
		return "", time.Time{}, ErrFull
	}
	t.m[k] = entry[T]{value: v, expires: exp}
	t.order = append(t.order, queued{key: k, expires: exp})
	return ticket, exp, nil
}

// Redeem returns the value of a live ticket. A SingleUse ticket is deleted;
// a Reusable one stays until it expires.
func (t *Table[T]) Redeem(ticket string) (T, bool) {
	k := sha256.Sum256([]byte(ticket))
	now := t.cfg.Clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[k]
	expired := ok && !now.Before(e.expires)
	if expired || ok && t.cfg.Mode == SingleUse {
		delete(t.m, k)
	}
	if !ok || expired {
		var zero T
		return zero, false
	}
	return e.value, true
}

// Len is the number of open (unexpired, unredeemed) tickets.
func (t *Table[T]) Len() int {
	now := t.cfg.Clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.purgeLocked(now)
	return len(t.m)
}

// purgeLocked deletes the expired entries at the front of the issue order
// (amortized constant time: each issue is queued and dequeued once) and
// compacts the queue when it is mostly dead.
func (t *Table[T]) purgeLocked(now time.Time) {
	for t.head < len(t.order) && !now.Before(t.order[t.head].expires) {
		q := t.order[t.head]
		if e, ok := t.m[q.key]; ok && !now.Before(e.expires) {
			delete(t.m, q.key)
		}
		t.order[t.head] = queued{}
		t.head++
	}
	live := len(t.order) - t.head
	switch {
	case live > 2*t.cfg.Capacity:
		// Redeemed single-use tickets left their keys behind: keep those
		// still in the table (at most Capacity).
		kept := make([]queued, 0, len(t.m))
		for _, q := range t.order[t.head:] {
			if _, ok := t.m[q.key]; ok {
				kept = append(kept, q)
			}
		}
		t.order, t.head = kept, 0
	case t.head > 0 && t.head >= live:
		t.order, t.head = append(t.order[:0:0], t.order[t.head:]...), 0
	}
}

package casbinauthz

import (
	"sync"
	"sync/atomic"
)

// memo remembers answers of one enforcer, as Casbin's CachedEnforcer
// does: the role permission question has few distinct requests (users ×
// 24 permissions) and is asked on every decision, while scanning the
// ~80 catalog rules costs tens of microseconds. A new memo replaces the
// old one whenever the enforcer changes, so no answer outlives the rules
// it came from.
type memo struct {
	answers sync.Map // request key → bool
	size    atomic.Int64
}

// memoLimit bounds a memo; past it answers are computed and not kept.
const memoLimit = 100_000

func newMemo() *memo { return &memo{} }

// get returns the remembered answer for key, or computes and keeps it.
func (m *memo) get(key string, compute func() (bool, error)) (bool, error) {
	if v, ok := m.answers.Load(key); ok {
		return v.(bool), nil
	}
	v, err := compute()
	if err != nil {
		return false, err
	}
	if m.size.Load() < memoLimit {
		if _, loaded := m.answers.LoadOrStore(key, v); !loaded {
			m.size.Add(1)
		}
	}
	return v, nil
}

package casbinauthz

import (
	"hash/fnv"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/casbin/casbin/v2"
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

// rulesDigest is a 64-bit FNV-1a hash of every policy and grouping rule
// loaded in e, in section and type order.
func rulesDigest(e *casbin.Enforcer) uint64 {
	h := fnv.New64a()
	m := e.GetModel()
	for _, sec := range []string{"p", "g"} {
		types := make([]string, 0, len(m[sec]))
		for ptype := range m[sec] {
			types = append(types, ptype)
		}
		slices.Sort(types)
		for _, ptype := range types {
			h.Write([]byte(ptype))
			for _, rule := range m[sec][ptype].Policy {
				for _, v := range rule {
					h.Write([]byte(v))
					h.Write([]byte{0})
				}
				h.Write([]byte{1})
			}
		}
	}
	return h.Sum64()
}

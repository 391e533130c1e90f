package casbinauthz

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/rakkr/rakkr/adapters/gormstore"
)

// rule is one casbin_rule row: its policy type and values v0…v5 (and,
// when read from the table, its id).
type rule struct {
	ptype string
	vals  []string
	id    uint
}

// matchOp is how a selector compares one value column.
type matchOp int

const (
	opEqual matchOp = iota // the column equals value
	opAll                  // every row of the policy type
)

// selector picks rules of one policy type by one value column, the same
// way in SQL (inside the transaction) and in memory (after commit).
type selector struct {
	ptype string
	field int // 0…5: v0…v5
	value string
	op    matchOp
}

func eq(ptype string, field int, value string) selector {
	return selector{ptype: ptype, field: field, value: value, op: opEqual}
}

// matches reports whether a rule's values are selected.
func (s selector) matches(vals []string) bool {
	if s.op == opAll {
		return true
	}
	v := ""
	if s.field < len(vals) {
		v = vals[s.field]
	}
	return v == s.value
}

// where adds the selector's conditions to a query on casbin_rule.
func (s selector) where(db *gorm.DB) *gorm.DB {
	db = db.Where("ptype = ?", s.ptype)
	if s.op == opAll {
		return db
	}
	return db.Where(fmt.Sprintf("v%d = ?", s.field), s.value)
}

// change replaces a set of rules: every rule picked by a selector goes,
// then the new rules come (existing ones are kept, not duplicated).
type change struct {
	clear []selector
	add   []rule
}

// toRow converts a rule to the adapter's row type (unused columns empty).
func toRow(r rule) gormadapter.CasbinRule {
	v := make([]string, 6)
	copy(v, r.vals)
	return gormadapter.CasbinRule{Ptype: r.ptype, V0: v[0], V1: v[1], V2: v[2], V3: v[3], V4: v[4], V5: v[5]}
}

// fromRow converts a row to a rule, dropping trailing empty values as
// gorm-adapter does when it loads the policy.
func fromRow(row gormadapter.CasbinRule) rule {
	v := []string{row.V0, row.V1, row.V2, row.V3, row.V4, row.V5}
	n := len(v)
	for n > 0 && v[n-1] == "" {
		n--
	}
	return rule{ptype: row.Ptype, vals: v[:n], id: row.ID}
}

// write applies c to casbin_rule in the transaction of ctx (or its own)
// and, once that commits, to the enforcer. A rollback leaves the enforcer
// as it was.
func (a *Authorizer) write(ctx context.Context, c change) error {
	return a.db.InTx(ctx, func(ctx context.Context) error {
		db := a.db.Conn(ctx)
		for _, s := range c.clear {
			if err := s.where(db).Delete(&gormadapter.CasbinRule{}).Error; err != nil {
				return gormstore.Translate(err)
			}
		}
		if len(c.add) > 0 {
			rows := make([]gormadapter.CasbinRule, 0, len(c.add))
			for _, r := range c.add {
				rows = append(rows, toRow(r))
			}
			if err := db.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 500).Error; err != nil {
				return gormstore.Translate(err)
			}
		}
		gormstore.AfterCommit(ctx, func() { a.apply(c) })
		return nil
	})
}

// read returns the rules picked by any of the selectors, in insertion
// order, as the transaction of ctx sees them.
func (a *Authorizer) read(ctx context.Context, sels ...selector) ([]rule, error) {
	var out []rule
	for _, s := range sels {
		var rows []gormadapter.CasbinRule
		if err := s.where(a.db.Conn(ctx).Model(&gormadapter.CasbinRule{})).Order("id").Find(&rows).Error; err != nil {
			return nil, gormstore.Translate(err)
		}
		for _, row := range rows {
			out = append(out, fromRow(row))
		}
	}
	slices.SortFunc(out, func(x, y rule) int { return cmp.Compare(x.id, y.id) })
	return out, nil
}

// apply makes the same change to the in-memory enforcer. It runs after
// commit, serialized with Reload (wmu) so a reload that read the table
// before this commit cannot swap in a policy without it: the change then
// applies to the new enforcer. Both halves are idempotent.
func (a *Authorizer) apply(c change) {
	a.wmu.Lock()
	defer a.wmu.Unlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	e := a.enf
	if e == nil {
		return // not loaded yet: the first Reload reads the committed rows
	}
	var failed error
	for _, s := range c.clear {
		sec := section(s.ptype)
		var doomed [][]string
		for _, vals := range e.GetModel()[sec][s.ptype].Policy {
			if s.matches(vals) {
				doomed = append(doomed, append([]string(nil), vals...))
			}
		}
		for _, vals := range doomed {
			// One at a time: Casbin removes a single rule in O(1) but
			// re-indexes the whole type for each rule of a batch.
			if _, err := e.SelfRemovePolicy(sec, s.ptype, vals); err != nil && failed == nil {
				failed = err
			}
		}
	}
	for _, r := range c.add {
		if _, err := e.SelfAddPolicy(section(r.ptype), r.ptype, r.vals); err != nil && failed == nil {
			failed = err
		}
	}
	a.perms = newMemo()
	a.digest = 0 // unknown: the next reload swaps in what it reads
	a.version.Add(1)
	if failed != nil {
		// The table holds the truth: reload it once this update lets go.
		a.log.Error("casbin: in-memory policy update failed; reloading", "error", failed)
		go a.reloadSoon()
	}
}

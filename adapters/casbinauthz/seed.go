package casbinauthz

import (
	"context"
	"strings"

	"github.com/rakkr/rakkr/domain/access"
)

// builtinSelectors pick the rules seed owns: every p and p2 rule. Grants,
// policies, bindings and the hierarchy are links (g…g5), never rules.
var builtinSelectors = []selector{{ptype: ptypeRolePerm, op: opAll}, {ptype: ptypeRule, op: opAll}}

// builtinRules are the rules of the model: the catalog of domain/access
// (a p rule per role and permission), an allow on "*" for each unscoped
// role, and the three rules that turn grants, allow policies and deny
// policies into scope.
func builtinRules() []rule {
	var out []rule
	allow, deny := string(access.Allow), string(access.Deny)
	for _, r := range access.AllRoles {
		sub := rolePrefix + string(r)
		for _, perm := range r.Permissions() {
			out = append(out, rule{ptype: ptypeRolePerm, vals: []string{sub, string(perm)}})
		}
		if r.Unscoped() {
			out = append(out, rule{ptype: ptypeRule, vals: []string{sub, access.Global.Key(), allow}})
		}
	}
	return append(out,
		rule{ptype: ptypeRule, vals: []string{"*", ptypeGrant, allow}},
		rule{ptype: ptypeRule, vals: []string{"*", ptypeAllow, allow}},
		rule{ptype: ptypeRule, vals: []string{"*", ptypeDeny, deny}})
}

// seed writes builtinRules when the table does not hold exactly them, so
// a catalog change in a new release takes effect at start and an
// unchanged one writes nothing.
func (a *Authorizer) seed(ctx context.Context) error {
	return a.db.InTx(ctx, func(ctx context.Context) error {
		have, err := a.read(ctx, builtinSelectors...)
		if err != nil {
			return err
		}
		want := builtinRules()
		if sameRules(have, want) {
			return nil
		}
		return a.write(ctx, change{clear: builtinSelectors, add: want})
	})
}

// sameRules reports whether two rule lists hold the same set of rules.
func sameRules(a, b []rule) bool {
	key := func(r rule) string { return r.ptype + "\x00" + strings.Join(r.vals, "\x00") }
	set := make(map[string]bool, len(a))
	for _, r := range a {
		set[key(r)] = true
	}
	if len(set) != len(b) {
		return false
	}
	for _, r := range b {
		if !set[key(r)] {
			return false
		}
	}
	return true
}

package casbinauthz

import (
	"context"
	"fmt"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

// SetParents implements ports.ResourceGraph: child's g2 links become its
// parents plus its type root ("recording:*"), so wildcard scopes cover it;
// each parent is linked to its own type root too. Callers register every
// resource that can be a target, also those without parents (a site), or
// wildcard grants on its type miss it (they fail closed). Direct links to
// every ancestor (recording → schedule, node, room, site) keep the walk
// short; chains (channel → interface → node) work as well, up to ten links.
func (a *Authorizer) SetParents(ctx context.Context, child access.Ref, parents []access.Ref) error {
	if err := checkResource("child", child); err != nil {
		return err
	}
	ck := child.Key()
	add := []rule{{ptype: ptypeParent, vals: []string{ck, child.TypeRoot()}}}
	for i, p := range parents {
		if err := checkResource(fmt.Sprintf("parents[%d]", i), p); err != nil {
			return err
		}
		if p.Key() == ck {
			return errs.Field(fmt.Sprintf("parents[%d]", i), "must not be the child itself")
		}
		add = append(add,
			rule{ptype: ptypeParent, vals: []string{ck, p.Key()}},
			rule{ptype: ptypeParent, vals: []string{p.Key(), p.TypeRoot()}})
	}
	return a.write(ctx, change{clear: []selector{eq(ptypeParent, 0, ck)}, add: add})
}

// RemoveResource implements ports.ResourceGraph: it drops child's links to
// its parents and its children's links to it. Grants and policies naming
// child stay (they are the administrators' to change) and cover nothing.
func (a *Authorizer) RemoveResource(ctx context.Context, child access.Ref) error {
	if err := checkResource("child", child); err != nil {
		return err
	}
	ck := child.Key()
	return a.write(ctx, change{clear: []selector{eq(ptypeParent, 0, ck), eq(ptypeParent, 1, ck)}})
}

// checkResource requires one concrete resource: a type and an id, not
// the global scope and not a wildcard.
func checkResource(field string, r access.Ref) error {
	if r.IsGlobal() || r.ID == "" || r.ID == "*" || len(r.ID) > 200 {
		return errs.Field(field, "must name one resource (type and id, not * )")
	}
	return nil
}

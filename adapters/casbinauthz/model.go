// Package casbinauthz is the Casbin enforcer behind ports.Authorizer: the
// permission catalog as role rules, role bindings, group memberships,
// resource grants, allow/deny access policies and the resource scope
// hierarchy, all in one casbin_rule table read with gorm-adapter and
// written inside the caller's transaction.
//
// The model (model.conf) carries the logic: role → permission (m), and
// scope with deny-wins (m2, e2) following the subject graph (g) and the
// resource hierarchy (g2). Decide only orders the two questions to name
// the reason of a refusal.
package casbinauthz

import (
	"context"
	_ "embed"
	"fmt"
	"slices"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
)

// ModelText is the Casbin model the enforcer runs.
//
//go:embed model.conf
var ModelText string

// Policy types (the ptype column of casbin_rule).
const (
	ptypeRolePerm = "p"  // role:<name>, <permission>
	ptypeRule     = "p2" // <subject>|*, <resource>|<link type>, allow|deny
	ptypeBinding  = "g"  // user:<id>, role:<name>|group:<id>
	ptypeParent   = "g2" // <resource>, <parent resource>|<type>:*
	ptypeGrant    = "g3" // user:<id>, <resource>
	ptypeAllow    = "g4" // <subject>, <resource>, <reason>
	ptypeDeny     = "g5" // <subject>, <resource>, <reason>
)

// graphTypes are the role definitions, each kept in a roleGraph.
var graphTypes = []string{ptypeBinding, ptypeParent, ptypeGrant, ptypeAllow, ptypeDeny}

// Subject key prefixes and the everyone subject.
const (
	userPrefix  = "user:"
	groupPrefix = "group:"
	rolePrefix  = "role:"
	everyone    = "everyone"
)

// scopeContext selects the scope question: request r2, policy p2,
// effect e2, matcher m2.
var scopeContext = casbin.NewEnforceContext("2")

// maxDepth bounds every walk up a role graph: recording → schedule → node
// → room → site → site:* is five links, the longest chain
// (channel → interface → node → room → site → site:*) six.
const maxDepth = 10

// section is the model section of a policy type: "p" or "g".
func section(ptype string) string { return ptype[:1] }

// buildEnforcer makes an enforcer of ModelText and loads every rule from
// the adapter (the casbin_rule table) into it. It is built aside and
// swapped in whole, so a decision never sees a half-loaded policy.
func buildEnforcer(ctx context.Context, adapter *gormadapter.Adapter) (*casbin.Enforcer, error) {
	m, err := model.NewModelFromString(ModelText)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("casbin enforcer: %w", err)
	}
	graphs := map[string]*roleGraph{}
	for _, ptype := range graphTypes {
		graphs[ptype] = newRoleGraph(maxDepth)
		e.SetNamedRoleManager(ptype, graphs[ptype])
	}
	if err := adapter.LoadPolicyCtx(ctx, e.GetModel()); err != nil {
		return nil, err
	}
	if err := e.BuildRoleLinks(); err != nil {
		return nil, fmt.Errorf("casbin role links: %w", err)
	}
	e.AddFunction("covers", covers(graphs))
	return e, nil
}

// covers is the matcher function covers(kind, sub, obj): whether a link
// of kind (g3 grants, g4 allow or g5 deny policies) goes from sub, from
// a subject sub inherits in g, or from everyone, to "*", obj or one of
// obj's g2 ancestors.
func covers(graphs map[string]*roleGraph) func(args ...any) (any, error) {
	subjects, resources := graphs[ptypeBinding], graphs[ptypeParent]
	return func(args ...any) (any, error) {
		if len(args) != 3 {
			return false, fmt.Errorf("covers: want 3 arguments, got %d", len(args))
		}
		kind, _ := args[0].(string)
		sub, _ := args[1].(string)
		obj, _ := args[2].(string)
		links := graphs[kind]
		if kind == ptypeBinding || kind == ptypeParent || links == nil {
			return false, fmt.Errorf("covers: %q is not a link type", kind)
		}
		if links.empty() {
			return false, nil
		}
		var ancestors []string
		reaches := func(target string) bool {
			if target == "*" || target == obj {
				return true
			}
			if ancestors == nil {
				ancestors = resources.ancestors(obj)
			}
			return slices.Contains(ancestors, target)
		}
		if links.anyLink(sub, reaches) || links.anyLink(everyone, reaches) {
			return true, nil
		}
		for _, s := range subjects.ancestors(sub) {
			if links.anyLink(s, reaches) {
				return true, nil
			}
		}
		return false, nil
	}
}

package casbinauthz

import (
	"context"
	"fmt"
	"strings"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

// policySelectors pick the access policies: every g4 (allow) and g5
// (deny) link.
var policySelectors = []selector{{ptype: ptypeAllow, op: opAll}, {ptype: ptypeDeny, op: opAll}}

// Policies implements ports.PolicyStore: every access policy in the order
// it was stored, as the transaction of ctx sees the table.
func (a *Authorizer) Policies(ctx context.Context) ([]access.Policy, error) {
	rules, err := a.read(ctx, policySelectors...)
	if err != nil {
		return nil, err
	}
	out := make([]access.Policy, 0, len(rules))
	for _, r := range rules {
		if len(r.vals) >= 2 {
			out = append(out, policyOf(r))
		}
	}
	return out, nil
}

// ReplacePolicies implements ports.PolicyStore: all g4/g5 links are
// replaced in the transaction of ctx. A policy repeating the effect,
// subject and resource of an earlier one is dropped (one link each).
func (a *Authorizer) ReplacePolicies(ctx context.Context, policies []access.Policy) error {
	add := make([]rule, 0, len(policies))
	seen := map[string]bool{}
	for i, p := range policies {
		if err := p.Validate(); err != nil {
			return errs.Field(fmt.Sprintf("policies[%d]", i), messageOf(err))
		}
		ptype := ptypeAllow
		if p.Effect == access.Deny {
			ptype = ptypeDeny
		}
		key := ptype + "\x00" + p.SubjectKey() + "\x00" + p.Resource.Key()
		if seen[key] {
			continue
		}
		seen[key] = true
		add = append(add, rule{ptype: ptype, vals: []string{p.SubjectKey(), p.Resource.Key(), p.Reason}})
	}
	return a.write(ctx, change{clear: policySelectors, add: add})
}

// policyOf converts a g4/g5 link (subject, resource, reason) back.
func policyOf(r rule) access.Policy {
	p := access.Policy{Effect: access.Allow, Resource: refOf(r.vals[1])}
	if r.ptype == ptypeDeny {
		p.Effect = access.Deny
	}
	if len(r.vals) > 2 {
		p.Reason = r.vals[2]
	}
	if r.vals[0] == everyone {
		p.SubjectType = access.SubjectEveryone
	} else {
		t, id, _ := strings.Cut(r.vals[0], ":")
		p.SubjectType, p.SubjectID = access.SubjectType(t), id
	}
	return p
}

// Package access holds the access-policy use cases: listing and replacing
// the allow/deny policies (audited in the same transaction) and the
// permission catalog the console shows.
package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	"github.com/rakkr/rakkr/ports"
)

// MaxPolicies bounds the policy set; policies are for exceptions (legal
// holds, a group's rooms), not for per-user scope, which grants give.
const MaxPolicies = 500

// ActionReplace is the audit action of ReplacePolicies.
const ActionReplace = "auth.policies.replace"

// Service lists and replaces access policies. It does not check that the
// subjects exist: a policy for a deleted group or user is harmless and is
// removed with the subject (ports.RoleBindings.RemoveSubject).
type Service struct {
	tx    ports.Transactor
	store ports.PolicyStore
	audit ports.AuditRecorder
}

// NewService returns the policy use cases; every port is required.
func NewService(tx ports.Transactor, store ports.PolicyStore, rec ports.AuditRecorder) (*Service, error) {
	if tx == nil || store == nil || rec == nil {
		return nil, errors.New("access: Transactor, PolicyStore and AuditRecorder are required")
	}
	return &Service{tx: tx, store: store, audit: rec}, nil
}

// ListPolicies returns every access policy in stored order.
func (s *Service) ListPolicies(ctx context.Context) ([]access.Policy, error) {
	return s.store.Policies(ctx)
}

// ReplacePolicies validates policies (fields named like
// "policies[2].effect"), replaces the whole set and records a succeeded
// audit row with the sets before and after, in one transaction. It
// returns the stored set.
func (s *Service) ReplacePolicies(ctx context.Context, policies []access.Policy) ([]access.Policy, error) {
	clean, err := validate(policies)
	if err != nil {
		return nil, err
	}
	var after []access.Policy
	err = s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.Policies(ctx)
		if err != nil {
			return err
		}
		if err := s.store.ReplacePolicies(ctx, clean); err != nil {
			return err
		}
		if after, err = s.store.Policies(ctx); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{
			Action: ActionReplace, Outcome: audit.Succeeded, Permission: string(access.AuthManage),
			Target: audit.Target{Type: string(access.ResourcePolicy), ID: "*", Name: "access policies"},
			Before: auditPolicies(before), After: auditPolicies(after),
			Details: map[string]any{"count": len(after)},
		})
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// validate checks every policy, naming fields by index, rejects a policy
// repeating the effect, subject and resource of an earlier one, and
// normalizes the global resource and the everyone subject.
func validate(policies []access.Policy) ([]access.Policy, error) {
	if len(policies) > MaxPolicies {
		return nil, errs.Field("policies", fmt.Sprintf("must hold at most %d policies", MaxPolicies))
	}
	var is errs.Issues
	out := make([]access.Policy, 0, len(policies))
	first := map[string]int{}
	for i, p := range policies {
		at := func(field string) string {
			if field == "" {
				return fmt.Sprintf("policies[%d]", i)
			}
			return fmt.Sprintf("policies[%d].%s", i, field)
		}
		for _, issue := range issuesOf(p.Validate()) {
			if issue.Field == "resource" {
				// Name the resource field the caller sent.
				for _, inner := range issuesOf(p.Resource.ValidateScope()) {
					is.Add(at(inner.Field), inner.Message)
				}
				continue
			}
			is.Add(at(issue.Field), issue.Message)
		}
		if p.SubjectType == access.SubjectEveryone {
			p.SubjectID = ""
		}
		if p.Resource.IsGlobal() {
			p.Resource = access.Global
		}
		key := string(p.Effect) + "\x00" + p.SubjectKey() + "\x00" + p.Resource.Key()
		if j, dup := first[key]; dup {
			is.Add(at(""), fmt.Sprintf("repeats policies[%d]", j))
		} else {
			first[key] = i
		}
		out = append(out, p)
	}
	return out, is.Err()
}

// issuesOf returns the field issues of a validation error.
func issuesOf(err error) []errs.FieldIssue {
	var e *errs.Error
	if !errors.As(err, &e) {
		if err != nil {
			return []errs.FieldIssue{{Message: err.Error()}}
		}
		return nil
	}
	if d, ok := e.Details.(map[string]any); ok {
		if issues, ok := d["issues"].([]errs.FieldIssue); ok {
			return issues
		}
	}
	return []errs.FieldIssue{{Message: e.Message}}
}

// auditPolicies is the audit form of a policy set.
func auditPolicies(ps []access.Policy) []map[string]any {
	out := make([]map[string]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, map[string]any{
			"effect": string(p.Effect), "subjectType": string(p.SubjectType), "subjectId": p.SubjectID,
			"resourceType": string(p.Resource.Type), "resourceId": p.Resource.ID, "reason": p.Reason,
		})
	}
	return out
}

// RolePermissions is one built-in role and what it grants.
type RolePermissions struct {
	Role        access.Role
	Permissions []access.Permission
}

// Catalog is every permission and every role with its permissions.
type Catalog struct {
	Permissions []access.Permission
	Roles       []RolePermissions
}

// Catalog returns the permission catalog and the built-in roles, most
// privileged first.
func (s *Service) Catalog() Catalog {
	c := Catalog{Permissions: append([]access.Permission(nil), access.AllPermissions...)}
	for _, r := range access.AllRoles {
		c.Roles = append(c.Roles, RolePermissions{Role: r, Permissions: r.Permissions()})
	}
	return c
}

package casbinauthz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

// SetUserAccess implements ports.RoleBindings: it replaces the user's g
// rules (roles, groups) and g3 rules (grants) in the transaction of ctx;
// the enforcer sees them once it commits.
func (a *Authorizer) SetUserAccess(ctx context.Context, userID string, roles []access.Role, groupIDs []string, grants []access.Ref) error {
	var is errs.Issues
	if strings.TrimSpace(userID) == "" {
		is.Add("userId", "is required")
	}
	sub := userPrefix + userID
	var add []rule
	for i, r := range roles {
		if !r.Valid() {
			is.Add(fmt.Sprintf("roles[%d]", i), "must be owner, admin, operator, viewer or auditor")
		}
		add = append(add, rule{ptype: ptypeBinding, vals: []string{sub, rolePrefix + string(r)}})
	}
	for i, g := range groupIDs {
		if strings.TrimSpace(g) == "" {
			is.Add(fmt.Sprintf("groups[%d]", i), "must not be empty")
		}
		add = append(add, rule{ptype: ptypeBinding, vals: []string{sub, groupPrefix + g}})
	}
	for i, g := range grants {
		if err := g.ValidateScope(); err != nil {
			is.Add(fmt.Sprintf("grants[%d]", i), messageOf(err))
		}
		add = append(add, rule{ptype: ptypeGrant, vals: []string{sub, g.Key()}})
	}
	if err := is.Err(); err != nil {
		return err
	}
	return a.write(ctx, change{clear: []selector{eq(ptypeBinding, 0, sub), eq(ptypeGrant, 0, sub)}, add: add})
}

// UserAccess implements ports.RoleBindings, reading the table as the
// transaction of ctx sees it.
func (a *Authorizer) UserAccess(ctx context.Context, userID string) ([]access.Role, []string, []access.Ref, error) {
	sub := userPrefix + userID
	rules, err := a.read(ctx, eq(ptypeBinding, 0, sub), eq(ptypeGrant, 0, sub))
	if err != nil {
		return nil, nil, nil, err
	}
	roles, groups, grants := []access.Role{}, []string{}, []access.Ref{}
	for _, r := range rules {
		if len(r.vals) < 2 {
			continue
		}
		switch {
		case r.ptype == ptypeGrant:
			grants = append(grants, refOf(r.vals[1]))
		case strings.HasPrefix(r.vals[1], rolePrefix):
			roles = append(roles, access.Role(strings.TrimPrefix(r.vals[1], rolePrefix)))
		case strings.HasPrefix(r.vals[1], groupPrefix):
			groups = append(groups, strings.TrimPrefix(r.vals[1], groupPrefix))
		}
	}
	return roles, groups, grants, nil
}

// RemoveSubject implements ports.RoleBindings: for "user:<id>" its roles,
// groups, grants and policies; for "group:<id>" its memberships and
// policies.
func (a *Authorizer) RemoveSubject(ctx context.Context, subject string) error {
	kind, id, _ := strings.Cut(subject, ":")
	if (kind+":" != userPrefix && kind+":" != groupPrefix) || id == "" {
		return errs.Field("subject", `must be "user:<id>" or "group:<id>"`)
	}
	return a.write(ctx, change{clear: []selector{
		eq(ptypeBinding, 0, subject), eq(ptypeBinding, 1, subject),
		eq(ptypeGrant, 0, subject), eq(ptypeAllow, 0, subject), eq(ptypeDeny, 0, subject),
	}})
}

// UsersWithRole implements ports.RoleBindings, reading the table as the
// transaction of ctx sees it.
func (a *Authorizer) UsersWithRole(ctx context.Context, role access.Role) ([]string, error) {
	rules, err := a.read(ctx, eq(ptypeBinding, 1, rolePrefix+string(role)))
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, r := range rules {
		if id, ok := strings.CutPrefix(r.vals[0], userPrefix); ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// refOf parses a resource key as stored ("*" or "type:id") without
// validating the type, so every stored rule reads back.
func refOf(key string) access.Ref {
	if key == "*" {
		return access.Global
	}
	t, id, _ := strings.Cut(key, ":")
	return access.Ref{Type: access.ResourceType(t), ID: id}
}

// messageOf is the public message of a validation error.
func messageOf(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

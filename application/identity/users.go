package identity

import (
	"context"
	"slices"
	"strconv"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// NewUserInput is a user to create: a local account with a password and
// its roles and groups.
type NewUserInput struct {
	Email    string
	Name     string
	Password string
	Roles    []access.Role
	Groups   []string
}

// UserQuery filters the user list. Status is "", "enabled" or "disabled".
type UserQuery struct {
	Query  string
	Role   access.Role
	Status string
	Limit  int
	Offset int
}

// CreateUser creates a local user with roles and groups. A duplicate email
// is 409 user.emailTaken; only an owner may create another owner.
func (s *Service) CreateUser(ctx context.Context, in NewUserInput) (Account, error) {
	var is errs.Issues
	addIssue(&is, errOnly(ident.NormalizeEmail(in.Email)))
	addIssue(&is, errOnly(ident.NormalizeName("name", in.Name)))
	addIssue(&is, ident.ValidatePassword("password", in.Password))
	roles := checkRoles(&is, in.Roles)
	groups, err := s.checkGroups(ctx, &is, "groups", in.Groups)
	if err != nil {
		return Account{}, err
	}
	if err := is.Err(); err != nil {
		return Account{}, err
	}
	if slices.Contains(roles, access.RoleOwner) && !callerIsOwner(ctx) {
		return Account{}, ident.ErrOwnerRequired
	}
	email, _ := ident.NormalizeEmail(in.Email)
	if _, err := s.d.Users.GetByEmail(ctx, email); err == nil {
		return Account{}, ident.ErrEmailTaken // before paying for the hash
	} else if errs.KindOf(err) != errs.KindNotFound {
		return Account{}, err
	}
	hash, err := s.d.Hasher.Hash(in.Password)
	if err != nil {
		return Account{}, errs.Wrap(errs.KindInternal, "password.hashFailed", "the password could not be hashed", err)
	}
	u, err := ident.NewUser(in.Email, in.Name, hash, s.now())
	if err != nil {
		return Account{}, err
	}
	acct := Account{User: u, Roles: roles, Groups: groups, Grants: []access.Ref{}}
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Users.Create(ctx, u); err != nil {
			return err
		}
		if err := s.d.Bindings.SetUserAccess(ctx, u.ID(), roles, groups, nil); err != nil {
			return err
		}
		return s.record(ctx, "auth.users.create", access.AuthManage, userTarget(u), nil, auditAccount(acct), nil)
	})
	if err != nil {
		return Account{}, err
	}
	return acct, nil
}

// ListUsers returns one page of users with their bindings, and the total.
func (s *Service) ListUsers(ctx context.Context, q UserQuery) ([]Account, int64, error) {
	var is errs.Issues
	f := ports.UserFilter{Query: q.Query, Limit: q.Limit, Offset: q.Offset}
	switch q.Status {
	case "":
	case "enabled", "disabled":
		d := q.Status == "disabled"
		f.Disabled = &d
	default:
		is.Add("status", "must be enabled or disabled")
	}
	if q.Role != "" && !q.Role.Valid() {
		is.Add("role", "must be one of owner, admin, operator, viewer, auditor")
	}
	if len(q.Query) > 200 {
		is.Add("q", "must be at most 200 characters")
	}
	if err := is.Err(); err != nil {
		return nil, 0, err
	}
	if q.Role != "" {
		ids, err := s.d.Bindings.UsersWithRole(ctx, q.Role)
		if err != nil {
			return nil, 0, err
		}
		f.IDs = orEmpty(ids)
	}
	users, total, err := s.d.Users.List(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Account, 0, len(users))
	for _, u := range users {
		a, err := s.withAccess(ctx, u)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, a)
	}
	return out, total, nil
}

// GetUser returns one user with their bindings.
func (s *Service) GetUser(ctx context.Context, id string) (Account, error) {
	return s.account(ctx, id)
}

// checkRoles validates and de-duplicates roles, recording issues.
func checkRoles(is *errs.Issues, roles []access.Role) []access.Role {
	out := []access.Role{}
	for i, r := range roles {
		if !r.Valid() {
			is.Add("roles["+strconv.Itoa(i)+"]", "must be one of owner, admin, operator, viewer, auditor")
			continue
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// checkGroups checks that every group exists, recording issues under field,
// and returns the de-duplicated ids.
func (s *Service) checkGroups(ctx context.Context, is *errs.Issues, field string, ids []string) ([]string, error) {
	out := []string{}
	for i, id := range ids {
		if slices.Contains(out, id) {
			continue
		}
		if _, err := s.d.Groups.Get(ctx, id); err != nil {
			if errs.KindOf(err) != errs.KindNotFound {
				return nil, err
			}
			is.Add(field+"["+strconv.Itoa(i)+"]", "no group has the id \""+clipString(id, 80)+"\"")
			continue
		}
		out = append(out, id)
	}
	return out, nil
}

// addIssue appends the field issues of a validation error.
func addIssue(is *errs.Issues, err error) {
	if err == nil {
		return
	}
	if e, ok := err.(*errs.Error); ok {
		if d, ok := e.Details.(map[string]any); ok {
			if fis, ok := d["issues"].([]errs.FieldIssue); ok {
				*is = append(*is, fis...)
				return
			}
		}
	}
	is.Add("body", err.Error())
}

func errOnly[T any](_ T, err error) error { return err }

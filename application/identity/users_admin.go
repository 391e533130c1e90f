package identity

import (
	"context"
	"slices"
	"strconv"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
)

// AccessChange replaces some of a user's bindings; nil fields stay as they are.
type AccessChange struct {
	Roles  *[]access.Role
	Groups *[]string
	Grants *[]access.Ref
}

// UpdateUserAccess replaces a user's roles, groups and grants. Roles must be
// in the catalog, groups must exist and grants must name a scope. Only an
// owner may grant or remove the owner role, and the last enabled owner
// cannot be demoted (409 user.lastOwner).
func (s *Service) UpdateUserAccess(ctx context.Context, id string, ch AccessChange) (Account, error) {
	var after Account
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.account(ctx, id)
		if err != nil {
			return err
		}
		after = before
		var is errs.Issues
		if ch.Roles != nil {
			after.Roles = checkRoles(&is, *ch.Roles)
		}
		if ch.Groups != nil {
			if after.Groups, err = s.checkGroups(ctx, &is, "groups", *ch.Groups); err != nil {
				return err
			}
		}
		if ch.Grants != nil {
			after.Grants = checkGrants(&is, *ch.Grants)
		}
		if err := is.Err(); err != nil {
			return err
		}
		if before.HasRole(access.RoleOwner) != after.HasRole(access.RoleOwner) && !callerIsOwner(ctx) {
			return ident.ErrOwnerRequired
		}
		if before.EnabledOwner() && !after.HasRole(access.RoleOwner) {
			if err := s.ensureAnotherOwner(ctx, id); err != nil {
				return err
			}
		}
		if err := s.d.Bindings.SetUserAccess(ctx, id, after.Roles, after.Groups, after.Grants); err != nil {
			return err
		}
		return s.record(ctx, "auth.users.access", access.AuthManage, userTarget(before.User), auditAccount(before), auditAccount(after), nil)
	})
	return after, err
}

// ResetPassword sets a new password and revokes every session and API
// token of the user, so a leaked credential stops working at once.
func (s *Service) ResetPassword(ctx context.Context, id, password string) (Account, error) {
	if err := ident.ValidatePassword("password", password); err != nil {
		return Account{}, err
	}
	target, err := s.account(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if target.HasRole(access.RoleOwner) && !callerIsOwner(ctx) {
		return Account{}, ident.ErrOwnerRequired
	}
	hash, err := s.d.Hasher.Hash(password)
	if err != nil {
		return Account{}, errs.Wrap(errs.KindInternal, "password.hashFailed", "the password could not be hashed", err)
	}
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		now := s.now()
		u, err := s.d.Users.Update(ctx, id, func(u *ident.User) error { return u.SetPasswordHash(hash, now) })
		if err != nil {
			return err
		}
		target.User = u
		details, err := s.revokeCredentials(ctx, id)
		if err != nil {
			return err
		}
		details["passwordChanged"] = true
		return s.record(ctx, "auth.users.password", access.AuthManage, userTarget(u), nil, nil, details)
	})
	return target, err
}

// SetUserStatus disables or enables a user. Disabling revokes every session
// and API token at once; callers cannot disable themselves or the last
// enabled owner.
func (s *Service) SetUserStatus(ctx context.Context, id string, disabled bool) (Account, error) {
	var after Account
	err := s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.account(ctx, id)
		if err != nil {
			return err
		}
		if disabled {
			if p, ok := access.PrincipalFrom(ctx); ok && p.ID == id {
				return ident.ErrCannotDisableSelf
			}
		}
		if before.HasRole(access.RoleOwner) && !callerIsOwner(ctx) {
			return ident.ErrOwnerRequired
		}
		if disabled && before.EnabledOwner() {
			if err := s.ensureAnotherOwner(ctx, id); err != nil {
				return err
			}
		}
		now := s.now()
		u, err := s.d.Users.Update(ctx, id, func(u *ident.User) error {
			if disabled {
				u.Disable(now)
			} else {
				u.Enable(now)
			}
			return nil
		})
		if err != nil {
			return err
		}
		after = before
		after.User = u
		details := map[string]any{}
		if disabled {
			if details, err = s.revokeCredentials(ctx, id); err != nil {
				return err
			}
		}
		return s.record(ctx, "auth.users.status", access.AuthManage, userTarget(u), auditAccount(before), auditAccount(after), details)
	})
	return after, err
}

// DeleteUser deletes a user, their bindings, sessions and tokens. Nobody
// deletes themselves (409 user.cannotDeleteSelf) or the last enabled owner
// (409 user.lastOwner).
func (s *Service) DeleteUser(ctx context.Context, id string) error {
	return s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.account(ctx, id)
		if err != nil {
			return err
		}
		if p, ok := access.PrincipalFrom(ctx); ok && p.ID == id {
			return ident.ErrCannotDeleteSelf
		}
		if before.HasRole(access.RoleOwner) && !callerIsOwner(ctx) {
			return ident.ErrOwnerRequired
		}
		if before.EnabledOwner() {
			if err := s.ensureAnotherOwner(ctx, id); err != nil {
				return err
			}
		}
		if _, err := s.revokeCredentials(ctx, id); err != nil {
			return err
		}
		if err := s.d.Bindings.RemoveSubject(ctx, "user:"+id); err != nil {
			return err
		}
		if err := s.d.Users.Delete(ctx, id); err != nil {
			return err
		}
		return s.record(ctx, "auth.users.delete", access.AuthManage, userTarget(before.User), auditAccount(before), nil, nil)
	})
}

// revokeCredentials ends every session and API token of a user and
// returns the counts for the audit details.
func (s *Service) revokeCredentials(ctx context.Context, id string) (map[string]any, error) {
	now := s.now()
	sessions, err := s.d.Sessions.RevokeUser(ctx, id, now)
	if err != nil {
		return nil, err
	}
	tokens, err := s.d.Tokens.RevokeUser(ctx, id, now)
	if err != nil {
		return nil, err
	}
	return map[string]any{"sessionsRevoked": sessions, "tokensRevoked": tokens}, nil
}

// ensureAnotherOwner returns ErrLastOwner unless an enabled owner other
// than exceptID exists.
func (s *Service) ensureAnotherOwner(ctx context.Context, exceptID string) error {
	ids, err := s.d.Bindings.UsersWithRole(ctx, access.RoleOwner)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id == exceptID {
			continue
		}
		u, err := s.d.Users.Get(ctx, id)
		if errs.KindOf(err) == errs.KindNotFound {
			continue
		}
		if err != nil {
			return err
		}
		if !u.Disabled() {
			return nil
		}
	}
	return ident.ErrLastOwner
}

// checkGrants validates and de-duplicates grants, recording issues.
func checkGrants(is *errs.Issues, grants []access.Ref) []access.Ref {
	out := []access.Ref{}
	for i, g := range grants {
		field := "grants[" + strconv.Itoa(i) + "]"
		if g.Type == "" {
			is.Add(field+".resourceType", "is required (\"*\" for every resource)")
			continue
		}
		if g.IsGlobal() {
			g = access.Global
		}
		if err := g.ValidateScope(); err != nil {
			var sub errs.Issues
			addIssue(&sub, err)
			for _, fi := range sub {
				is.Add(field+"."+fi.Field, fi.Message)
			}
			continue
		}
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

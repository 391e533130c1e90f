package identity

import (
	"context"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/audit"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
	"github.com/rakkr/rakkr/ports"
)

// EnsureOwner creates the first owner when no user exists (first start).
// With an empty password it generates a strong one and returns it, for the
// caller to print once. created tells whether a user was made; when users
// exist (or another replica won the race) nothing happens.
func (s *Service) EnsureOwner(ctx context.Context, email, name, password string) (generated string, created bool, err error) {
	_, total, err := s.d.Users.List(ctx, ports.UserFilter{Limit: 1})
	if err != nil || total > 0 {
		return "", false, err
	}
	if password == "" {
		password = ident.GeneratePassword()
		generated = password
	}
	var is errs.Issues
	addIssue(&is, errOnly(ident.NormalizeEmail(email)))
	addIssue(&is, errOnly(ident.NormalizeName("name", name)))
	addIssue(&is, ident.ValidatePassword("password", password))
	if err := is.Err(); err != nil {
		return "", false, err
	}
	hash, err := s.d.Hasher.Hash(password)
	if err != nil {
		return "", false, err
	}
	u, err := ident.NewUser(email, name, hash, s.now())
	if err != nil {
		return "", false, err
	}
	if _, ok := audit.RequestFrom(ctx); !ok {
		ctx = audit.WithRequest(ctx, audit.Request{Actor: audit.SystemActor("bootstrap")})
	}
	acct := Account{User: u, Roles: []access.Role{access.RoleOwner}, Groups: []string{}, Grants: []access.Ref{}}
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Users.Create(ctx, u); err != nil {
			return err
		}
		if err := s.d.Bindings.SetUserAccess(ctx, u.ID(), acct.Roles, nil, nil); err != nil {
			return err
		}
		return s.record(ctx, "auth.users.bootstrap", access.AuthManage, userTarget(u), nil, auditAccount(acct), nil)
	})
	if errs.KindOf(err) == errs.KindConflict {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return generated, true, nil
}

// Me returns the caller with their roles, groups and effective permissions
// (narrowed by their API token, if they used one).
func (s *Service) Me(ctx context.Context) (Me, error) {
	p, err := caller(ctx)
	if err != nil {
		return Me{}, err
	}
	acct, err := s.account(ctx, p.ID)
	if errs.KindOf(err) == errs.KindNotFound {
		return Me{}, ident.ErrInvalidToken
	}
	if err != nil {
		return Me{}, err
	}
	perms, err := s.d.Permissions.EffectivePermissions(ctx, p)
	if err != nil {
		return Me{}, err
	}
	return Me{Account: acct, Permissions: orEmpty(perms), SessionID: p.SessionID, TokenID: p.TokenID}, nil
}

package identity

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
)

// NewTokenInput is a personal API token to create. Permissions nil means
// all of the owner's rights (narrowed by the caller's own token, if any).
type NewTokenInput struct {
	Name        string
	Permissions []access.Permission
	ExpiresAt   *time.Time
}

// CreatedToken is a new token with its secret, shown once.
type CreatedToken struct {
	Token  ident.APIToken
	Secret string
}

// CreateToken makes a personal API token for the caller. Its permissions
// must be a subset of the caller's current effective permissions; the
// first one outside is named in a 400.
func (s *Service) CreateToken(ctx context.Context, in NewTokenInput) (CreatedToken, error) {
	p, err := caller(ctx)
	if err != nil {
		return CreatedToken{}, err
	}
	held, err := s.d.Permissions.EffectivePermissions(ctx, p)
	if err != nil {
		return CreatedToken{}, err
	}
	perms := in.Permissions
	if perms == nil && p.TokenPermissions != nil {
		// A token-authenticated caller cannot mint a token wider than its own.
		perms = orEmpty(slices.Clone(held))
	}
	var is errs.Issues
	for i, perm := range perms {
		if perm.Valid() && !slices.Contains(held, perm) {
			is.Add("permissions["+strconv.Itoa(i)+"]", "you do not hold "+string(perm))
		}
	}
	if err := is.Err(); err != nil {
		return CreatedToken{}, err
	}
	tok, secret, err := ident.NewAPIToken(p.ID, in.Name, perms, in.ExpiresAt, s.now())
	if err != nil {
		return CreatedToken{}, err
	}
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.d.Tokens.Create(ctx, tok); err != nil {
			return err
		}
		return s.record(ctx, "auth.tokens.create", "", tokenTarget(tok), nil, auditToken(tok), nil)
	})
	if err != nil {
		return CreatedToken{}, err
	}
	return CreatedToken{Token: tok, Secret: secret}, nil
}

// ListTokens returns the caller's tokens, newest first (never secrets).
func (s *Service) ListTokens(ctx context.Context) ([]ident.APIToken, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	return s.d.Tokens.ListByUser(ctx, p.ID)
}

// RevokeToken revokes one of the caller's tokens; another user's token is
// 404 token.notFound.
func (s *Service) RevokeToken(ctx context.Context, id string) (ident.APIToken, error) {
	p, err := caller(ctx)
	if err != nil {
		return ident.APIToken{}, err
	}
	var tok ident.APIToken
	err = s.d.Tx.InTx(ctx, func(ctx context.Context) error {
		if tok, err = s.d.Tokens.Revoke(ctx, p.ID, id, s.now()); err != nil {
			return err
		}
		return s.record(ctx, "auth.tokens.revoke", "", tokenTarget(tok), nil, auditToken(tok), nil)
	})
	return tok, err
}

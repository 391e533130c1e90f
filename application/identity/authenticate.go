package identity

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
	ident "github.com/rakkr/rakkr/domain/identity"
)

// lastUsedResolution is how stale an API token's lastUsedAt may get before
// a use writes it again (one write a minute per token, not one per request).
const lastUsedResolution = time.Minute

// Authenticate resolves a session token or a personal API token into the
// calling user with their current roles. Unknown, revoked and expired
// credentials, and those of disabled or deleted users, are
// errs.KindUnauthorized (auth.invalidToken, or auth.sessionExpired for an
// expired session); a store failure is errs.KindUnavailable.
func (s *Service) Authenticate(ctx context.Context, bearer string) (access.Principal, error) {
	return s.authenticate(ctx, ident.KindOfSecret(bearer), ident.HashSecret(bearer))
}

// CredentialDigest returns a reference to bearer that Authenticate's
// lookups can use but that cannot be used as a bearer: its kind and its
// SHA-256, as the stores keep it (media tickets hold this, never the bearer).
func (s *Service) CredentialDigest(bearer string) string {
	return strconv.Itoa(int(ident.KindOfSecret(bearer))) + ":" + ident.HashSecret(bearer)
}

// AuthenticateDigest resolves a CredentialDigest like Authenticate resolves
// the bearer it was made from: a credential revoked, expired or logged out
// since, or a disabled user, is errs.KindUnauthorized.
func (s *Service) AuthenticateDigest(ctx context.Context, digest string) (access.Principal, error) {
	k, hash, ok := strings.Cut(digest, ":")
	n, err := strconv.Atoi(k)
	if !ok || err != nil || hash == "" {
		return access.Principal{}, ident.ErrInvalidToken
	}
	return s.authenticate(ctx, ident.SecretKind(n), hash)
}

func (s *Service) authenticate(ctx context.Context, kind ident.SecretKind, hash string) (access.Principal, error) {
	now := s.now()
	switch kind {
	case ident.SecretSession:
		sess, err := s.d.Sessions.GetByTokenHash(ctx, hash)
		if err != nil {
			return access.Principal{}, unauthorizedIfMissing(err)
		}
		if err := sess.Check(now); err != nil {
			return access.Principal{}, err
		}
		return s.principal(ctx, sess.UserID(), sess.ID(), "", nil)
	case ident.SecretAPIToken:
		tok, err := s.d.Tokens.GetByHash(ctx, hash)
		if err != nil {
			return access.Principal{}, unauthorizedIfMissing(err)
		}
		if err := tok.Check(now); err != nil {
			return access.Principal{}, err
		}
		p, err := s.principal(ctx, tok.UserID(), tok.ID(), tok.ID(), tok.Permissions())
		if err != nil {
			return access.Principal{}, err
		}
		if last := tok.LastUsedAt(); last == nil || now.Sub(*last) >= lastUsedResolution {
			if err := s.d.Tokens.MarkUsed(ctx, tok.ID(), now); err != nil {
				s.d.Log.Warn("api token last use not recorded", "tokenId", tok.ID(), "error", err)
			}
		}
		return p, nil
	}
	return access.Principal{}, ident.ErrInvalidToken
}

// principal builds the caller from the user, refusing disabled or missing users.
func (s *Service) principal(ctx context.Context, userID, sessionID, tokenID string, perms []access.Permission) (access.Principal, error) {
	u, err := s.d.Users.Get(ctx, userID)
	if err != nil {
		return access.Principal{}, unauthorizedIfMissing(err)
	}
	if u.Disabled() {
		return access.Principal{}, ident.ErrInvalidToken
	}
	roles, _, _, err := s.d.Bindings.UserAccess(ctx, userID)
	if err != nil {
		return access.Principal{}, err
	}
	return access.Principal{
		Kind: access.PrincipalUser, ID: u.ID(), Name: u.Name(), Email: u.Email(), Roles: orEmpty(roles),
		SessionID: sessionID, TokenID: tokenID, TokenPermissions: perms,
	}, nil
}

// unauthorizedIfMissing turns a not-found into auth.invalidToken and keeps
// other failures (database unavailable) as they are.
func unauthorizedIfMissing(err error) error {
	if errs.KindOf(err) == errs.KindNotFound {
		return ident.ErrInvalidToken
	}
	return err
}

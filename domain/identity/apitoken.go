package identity

import (
	"github.com/rakkr/rakkr/domain/uid"
	"slices"
	"strconv"
	"time"

	"github.com/rakkr/rakkr/domain/access"
	"github.com/rakkr/rakkr/domain/errs"
)

// APIToken is a personal, revocable bearer credential of an integrator.
// Permissions nil means every right the owner holds at the time of use;
// otherwise it narrows them to this subset of the catalog.
type APIToken struct {
	id          string
	userID      string
	name        string
	prefix      string
	tokenHash   string
	permissions []access.Permission
	expiresAt   *time.Time
	lastUsedAt  *time.Time
	revokedAt   *time.Time
	createdAt   time.Time
}

// NewAPIToken validates a new token for userID and returns it with the
// secret, which the caller shows once. permissions are checked against the
// catalog (the caller checks they are within the owner's rights); nil keeps
// the owner's full rights. expiresAt, when set, must be after now.
func NewAPIToken(userID, name string, permissions []access.Permission, expiresAt *time.Time, now time.Time) (APIToken, string, error) {
	var is errs.Issues
	if userID == "" {
		is.Add("userId", "is required")
	}
	n, err := NormalizeName("name", name)
	if err != nil {
		is = append(is, issuesOf(err)...)
	}
	perms, pis := normalizePermissions(permissions)
	is = append(is, pis...)
	if expiresAt != nil && !expiresAt.After(now) {
		is.Add("expiresAt", "must be in the future")
	}
	if err := is.Err(); err != nil {
		return APIToken{}, "", err
	}
	secret := NewAPITokenSecret()
	var exp *time.Time
	if expiresAt != nil {
		t := dbTime(*expiresAt)
		exp = &t
	}
	return APIToken{id: uid.New(), userID: userID, name: n, prefix: secret[:APITokenDisplayLength],
		tokenHash: HashSecret(secret), permissions: perms, expiresAt: exp, createdAt: dbTime(now)}, secret, nil
}

func normalizePermissions(in []access.Permission) ([]access.Permission, errs.Issues) {
	if in == nil {
		return nil, nil
	}
	var is errs.Issues
	if len(in) == 0 {
		is.Add("permissions", "must list at least one permission, or be left out for all of your rights")
	}
	out := make([]access.Permission, 0, len(in))
	for i, p := range in {
		if !p.Valid() {
			is.Add("permissions["+strconv.Itoa(i)+"]", "\""+clip(string(p), 50)+"\" is not a permission")
			continue
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, is
}

// RehydrateAPIToken rebuilds a token from a stored row without validation.
func RehydrateAPIToken(id, userID, name, prefix, tokenHash string, permissions []access.Permission,
	expiresAt, lastUsedAt, revokedAt *time.Time, createdAt time.Time) APIToken {
	return APIToken{id: id, userID: userID, name: name, prefix: prefix, tokenHash: tokenHash,
		permissions: slices.Clone(permissions), expiresAt: cloneTime(expiresAt), lastUsedAt: cloneTime(lastUsedAt),
		revokedAt: cloneTime(revokedAt), createdAt: createdAt.UTC()}
}

// ID is the token id (recorded in audit rows as the actor's sessionId).
func (t APIToken) ID() string { return t.id }

// UserID is the owner.
func (t APIToken) UserID() string { return t.userID }

// Name is the owner's label for the token.
func (t APIToken) Name() string { return t.name }

// Prefix is the leading part of the secret, safe to show in lists.
func (t APIToken) Prefix() string { return t.prefix }

// TokenHash is the hex SHA-256 of the secret.
func (t APIToken) TokenHash() string { return t.tokenHash }

// Permissions is the token's limit: nil for all of the owner's rights.
func (t APIToken) Permissions() []access.Permission { return slices.Clone(t.permissions) }

// ExpiresAt is when the token stops working, or nil for never.
func (t APIToken) ExpiresAt() *time.Time { return cloneTime(t.expiresAt) }

// LastUsedAt is roughly when the token was last used, or nil.
func (t APIToken) LastUsedAt() *time.Time { return cloneTime(t.lastUsedAt) }

// RevokedAt is when the token was revoked, or nil.
func (t APIToken) RevokedAt() *time.Time { return cloneTime(t.revokedAt) }

// CreatedAt is when the token was made.
func (t APIToken) CreatedAt() time.Time { return t.createdAt }

// Check tells whether the token may be used at now (ErrInvalidToken when
// revoked or expired).
func (t APIToken) Check(now time.Time) error {
	if t.revokedAt != nil || (t.expiresAt != nil && !now.Before(*t.expiresAt)) {
		return ErrInvalidToken
	}
	return nil
}

// Revoke ends the token; revoking twice keeps the first time.
func (t *APIToken) Revoke(now time.Time) {
	if t.revokedAt == nil {
		r := dbTime(now)
		t.revokedAt = &r
	}
}

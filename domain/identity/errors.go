// Package identity holds the people and credentials of the controller:
// users, groups, login sessions and personal API tokens, with the rules that
// guard them (email form, password rules, token format, group slugs).
//
// It is pure: stores, hashing and throttling live behind ports and adapters.
// Secrets (passwords, session and API tokens) never live in these types;
// only their hashes do.
package identity

import "github.com/rakkr/rakkr/domain/errs"

// The identity errors, each with a stable public code. They are shared
// values: compare them with errors.Is, never mutate them.
var (
	// ErrInvalidCredentials is a failed login: unknown email or wrong password.
	ErrInvalidCredentials = errs.New(errs.KindUnauthorized, "auth.invalidCredentials", "the email or password is wrong")
	// ErrInvalidToken is an unknown, revoked or malformed bearer credential,
	// or one whose user is disabled or gone.
	ErrInvalidToken = errs.New(errs.KindUnauthorized, "auth.invalidToken", "the token is unknown, revoked or expired")
	// ErrSessionExpired is a login session past its expiry.
	ErrSessionExpired = errs.New(errs.KindUnauthorized, "auth.sessionExpired", "the session has expired; log in again")
	// ErrUserDisabled is a correct login to a disabled account.
	ErrUserDisabled = errs.New(errs.KindUnauthorized, "auth.userDisabled", "the account is disabled")
	// ErrUserNotFound is an unknown user id or email.
	ErrUserNotFound = errs.NotFound("user.notFound", "no such user")
	// ErrEmailTaken is a second user with the same email.
	ErrEmailTaken = errs.Conflict("user.emailTaken", "a user with this email already exists")
	// ErrCannotDeleteSelf refuses deleting the caller's own account.
	ErrCannotDeleteSelf = errs.Conflict("user.cannotDeleteSelf", "you cannot delete your own account")
	// ErrCannotDisableSelf refuses disabling the caller's own account.
	ErrCannotDisableSelf = errs.Conflict("user.cannotDisableSelf", "you cannot disable your own account")
	// ErrLastOwner refuses deleting, disabling or demoting the last enabled owner.
	ErrLastOwner = errs.Conflict("user.lastOwner", "the last enabled owner cannot be deleted, disabled or demoted")
	// ErrOwnerRequired refuses a non-owner granting or removing the owner
	// role, or managing an owner's account (an admin must not become owner).
	ErrOwnerRequired = errs.New(errs.KindForbidden, "auth.ownerRequired", "only an owner may grant or remove the owner role or manage an owner's account")
	// ErrGroupNotFound is an unknown group id.
	ErrGroupNotFound = errs.NotFound("group.notFound", "no such group")
	// ErrGroupIDTaken is a second group with the same id (a concurrent create).
	ErrGroupIDTaken = errs.Conflict("group.idTaken", "a group with this id already exists")
	// ErrSessionNotFound is an unknown session id.
	ErrSessionNotFound = errs.NotFound("session.notFound", "no such session")
	// ErrTokenNotFound is an unknown API token id, or one of another user.
	ErrTokenNotFound = errs.NotFound("token.notFound", "no such API token")
	// ErrNotASession refuses logging out with an API token.
	ErrNotASession = errs.New(errs.KindInvalid, "auth.notASession", "logout ends a login session; revoke API tokens with DELETE /api/v1/auth/tokens/:id")
)

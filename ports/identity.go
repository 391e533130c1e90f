package ports

import (
	"context"
	"time"

	"github.com/rakkr/rakkr/domain/identity"
)

// UserFilter selects users for a list. Zero values select everything.
type UserFilter struct {
	// Query matches a case-insensitive substring of the email or name.
	Query string
	// IDs, when not nil, restricts the list to these ids (an empty, non-nil
	// slice selects nobody); the use case resolves role filters to ids.
	IDs []string
	// Disabled, when set, keeps only disabled (true) or enabled (false) users.
	Disabled *bool
	// Limit and Offset page the list (sorted by email); Limit 0 means no limit.
	Limit, Offset int
}

// UserStore persists users. Not-found errors are identity.ErrUserNotFound
// and a duplicate email is identity.ErrEmailTaken.
type UserStore interface {
	// Create inserts a new user.
	Create(ctx context.Context, u identity.User) error
	// Get returns the user with id.
	Get(ctx context.Context, id string) (identity.User, error)
	// GetByEmail returns the user with a normalized email.
	GetByEmail(ctx context.Context, email string) (identity.User, error)
	// Update loads the user (locking it where the database can), applies fn
	// and saves the result; an error from fn saves nothing.
	Update(ctx context.Context, id string, fn func(u *identity.User) error) (identity.User, error)
	// Delete removes the user; their sessions and API tokens go with them.
	Delete(ctx context.Context, id string) error
	// List returns one page of users matching f and the total count.
	List(ctx context.Context, f UserFilter) ([]identity.User, int64, error)
}

// GroupFilter selects groups for a list.
type GroupFilter struct {
	// Query matches a case-insensitive substring of the id or name.
	Query string
	// Limit and Offset page the list (sorted by name); Limit 0 means no limit.
	Limit, Offset int
}

// GroupStore persists access groups. Not-found errors are
// identity.ErrGroupNotFound and a duplicate id is identity.ErrGroupIDTaken.
type GroupStore interface {
	// Create inserts a new group.
	Create(ctx context.Context, g identity.Group) error
	// Get returns the group with id.
	Get(ctx context.Context, id string) (identity.Group, error)
	// Update loads the group, applies fn and saves it; an error from fn saves nothing.
	Update(ctx context.Context, id string, fn func(g *identity.Group) error) (identity.Group, error)
	// Delete removes the group row (bindings are the access model's).
	Delete(ctx context.Context, id string) error
	// List returns one page of groups matching f and the total count.
	List(ctx context.Context, f GroupFilter) ([]identity.Group, int64, error)
}

// SessionStore persists login sessions. Not-found errors are
// identity.ErrSessionNotFound.
type SessionStore interface {
	// Create inserts a new session.
	Create(ctx context.Context, s identity.Session) error
	// GetByTokenHash returns the session whose token hashes to hash.
	GetByTokenHash(ctx context.Context, hash string) (identity.Session, error)
	// Revoke ends one session at at (a revoked session keeps its first time).
	Revoke(ctx context.Context, id string, at time.Time) error
	// RevokeUser ends every live session of a user and returns how many.
	RevokeUser(ctx context.Context, userID string, at time.Time) (int64, error)
	// DeleteExpired removes sessions that expired before before.
	DeleteExpired(ctx context.Context, before time.Time) (int64, error)
}

// APITokenStore persists personal API tokens. Not-found errors are
// identity.ErrTokenNotFound.
type APITokenStore interface {
	// Create inserts a new token.
	Create(ctx context.Context, t identity.APIToken) error
	// GetByHash returns the token whose secret hashes to hash.
	GetByHash(ctx context.Context, hash string) (identity.APIToken, error)
	// ListByUser returns a user's tokens, newest first.
	ListByUser(ctx context.Context, userID string) ([]identity.APIToken, error)
	// Revoke ends one token of userID at at and returns it; a token of
	// another user is not found.
	Revoke(ctx context.Context, userID, id string, at time.Time) (identity.APIToken, error)
	// RevokeUser ends every live token of a user and returns how many.
	RevokeUser(ctx context.Context, userID string, at time.Time) (int64, error)
	// MarkUsed records that the token was used at at.
	MarkUsed(ctx context.Context, id string, at time.Time) error
}

// PasswordHasher turns passwords into slow, salted, self-describing hashes
// and checks them in constant time.
type PasswordHasher interface {
	// Hash returns the encoded hash of password.
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded; a malformed encoded
	// hash is an error.
	Verify(password, encoded string) (bool, error)
}

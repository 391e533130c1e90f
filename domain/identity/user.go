package identity

import (
	"github.com/rakkr/rakkr/domain/uid"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rakkr/rakkr/domain/errs"
)

// Provider says where a user's credentials live.
type Provider string

// The providers. Only local accounts exist today; OIDC users will carry no
// password hash.
const (
	ProviderLocal Provider = "local"
)

// MaxNameLength bounds display names of users and groups.
const MaxNameLength = 100

// User is a person who logs in to the console or owns API tokens. Roles,
// groups and grants are not part of it: they live in the access model.
type User struct {
	id           string
	email        string
	name         string
	passwordHash string
	provider     Provider
	disabledAt   *time.Time
	createdAt    time.Time
	updatedAt    time.Time
}

// NewUser validates a new local user. passwordHash is the encoded hash of an
// already validated password (see ValidatePassword). Errors name the field.
func NewUser(email, name, passwordHash string, now time.Time) (User, error) {
	var is errs.Issues
	e, err := NormalizeEmail(email)
	if err != nil {
		is = append(is, issuesOf(err)...)
	}
	n, err := NormalizeName("name", name)
	if err != nil {
		is = append(is, issuesOf(err)...)
	}
	if passwordHash == "" {
		is.Add("password", "is required")
	}
	if err := is.Err(); err != nil {
		return User{}, err
	}
	now = dbTime(now)
	return User{id: uid.New(), email: e, name: n, passwordHash: passwordHash,
		provider: ProviderLocal, createdAt: now, updatedAt: now}, nil
}

// RehydrateUser rebuilds a user from a stored row without validation.
func RehydrateUser(id, email, name, passwordHash string, provider Provider, disabledAt *time.Time, createdAt, updatedAt time.Time) User {
	return User{id: id, email: email, name: name, passwordHash: passwordHash, provider: provider,
		disabledAt: cloneTime(disabledAt), createdAt: createdAt.UTC(), updatedAt: updatedAt.UTC()}
}

// ID is the user's uuid.
func (u User) ID() string { return u.id }

// Email is the normalized (trimmed, lower-case) address.
func (u User) Email() string { return u.email }

// Name is the display name.
func (u User) Name() string { return u.name }

// PasswordHash is the encoded password hash; "" when the user has none.
func (u User) PasswordHash() string { return u.passwordHash }

// Provider is where the credentials live.
func (u User) Provider() Provider { return u.provider }

// DisabledAt is when the account was disabled, or nil.
func (u User) DisabledAt() *time.Time { return cloneTime(u.disabledAt) }

// Disabled reports whether the account is disabled.
func (u User) Disabled() bool { return u.disabledAt != nil }

// CreatedAt is when the user was created.
func (u User) CreatedAt() time.Time { return u.createdAt }

// UpdatedAt is when the user last changed.
func (u User) UpdatedAt() time.Time { return u.updatedAt }

// Rename changes the display name.
func (u *User) Rename(name string, now time.Time) error {
	n, err := NormalizeName("name", name)
	if err != nil {
		return err
	}
	u.name, u.updatedAt = n, dbTime(now)
	return nil
}

// SetPasswordHash replaces the password hash (a reset or a rehash).
func (u *User) SetPasswordHash(hash string, now time.Time) error {
	if hash == "" {
		return errs.Field("password", "is required")
	}
	u.passwordHash, u.updatedAt = hash, dbTime(now)
	return nil
}

// Disable marks the account disabled; disabling twice keeps the first time.
func (u *User) Disable(now time.Time) {
	if u.disabledAt != nil {
		return
	}
	t := dbTime(now)
	u.disabledAt, u.updatedAt = &t, t
}

// Enable clears the disabled mark.
func (u *User) Enable(now time.Time) {
	if u.disabledAt == nil {
		return
	}
	u.disabledAt, u.updatedAt = nil, dbTime(now)
}

// NormalizeName trims a display name (of a user, group or token) and checks
// it: 1–100 characters of UTF-8 text without control characters. field
// names the input in the error.
func NormalizeName(field, s string) (string, error) {
	n := strings.TrimSpace(s)
	switch {
	case n == "":
		return "", errs.Field(field, "is required")
	case !utf8.ValidString(n):
		return "", errs.Field(field, "must be valid UTF-8 text")
	case utf8.RuneCountInString(n) > MaxNameLength:
		return "", errs.Field(field, "must be at most 100 characters")
	case strings.ContainsFunc(n, isControl):
		return "", errs.Field(field, "must not contain control characters")
	}
	return n, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// issuesOf extracts the field issues of a validation error.
func issuesOf(err error) []errs.FieldIssue {
	if e, ok := err.(*errs.Error); ok {
		if d, ok := e.Details.(map[string]any); ok {
			if is, ok := d["issues"].([]errs.FieldIssue); ok {
				return is
			}
		}
	}
	return []errs.FieldIssue{{Field: "body", Message: err.Error()}}
}

// dbTime is t in UTC at the microsecond precision both databases keep, so
// a value read back equals the value written.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := t.UTC()
	return &c
}

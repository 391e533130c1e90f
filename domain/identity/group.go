package identity

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rakkr/rakkr/domain/errs"
)

// MaxDescriptionLength bounds group descriptions.
const MaxDescriptionLength = 500

// maxSlugLength bounds the base of a group id; "-NN" may follow.
const maxSlugLength = 60

// Group is a named set of users that policies, grants and room rosters can
// name at once. Its id is a slug of the name taken at creation and never
// changes, so renaming keeps every reference valid.
type Group struct {
	id          string
	name        string
	description string
	createdAt   time.Time
	updatedAt   time.Time
}

// NewGroup validates a new group with the id chosen by the caller (see
// Slug and SlugCandidate) and the name and description given.
func NewGroup(id, name, description string, now time.Time) (Group, error) {
	var is errs.Issues
	if !ValidGroupID(id) {
		is.Add("id", "must be a slug of lower-case letters, digits and dashes")
	}
	n, err := NormalizeName("name", name)
	if err != nil {
		is = append(is, issuesOf(err)...)
	}
	d, err := normalizeDescription(description)
	if err != nil {
		is = append(is, issuesOf(err)...)
	}
	if err := is.Err(); err != nil {
		return Group{}, err
	}
	now = dbTime(now)
	return Group{id: id, name: n, description: d, createdAt: now, updatedAt: now}, nil
}

// RehydrateGroup rebuilds a group from a stored row without validation.
func RehydrateGroup(id, name, description string, createdAt, updatedAt time.Time) Group {
	return Group{id: id, name: name, description: description, createdAt: createdAt.UTC(), updatedAt: updatedAt.UTC()}
}

// ID is the immutable slug.
func (g Group) ID() string { return g.id }

// Name is the display name.
func (g Group) Name() string { return g.name }

// Description is free text about the group.
func (g Group) Description() string { return g.description }

// CreatedAt is when the group was created.
func (g Group) CreatedAt() time.Time { return g.createdAt }

// UpdatedAt is when the group last changed.
func (g Group) UpdatedAt() time.Time { return g.updatedAt }

// Rename changes the display name; the id stays.
func (g *Group) Rename(name string, now time.Time) error {
	n, err := NormalizeName("name", name)
	if err != nil {
		return err
	}
	g.name, g.updatedAt = n, dbTime(now)
	return nil
}

// Describe changes the description.
func (g *Group) Describe(description string, now time.Time) error {
	d, err := normalizeDescription(description)
	if err != nil {
		return err
	}
	g.description, g.updatedAt = d, dbTime(now)
	return nil
}

func normalizeDescription(s string) (string, error) {
	d := strings.TrimSpace(s)
	if !utf8.ValidString(d) {
		return "", errs.Field("description", "must be valid UTF-8 text")
	}
	if utf8.RuneCountInString(d) > MaxDescriptionLength {
		return "", errs.Field("description", "must be at most 500 characters")
	}
	return d, nil
}

// Slug turns a group name into its id: lower-case ASCII letters and digits,
// every other run of characters one dash, no leading or trailing dash, at
// most 60 characters; "group" when nothing is left ("Ops — Nord" → "ops-nord").
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= maxSlugLength {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > maxSlugLength {
		s = strings.TrimRight(s[:maxSlugLength], "-")
	}
	if s == "" {
		return "group"
	}
	return s
}

// SlugCandidate is the n-th id to try for a name: the slug for n ≤ 1, then
// "slug-2", "slug-3" … when earlier ones are taken.
func SlugCandidate(name string, n int) string {
	s := Slug(name)
	if n <= 1 {
		return s
	}
	return s + "-" + strconv.Itoa(n)
}

// ValidGroupID reports whether id has the form of a group slug.
func ValidGroupID(id string) bool {
	if id == "" || len(id) > maxSlugLength+8 || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return !strings.Contains(id, "--")
}

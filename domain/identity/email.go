package identity

import (
	"net/mail"
	"strings"

	"github.com/rakkr/rakkr/domain/errs"
)

// MaxEmailLength is the longest accepted email address (RFC 5321 path limit).
const MaxEmailLength = 254

// NormalizeEmail trims and lower-cases an address and checks that it is a
// bare address ("name@example.org", no display name). Emails are unique in
// this form, so "Ann@Example.org " and "ann@example.org" are one account.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	switch {
	case e == "":
		return "", errs.Field("email", "is required")
	case len(e) > MaxEmailLength:
		return "", errs.Field("email", "must be at most 254 characters")
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e {
		return "", errs.Field("email", "must be an email address like name@example.org")
	}
	local, domain, _ := strings.Cut(e, "@")
	if local == "" || domain == "" || len(local) > 64 || strings.ContainsAny(e, " \t\r\n\"<>") {
		return "", errs.Field("email", "must be an email address like name@example.org")
	}
	return e, nil
}

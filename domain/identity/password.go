package identity

import (
	"crypto/rand"
	"strings"
	"unicode/utf8"

	"github.com/rakkr/rakkr/domain/errs"
)

// The password length bounds, in characters. The upper bound keeps hashing
// cost and request size sane.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

// ValidatePassword checks a new password: 10–256 characters, valid UTF-8,
// and not only whitespace. field names the input in the error ("password").
func ValidatePassword(field, p string) error {
	n := utf8.RuneCountInString(p)
	switch {
	case !utf8.ValidString(p):
		return errs.Field(field, "must be valid UTF-8 text")
	case n < MinPasswordLength:
		return errs.Field(field, "must be at least 10 characters")
	case n > MaxPasswordLength:
		return errs.Field(field, "must be at most 256 characters")
	case strings.TrimSpace(p) == "":
		return errs.Field(field, "must not be only whitespace")
	}
	return nil
}

const passwordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// GeneratePassword returns a random 24-character password from an
// unambiguous alphabet (about 140 bits), for the first owner.
func GeneratePassword() string {
	const n = 24
	out := make([]byte, n)
	buf := make([]byte, 1)
	for i := 0; i < n; {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails (Go ≥ 1.24)
		// Reject bytes past the largest multiple of the alphabet size so each
		// character is uniform.
		if int(buf[0]) >= 256-256%len(passwordAlphabet) {
			continue
		}
		out[i] = passwordAlphabet[int(buf[0])%len(passwordAlphabet)]
		i++
	}
	return string(out)
}

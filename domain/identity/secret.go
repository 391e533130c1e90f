package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// The bearer secret prefixes. A session token is SessionTokenPrefix and 43
// base64url characters (32 random bytes); an API token is APITokenPrefix and
// the same. Only the SHA-256 of a secret is stored; the secret is shown once.
const (
	SessionTokenPrefix = "rakkr_"
	APITokenPrefix     = "rakkr_pat_"
	secretBytes        = 32
	// APITokenDisplayLength is how many leading characters of an API token
	// are kept in clear (the prefix shown in lists, e.g. "rakkr_pat_Ab3xZ9").
	APITokenDisplayLength = len(APITokenPrefix) + 6
)

var secretLen = base64.RawURLEncoding.EncodedLen(secretBytes)

// HashSecret is the hex SHA-256 of a bearer secret, the only form stored.
// Secrets carry 256 random bits, so a fast hash is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func randomSecret(prefix string) string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// NewSessionSecret returns a fresh session token. It never starts with the
// API token prefix, so the two kinds are told apart by their form.
func NewSessionSecret() string {
	for {
		s := randomSecret(SessionTokenPrefix)
		if !strings.HasPrefix(s, APITokenPrefix) {
			return s
		}
	}
}

// NewAPITokenSecret returns a fresh personal API token.
func NewAPITokenSecret() string { return randomSecret(APITokenPrefix) }

// SecretKind tells what a bearer string looks like.
type SecretKind int

// The secret kinds.
const (
	SecretUnknown SecretKind = iota
	SecretSession
	SecretAPIToken
)

// KindOfSecret classifies a bearer string by its form alone (prefix, length
// and alphabet), so that malformed input never reaches the database.
func KindOfSecret(s string) SecretKind {
	var body string
	kind := SecretUnknown
	switch {
	case strings.HasPrefix(s, APITokenPrefix):
		body, kind = s[len(APITokenPrefix):], SecretAPIToken
	case strings.HasPrefix(s, SessionTokenPrefix):
		body, kind = s[len(SessionTokenPrefix):], SecretSession
	default:
		return SecretUnknown
	}
	if len(body) != secretLen {
		return SecretUnknown
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return SecretUnknown
		}
	}
	return kind
}

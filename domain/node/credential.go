package node

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"github.com/rakkr/rakkr/domain/uid"
	"strings"
	"time"

	"github.com/rakkr/rakkr/domain/errs"
)

// Secret prefixes: a bootstrap token is BootstrapPrefix and a node token
// NodeTokenPrefix, each followed by 32 random bytes in base64url (43
// characters). Only their SHA-256 is stored.
const (
	BootstrapPrefix = "rakkr_bs_"
	NodeTokenPrefix = "rakkr_node_"
	secretBytes     = 32
	// NodeTokenDisplayLength is how many leading characters of a node
	// token are kept in clear.
	NodeTokenDisplayLength = len(NodeTokenPrefix) + 6
)

// Bootstrap token TTL bounds in seconds.
const (
	DefaultBootstrapTTL = 900
	MinBootstrapTTL     = 60
	MaxBootstrapTTL     = 86400
)

// Errors of the credential checks.
var (
	// ErrBootstrapInvalid: unknown, expired, used or revoked bootstrap token.
	ErrBootstrapInvalid = errs.New(errs.KindUnauthorized, "node.bootstrapTokenInvalid",
		"the bootstrap token is unknown, expired or already used: mint a new one with POST /api/v1/nodes/:id/bootstrap-token")
	// ErrCredentialInvalid: unknown node token.
	ErrCredentialInvalid = errs.New(errs.KindUnauthorized, "node.credentialInvalid",
		"node credential unknown: re-enroll the agent")
	// ErrCredentialRevoked: a revoked or rotated node token.
	ErrCredentialRevoked = errs.New(errs.KindUnauthorized, "node.credentialInvalid",
		"node credential revoked: re-enroll the agent")
	// ErrNotFound: no such node.
	ErrNotFound = errs.NotFound("node.notFound", "node not found")
	// ErrInterfaceNotFound: no such interface on the node.
	ErrInterfaceNotFound = errs.NotFound("node.interfaceNotFound", "interface not found on this node")
)

// BootstrapToken is a one-time enrollment token of a node.
type BootstrapToken struct {
	ID        string
	NodeID    string
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
}

// Usable reports whether the token may be exchanged at now.
func (t BootstrapToken) Usable(now time.Time) bool {
	return t.UsedAt == nil && t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

// Credential is a node's long-lived credential.
type Credential struct {
	ID        string
	NodeID    string
	Prefix    string
	TokenHash string
	CreatedAt time.Time
	RevokedAt *time.Time
}

// HashSecret is the hex SHA-256 of a secret.
func HashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func randomSecret(prefix string) string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// NewBootstrapToken mints a token for nodeID valid for ttl; it returns the
// secret (shown once) and the stored form.
func NewBootstrapToken(nodeID string, now time.Time, ttl time.Duration) (string, BootstrapToken) {
	s := randomSecret(BootstrapPrefix)
	return s, BootstrapToken{ID: "bst_" + uid.New(), NodeID: nodeID, TokenHash: HashSecret(s), CreatedAt: now, ExpiresAt: now.Add(ttl)}
}

// NewCredential mints a node token; it returns the secret and the stored form.
func NewCredential(nodeID string, now time.Time) (string, Credential) {
	s := randomSecret(NodeTokenPrefix)
	return s, Credential{ID: "ncr_" + uid.New(), NodeID: nodeID, Prefix: s[:NodeTokenDisplayLength], TokenHash: HashSecret(s), CreatedAt: now}
}

// WellFormed reports whether s has prefix and a 43-character base64url body,
// so malformed bearers never reach the database.
func WellFormed(s, prefix string) bool {
	body, ok := strings.CutPrefix(s, prefix)
	if !ok || len(body) != base64.RawURLEncoding.EncodedLen(secretBytes) {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

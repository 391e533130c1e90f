// Package secretbox seals stored secrets with AES-256-GCM under the
// controller's RAKKR_SECRET_KEY.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/rakkr/rakkr/ports"
)

const prefix = "v1:"

// Box is an AES-256-GCM sealer. The zero value is unusable; call New.
type Box struct {
	aead cipher.AEAD
}

// New builds a Box from a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, errors.New("secret key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Ephemeral builds a Box with a random key (development mode only: sealed
// values cannot be opened after a restart).
func Ephemeral() *Box {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	b, _ := New(key)
	return b
}

// Seal encrypts plaintext as "v1:" + base64(nonce ‖ ciphertext ‖ tag).
func (b *Box) Seal(plaintext []byte) (string, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := b.aead.Seal(nonce, nonce, plaintext, []byte(prefix))
	return prefix + base64.StdEncoding.EncodeToString(out), nil
}

// ErrSealed is returned for a value that is not a valid sealed secret or was
// sealed under another key.
var ErrSealed = errors.New("sealed secret cannot be opened: wrong key or corrupted value")

// Open decrypts a value produced by Seal.
func (b *Box) Open(sealed string) ([]byte, error) {
	if !strings.HasPrefix(sealed, prefix) {
		return nil, ErrSealed
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sealed, prefix))
	if err != nil || len(raw) < b.aead.NonceSize()+b.aead.Overhead() {
		return nil, ErrSealed
	}
	n := b.aead.NonceSize()
	pt, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(prefix))
	if err != nil {
		return nil, ErrSealed
	}
	return pt, nil
}

var _ ports.SecretSealer = (*Box)(nil)

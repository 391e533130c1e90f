package ports

// SecretSealer encrypts credentials before they are stored (upload
// destination passwords, S3 secret keys) and decrypts them for use.
type SecretSealer interface {
	// Seal encrypts plaintext into a printable, versioned string.
	Seal(plaintext []byte) (string, error)
	// Open decrypts a string produced by Seal; tampering is an error.
	Open(sealed string) ([]byte, error)
}

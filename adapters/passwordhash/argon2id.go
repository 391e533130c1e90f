// Package passwordhash implements ports.PasswordHasher with argon2id
// (golang.org/x/crypto/argon2), encoding hashes as PHC strings:
//
//	$argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>
//
// with unpadded standard base64 salt and hash, as other argon2 tools do.
package passwordhash

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/rakkr/rakkr/ports"
)

// Params are the argon2id cost parameters.
type Params struct {
	// Memory is in KiB.
	Memory uint32
	// Time is the number of passes.
	Time uint32
	// Threads is the parallelism.
	Threads uint8
	// SaltLength and KeyLength are in bytes.
	SaltLength uint32
	KeyLength  uint32
}

// DefaultParams cost about 50 ms and 64 MiB per hash on a 2-core CI machine
// (OWASP's first argon2id choice).
var DefaultParams = Params{Memory: 64 * 1024, Time: 1, Threads: 2, SaltLength: 16, KeyLength: 32}

// Bounds on parameters read from stored hashes, so a corrupt row cannot
// make one verify take gigabytes or minutes.
const (
	maxMemory  = 1 << 20 // 1 GiB
	maxTime    = 16
	maxThreads = 64
	maxKey     = 128
)

// ErrMalformed is returned for an encoded hash that is not argon2id PHC.
var ErrMalformed = errors.New("passwordhash: malformed argon2id hash")

// Argon2id hashes passwords with fixed parameters. It bounds how many
// hashes run at once (each takes Params.Memory), so a burst of logins
// queues instead of exhausting memory.
type Argon2id struct {
	p   Params
	sem chan struct{}
}

// New returns a hasher with p (zero fields take DefaultParams values) that
// runs at most GOMAXPROCS hashes at once.
func New(p Params) *Argon2id {
	d := DefaultParams
	if p.Memory == 0 {
		p.Memory = d.Memory
	}
	if p.Time == 0 {
		p.Time = d.Time
	}
	if p.Threads == 0 {
		p.Threads = d.Threads
	}
	if p.SaltLength == 0 {
		p.SaltLength = d.SaltLength
	}
	if p.KeyLength == 0 {
		p.KeyLength = d.KeyLength
	}
	return &Argon2id{p: p, sem: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))}
}

// Params returns the parameters new hashes use.
func (h *Argon2id) Params() Params { return h.p }

// Hash returns the PHC string of password with a fresh random salt.
func (h *Argon2id) Hash(password string) (string, error) {
	salt := make([]byte, h.p.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := h.key([]byte(password), salt, h.p)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.Memory, h.p.Time, h.p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// Verify recomputes the hash of password with the parameters and salt in
// encoded and compares in constant time.
func (h *Argon2id) Verify(password, encoded string) (bool, error) {
	p, salt, want, err := Decode(encoded)
	if err != nil {
		return false, err
	}
	got := h.key([]byte(password), salt, p)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// the hasher's (so a login can upgrade it).
func (h *Argon2id) NeedsRehash(encoded string) bool {
	p, _, key, err := Decode(encoded)
	return err != nil || p.Memory != h.p.Memory || p.Time != h.p.Time || p.Threads != h.p.Threads ||
		uint32(len(key)) != h.p.KeyLength
}

func (h *Argon2id) key(password, salt []byte, p Params) []byte {
	h.sem <- struct{}{}
	defer func() { <-h.sem }()
	return argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, p.KeyLength)
}

// Decode parses a PHC argon2id string into its parameters, salt and key.
func Decode(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, ErrMalformed
	}
	var p Params
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) != parts[3] {
		return Params{}, nil, nil, ErrMalformed
	}
	if p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Threads > maxThreads {
		return Params{}, nil, nil, ErrMalformed
	}
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return Params{}, nil, nil, ErrMalformed
	}
	key, err := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > maxKey {
		return Params{}, nil, nil, ErrMalformed
	}
	p.SaltLength, p.KeyLength = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

var _ ports.PasswordHasher = (*Argon2id)(nil)

package crypt

import (
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// KDF is the cost of turning a password into a key with argon2id. The
// parameters are stored with every wrapped key, so raising the defaults
// later leaves old wraps readable.
type KDF struct {
	Time    uint32 `json:"t"`
	Memory  uint32 `json:"m"` // KiB
	Threads uint8  `json:"p"`
	Salt    []byte `json:"salt"`
}

// DefaultKDF is RFC 9106's second recommended choice (64 MiB, 3 passes)
// on two lanes, as a village PC has two cores: 0.08 s on this project's
// build machine, so under 1 s on a PC ten times slower (BENCHMARKS.md).
// Every guess costs the same 64 MiB of memory.
var DefaultKDF = KDF{Time: 3, Memory: 64 * 1024, Threads: 2}

// FastKDF is for tests only: a guess costs nothing.
var FastKDF = KDF{Time: 1, Memory: 64, Threads: 1}

// check refuses parameters a changed file could use to make unlocking
// hang or eat all memory.
func (k KDF) check() error {
	if k.Time == 0 || k.Time > 16 || k.Memory < 8 || k.Memory > 1<<20 || k.Threads == 0 || len(k.Salt) < 16 {
		return fmt.Errorf("argon2id parameters out of range (t=%d m=%d p=%d)", k.Time, k.Memory, k.Threads)
	}
	return nil
}

// WithSalt returns the parameters with a fresh random salt.
func (k KDF) WithSalt() KDF {
	k.Salt = make([]byte, 16)
	if _, err := rand.Read(k.Salt); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return k
}

// PasswordKey derives a key-encryption key from a password.
func PasswordKey(password string, k KDF) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	return argon2.IDKey([]byte(password), k.Salt, k.Time, k.Memory, k.Threads, KeySize), nil
}

// ErrWrongKey is returned when a wrapped key does not open: a wrong
// password, or a wrap changed on disk.
var ErrWrongKey = errors.New("wrapped key does not open")

// Wrap encrypts a key under a key-encryption key, bound to ad (what the
// wrap is for: an operator's name and role), with a random nonce.
func (s Suite) Wrap(kek, key, ad []byte) ([]byte, error) {
	a, err := s.AEAD(kek)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, a.NonceSize(), a.NonceSize()+len(key)+a.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return a.Seal(nonce, nonce, key, ad), nil
}

// Unwrap opens what Wrap made.
func (s Suite) Unwrap(kek, wrapped, ad []byte) ([]byte, error) {
	a, err := s.AEAD(kek)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < a.NonceSize()+a.Overhead() {
		return nil, ErrWrongKey
	}
	out, err := a.Open(nil, wrapped[:a.NonceSize()], wrapped[a.NonceSize():], ad)
	if err != nil {
		return nil, ErrWrongKey
	}
	return out, nil
}

// NewKey returns a fresh random 32-byte key.
func NewKey() []byte {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return k
}

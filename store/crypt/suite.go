// Package crypt holds the cryptography of data at rest, for the two suites
// a county may choose: today's (X25519, Ed25519, XChaCha20-Poly1305,
// SHA-256) and the national one (SM2, SM3, SM4-GCM; GB/T 39786-2021).
//
// A store seals its sensitive field values with a FieldKey derived from its
// data key. The data key itself never touches the disk in the clear: it is
// wrapped by a key derived from each operator's password (argon2id), and by
// the county's recovery key.
package crypt

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"

	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/crypto/hkdf"
)

// Suite names a set of algorithms. The names are stored in files and
// bundle headers: never change one.
type Suite string

const (
	// Standard is X25519 key agreement, Ed25519 signatures,
	// XChaCha20-Poly1305 and SHA-256.
	Standard Suite = "std1"
	// National is SM2 signatures, Diffie-Hellman on the SM2 curve, SM4-GCM
	// and SM3.
	National Suite = "gm1"
)

// Suites lists the suites a county may choose, the default first.
var Suites = []Suite{Standard, National}

// Valid reports whether s is a known suite.
func (s Suite) Valid() bool { return s == Standard || s == National }

// Label is the suite in Chinese, for screens.
func (s Suite) Label() string {
	switch s {
	case Standard:
		return "通用算法（X25519、Ed25519、XChaCha20-Poly1305）"
	case National:
		return "国密算法（SM2、SM3、SM4-GCM）"
	}
	return string(s)
}

// ParseSuite reads a suite name as a person or a file gives it: the stored
// names, or "national"/"gm"/"sm" and "standard".
func ParseSuite(s string) (Suite, error) {
	switch s {
	case "", string(Standard), "standard", "std":
		return Standard, nil
	case string(National), "national", "gm", "sm", "国密":
		return National, nil
	}
	return "", fmt.Errorf("unknown cryptographic suite %q (standard or national)", s)
}

// Hash is the suite's hash function.
func (s Suite) Hash() func() hash.Hash {
	if s == National {
		return sm3.New
	}
	return sha256.New
}

// marker is the first byte of a value sealed under the suite: no canonical
// JSON value starts with a byte below 0x20, so a sealed value is told from
// a plain one by its first byte alone.
func (s Suite) marker() byte {
	if s == National {
		return 0x02
	}
	return 0x01
}

// MAC returns the suite's keyed hash (HMAC-SHA256 or HMAC-SM3).
func (s Suite) MAC(key []byte) hash.Hash { return hmac.New(s.Hash(), key) }

// Derive expands a secret into an independent key for a purpose (HKDF with
// the suite's hash).
func (s Suite) Derive(secret []byte, purpose string, n int) []byte {
	out := make([]byte, n)
	if _, err := io.ReadFull(hkdf.New(s.Hash(), secret, nil, []byte("cunzhan "+purpose)), out); err != nil {
		panic("hkdf: " + err.Error()) // only for n beyond 255 hash lengths
	}
	return out
}

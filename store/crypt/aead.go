package crypt

import (
	"crypto/cipher"
	"fmt"

	"github.com/emmansun/gmsm/sm4"
	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the size of every symmetric key here.
const KeySize = 32

// AEAD returns the suite's authenticated cipher under a 32-byte key:
// XChaCha20-Poly1305, or SM4-GCM under the key's first 16 bytes (SM4 keys
// are 128 bits).
func (s Suite) AEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("aead key: %d bytes, want %d", len(key), KeySize)
	}
	switch s {
	case Standard:
		return chacha20poly1305.NewX(key)
	case National:
		b, err := sm4.NewCipher(key[:16])
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(b)
	}
	return nil, fmt.Errorf("aead: unknown suite %q", s)
}

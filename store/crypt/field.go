package crypt

import (
	"crypto/cipher"
	"errors"
	"hash"
	"sync"
)

// FieldKey seals the sensitive values of records: ID numbers, phones, bank
// accounts, addresses, health notes.
//
// Sealing is deterministic: the nonce is a keyed hash of the additional
// data and the value (a synthetic IV). The store binds each value to its
// record, field and version in the additional data, so equal ciphertexts
// only ever come from the same version of the same field, which is what a
// replica needs to tell a replayed change from a forged one by its bytes,
// and nothing else about the values shows.
type FieldKey struct {
	suite  Suite
	aead   cipher.AEAD
	macKey []byte
	macs   sync.Pool // hash.Hash under macKey
	lookup []byte
}

// ErrOpen is returned for a sealed value that does not open: the wrong key,
// or bytes changed on disk.
var ErrOpen = errors.New("sealed value does not open")

// NewFieldKey derives the keys for sealing fields from a store's data key.
func NewFieldKey(s Suite, dataKey []byte) (*FieldKey, error) {
	aead, err := s.AEAD(s.Derive(dataKey, "field seal", KeySize))
	if err != nil {
		return nil, err
	}
	k := &FieldKey{suite: s, aead: aead, macKey: s.Derive(dataKey, "field nonce", KeySize),
		lookup: s.Derive(dataKey, "id lookup", KeySize)}
	k.macs.New = func() any { return s.MAC(k.macKey) }
	return k, nil
}

// Suite is the key's suite.
func (k *FieldKey) Suite() Suite { return k.suite }

// LookupKey is the key of the keyed hash under which ID numbers are looked
// up (derived from the data key, so the index reveals nothing without it).
func (k *FieldKey) LookupKey() []byte { return k.lookup }

// Overhead is how many bytes sealing adds to a value.
func (k *FieldKey) Overhead() int { return 1 + k.aead.NonceSize() + k.aead.Overhead() }

// Seal appends the sealed form of plain, bound to ad, to dst.
func (k *FieldKey) Seal(dst, ad, plain []byte) []byte {
	m := k.macs.Get().(hash.Hash)
	m.Reset()
	m.Write(ad)
	m.Write([]byte{0})
	m.Write(plain)
	var sum [64]byte
	iv := m.Sum(sum[:0])[:k.aead.NonceSize()]
	k.macs.Put(m)
	dst = append(dst, k.suite.marker())
	dst = append(dst, iv...)
	return k.aead.Seal(dst, iv, plain, ad)
}

// Open appends the plain value of a sealed one to dst.
func (k *FieldKey) Open(dst, ad, sealed []byte) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < 1+n+k.aead.Overhead() || sealed[0] != k.suite.marker() {
		return nil, ErrOpen
	}
	out, err := k.aead.Open(dst, sealed[1:1+n], sealed[1+n:], ad)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// IsSealed reports whether a stored value is a sealed one (of any suite).
func IsSealed(v []byte) bool { return len(v) > 0 && (v[0] == 0x01 || v[0] == 0x02) }

package crypt

import (
	"bytes"
	"crypto/cipher"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/emmansun/gmsm/sm4"
	"golang.org/x/crypto/chacha20poly1305"
)

// The national suite's cipher is SM4-GCM under the key's first 16 bytes,
// the standard one XChaCha20-Poly1305: each checked against the primitive
// built here by hand, and SM4 against GB/T 32907's example.
func TestSuitesUseTheirCiphers(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	plain, ad := []byte("130131194503150025"), []byte("ad")

	b, _ := sm4.NewCipher(key[:16])
	gcm, _ := cipher.NewGCM(b)
	nonce := make([]byte, gcm.NonceSize())
	a, err := National.AEAD(key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Seal(nil, nonce, plain, ad), gcm.Seal(nil, nonce, plain, ad)) {
		t.Error("the national suite does not seal with SM4-GCM")
	}
	x, _ := chacha20poly1305.NewX(key)
	s, _ := Standard.AEAD(key)
	xn := make([]byte, x.NonceSize())
	if !bytes.Equal(s.Seal(nil, xn, plain, ad), x.Seal(nil, xn, plain, ad)) {
		t.Error("the standard suite does not seal with XChaCha20-Poly1305")
	}

	k, _ := hex.DecodeString("0123456789abcdeffedcba9876543210")
	blk, _ := sm4.NewCipher(k)
	out := make([]byte, 16)
	blk.Encrypt(out, k)
	if hex.EncodeToString(out) != "681edf34d206965e86b3e94f536e4246" {
		t.Errorf("SM4 example: %x", out)
	}
}

// A field value seals to the same bytes for the same place and value
// (what lets a replica compare a change with the one it holds), to other
// bytes for another place, and opens only in its place and suite.
func TestFieldSealing(t *testing.T) {
	dk := NewKey()
	for _, suite := range Suites {
		k, err := NewFieldKey(suite, dk)
		if err != nil {
			t.Fatal(err)
		}
		v := []byte(`"13912345678"`)
		one, two := k.Seal(nil, []byte("record A field phone"), v), k.Seal(nil, []byte("record A field phone"), v)
		other := k.Seal(nil, []byte("record B field phone"), v)
		if !bytes.Equal(one, two) || bytes.Equal(one, other) || !IsSealed(one) {
			t.Fatalf("%s: sealing is not a function of place and value", suite)
		}
		if bytes.Contains(one, []byte("13912345678")) {
			t.Fatalf("%s: the value shows", suite)
		}
		if p, err := k.Open(nil, []byte("record A field phone"), one); err != nil || !bytes.Equal(p, v) {
			t.Fatalf("%s: open: %s %v", suite, p, err)
		}
		if _, err := k.Open(nil, []byte("record B field phone"), one); !errors.Is(err, ErrOpen) {
			t.Fatalf("%s: opened in another place", suite)
		}
		otherSuite := Standard
		if suite == Standard {
			otherSuite = National
		}
		ko, _ := NewFieldKey(otherSuite, dk)
		if _, err := ko.Open(nil, []byte("record A field phone"), one); !errors.Is(err, ErrOpen) {
			t.Fatalf("%s: opened under the other suite", suite)
		}
	}
}

// A wrapped key opens with its key and purpose only; argon2id parameters a
// changed file could use to make unlocking hang or eat memory are refused.
func TestWrapAndPasswordKey(t *testing.T) {
	dk := NewKey()
	kek, err := PasswordKey("cunzhan2025", FastKDF.WithSalt())
	if err != nil {
		t.Fatal(err)
	}
	w, err := Standard.Wrap(kek, dk, []byte("operator\x00王主任"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Standard.Unwrap(kek, w, []byte("operator\x00王主任")); err != nil || !bytes.Equal(got, dk) {
		t.Fatal("the wrap does not open with its key")
	}
	if _, err := Standard.Unwrap(kek, w, []byte("operator\x00李四")); !errors.Is(err, ErrWrongKey) {
		t.Fatal("the wrap opened for another operator")
	}
	other, _ := PasswordKey("cunzhan2026", FastKDF.WithSalt())
	if _, err := Standard.Unwrap(other, w, []byte("operator\x00王主任")); !errors.Is(err, ErrWrongKey) {
		t.Fatal("the wrap opened with another password")
	}
	for _, bad := range []KDF{
		{Time: 1, Memory: 1 << 30, Threads: 1},
		{Time: 1000, Memory: 64, Threads: 1},
		{Time: 1, Memory: 64, Threads: 0},
		{Time: 1, Memory: 64, Threads: 1, Salt: []byte("short")},
	} {
		if bad.Salt == nil {
			bad.Salt = make([]byte, 16)
		}
		if _, err := PasswordKey("x", bad); err == nil {
			t.Errorf("parameters %+v accepted", bad)
		}
	}
}

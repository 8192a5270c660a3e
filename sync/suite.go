package sync

import (
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"encoding/asn1"
	"fmt"
	"math/big"

	gmecdh "github.com/emmansun/gmsm/ecdh"
	"github.com/emmansun/gmsm/sm2"

	"github.com/cunzhan/cunzhan/store/crypt"
)

// The two suites a county may choose (crypt.Suite) sign, agree keys and
// encrypt a bundle, a sealed station copy and a credential:
//
//	std1: Ed25519, X25519, HKDF-SHA256, XChaCha20-Poly1305
//	gm1:  SM2 signatures (default user id, SM3), Diffie-Hellman on the SM2
//	      curve (ephemeral-static; not GB/T 32918.3's key exchange),
//	      HKDF-SM3, SM4-GCM (GB/T 39786-2021's algorithms)
//
// A party's keys are of its county's suite; the bundle header names it,
// and a receiver takes only bundles of its own suite. Signatures are 64
// bytes in both (Ed25519; SM2's r and s, 32 bytes each), so the framing of
// a file is the same.

// sigSize is the size of the signature that ends every framed file.
const sigSize = 64

// wire is one suite's operations.
type wire interface {
	// newKeys makes a signing key and a key-agreement key.
	newKeys() (sign, box []byte, err error)
	// public derives the public halves.
	public(sign, box []byte) (signPub, boxPub []byte, err error)
	sign(key, msg []byte) ([]byte, error)
	verify(pub, msg, sig []byte) bool
	// agree makes an ephemeral key, returns its public half and the
	// secret agreed with the recipient's public key.
	agree(recipientPub []byte) (ephPub, shared []byte, err error)
	// agreeFrom is the recipient's side.
	agreeFrom(box, ephPub []byte) (shared []byte, err error)
	// key derives a 32-byte key (HKDF with the suite's hash).
	key(shared, salt []byte, info string) ([]byte, error)
	aead(key []byte) (cipher.AEAD, error)
	// sizes of the private and public keys, to check a credential.
	sizes() (sign, box, signPub, boxPub int)
}

// wireOf is the suite's operations; "" is the standard suite (keys and
// headers made before the national one existed name none).
func wireOf(s crypt.Suite) (wire, error) {
	switch s {
	case "", crypt.Standard:
		return stdWire{}, nil
	case crypt.National:
		return gmWire{}, nil
	}
	return nil, failf(CodeSuite, "不认识的密码算法套件：%s", s)
}

// CodeSuite refuses keys or a bundle of a suite this party does not use.
const CodeSuite = "SUITE"

// suiteName is the suite as headers and keys carry it: "" for the
// standard one, as before the national one existed.
func suiteName(s crypt.Suite) crypt.Suite {
	if s == crypt.Standard {
		return ""
	}
	return s
}

type stdWire struct{}

func (stdWire) newKeys() ([]byte, []byte, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, nil, err
	}
	box, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	return seed, box.Bytes(), nil
}

func (stdWire) public(sign, box []byte) ([]byte, []byte, error) {
	if len(sign) != ed25519.SeedSize {
		return nil, nil, fmt.Errorf("ed25519 seed: %d bytes", len(sign))
	}
	b, err := ecdh.X25519().NewPrivateKey(box)
	if err != nil {
		return nil, nil, err
	}
	return ed25519.NewKeyFromSeed(sign).Public().(ed25519.PublicKey), b.PublicKey().Bytes(), nil
}

func (stdWire) sign(key, msg []byte) ([]byte, error) {
	if len(key) != ed25519.SeedSize {
		return nil, fmt.Errorf("ed25519 seed: %d bytes", len(key))
	}
	return ed25519.Sign(ed25519.NewKeyFromSeed(key), msg), nil
}

func (stdWire) verify(pub, msg, sig []byte) bool {
	return len(pub) == ed25519.PublicKeySize && len(sig) == sigSize && ed25519.Verify(pub, msg, sig)
}

func (stdWire) agree(recipientPub []byte) ([]byte, []byte, error) {
	r, err := ecdh.X25519().NewPublicKey(recipientPub)
	if err != nil {
		return nil, nil, fmt.Errorf("recipient key: %w", err)
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	shared, err := eph.ECDH(r)
	return eph.PublicKey().Bytes(), shared, err
}

func (stdWire) agreeFrom(box, ephPub []byte) ([]byte, error) {
	priv, err := ecdh.X25519().NewPrivateKey(box)
	if err != nil {
		return nil, err
	}
	eph, err := ecdh.X25519().NewPublicKey(ephPub)
	if err != nil {
		return nil, errBoxHeader
	}
	return priv.ECDH(eph)
}

func (stdWire) key(shared, salt []byte, info string) ([]byte, error) {
	return hkdf.Key(crypt.Standard.Hash(), shared, salt, info, crypt.KeySize)
}

func (stdWire) aead(key []byte) (cipher.AEAD, error) { return crypt.Standard.AEAD(key) }

func (stdWire) sizes() (int, int, int, int) { return ed25519.SeedSize, 32, ed25519.PublicKeySize, 32 }

type gmWire struct{}

func (gmWire) newKeys() ([]byte, []byte, error) {
	s, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	box, err := gmecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	return s.D.FillBytes(make([]byte, 32)), box.Bytes(), nil
}

func (gmWire) public(sign, box []byte) ([]byte, []byte, error) {
	s, err := sm2.NewPrivateKey(sign)
	if err != nil {
		return nil, nil, err
	}
	b, err := gmecdh.P256().NewPrivateKey(box)
	if err != nil {
		return nil, nil, err
	}
	//lint:ignore SA1019 the uncompressed point of SM2's curve, as gmsm parses it
	pub := elliptic.Marshal(s.Curve, s.X, s.Y) //nolint:staticcheck
	return pub, b.PublicKey().Bytes(), nil
}

// sm2Sig is SM2's signature as ASN.1 carries it.
type sm2Sig struct{ R, S *big.Int }

func (gmWire) sign(key, msg []byte) ([]byte, error) {
	priv, err := sm2.NewPrivateKey(key)
	if err != nil {
		return nil, err
	}
	der, err := priv.SignWithSM2(rand.Reader, nil, msg)
	if err != nil {
		return nil, err
	}
	var s sm2Sig
	if _, err := asn1.Unmarshal(der, &s); err != nil {
		return nil, err
	}
	out := make([]byte, sigSize)
	s.R.FillBytes(out[:32])
	s.S.FillBytes(out[32:])
	return out, nil
}

func (gmWire) verify(pub, msg, sig []byte) bool {
	if len(sig) != sigSize {
		return false
	}
	p, err := sm2.NewPublicKey(pub)
	if err != nil {
		return false
	}
	der, err := asn1.Marshal(sm2Sig{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
	return err == nil && sm2.VerifyASN1WithSM2(p, nil, msg, der)
}

func (gmWire) agree(recipientPub []byte) ([]byte, []byte, error) {
	r, err := gmecdh.P256().NewPublicKey(recipientPub)
	if err != nil {
		return nil, nil, fmt.Errorf("recipient key: %w", err)
	}
	eph, err := gmecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	shared, err := eph.ECDH(r)
	return eph.PublicKey().Bytes(), shared, err
}

func (gmWire) agreeFrom(box, ephPub []byte) ([]byte, error) {
	priv, err := gmecdh.P256().NewPrivateKey(box)
	if err != nil {
		return nil, err
	}
	eph, err := gmecdh.P256().NewPublicKey(ephPub)
	if err != nil {
		return nil, errBoxHeader
	}
	return priv.ECDH(eph)
}

func (gmWire) key(shared, salt []byte, info string) ([]byte, error) {
	return hkdf.Key(crypt.National.Hash(), shared, salt, info, crypt.KeySize)
}

func (gmWire) aead(key []byte) (cipher.AEAD, error) { return crypt.National.AEAD(key) }

func (gmWire) sizes() (int, int, int, int) { return 32, 32, 65, 65 }

package sync

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
)

// The sealing both files on a stick share (a bundle, a station's sealed
// copy): a fresh key-agreement key (X25519, or SM2) agrees a secret with
// the recipient's key, a key derived from it (per file kind) drives the
// suite's AEAD (XChaCha20-Poly1305, or SM4-GCM) with the signed header as
// additional data, and the sender signs the framed whole:
//
//	magic | uvarint len, header | uvarint len, ciphertext | 64-byte signature

// keyFunc derives the symmetric key, with the suite's KDF, from the
// agreed secret, the ephemeral public key and the recipient's public key.
type keyFunc func(w wire, shared, ephemeral, recipient []byte) ([]byte, error)

// box is an AEAD to one recipient, with the values its header carries.
type box struct {
	aead             cipher.AEAD
	nonce, ephemeral []byte
}

// Ephemeral and Nonce are the header's base64 fields.
func (b *box) Ephemeral() string { return base64.StdEncoding.EncodeToString(b.ephemeral) }
func (b *box) Nonce() string     { return base64.StdEncoding.EncodeToString(b.nonce) }

// boxTo makes a box to the recipient's key-agreement key.
func boxTo(to PeerKeys, key keyFunc) (*box, error) {
	w, err := wireOf(to.Suite)
	if err != nil {
		return nil, err
	}
	eph, shared, err := w.agree(to.BoxPub)
	if err != nil {
		return nil, err
	}
	k, err := key(w, shared, eph, to.BoxPub)
	if err != nil {
		return nil, err
	}
	aead, err := w.aead(k)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return &box{aead: aead, nonce: nonce, ephemeral: eph}, nil
}

// errBoxHeader: the header's key fields do not parse.
var errBoxHeader = errors.New("bad ephemeral key or nonce")

// openBox is the recipient's side of boxTo, from the header's fields.
func openBox(me *Identity, ephemeral, nonce string, key keyFunc) (*box, error) {
	w, err := me.wire()
	if err != nil {
		return nil, err
	}
	ephBytes, err1 := base64.StdEncoding.DecodeString(ephemeral)
	n, err2 := base64.StdEncoding.DecodeString(nonce)
	if err1 != nil || err2 != nil {
		return nil, errBoxHeader
	}
	shared, err := w.agreeFrom(me.Box, ephBytes)
	if err != nil {
		return nil, errBoxHeader
	}
	k, err := key(w, shared, ephBytes, me.Public().BoxPub)
	if err != nil {
		return nil, err
	}
	aead, err := w.aead(k)
	if err != nil {
		return nil, err
	}
	if len(n) != aead.NonceSize() {
		return nil, errBoxHeader
	}
	return &box{aead: aead, nonce: n, ephemeral: ephBytes}, nil
}

// frameSigned frames header and ciphertext after magic and appends the
// sender's signature over context and the frame.
func frameSigned(magic, context string, hdr, ct []byte, sender *Identity) ([]byte, error) {
	out := make([]byte, 0, len(magic)+len(hdr)+len(ct)+80)
	out = append(out, magic...)
	out = binary.AppendUvarint(out, uint64(len(hdr)))
	out = append(out, hdr...)
	out = binary.AppendUvarint(out, uint64(len(ct)))
	out = append(out, ct...)
	sig, err := sender.sign(append([]byte(context), out...))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return append(out, sig...), nil
}

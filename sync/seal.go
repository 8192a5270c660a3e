package sync

import (
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// The sealing both files on a stick share (a bundle, a station's sealed
// copy): a fresh X25519 key agrees a secret with the recipient's key, a
// key derived from it (per file kind) drives XChaCha20-Poly1305 with the
// signed header as additional data, and the sender signs the framed whole:
//
//	magic | uvarint len, header | uvarint len, ciphertext | ed25519 signature

// keyFunc derives the symmetric key from the agreed secret, the ephemeral
// public key and the recipient's public key.
type keyFunc func(shared, ephemeral, recipient []byte) ([]byte, error)

// box is an AEAD to one recipient, with the values its header carries.
type box struct {
	aead             cipher.AEAD
	nonce, ephemeral []byte
}

// Ephemeral and Nonce are the header's base64 fields.
func (b *box) Ephemeral() string { return base64.StdEncoding.EncodeToString(b.ephemeral) }
func (b *box) Nonce() string     { return base64.StdEncoding.EncodeToString(b.nonce) }

// boxTo makes a box to the recipient's X25519 key.
func boxTo(recipientPub []byte, key keyFunc) (*box, error) {
	recipient, err := ecdh.X25519().NewPublicKey(recipientPub)
	if err != nil {
		return nil, fmt.Errorf("recipient key: %w", err)
	}
	eph, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	shared, err := eph.ECDH(recipient)
	if err != nil {
		return nil, err
	}
	k, err := key(shared, eph.PublicKey().Bytes(), recipientPub)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return &box{aead: aead, nonce: nonce, ephemeral: eph.PublicKey().Bytes()}, nil
}

// errBoxHeader: the header's key fields do not parse.
var errBoxHeader = errors.New("bad ephemeral key or nonce")

// openBox is the recipient's side of boxTo, from the header's fields.
func openBox(me *Identity, ephemeral, nonce string, key keyFunc) (*box, error) {
	priv, err := me.boxKey()
	if err != nil {
		return nil, fmt.Errorf("own key: %w", err)
	}
	ephBytes, err1 := base64.StdEncoding.DecodeString(ephemeral)
	n, err2 := base64.StdEncoding.DecodeString(nonce)
	eph, err3 := ecdh.X25519().NewPublicKey(ephBytes)
	if err1 != nil || err2 != nil || err3 != nil || len(n) != chacha20poly1305.NonceSizeX {
		return nil, errBoxHeader
	}
	shared, err := priv.ECDH(eph)
	if err != nil {
		return nil, errBoxHeader
	}
	k, err := key(shared, ephBytes, priv.PublicKey().Bytes())
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return nil, err
	}
	return &box{aead: aead, nonce: n, ephemeral: ephBytes}, nil
}

// frameSigned frames header and ciphertext after magic and appends the
// sender's signature over context and the frame.
func frameSigned(magic, context string, hdr, ct []byte, sender *Identity) []byte {
	out := make([]byte, 0, len(magic)+len(hdr)+len(ct)+80)
	out = append(out, magic...)
	out = binary.AppendUvarint(out, uint64(len(hdr)))
	out = append(out, hdr...)
	out = binary.AppendUvarint(out, uint64(len(ct)))
	out = append(out, ct...)
	sig := ed25519.Sign(sender.signKey(), append([]byte(context), out...))
	return append(out, sig...)
}

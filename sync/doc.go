// Package sync moves changes between stations and the county server: the
// same signed, encrypted bundle travels over HTTP and on a USB stick.
//
// # Parties and keys
//
// The county server enrols each station: it issues a credential file with
// the station's id, code, name and scope, the station's ed25519 signing key
// and X25519 encryption key, and the county's public keys. Stations talk
// only to the county (a star); the county relays between them by scope.
//
// # Bundle format (version 1)
//
//	magic      4 bytes  "CZB\x01"
//	header     uvarint length, then canonical JSON (Header)
//	body       uvarint length, then ciphertext
//	signature  64 bytes ed25519 by the sender over
//	           "cunzhan bundle v1" || magic || header || body
//
// The header says who sends to whom (From, To), the sender's have vector
// (what it has durably applied: its acknowledgement), what it assumes the
// recipient holds (the recipient's last signed have vector), the id of the
// last bundle it applied from the recipient, the ranges of each origin the
// body covers, whether more follows, and per-scope checksums.
//
// The body is encrypted to the recipient: an ephemeral X25519 key (in the
// header) agrees a secret with the recipient's key, HKDF-SHA256 derives the
// key, XChaCha20-Poly1305 seals the compressed body with the header as
// additional data. A lost stick leaks nothing; a changed byte anywhere fails
// the signature, which is checked before anything is decrypted or
// decompressed.
//
// The plaintext body is DEFLATE-compressed; inside, entries are grouped by
// origin and delta-encoded (sequence numbers, clock readings), with the
// bundle's strings and origins in tables and field names and kinds through
// the store's dictionaries, so that a plain field edit costs a few dozen
// bytes on the wire.
//
//	body      := strings origins groups
//	strings   := uvarint n, n × (uvarint len, bytes)
//	origins   := uvarint n, n × 16 bytes
//	groups    := uvarint n, n × group
//	group     := uvarint origin-index, uvarint n, n × entry
//	entry     := 0 skip: uvarint from-delta, uvarint count-1
//	           | 1 change: uvarint seq-delta, varint hlc-delta,
//	             uvarint scope-string, word kind, 16-byte record,
//	             uvarint nfields, nfields × (word name, uvarint len, value),
//	             uvarint nctx, nctx × (uvarint origin-index, uvarint seq),
//	             uvarint author-string, uvarint schema
//
// Deltas are relative to the previous entry of the group (the first entry's
// to 0). A "word" is 1+code of the store's frozen dictionary, or 0, a
// length and the string. A skip range tells a station that those sequence
// numbers are outside its scope, which keeps every origin's log contiguous
// at the station. An origin may have two ranges: a station repeats its
// origin's introduction (seq 1, the record naming the station) in every
// bundle, so that the county can bind the origin to the station whatever
// order the parts of a backlog arrive in.
//
// # Exchange
//
// An outgoing bundle holds every entry above what the recipient last
// acknowledged, cumulatively; a lost stick costs time, never data. Large
// backlogs go in size-capped bundles (More set); over HTTP the client
// continues, on a stick the export writes several files, which can be
// imported in any order. Import checks size, header, recipient, the
// sender's key and the signature, then decrypts, decompresses within a
// limit, decodes, checks that each change lies in the sender's scope (at the
// county) or in the station's (at a station), and applies in chunks,
// idempotently: re-importing a bundle, importing bundles out of order, or a
// crash in the middle changes nothing it should not. The reply is a bundle
// carrying the receiver's acknowledgement and what the sender lacks.
package sync

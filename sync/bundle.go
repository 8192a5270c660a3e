package sync

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
)

const (
	magic      = "CZB\x01"
	sigContext = "cunzhan bundle v1"
	// FormatVersion is the bundle format this build writes and reads.
	FormatVersion = 1
	maxHeader     = 4 << 20
)

// Limits bound what a bundle may carry. The defaults suit a USB stick and a
// slow link; tests lower them to exercise continuation.
type Limits struct {
	MaxBundle  int64 // bytes of a whole bundle accepted (default 24 MiB)
	MaxBody    int   // bytes of a decompressed body accepted (default 16 MiB)
	TargetBody int   // an outgoing body stops growing past this (default 8 MiB)
}

func (l Limits) withDefaults() Limits {
	// Twice the target: a body stops growing past the target with the
	// entry that crossed it. The limits bound what a hostile bundle costs
	// the county (see ReadBundle).
	if l.MaxBundle == 0 {
		l.MaxBundle = 24 << 20
	}
	if l.MaxBody == 0 {
		l.MaxBody = 16 << 20
	}
	if l.TargetBody == 0 {
		l.TargetBody = 8 << 20
	}
	return l
}

// suiteMismatch refuses a bundle of another suite than the parties'.
func suiteMismatch(got, want crypt.Suite) error {
	name := func(s crypt.Suite) string {
		if s == "" {
			s = crypt.Standard
		}
		return s.Label()
	}
	return failf(CodeSuite, "同步文件使用%s，本站与县级中心约定的是%s，没有导入", name(got), name(want))
}

// Range is the part of one origin's log a bundle covers.
type Range struct {
	Origin string `json:"origin"`
	From   uint64 `json:"from"`
	To     uint64 `json:"to"`
}

// Header is the signed, unencrypted part of a bundle.
type Header struct {
	Format    int               `json:"format"`
	ID        string            `json:"id"`
	From      string            `json:"from"`
	To        string            `json:"to"`
	Created   string            `json:"created"`
	Have      map[string]uint64 `json:"have"`
	Assumes   map[string]uint64 `json:"assumes"`
	AckBundle string            `json:"ack_bundle,omitempty"`
	Ranges    []Range           `json:"ranges"`
	More      bool              `json:"more"`
	Sums      map[string]string `json:"sums,omitempty"`
	// Forks (county to station): the station's origins the county found
	// reused, with the first sequence number that differs (PeerState.Forked).
	Forks map[string]uint64 `json:"forks,omitempty"`
	// Suite is the algorithms the bundle is signed and encrypted with
	// ("" for the standard suite; "gm1" the national one).
	Suite crypt.Suite `json:"suite,omitempty"`
	// Program (station to county) is the station's program version: the
	// county's station list shows it, and offers HTTPS only to a program
	// that knows what to do with the offer.
	Program string `json:"program,omitempty"`
	// TLS (county to station, over plain HTTP) offers the county's HTTPS
	// address and the pin of its certificate. It is signed with the rest
	// of the header, by the key the station already trusts.
	TLS *TLSOffer `json:"tls,omitempty"`
	// Audit (county to station, to a program that knows it) says how much
	// of the station's audit log the county holds; its presence tells the
	// station that the county takes the log. AuditEntries (station to
	// county) counts the log entries at the end of the body.
	Audit        *AuditAck `json:"audit,omitempty"`
	AuditEntries int       `json:"audit_entries,omitempty"`
	// Recovery (station to county, once the county takes the audit log)
	// is the station's data key sealed to the county's key (recovery.go).
	Recovery  []byte `json:"recovery,omitempty"`
	Entries   int    `json:"entries"`
	BodyBytes int    `json:"body_bytes"`
	Ephemeral string `json:"ephemeral"`
	Nonce     string `json:"nonce"`
}

func vvToMap(v store.VV) map[string]uint64 {
	m := make(map[string]uint64, len(v))
	for _, d := range v {
		m[d.Origin.String()] = d.Seq
	}
	return m
}

func mapToVV(m map[string]uint64) (store.VV, error) {
	var v store.VV
	for k, seq := range m {
		o, err := store.ParseOrigin(k)
		if err != nil {
			return nil, err
		}
		v.Raise(o, seq)
	}
	return v, nil
}

// bodyKey derives the symmetric key from the key agreement.
func bodyKey(w wire, shared, ephemeral, recipient []byte, bundleID string) ([]byte, error) {
	info := append(append([]byte("cunzhan bundle body v1"), ephemeral...), recipient...)
	return w.key(shared, []byte(bundleID), string(info))
}

// seal compresses, encrypts and signs a bundle.
func seal(h *Header, e *Entries, sender *Identity, to PeerKeys) ([]byte, error) {
	plain := encodeBody(e)
	h.BodyBytes = len(plain)
	h.Entries = e.Len()
	h.AuditEntries = len(e.Audit)
	return sealBody(h, plain, sender, to)
}

// sealBody compresses, encrypts and signs a body under a header whose
// BodyBytes and Entries the caller has set.
func sealBody(h *Header, plain []byte, sender *Identity, to PeerKeys) ([]byte, error) {
	h.Format = FormatVersion
	h.Suite = suiteName(sender.Suite)
	var zbuf bytes.Buffer
	zw, _ := flate.NewWriter(&zbuf, flate.DefaultCompression)
	zw.Write(plain)
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress bundle: %w", err)
	}
	b, err := boxTo(to, func(w wire, shared, eph, recipient []byte) ([]byte, error) {
		return bodyKey(w, shared, eph, recipient, h.ID)
	})
	if err != nil {
		return nil, err
	}
	h.Ephemeral, h.Nonce = b.Ephemeral(), b.Nonce()
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	return frameSigned(magic, sigContext, hdr, b.aead.Seal(nil, b.nonce, zbuf.Bytes(), hdr), sender)
}

// signed is what the signature covers: the context string and every byte
// before the signature.
func signed(b []byte) []byte {
	return append([]byte(sigContext), b...)
}

// envelope is a bundle split into its parts, before any cryptography.
type envelope struct {
	raw    []byte // everything the signature covers
	header []byte
	h      *Header
	body   []byte
	sig    []byte
}

// parseEnvelope checks the size, the magic and the framing and decodes the
// header. It is the first thing import does, and it allocates nothing big.
func parseEnvelope(b []byte, lim Limits) (*envelope, error) {
	if int64(len(b)) > lim.MaxBundle {
		return nil, failf(CodeTooLarge, "同步文件太大（%d字节，上限%d字节）", len(b), lim.MaxBundle)
	}
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		if len(b) < len(magic) && bytes.HasPrefix([]byte(magic), b) {
			return nil, fail(CodeTruncated, "同步文件不完整（可能拷贝时中断），请重新导出")
		}
		return nil, fail(CodeNotBundle, "这不是村站的同步文件")
	}
	rest := b[len(magic):]
	hl, n := binary.Uvarint(rest)
	if n <= 0 || hl > maxHeader || uint64(len(rest)-n) < hl {
		return nil, fail(CodeTruncated, "同步文件不完整（可能拷贝时中断），请重新导出")
	}
	header := rest[n : n+int(hl)]
	rest = rest[n+int(hl):]
	bl, n := binary.Uvarint(rest)
	if n <= 0 || uint64(len(rest)-n) < bl {
		return nil, fail(CodeTruncated, "同步文件不完整（可能拷贝时中断），请重新导出")
	}
	body := rest[n : n+int(bl)]
	rest = rest[n+int(bl):]
	if len(rest) < sigSize {
		return nil, fail(CodeTruncated, "同步文件不完整（可能拷贝时中断），请重新导出")
	}
	if len(rest) > sigSize {
		return nil, fail(CodeCorrupt, "同步文件末尾有多余的内容，文件已损坏")
	}
	var h Header
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fail(CodeCorrupt, "同步文件的文件头已损坏")
	}
	if h.Format != FormatVersion {
		return nil, failf(CodeFormat, "同步文件格式版本为%d，本程序只认识版本%d，请升级程序", h.Format, FormatVersion)
	}
	sigAt := len(b) - sigSize
	return &envelope{raw: b[:sigAt], header: header, h: &h, body: body, sig: b[sigAt:]}, nil
}

// verify checks the signature against the sender's key.
func (e *envelope) verify(sender PeerKeys) error {
	if e.h.Suite != suiteName(sender.Suite) {
		return suiteMismatch(e.h.Suite, sender.Suite)
	}
	if !sender.verify(signed(e.raw), e.sig) {
		return fail(CodeSignature, "同步文件的签名校验失败：文件已损坏或被改动，没有导入任何内容")
	}
	return nil
}

// open decrypts and decompresses the body within the limit and decodes it.
// Call only after verify.
func (e *envelope) open(me *Identity, lim Limits) (*Entries, error) {
	if e.h.BodyBytes < 0 || e.h.BodyBytes > lim.MaxBody {
		return nil, failf(CodeTooLarge, "同步文件解压后太大（%d字节，上限%d字节）", e.h.BodyBytes, lim.MaxBody)
	}
	if e.h.Suite != suiteName(me.Suite) {
		return nil, suiteMismatch(e.h.Suite, me.Suite)
	}
	b, err := openBox(me, e.h.Ephemeral, e.h.Nonce, func(w wire, shared, eph, recipient []byte) ([]byte, error) {
		return bodyKey(w, shared, eph, recipient, e.h.ID)
	})
	if errors.Is(err, errBoxHeader) {
		return nil, fail(CodeDecrypt, "同步文件无法解密：文件头中的密钥信息损坏")
	}
	if err != nil {
		return nil, err
	}
	zipped, err := b.aead.Open(nil, b.nonce, e.body, e.header)
	if err != nil {
		return nil, fail(CodeDecrypt, "同步文件无法解密：不是发给本站密钥的，或已损坏")
	}
	// Exactly the declared size, allocated once: never more than the
	// limit, whatever the compressed stream would expand to.
	zr := flate.NewReader(bytes.NewReader(zipped))
	plain := make([]byte, e.h.BodyBytes)
	if _, err := io.ReadFull(zr, plain); err != nil {
		return nil, fail(CodeCorrupt, "同步文件内容解压失败，文件已损坏")
	}
	if n, _ := zr.Read(make([]byte, 1)); n > 0 {
		return nil, fail(CodeCorrupt, "同步文件内容比文件头声明的长，文件已损坏")
	}
	zipped = nil
	entries, err := decodeBody(plain, e.h.AuditEntries)
	if err != nil || entries.Len() != e.h.Entries {
		return nil, fail(CodeCorrupt, "同步文件内容无法识别，文件已损坏")
	}
	if err := checkRanges(e.h, entries); err != nil {
		return nil, err
	}
	return entries, nil
}

// checkRanges verifies that the entries lie inside the declared ranges, in
// order and without overlapping. An origin may have several ranges (a
// station repeats its origin's introduction, seq 1, in every bundle) and a
// range may have holes: a station sends the county the changes it holds, not
// the skips that stand for changes of other villages.
func checkRanges(h *Header, e *Entries) error {
	bad := fail(CodeCorrupt, "同步文件的内容与文件头声明的范围不符")
	type span struct{ from, to uint64 }
	ranges := map[store.OriginID][]span{}
	for _, r := range h.Ranges {
		o, err := store.ParseOrigin(r.Origin)
		if err != nil || r.From == 0 || r.To < r.From {
			return bad
		}
		if prev := ranges[o]; len(prev) > 0 && prev[len(prev)-1].to >= r.From {
			return bad
		}
		ranges[o] = append(ranges[o], span{r.From, r.To})
	}
	next := map[store.OriginID]uint64{}
	for _, en := range e.sorted() {
		if en.first < next[en.origin] {
			return bad
		}
		inside := false
		for _, sp := range ranges[en.origin] {
			inside = inside || en.first >= sp.from && en.last <= sp.to
		}
		if !inside {
			return bad
		}
		next[en.origin] = en.last + 1
	}
	return nil
}

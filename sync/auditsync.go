package sync

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/kv"
)

// A station's audit log (store.AuditEntry, kept by the store) travels to
// the county at the end of the body of the bundles it sends, once the
// county has said it takes it (Header.Audit): each entry as the station
// wrote it, chain by chain, from the first one the county lacks. The
// county keeps every entry it is sent, whatever the station does to its
// file later, and its console checks each station's chains.

// AuditAck is how much of a station's audit log the county holds: per
// chain, the number of entries held from the first without a gap.
type AuditAck struct {
	Have map[string]uint64 `json:"have"`
}

const (
	// bucketStationAudit holds, at the county, the stations' logs: key
	// peer id, the chain's 16 bytes, the entry's 8-byte number.
	bucketStationAudit = "sync_station_audit"
	maxAuditPerBundle  = 2000
	maxAuditEntryBytes = 8 << 10
	maxAuditBytes      = 1 << 20
	// auditProgram is the first program version whose bundles may carry
	// Header.Audit: older stations refuse a header field they do not know.
	auditProgram = "0.2.0"
)

// CodeAuditInvalid refuses a county's bundle that carries audit entries
// (only stations send them).
const CodeAuditInvalid = "AUDIT_INVALID"

// programAtLeast compares dotted version numbers ("0.10.1" > "0.9").
func programAtLeast(v, min string) bool {
	a, b := strings.Split(strings.SplitN(v, "-", 2)[0], "."), strings.Split(min, ".")
	for i := 0; i < len(b); i++ {
		var x, y int
		if i < len(a) {
			x, _ = strconv.Atoi(a[i])
		}
		y, _ = strconv.Atoi(b[i])
		if x != y {
			return x > y
		}
	}
	return true
}

// auditPending is, at a station, what of its log the county lacks (by the
// county's last word), at most maxAuditPerBundle entries.
func auditPending(r *store.Reader, ack *AuditAck) ([]json.RawMessage, error) {
	if ack == nil {
		return nil, nil
	}
	var out []json.RawMessage
	size := 0
	err := r.EachStationAuditAfter(ack.Have, func(stored []byte) bool {
		// Within its own budget beside the changes' (Limits.TargetBody).
		if size += len(stored); size > maxAuditBytes && len(out) > 0 {
			return false
		}
		out = append(out, append(json.RawMessage(nil), stored...))
		return len(out) < maxAuditPerBundle
	})
	return out, err
}

// auditBehind tells a station whether the county lacks some of its log.
func auditBehind(r *store.Reader, ack *AuditAck) bool {
	behind := false
	_ = r.EachStationAuditAfter(ack.Have, func([]byte) bool { behind = true; return false })
	return behind
}

// checkAudit parses the entries a station sent. An entry no station
// writes (another station's code, a console's address, control characters,
// a malformed chain or number, text beyond the bounds) is not kept and is
// counted in skipped; it never stops the rest of the bundle, whose changes
// are the village's work. Entries whose hash or link does not hold are
// kept: they are the evidence the console shows. Every entry, kept or
// not, counts as received (AuditAck), so that none is sent again forever.
func checkAudit(peer *PeerState, raw []json.RawMessage) (kept []store.AuditEntry, received map[string]uint64, skipped int) {
	received = map[string]uint64{}
	for _, b := range raw {
		var e store.AuditEntry
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if dec.Decode(&e) != nil {
			skipped++
			continue
		}
		u, err := uuid.Parse(e.Chain)
		if err != nil || u.String() != e.Chain || e.Seq == 0 || e.Seq > 1<<40 {
			skipped++
			continue
		}
		received[e.Chain] = max(received[e.Chain], e.Seq)
		if !validAudit(peer, &e) {
			skipped++
			continue
		}
		kept = append(kept, e)
	}
	return kept, received, skipped
}

// validAudit tells an entry a station writes.
func validAudit(peer *PeerState, e *store.AuditEntry) bool {
	if !auditAction(e.Action) || e.Remote != "" || e.Scope != "" && e.Scope != peer.Code {
		return false
	}
	if _, err := time.Parse(time.RFC3339, e.Time); err != nil {
		return false
	}
	for _, f := range []struct {
		s   string
		max int
	}{{e.User, store.MaxAuditUserBytes}, {e.Role, 32}, {e.Target, store.MaxAuditFieldBytes}, {e.Detail, store.MaxAuditDetailBytes}} {
		if len(f.s) > f.max || !utf8.ValidString(f.s) || strings.IndexFunc(f.s, unicode.IsControl) >= 0 {
			return false
		}
	}
	return isHash(e.Hash) && (e.Prev == "" || isHash(e.Prev))
}

// auditAction accepts the actions of this version and the shape of a
// later one's (shown by their code): a newer station's log still goes in.
func auditAction(a string) bool {
	if a == "" || len(a) > 32 {
		return false
	}
	for _, c := range a {
		if !(c >= 'a' && c <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func stationAuditKey(peerID string, chain uuid.UUID, seq uint64) []byte {
	k := append([]byte(peerID), chain[:]...)
	return binary.BigEndian.AppendUint64(k, seq)
}

// maxAuditChains bounds the chains the county keeps per station: a file
// starts one per restore or copy, a few in a station's life.
const maxAuditChains = 256

// keepAudit stores, at the county, the entries of a station's log it did
// not hold, and moves the peer's AuditAck on to the highest number it
// received in each chain: a station sends its log from the county's last
// word on, in order, so a bundle that carries an entry carries all after
// that word up to it, and an entry missing below is one the station no
// longer has (the check shows the gap). An entry sent again with other
// content is not taken: the first copy stays, and an alarm says the
// station's log was rewritten.
func keepAudit(t *store.WriteTx, peer *PeerState, entries []store.AuditEntry, received map[string]uint64, skipped int, res *Result) error {
	if len(received) == 0 {
		return nil
	}
	b, err := t.SyncBucket(bucketStationAudit)
	if err != nil {
		return err
	}
	if peer.Audit == nil || peer.Audit.Have == nil {
		peer.Audit = &AuditAck{Have: map[string]uint64{}}
	}
	full := func(chain string) bool {
		_, known := peer.Audit.Have[chain]
		return !known && len(peer.Audit.Have) >= maxAuditChains
	}
	mismatched, broken := 0, 0
	for i := range entries {
		e := &entries[i]
		if full(e.Chain) {
			skipped++
			continue
		}
		k := stationAuditKey(peer.ID, uuid.MustParse(e.Chain), e.Seq)
		v, _ := json.Marshal(e)
		if old := b.Get(k); old != nil {
			if !bytes.Equal(old, v) {
				mismatched++
			}
			continue
		}
		if err := b.Put(k, v); err != nil {
			return err
		}
		res.AuditKept++
		broken += auditBreaks(b, peer, e)
	}
	for chain, seq := range received {
		if !full(chain) && seq > peer.Audit.Have[chain] {
			peer.Audit.Have[chain] = seq
		}
	}
	if mismatched > 0 {
		peer.AuditMismatch += mismatched
		res.auditAlarms = append(res.auditAlarms, "站点"+peer.Name+"（"+peer.Code+"）重新发来的 "+strconv.Itoa(mismatched)+
			" 条审计日志与县里已收到的不同：该站的审计日志被改动过。县里保留最先收到的内容")
	}
	if broken > 0 {
		peer.AuditBroken += broken
		res.auditAlarms = append(res.auditAlarms, "站点"+peer.Name+"（"+peer.Code+"）的审计日志有 "+strconv.Itoa(broken)+
			" 处断裂：条目在站点上被改动或删除过。详见控制台“审计日志 → 各站点的审计日志”")
	}
	if skipped > 0 {
		peer.AuditSkipped += skipped
		res.auditAlarms = append(res.auditAlarms, "站点"+peer.Name+"（"+peer.Code+"）发来的 "+strconv.Itoa(skipped)+
			" 条审计日志不是站点程序写出的样子，没有保存：该站的程序或数据文件可能被改动过")
	}
	return nil
}

// auditBreaks checks an entry the county just took against its own hash
// and the entry before it in its chain: 1 if the chain breaks there.
// (Links across chains, and entries still to come, are for the full check
// on the station's audit page.)
func auditBreaks(b kv.Bucket, peer *PeerState, e *store.AuditEntry) int {
	if e.ComputeHash() != e.Hash {
		return 1
	}
	if e.Seq == 1 {
		return 0
	}
	prev := b.Get(stationAuditKey(peer.ID, uuid.MustParse(e.Chain), e.Seq-1))
	if prev == nil {
		// Missing below the number the county had acknowledged before
		// this bundle: the station no longer had it to send.
		return 1
	}
	var p store.AuditEntry
	if json.Unmarshal(prev, &p) != nil || p.Hash != e.Prev {
		return 1
	}
	return 0
}

// StationAuditLog is, at the county, the audit log a station has sent, in
// chain and number order.
func StationAuditLog(s *store.Store, peerID string) ([]store.AuditEntry, error) {
	var out []store.AuditEntry
	err := s.ViewLog(func(r *store.Reader) error {
		b := r.SyncBucket(bucketStationAudit)
		if b == nil {
			return nil
		}
		return scanPrefix(b, []byte(peerID), func(v []byte) error {
			var e store.AuditEntry
			if json.Unmarshal(v, &e) != nil {
				e = store.AuditEntry{Action: "?", Hash: "unreadable"}
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

func scanPrefix(b kv.Bucket, prefix []byte, fn func(v []byte) error) error {
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != len(prefix)+24 {
			continue
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// StationAudit is, at the county, the audit log the station with this
// code has sent, and the station.
func (n *Node) StationAudit(code string) ([]store.AuditEntry, *PeerState, error) {
	p, err := n.StationByCode(code)
	if err != nil || p == nil {
		if err == nil {
			err = failf(CodeUnknownSender, "没有编码为 %s 的站点", code)
		}
		return nil, nil, err
	}
	entries, err := StationAuditLog(n.s, p.ID)
	return entries, p, err
}

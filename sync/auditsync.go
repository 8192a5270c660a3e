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
	// auditProgram is the first program version whose bundles may carry
	// Header.Audit: older stations refuse a header field they do not know.
	auditProgram = "0.2.0"
)

// CodeAuditInvalid refuses a bundle whose audit entries are not entries a
// station writes.
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
	list, err := r.StationAudit()
	if err != nil {
		return nil, err
	}
	var out []json.RawMessage
	for i := range list {
		e := &list[i]
		if e.Seq <= ack.Have[e.Chain] || e.Action == "?" {
			continue
		}
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		if out = append(out, b); len(out) == maxAuditPerBundle {
			break
		}
	}
	return out, nil
}

// auditBehind tells a station whether the county lacks some of its log.
func auditBehind(r *store.Reader, ack *AuditAck) bool {
	p, err := auditPending(r, ack)
	return err == nil && len(p) > 0
}

// checkAudit parses the entries a station sent and refuses the bundle if
// one is not an entry a station writes. Entries whose hash or link does
// not hold are kept: they are the evidence the console shows.
func checkAudit(peer *PeerState, raw []json.RawMessage) ([]store.AuditEntry, error) {
	bad := func(i int, why string) error {
		return failf(CodeAuditInvalid, "同步文件中第 %d 条审计日志不合规（%s），没有导入任何内容", i+1, why)
	}
	out := make([]store.AuditEntry, 0, len(raw))
	for i, b := range raw {
		var e store.AuditEntry
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, bad(i, "无法读取")
		}
		if _, err := uuid.Parse(e.Chain); err != nil {
			return nil, bad(i, "链编号")
		}
		if e.Seq == 0 || e.Seq > 1<<40 {
			return nil, bad(i, "序号")
		}
		if _, ok := store.StationAuditNames[e.Action]; !ok {
			return nil, bad(i, "操作类别")
		}
		if _, err := time.Parse(time.RFC3339, e.Time); err != nil {
			return nil, bad(i, "时间")
		}
		if e.Remote != "" || e.Scope != "" && e.Scope != peer.Code {
			return nil, bad(i, "来源")
		}
		for _, f := range []struct {
			s   string
			max int
		}{{e.User, 256}, {e.Role, 32}, {e.Target, 1024}, {e.Detail, 4096}} {
			if len(f.s) > f.max || !utf8.ValidString(f.s) || strings.IndexFunc(f.s, unicode.IsControl) >= 0 {
				return nil, bad(i, "内容过长或含控制字符")
			}
		}
		if !isHash(e.Hash) || e.Prev != "" && !isHash(e.Prev) {
			return nil, bad(i, "校验值")
		}
		out = append(out, e)
	}
	return out, nil
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

// keepAudit stores, at the county, the entries of a station's log it did
// not hold, and moves the peer's AuditAck on. An entry sent again with
// other content is not taken: the first copy stays, and the alarm says
// the station's log was rewritten.
func keepAudit(t *store.WriteTx, peer *PeerState, entries []store.AuditEntry, res *Result) error {
	if len(entries) == 0 {
		return nil
	}
	b, err := t.SyncBucket(bucketStationAudit)
	if err != nil {
		return err
	}
	if peer.Audit == nil || peer.Audit.Have == nil {
		peer.Audit = &AuditAck{Have: map[string]uint64{}}
	}
	mismatched := 0
	for i := range entries {
		e := &entries[i]
		chain := uuid.MustParse(e.Chain)
		k := stationAuditKey(peer.ID, chain, e.Seq)
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
		have := peer.Audit.Have[e.Chain]
		for b.Get(stationAuditKey(peer.ID, chain, have+1)) != nil {
			have++
		}
		peer.Audit.Have[e.Chain] = have
	}
	if mismatched > 0 {
		peer.AuditMismatch += mismatched
		res.Alarms = append(res.Alarms, "站点"+peer.Name+"（"+peer.Code+"）重新发来的 "+strconv.Itoa(mismatched)+
			" 条审计日志与县里已收到的不同：该站的审计日志被改动过。县里保留最先收到的内容")
	}
	return nil
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
	list, err := n.Stations()
	if err != nil {
		return nil, nil, err
	}
	for i := range list {
		if p := &list[i].PeerState; p.Code == code {
			entries, err := StationAuditLog(n.s, p.ID)
			return entries, p, err
		}
	}
	return nil, nil, failf(CodeUnknownSender, "没有编码为 %s 的站点", code)
}

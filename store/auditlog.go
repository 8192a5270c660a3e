package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// AuditEntry is one line of an append-only, hash-chained audit log: the
// county's own (store/audit) and each station's (this file). Each entry
// carries the hash of the one before it and its own hash over its content
// and that link, so editing an entry, deleting one or reordering them shows
// when the chain is checked.
type AuditEntry struct {
	Seq uint64 `json:"seq"`
	// Chain (station logs) is the origin the station wrote the entry
	// under. A file put back from a backup, or copied to another computer,
	// starts a new origin and with it a new chain, whose first entry links
	// to the last one the file held: numbers never repeat with other
	// content, and the county keeps every chain.
	Chain  string `json:"chain,omitempty"`
	Time   string `json:"time"` // RFC 3339 in China time
	User   string `json:"user"`
	Role   string `json:"role,omitempty"`
	Action string `json:"action"`
	Target string `json:"target,omitempty"` // a record id, form, station code or account
	Scope  string `json:"scope,omitempty"`  // the division the target belongs to
	Detail string `json:"detail,omitempty"`
	Remote string `json:"remote,omitempty"` // the client's address (console)
	Prev   string `json:"prev"`             // hash of the entry before ("" for the first)
	Hash   string `json:"hash"`
}

// ComputeHash is SHA-256 over the entry's JSON without its own hash: the
// link to the previous entry is inside what is hashed.
func (e *AuditEntry) ComputeHash() string {
	c := *e
	c.Hash = ""
	b, _ := json.Marshal(&c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// What a station's log records, as stable codes.
const (
	AuditLogin         = "login"
	AuditLoginFailed   = "login_failed"
	AuditLoginLocked   = "login_locked"
	AuditLogout        = "logout"
	AuditReveal        = "reveal"
	AuditPrint         = "print"
	AuditExport        = "export"
	AuditPolicy        = "policy"
	AuditEnrol         = "enrol"
	AuditResolve       = "resolve"
	AuditAccountAdd    = "account_add"
	AuditAccountEdit   = "account_edit"
	AuditAccountRemove = "account_remove"
	AuditPasswordSet   = "password_set"
	AuditRestore       = "restore"
	AuditProtect       = "protect"
	AuditRecover       = "recover"
	AuditRekey         = "rekey"
)

// StationAuditNames are a station log's actions in Chinese.
var StationAuditNames = map[string]string{
	AuditLogin: "登录", AuditLoginFailed: "登录失败", AuditLoginLocked: "账号锁定", AuditLogout: "退出或锁屏",
	AuditReveal: "查看完整信息", AuditPrint: "打印未遮盖的表格", AuditExport: "导出", AuditPolicy: "修改政策参数",
	AuditEnrol: "登记站点", AuditResolve: "处理并发修改", AuditAccountAdd: "新建操作员", AuditAccountEdit: "修改操作员角色",
	AuditAccountRemove: "删除操作员", AuditPasswordSet: "设置密码", AuditRestore: "从备份恢复", AuditProtect: "设置负责人并加密",
	AuditRecover: "用县里的恢复文件重设负责人", AuditRekey: "更换数据密钥",
}

// callerActions are what the window and the command line record through
// Store.Audit; the rest the store records itself, in the transaction of
// what they record.
var callerActions = map[string]bool{AuditLogout: true, AuditReveal: true, AuditPrint: true, AuditExport: true}

// bAudit holds a station's log: "head" and, per entry, its chain's 16
// bytes and its 8-byte big-endian number.
var (
	bAudit       = []byte("audit")
	auditHeadKey = []byte("head")
)

// auditHead is the last entry written.
type auditHead struct {
	Chain string `json:"chain"`
	Seq   uint64 `json:"seq"`
	Hash  string `json:"hash"`
}

func auditKey(chain uuid.UUID, seq uint64) []byte {
	return append(append([]byte(nil), chain[:]...), u64(seq)...)
}

// Limits on what one entry holds, in bytes: the station cuts what is
// longer, the county takes nothing longer (sync's check of a station's
// entries).
const (
	MaxAuditUserBytes   = 256
	MaxAuditFieldBytes  = 1024
	MaxAuditDetailBytes = 4096
)

// auditText keeps what a person typed (a reason, a file name) readable in
// a log: printable characters only, and at most max bytes, cut between
// characters.
func auditText(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if len(s) <= max {
		return s
	}
	const more = "…"
	cut := max - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}

// digitRuns are runs of digits (an ID number's last may be X).
var digitRuns = regexp.MustCompile(`[0-9０-９]+[Xx]?`)

// MaskDigits hides, in words a caller gives (a reveal's reason, a file
// name), what could be an ID, account or phone number: the log is read
// without the data key, and travels to the county.
func MaskDigits(s string) string {
	return digitRuns.ReplaceAllStringFunc(s, func(m string) string {
		n := utf8.RuneCountInString(m)
		// An ID number (18) or a bank account (15 or more); a mobile
		// (11, starting with 1). Division codes (6, 9, 12) stay.
		if n >= 15 || n == 11 && (m[0] == '1' || strings.HasPrefix(m, "１")) {
			return "[号码已隐去]"
		}
		return m
	})
}

// stationAudits tells whether this store keeps a station's log. A county
// server keeps its own (store/audit), through its console, and opens its
// file with a key file; a county-level file used at a window (the demo
// data set is one) has operators, and a log like any station's.
func (s *Store) stationAudits() bool {
	if s.readOnly {
		return false
	}
	if st := s.Station(); st == nil || st.Type != CountyType {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ring != nil && (s.keys == nil || s.keys.op != nil)
}

// appendAudit writes e, by the operator logged in (unless e names one), as
// the next entry of this file's chain inside tx.
func (s *Store) appendAudit(tx kv.Tx, e AuditEntry) error {
	if !s.stationAudits() {
		return nil
	}
	if e.User == "" {
		if op := s.CurrentOperator(); op != nil {
			e.User, e.Role = op.Name, string(op.Role)
		} else {
			e.User = "未登录"
		}
	}
	e.User = auditText(e.User, MaxAuditUserBytes)
	e.Target = auditText(e.Target, MaxAuditFieldBytes)
	e.Detail = auditText(e.Detail, MaxAuditDetailBytes)
	if e.Scope == "" {
		if st := s.Station(); st != nil {
			e.Scope = st.Code
		}
	}
	b, err := tx.CreateBucketIfNotExists(bAudit)
	if err != nil {
		return err
	}
	var h auditHead
	if v := b.Get(auditHeadKey); v != nil {
		if err := json.Unmarshal(v, &h); err != nil {
			return &Error{Code: CodeCorrupt, Message: "审计日志的末尾标记已损坏"}
		}
	}
	origin := uuid.UUID(s.Origin())
	e.Chain, e.Prev = origin.String(), h.Hash
	if h.Chain == e.Chain {
		e.Seq = h.Seq + 1
	} else {
		e.Seq = 1
	}
	if e.Time == "" {
		e.Time = s.now().In(ChinaTZ).Format(time.RFC3339)
	}
	e.Hash = e.ComputeHash()
	v, _ := json.Marshal(&e)
	if err := b.Put(auditKey(origin, e.Seq), v); err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	hv, _ := json.Marshal(auditHead{Chain: e.Chain, Seq: e.Seq, Hash: e.Hash})
	return b.Put(auditHeadKey, hv)
}

// Audit records, in a transaction of its own, what the window or the
// command line did with personal data: a reveal (with the reason given),
// an unmasked print, an export, a logout. The entry names the operator
// logged in; it cannot be written for anyone else.
func (s *Store) Audit(action, target, detail string) error {
	if !callerActions[action] {
		return &Error{Code: CodeBadRequest, Message: "审计日志不接受这一类记录：" + action}
	}
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能记入审计日志"}
	}
	if s.Protected() && !s.Unlocked() {
		return errLocked
	}
	return s.auditAlone(AuditEntry{Action: action, Target: target, Detail: MaskDigits(detail)})
}

// auditAlone records what happened outside any other write (a login
// attempt with an unknown name).
func (s *Store) auditAlone(e AuditEntry) error {
	if !s.stationAudits() {
		return nil
	}
	return ioError("audit", s.db.Update(func(tx kv.Tx) error { return s.appendAudit(tx, e) }))
}

// resolved records a conflict's resolution (or its undoing) inside the
// write that does it, naming the field as screens do.
func (w *writeTx) resolved(id uuid.UUID, field, what string) error {
	label := field
	if rec, err := w.Load(id); err == nil && rec != nil {
		label = FieldLabel(rec.Kind, field)
	}
	return w.s.appendAudit(w.KV, AuditEntry{Action: AuditResolve, Target: id.String(), Detail: fmt.Sprintf(what, label)})
}

// Enrolled records, inside the enrolment's own transaction, that this file
// was enrolled as a station.
func (t *WriteTx) Enrolled(station, detail string) error {
	return t.w.s.appendAudit(t.w.KV, AuditEntry{Action: AuditEnrol, Target: station, Scope: station, Detail: detail})
}

// AuditLog is the station's log, oldest first, for a 负责人 to read.
func (s *Store) AuditLog() ([]AuditEntry, error) {
	if err := s.Require(PermAudit); err != nil {
		return nil, err
	}
	return s.StationAudit()
}

// StationAudit reads a station log's entries, oldest first, from a store
// that need not be unlocked (the log holds no personal data).
func (s *Store) StationAudit() ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.db.View(func(tx kv.Tx) error {
		var err error
		out, err = readAudit(tx.Bucket(bAudit))
		return err
	})
	return out, ioError("read audit", err)
}

// StationAudit reads this station's log inside a read.
func (r *Reader) StationAudit() ([]AuditEntry, error) { return readAudit(r.KV().Bucket(bAudit)) }

// EachStationAuditAfter calls fn with each entry of this station's log
// above have[chain] (the county's last word), as stored, chain by chain,
// until fn returns false. It seeks past what the county holds rather than
// reading the whole log: a sync pays for what it sends.
func (r *Reader) EachStationAuditAfter(have map[string]uint64, fn func(stored []byte) bool) error {
	b := r.KV().Bucket(bAudit)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; {
		if len(k) != 24 {
			k, v = c.Next()
			continue
		}
		chain := uuid.UUID(k[:16])
		if from := auditKey(chain, have[chain.String()]+1); bytes.Compare(k, from) < 0 {
			k, v = c.Seek(from)
			continue
		}
		// An entry that no longer reads is not sent: the station's own
		// check shows it, and the county sees the gap.
		if json.Valid(v) && !fn(v) {
			return nil
		}
		k, v = c.Next()
	}
	return nil
}

// readAudit returns every entry of a station log, in key order (chain by
// chain, oldest chain first: origins are UUIDv7). An entry that does not
// parse comes back with only its place filled in, for Verify to report.
func readAudit(b kv.Bucket) ([]AuditEntry, error) {
	var out []AuditEntry
	if b == nil {
		return nil, nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if bytes.Equal(k, auditHeadKey) {
			continue
		}
		var e AuditEntry
		if len(k) != 24 || json.Unmarshal(v, &e) != nil {
			e = AuditEntry{Action: "?", Hash: "unreadable"}
			if len(k) == 24 {
				e.Chain, e.Seq = uuid.UUID(k[:16]).String(), beU64(k[16:])
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func beU64(b []byte) uint64 {
	var v uint64
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v
}

// VerifyStationAudit checks this station's log: every chain whole, linked
// to the one before it, and the head on the last entry.
func (s *Store) VerifyStationAudit() (*AuditReport, error) {
	var rep *AuditReport
	err := s.db.View(func(tx kv.Tx) error {
		b := tx.Bucket(bAudit)
		entries, err := readAudit(b)
		if err != nil {
			return err
		}
		rep = VerifyAuditChains(entries)
		if b == nil {
			return nil
		}
		var h auditHead
		if v := b.Get(auditHeadKey); v != nil && json.Unmarshal(v, &h) != nil {
			rep.Problems = append(rep.Problems, AuditProblem{Message: "日志末尾标记已损坏"})
		}
		last, ok := lastOfChain(entries, h.Chain)
		switch {
		case h.Chain == "" && len(entries) > 0:
			rep.Problems = append(rep.Problems, AuditProblem{Message: "日志末尾标记缺失"})
		case h.Chain != "" && (!ok || last.Seq != h.Seq || last.Hash != h.Hash):
			if ok && last.Seq < h.Seq {
				rep.Problems = append(rep.Problems, AuditProblem{Chain: h.Chain, Seq: last.Seq + 1, Message: fmt.Sprintf("第 %d 至 %d 条缺失（末尾被删除）", last.Seq+1, h.Seq)})
			} else {
				rep.Problems = append(rep.Problems, AuditProblem{Chain: h.Chain, Seq: h.Seq, Message: "日志末尾标记与最后一条不符"})
			}
		}
		rep.Head = h.Hash
		return nil
	})
	return rep, ioError("verify audit", err)
}

func lastOfChain(entries []AuditEntry, chain string) (AuditEntry, bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Chain == chain {
			return entries[i], true
		}
	}
	return AuditEntry{}, false
}

type kvPair struct{ k, v []byte }

// rawAudit copies the log as it is stored, head included.
func (s *Store) rawAudit() ([]kvPair, error) {
	var out []kvPair
	err := s.db.View(func(tx kv.Tx) error {
		b := tx.Bucket(bAudit)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			out = append(out, kvPair{append([]byte(nil), k...), append([]byte(nil), v...)})
			return nil
		})
	})
	return out, err
}

// restoreAudit, on a file just put back from a backup, brings back the
// entries of the log the replaced file held (the backup's are a part of
// them, or stay beside them) and its head, then records the restore: the
// restored file's new chain continues from the replaced file's last
// entry.
func (s *Store) restoreAudit(kept []kvPair, by, detail string) error {
	return ioError("audit", s.db.Update(func(tx kv.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bAudit)
		if err != nil {
			return err
		}
		var head []byte
		for _, p := range kept {
			if bytes.Equal(p.k, auditHeadKey) {
				head = p.v
				continue
			}
			if len(p.k) == 24 && b.Get(p.k) == nil {
				if err := b.Put(p.k, p.v); err != nil {
					return err
				}
			}
		}
		if head != nil {
			if err := b.Put(auditHeadKey, head); err != nil {
				return err
			}
		}
		e := AuditEntry{User: by, Action: AuditRestore, Detail: detail}
		if by != "" {
			e.Role = string(RoleHead) // restoring takes a 负责人 (PermRestore)
		}
		return s.appendAudit(tx, e)
	}))
}

// Package audit keeps the append-only, hash-chained log of what people did
// with personal data and with the system: logins (and failed ones), reveals
// of masked identifiers, exports, approvals, enrolments and revocations,
// account changes.
//
// Each entry carries the hash of the one before it and its own hash over
// its content and that link, so editing an entry, deleting one from the
// middle or reordering them shows when the chain is checked. The head (the
// last entry's number and hash) is kept apart; an entry removed from the
// end shows as a head that points past the last entry. Someone who can
// rewrite the whole database can rewrite the whole chain: the county's
// daily copies, and the head printed to the server's log every day, are
// what let a later check compare.
//
// Entries live in the store's own database (a bucket of the bbolt file, or
// a table of the PostgreSQL database), written in the same transaction as
// what they record where there is one (an approval and its entry commit
// together), and are never pruned: the law asks for 180 days at least.
package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/kv"
)

// Bucket holds the entries, keyed by their 8-byte big-endian number.
const Bucket = "sync_audit"

var headKey = []byte("head")

// Actions, as stable codes (the console shows them in Chinese); those a
// station's log shares are the same codes.
const (
	Login        = store.AuditLogin
	LoginFailed  = store.AuditLoginFailed
	LoginLocked  = store.AuditLoginLocked
	Logout       = store.AuditLogout
	Reveal       = store.AuditReveal
	Export       = store.AuditExport
	Approve      = "approve"
	Resolve      = store.AuditResolve
	Enrol        = store.AuditEnrol
	Revoke       = "revoke"
	AccountAdd   = store.AuditAccountAdd
	AccountEdit  = store.AuditAccountEdit
	PasswordSet  = store.AuditPasswordSet
	AuditExport  = "audit_export"
	ChainChecked = "chain_checked"
	Denied       = "denied"
	// RecoveryIssue: a recovery file issued for a station.
	RecoveryIssue = "recovery_issue"
)

// Names are the actions in Chinese.
var Names = map[string]string{
	Denied: "拒绝访问", Login: "登录", LoginFailed: "登录失败", LoginLocked: "账号锁定", Logout: "退出登录",
	Reveal: "查看完整信息", Export: "导出", Approve: "审批", Resolve: "处理并发修改",
	Enrol: "登记站点", Revoke: "吊销站点", AccountAdd: "新建账号", AccountEdit: "修改账号",
	PasswordSet: "设置密码", AuditExport: "导出审计日志", ChainChecked: "校验审计日志",
	RecoveryIssue: "签发恢复文件",
}

// Entry is one line of the log (the county's entries leave Chain empty).
type Entry = store.AuditEntry

// Head is the last entry's number and hash.
type Head struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

func key(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

// Append adds e (its Seq, Time if empty, Prev and Hash are filled in) to the
// log inside the write transaction b belongs to.
func Append(b kv.Bucket, e Entry, now time.Time) (Entry, error) {
	var h Head
	if v := b.Get(headKey); v != nil {
		if err := json.Unmarshal(v, &h); err != nil {
			return Entry{}, fmt.Errorf("audit head: %w", err)
		}
	}
	e.Seq, e.Prev = h.Seq+1, h.Hash
	if e.Time == "" {
		e.Time = now.In(store.ChinaTZ).Format(time.RFC3339)
	}
	e.Hash = e.ComputeHash()
	v, err := json.Marshal(&e)
	if err != nil {
		return Entry{}, err
	}
	if err := b.Put(key(e.Seq), v); err != nil {
		return Entry{}, fmt.Errorf("audit append: %w", err)
	}
	hb, _ := json.Marshal(Head{Seq: e.Seq, Hash: e.Hash})
	if err := b.Put(headKey, hb); err != nil {
		return Entry{}, fmt.Errorf("audit head: %w", err)
	}
	return e, nil
}

// Log is the audit log of a store.
type Log struct {
	s   *store.Store
	now func() time.Time
}

// Open returns the log of s.
func Open(s *store.Store) *Log { return &Log{s: s, now: time.Now} }

// Add appends an entry in a transaction of its own. It does not wait for
// changes received from stations to be built: the log is apart from them.
func (l *Log) Add(e Entry) (Entry, error) {
	var out Entry
	err := l.s.UpdateLog(func(t *store.WriteTx) error {
		b, err := t.SyncBucket(Bucket)
		if err != nil {
			return err
		}
		out, err = Append(b, e, l.now())
		return err
	})
	return out, err
}

// AddIn appends an entry inside a batch, so that the entry and what it
// records commit together or not at all.
func AddIn(b *store.Batch, e Entry) (Entry, error) {
	bk, err := b.SyncBucket(Bucket)
	if err != nil {
		return Entry{}, err
	}
	return Append(bk, e, time.Now())
}

// Head reads the log's head: the server writes it to its own log every
// day, so a later rewrite of the whole chain can be compared with it.
func (l *Log) Head() (Head, error) {
	var h Head
	err := l.s.ViewLog(func(r *store.Reader) error {
		if b := r.SyncBucket(Bucket); b != nil {
			if v := b.Get(headKey); v != nil {
				return json.Unmarshal(v, &h)
			}
		}
		return nil
	})
	return h, err
}

// Filter selects entries.
type Filter struct {
	From, To string // dates YYYY-MM-DD, inclusive; "" = open
	User     string
	Action   string
	Target   string
	Limit    int // newest first; 0 = all
}

func (f Filter) keep(e *Entry) bool {
	day := e.Time
	if len(day) >= 10 {
		day = day[:10]
	}
	return (f.From == "" || day >= f.From) && (f.To == "" || day <= f.To) &&
		(f.User == "" || e.User == f.User) && (f.Action == "" || e.Action == f.Action) &&
		(f.Target == "" || e.Target == f.Target)
}

// List returns the entries f selects, newest first.
func (l *Log) List(f Filter) ([]Entry, error) {
	var out []Entry
	err := l.s.ViewLog(func(r *store.Reader) error {
		b := r.SyncBucket(Bucket)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			if len(k) != 8 {
				continue
			}
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("audit entry %x: %w", k, err)
			}
			if f.keep(&e) {
				out = append(out, e)
				if f.Limit > 0 && len(out) >= f.Limit {
					break
				}
			}
		}
		return nil
	})
	return out, err
}

// Problem is where the chain breaks.
type Problem = store.AuditProblem

// Report is the result of checking the chain.
type Report = store.AuditReport

// Verify walks the whole chain: numbers without gaps, each entry's hash
// over its content, each link to the entry before, and the head.
func (l *Log) Verify() (*Report, error) {
	rep := &Report{}
	err := l.s.ViewLog(func(r *store.Reader) error {
		b := r.SyncBucket(Bucket)
		if b == nil {
			return nil
		}
		var h Head
		if v := b.Get(headKey); v != nil {
			if err := json.Unmarshal(v, &h); err != nil {
				rep.Problems = append(rep.Problems, Problem{Message: "日志末尾标记已损坏"})
			}
		}
		var prev string
		var want uint64 = 1
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if bytes.Equal(k, headKey) {
				continue
			}
			if len(k) != 8 {
				rep.Problems = append(rep.Problems, Problem{Message: fmt.Sprintf("日志中有不属于它的条目 %q", k)})
				continue
			}
			seq := binary.BigEndian.Uint64(k)
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				rep.Problems = append(rep.Problems, Problem{Seq: seq, Message: "条目已损坏，无法读取"})
				want, prev = seq+1, ""
				continue
			}
			if seq != want {
				rep.Problems = append(rep.Problems, Problem{Seq: seq, Message: fmt.Sprintf("第 %d 至 %d 条缺失（被删除）", want, seq-1)})
			}
			if e.Seq != seq {
				rep.Problems = append(rep.Problems, Problem{Seq: seq, Message: "条目编号被改动"})
			}
			if e.ComputeHash() != e.Hash {
				rep.Problems = append(rep.Problems, Problem{Seq: seq, Message: "条目内容被改动（与其校验值不符）"})
			} else if seq == want && e.Prev != prev {
				rep.Problems = append(rep.Problems, Problem{Seq: seq, Message: "与前一条的链接不符（前一条被改动或替换）"})
			}
			rep.Entries++
			want, prev = seq+1, e.Hash
		}
		if h.Seq != want-1 || h.Hash != prev {
			if h.Seq > want-1 {
				rep.Problems = append(rep.Problems, Problem{Seq: want, Message: fmt.Sprintf("第 %d 至 %d 条缺失（末尾被删除）", want, h.Seq)})
			} else {
				rep.Problems = append(rep.Problems, Problem{Seq: want - 1, Message: "日志末尾标记与最后一条不符"})
			}
		}
		rep.Head = h.Hash
		return nil
	})
	return rep, err
}

package sync

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Outgoing builds the bundles for a peer: every entry above what the peer
// last acknowledged, in bundles of about Limits.TargetBody. maxBundles bounds
// how many are built (0: as many as the backlog needs). The last one has
// More unset.
func (n *Node) Outgoing(peerID string, maxBundles int) ([][]byte, error) {
	return n.outgoing(peerID, maxBundles, nil)
}

// outgoing is Outgoing with an HTTPS offer in every bundle's header.
func (n *Node) outgoing(peerID string, maxBundles int, offer *TLSOffer) ([][]byte, error) {
	var out [][]byte
	n.ensureRecovery()
	// The relay reads the log and the relay index, which a county's
	// imports keep current: it need not wait for their states.
	err := n.s.ViewLog(func(r *store.Reader) error {
		peer, err := peerIn(r, peerID)
		if err != nil {
			return err
		}
		if peer == nil {
			return failf(CodeUnknownSender, "不认识的对方：%s", peerID)
		}
		if peer.Revoked {
			return fail(CodeRevoked, "该站点的凭证已被吊销，不再向其发送数据")
		}
		have, err := r.Have()
		if err != nil {
			return err
		}
		assumed, err := mapToVV(peer.Acked)
		if err != nil {
			return fmt.Errorf("peer %s: %w", peerID, err)
		}
		sent := assumed.Clone()
		mine := n.ownOrigins(r)
		for {
			h, entries, more, err := n.collect(r, peer, have, sent, mine)
			if err != nil {
				return err
			}
			if n.role == RoleStation && len(out) == 0 {
				if entries.Audit, err = auditPending(r, peer.Audit); err != nil {
					return err
				}
				if peer.Audit != nil {
					h.Recovery = n.s.RecoverySealed()
				}
			} else if n.role != RoleStation && programAtLeast(peer.Program, auditProgram) {
				h.Audit = &AuditAck{Have: map[string]uint64{}}
				if peer.Audit != nil && peer.Audit.Have != nil {
					h.Audit.Have = peer.Audit.Have
				}
			}
			h.Assumes = peer.Acked
			h.AckBundle = peer.LastIn
			h.Forks = peer.Forked
			h.TLS = offer
			if n.role == RoleStation {
				h.Program = Program
			}
			b, err := seal(h, entries, n.me, peer.Keys)
			if err != nil {
				return err
			}
			out = append(out, b)
			for _, rg := range h.Ranges {
				o, _ := store.ParseOrigin(rg.Origin)
				sent.Raise(o, rg.To)
			}
			if !more || maxBundles > 0 && len(out) >= maxBundles {
				return nil
			}
		}
	})
	if err == nil && n.role == RoleStation {
		err = n.noteSent(out)
	}
	return out, err
}

// keepSent is how many bundle ids a station remembers having made.
const keepSent = 500

// noteSent remembers, at a station, the ids of the bundles it made. A
// county bundle acknowledging a bundle this file never made means the file
// was put back from an older copy (see recordReceipt).
func (n *Node) noteSent(bundles [][]byte) error {
	return n.s.Update(func(t *store.WriteTx) error {
		b, err := t.SyncBucket(bucketSent)
		if err != nil {
			return err
		}
		now := []byte(n.now().UTC().Format(time.RFC3339))
		for _, raw := range bundles {
			if env, err := parseEnvelope(raw, n.limits); err == nil {
				if err := b.Put([]byte(env.h.ID), now); err != nil {
					return err
				}
			}
		}
		// Ids are UUIDv7: the first keys are the oldest.
		var keys [][]byte
		_ = b.ForEach(func(k, _ []byte) error {
			keys = append(keys, append([]byte(nil), k...))
			return nil
		})
		for _, k := range keys[:max(0, len(keys)-keepSent)] {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// ownOrigins are, at a station, the origins whose identity record names
// this station: a station sends the county only what it wrote itself (the
// rest the county already has from its authors). At the county: nil, all.
func (n *Node) ownOrigins(r *store.Reader) map[store.OriginID]bool {
	if n.role != RoleStation {
		return nil
	}
	st := n.s.Station()
	if st == nil {
		return map[store.OriginID]bool{}
	}
	return originsOf(r, st.Code)
}

// originsOf are the origins held whose identity record names the station
// code.
func originsOf(r *store.Reader, code string) map[store.OriginID]bool {
	mine := map[store.OriginID]bool{}
	have, _ := r.Have()
	for _, d := range have {
		e, err := r.Live(uuid.UUID(d.Origin), store.KindOrigin)
		if err == nil && e != nil && e.(*store.Origin).StationCode == code {
			mine[d.Origin] = true
		}
	}
	return mine
}

// importLockWait bounds how long an import waits for another import of the
// same station to finish.
const importLockWait = 20 * time.Second

// errFull stops collecting when a bundle has reached its target size.
var errFull = errors.New("bundle full")

// collect gathers one bundle's entries above sent, up to the target size.
func (n *Node) collect(r *store.Reader, peer *PeerState, have, sent store.VV, mine map[store.OriginID]bool) (*Header, *Entries, bool, error) {
	h := &Header{
		ID:      uuid.Must(uuid.NewV7()).String(),
		From:    n.me.ID,
		To:      peer.ID,
		Created: n.now().UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Have:    vvToMap(have),
	}
	e := &Entries{}
	size := 0
	more := false
	// The county reads a station's scope from its relay index: the cost is
	// the station's own backlog, not everything logged since.
	var rel *store.Relay
	if peer.Scope != "" {
		var err error
		if rel, _, err = r.RelayFor(peer.Scope); err != nil {
			return nil, nil, false, err
		}
	}
	eachLogged := func(o store.OriginID, after, upto uint64, fn func(store.LogEntry) error) error {
		if rel != nil {
			return r.EachRelayed(rel, o, after, upto, fn)
		}
		return r.EachLogged(o, after, upto, fn)
	}
	for _, d := range have {
		o := d.Origin
		from := sent.Get(o)
		if from >= d.Seq || mine != nil && !mine[o] {
			continue
		}
		if size >= n.limits.TargetBody {
			more = true
			break
		}
		if mine != nil && from >= 1 {
			// The county binds an origin to the station that introduces it;
			// repeating the introduction lets the parts of a backlog be
			// imported in any order.
			err := r.EachLogged(o, 0, 1, func(le store.LogEntry) error {
				if le.Change != nil {
					e.Changes = append(e.Changes, le.Change)
					h.Ranges = append(h.Ranges, Range{Origin: o.String(), From: 1, To: 1})
				}
				return nil
			})
			if err != nil {
				return nil, nil, false, err
			}
		}
		rg := Range{Origin: o.String(), From: from + 1, To: from}
		var skip *store.Skip
		flushSkip := func() {
			if skip != nil {
				e.Skips = append(e.Skips, *skip)
				skip = nil
			}
		}
		addSkip := func(a, b uint64) {
			if skip != nil && skip.To+1 == a {
				skip.To = b
				return
			}
			flushSkip()
			skip = &store.Skip{Origin: o, From: a, To: b}
			size += 8
		}
		err := eachLogged(o, from, d.Seq, func(le store.LogEntry) error {
			if size >= n.limits.TargetBody {
				more = true
				return errFull
			}
			switch {
			case le.Skip != nil:
				// Skips are passed on only to stations below us; the
				// county needs none.
				if n.role == RoleCounty {
					addSkip(le.Skip.From, le.Skip.To)
				}
				rg.To = le.Skip.To
			case peer.Scope == "" || ident.ScopeCovers(peer.Scope, le.Change.Scope):
				flushSkip()
				e.Changes = append(e.Changes, le.Change)
				size += len(store.EncodeChange(le.Change))
				rg.To = le.Change.Seq
			default:
				addSkip(le.Change.Seq, le.Change.Seq)
				rg.To = le.Change.Seq
			}
			return nil
		})
		if err != nil && err != errFull {
			return nil, nil, false, err
		}
		flushSkip()
		if rg.To >= rg.From {
			h.Ranges = append(h.Ranges, rg)
		}
		if more {
			break
		}
	}
	scope := peer.Scope
	if n.role == RoleStation {
		scope = n.scope
	}
	// Checksums of states not yet built would not stand for the log the
	// bundle does: leave them to an exchange after the county has built.
	lagging := r.Lagging()
	if lagging && rel != nil {
		var err error
		if lagging, err = r.LaggingFor(rel); err != nil {
			return nil, nil, false, err
		}
	}
	var sums map[string][]byte
	if !lagging {
		sums = r.ScopeSums(r.ScopesUnder(scope))
	}
	if len(sums) > 0 {
		h.Sums = map[string]string{}
		for k, v := range sums {
			h.Sums[k] = hex.EncodeToString(v)
		}
	}
	h.More = more
	return h, e, more, nil
}

// Conflict names a field left for review by an import.
type ConflictRef struct {
	Record string     `json:"record"`
	Kind   store.Kind `json:"kind"`
	Field  string     `json:"field"`
}

// Result is what an import did.
type Result struct {
	// movedTo is the HTTPS address this station took from the county's
	// offer in this bundle (Sync uses it from then on).
	movedTo   *TLSOffer
	BundleID  string        `json:"bundle"`
	From      string        `json:"from"`
	FromName  string        `json:"from_name"`
	Replayed  bool          `json:"replayed"` // this bundle had been imported before
	Entries   int           `json:"entries"`
	Applied   int           `json:"applied"`
	Duplicate int           `json:"duplicate"`
	Queued    int           `json:"queued"` // waiting for an earlier bundle
	Released  int           `json:"released"`
	Skipped   int           `json:"skipped"`
	Refused   int           `json:"refused"` // same origin and number, other content: alarm raised
	More      bool          `json:"more"`
	Conflicts []ConflictRef `json:"conflicts,omitempty"`
	// ChecksumsMatch is set when both sides held the same changes and the
	// per-scope checksums were compared.
	ChecksumsMatch *bool    `json:"checksums_match,omitempty"`
	Warnings       []string `json:"warnings,omitempty"`
	// Alarms are what a person must know and act on (a station found
	// restored from an old copy, checksums that disagree): each is also
	// kept in the store until seen, and a command that meets one ends
	// with a non-zero status.
	Alarms []string `json:"alarms,omitempty"`
	// Repaired: the station moved reused sequence numbers to a new origin;
	// another exchange sends them.
	Repaired bool `json:"repaired,omitempty"`
	// AuditKept (county) counts the station's audit log entries taken.
	AuditKept int `json:"audit_kept,omitempty"`

	// audit (county) is the station's log entries this bundle carries;
	// auditBehind (station), that the county still lacks some of the
	// station's log after this exchange.
	audit         []store.AuditEntry
	auditReceived map[string]uint64
	auditSkipped  int
	auditAlarms   []string // raised with the others (afterImport)
	auditBehind   bool
	auditHeld     uint64 // (station) entries the county says it holds

	// forked (at the county): the sender's origins whose content from the
	// given number on differs from the county's.
	forked map[store.OriginID]uint64
}

// Summary says in plain words what came in.
func (r *Result) Summary() string {
	var b strings.Builder
	if r.Replayed {
		b.WriteString("此文件以前已导入过，")
	}
	fmt.Fprintf(&b, "收到%d条：新增%d条", r.Entries, r.Applied)
	if r.Duplicate > 0 {
		fmt.Fprintf(&b, "，已有%d条", r.Duplicate)
	}
	if r.Queued > 0 {
		fmt.Fprintf(&b, "，%d条等待更早的同步文件", r.Queued)
	}
	if len(r.Conflicts) > 0 {
		fmt.Fprintf(&b, "，%d处并发修改待审核", len(r.Conflicts))
	}
	if r.Refused > 0 {
		fmt.Fprintf(&b, "，%d条内容冲突已拒绝", r.Refused)
	}
	return b.String()
}

// Import checks and applies a bundle: size, header, recipient, the sender's
// key and the signature come first; then the body is decrypted,
// decompressed within the limit and decoded; then every change is checked
// against the sender's scope; only then is anything written, in chunks.
// Importing the same bundle again, or bundles out of order, is safe.
func (n *Node) Import(b []byte) (*Result, error) {
	return n.ImportWith(context.Background(), b, nil)
}

// ImportWith is Import that reports how many entries have been written
// after each chunk and stops between chunks when ctx is cancelled. What was
// written stays written and counts: the next import of the same bundle
// carries on from there.
func (n *Node) ImportWith(ctx context.Context, b []byte, progress func(done, total int)) (*Result, error) {
	env, err := parseEnvelope(b, n.limits)
	if err != nil {
		return nil, err
	}
	h := env.h
	if h.To != n.me.ID {
		return nil, fail(CodeWrongTo, "这个同步文件是发给其他站点的，不是本站，没有导入")
	}
	peer, err := n.Peer(h.From)
	if err != nil {
		return nil, err
	}
	if peer == nil || n.role == RoleStation && h.From != n.CountyID() {
		return nil, fail(CodeUnknownSender, "同步文件来自未登记的站点，没有导入")
	}
	if peer.Revoked {
		return nil, fail(CodeRevoked, "发送方站点的凭证已被吊销，没有导入")
	}
	if err := env.verify(peer.Keys); err != nil {
		return nil, err
	}
	// One import per sender at a time, across every server process of the
	// county: a retry that reaches another process waits a while for the
	// first, then is told to come back (it holds an import slot meanwhile).
	lctx, cancel := context.WithTimeout(ctx, importLockWait)
	unlock, err := n.s.Serialize(lctx, "import "+h.From)
	cancel()
	if err != nil {
		if lctx.Err() != nil {
			return nil, fail(CodeServer, "本站的上一次同步还在县级中心处理中，请稍后再同步")
		}
		return nil, err
	}
	defer unlock()
	// What the sender's last import left (or a revocation meanwhile).
	if peer, err = n.Peer(h.From); err != nil {
		return nil, err
	}
	if peer == nil || peer.Revoked {
		return nil, fail(CodeRevoked, "发送方站点的凭证已被吊销，没有导入")
	}
	entries, err := env.open(n.me, n.limits)
	if err != nil {
		return nil, err
	}
	if err := n.checkContexts(peer, h, entries); err != nil {
		return nil, err
	}
	res := &Result{BundleID: h.ID, From: h.From, FromName: peer.Name, Entries: entries.Len(), More: h.More}
	if n.role == RoleStation && len(entries.Audit) > 0 {
		return nil, fail(CodeAuditInvalid, "县级中心发来的同步文件里有审计日志条目，这不合规，没有导入")
	}
	res.audit, res.auditReceived, res.auditSkipped = checkAudit(peer, entries.Audit)
	if n.role != RoleStation {
		// Set aside what a restored station sent under reused numbers
		// before anything else looks at it.
		if res.forked, err = n.setAsideForks(peer, entries); err != nil {
			return nil, err
		}
		for o, d := range res.forked {
			if peer.Forked[o.String()] != d {
				res.Alarms = append(res.Alarms, fmt.Sprintf("站点%s（%s）发来的数据从编号%d起与县里已有的不同：该站的数据文件曾从旧备份恢复。这部分没有导入；该站下次同步时会自动改用新的来源编号重新提交", peer.Name, peer.Code, d))
			}
		}
	}
	bindings, err := n.checkEntries(peer, entries)
	if err != nil {
		return nil, err
	}
	if n.role == RoleStation {
		if err := n.recoverFromRestore(h, res); err != nil {
			return nil, err
		}
	}
	conflicted := map[uuid.UUID]bool{}
	if err := n.apply(ctx, peer, h, entries, bindings, res, conflicted, progress); err != nil {
		return res, err
	}
	n.afterImport(h, conflicted, res)
	return res, nil
}

// checkEntries enforces what a sender may send. The county accepts from a
// station only changes of the station's scope and of the station's own
// origins; a station accepts from the county only changes of its scope.
// It returns the origins to bind to the sending station.
func (n *Node) checkEntries(peer *PeerState, e *Entries) (map[store.OriginID]bool, error) {
	if n.role == RoleStation {
		for _, c := range e.Changes {
			if !ident.ScopeCovers(n.scope, c.Scope) {
				return nil, failf(CodeScope, "县级中心发来了不属于本站范围（%s）的数据，没有导入", n.scope)
			}
		}
		return nil, nil
	}
	if len(e.Skips) > 0 {
		return nil, fail(CodeCorrupt, "站点不应发送跳过标记，同步文件无效")
	}
	bind := map[store.OriginID]bool{}
	owners := map[store.OriginID]string{}
	// Changes held already are duplicates (or reuse a number with other
	// content, which the apply refuses): only the new ones are checked
	// against the records they change (which must be built) and the
	// scope of the parents those name (which the log tells); the rest of a
	// county's backlog need not be built (ViewRecords).
	var held store.VV
	err := n.s.ViewLog(func(r *store.Reader) error {
		var err error
		held, err = r.Have()
		return err
	})
	if err != nil {
		return nil, err
	}
	fresh := func(c *store.Change) bool { return c.Seq > held.Get(c.Origin) }
	var ids, parents []uuid.UUID
	for _, c := range e.Changes {
		if fresh(c) {
			ids = append(ids, c.Record)
			parents = append(parents, store.ParentsOf(c)...)
		}
	}
	err = n.s.ViewRecords(peer.Scope, ids, parents, func(r *store.Reader) error {
		r.Prefetch(ids)
		b := r.SyncBucket(bucketOrigins)
		for _, c := range e.Changes {
			if !strings.HasPrefix(c.Scope, peer.Scope) {
				return failf(CodeScope, "站点%s发来了不属于其管辖范围（%s）的数据，没有导入", peer.Code, peer.Scope)
			}
			// A record keeps the scope and kind it was created with: a
			// change naming a known record under another scope would move
			// it out of another station's reach.
			if fresh(c) {
				if st, err := r.State(c.Record); err == nil && st != nil && (st.Scope != c.Scope || st.Kind != c.Kind) {
					return failf(CodeScope, "站点%s发来的变更与已有记录的所属范围或类型不符，没有导入", peer.Code)
				}
			}
			if _, ok := owners[c.Origin]; ok {
				continue
			}
			owner := ""
			if b != nil {
				owner = string(b.Get(c.Origin[:]))
			}
			owners[c.Origin] = owner
			if owner == "" {
				// A new origin must introduce itself as this station.
				if !originNames(r, e, c.Origin, peer.Code) {
					return failf(CodeOrigin, "站点%s发来的数据来源未登记，没有导入", peer.Code)
				}
				bind[c.Origin] = true
			} else if owner != peer.ID {
				return failf(CodeOrigin, "站点%s发来了其他站点的数据，没有导入", peer.Code)
			}
		}
		valid := r.NewIncomingCheck(peer.Scope)
		for _, c := range e.Changes {
			if !fresh(c) {
				continue
			}
			if err := valid.Check(c); err != nil {
				return failf(CodeInvalid, "%s发来的数据不符合规则，整个同步文件没有导入：%s", peer.Name, store.MessageOf(err))
			}
		}
		return nil
	})
	return bind, err
}

// checkContexts refuses a bundle whose changes claim to have seen versions
// their writers cannot have seen: a context names no version above the
// sender's own declared have vector and, from a station, none of another
// origin above what the county holds (a station learns other origins'
// changes only from the county). A forged context would otherwise let one
// station's edit silently replace another station's concurrent edit
// everywhere. (A context naming itself or later is refused by the codec.)
func (n *Node) checkContexts(peer *PeerState, h *Header, e *Entries) error {
	declared, err := mapToVV(h.Have)
	if err != nil {
		return fail(CodeFormat, "同步文件头的版本记录格式不正确，没有导入")
	}
	// The sender's own origins: those in the bundle and those the county
	// has bound to it (a part of its backlog may still be on its way).
	own := map[store.OriginID]bool{}
	for _, c := range e.Changes {
		own[c.Origin] = true
	}
	var held store.VV
	if n.role != RoleStation {
		err := n.s.ViewLog(func(r *store.Reader) error {
			var err error
			if held, err = r.Have(); err != nil {
				return err
			}
			if b := r.SyncBucket(bucketOrigins); b != nil {
				_ = b.ForEach(func(k, v []byte) error {
					if string(v) == peer.ID && len(k) == 16 {
						own[store.OriginID(k)] = true
					}
					return nil
				})
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, c := range e.Changes {
		for _, d := range c.Ctx {
			if d.Seq > declared.Get(d.Origin) {
				return failf(CodeContext, "%s发来的变更 %s 所依据的版本 %s 超出了发送方自己声明持有的数据，没有导入", peer.Name, c.Dot(), d)
			}
			if n.role != RoleStation && !own[d.Origin] && d.Seq > held.Get(d.Origin) {
				return failf(CodeContext, "%s发来的变更 %s 所依据的版本 %s 县里从未有过，站点不可能见过，没有导入", peer.Name, c.Dot(), d)
			}
		}
	}
	return nil
}

// originNames reports whether the origin's identity record, in the bundle
// or already held, names the station code.
func originNames(r *store.Reader, e *Entries, o store.OriginID, code string) bool {
	for _, c := range e.Changes {
		if c.Origin == o && c.Kind == store.KindOrigin && c.Record == uuid.UUID(o) {
			for _, f := range c.Fields {
				if f.Name == "station_code" && string(f.Value) == `"`+code+`"` {
					return true
				}
			}
		}
	}
	x, err := r.Live(uuid.UUID(o), store.KindOrigin)
	return err == nil && x != nil && x.(*store.Origin).StationCode == code
}

// apply writes the entries in chunks; the last chunk's transaction also
// records the bundle as seen and the peer's acknowledgement, so the record
// of what the peer holds never runs ahead of what this file durably holds.
func (n *Node) apply(ctx context.Context, peer *PeerState, h *Header, e *Entries, bind map[store.OriginID]bool, res *Result, conflicted map[uuid.UUID]bool, progress func(done, total int)) error {
	items := e.sorted()
	chunk := n.chunk
	for k, start := 0, 0; start < len(items) || k == 0; k, start = k+1, start+chunk {
		if err := ctx.Err(); err != nil {
			return fail(CodeCancelled, "导入已取消；已写入的部分保留，再次导入同一文件会接着完成")
		}
		end := min(start+chunk, len(items))
		last := end == len(items)
		var cs []*store.Change
		var ss []store.Skip
		for _, it := range items[start:end] {
			if it.c != nil {
				cs = append(cs, it.c)
			} else {
				ss = append(ss, store.Skip{Origin: it.origin, From: it.first, To: it.last})
			}
		}
		err := n.s.UpdateLog(func(t *store.WriteTx) error {
			st, err := t.ApplyWithSkips(cs, ss)
			if err != nil {
				return err
			}
			res.Applied += st.Applied
			res.Duplicate += st.Duplicate
			res.Queued += st.Queued
			res.Released += st.Released
			res.Skipped += st.Skipped
			res.Refused += st.Conflict
			for _, id := range st.Conflicted {
				conflicted[id] = true
			}
			if !last {
				return nil
			}
			return n.recordReceipt(t, peer, h, bind, res)
		})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(end, len(items))
		}
		if n.failAfterChunk != nil {
			if err := n.failAfterChunk(k); err != nil {
				return err
			}
		}
		if last {
			break
		}
	}
	return nil
}

func (n *Node) recordReceipt(t *store.WriteTx, peer *PeerState, h *Header, bind map[store.OriginID]bool, res *Result) error {
	seen, err := t.SyncBucket(bucketSeen)
	if err != nil {
		return err
	}
	key := []byte(h.From + "/" + h.ID)
	if seen.Get(key) != nil {
		res.Replayed = true
	}
	now := n.now().In(store.ChinaTZ).Format("2006-01-02 15:04:05")
	if err := seen.Put(key, []byte(now)); err != nil {
		return err
	}
	if len(bind) > 0 {
		ob, err := t.SyncBucket(bucketOrigins)
		if err != nil {
			return err
		}
		for o := range bind {
			if err := ob.Put(append([]byte(nil), o[:]...), []byte(peer.ID)); err != nil {
				return err
			}
		}
	}
	peers, err := t.SyncBucket(bucketPeers)
	if err != nil {
		return err
	}
	// Re-read: another import may have updated the peer meanwhile.
	cur := *peer
	if v := peers.Get([]byte(peer.ID)); v != nil {
		_ = json.Unmarshal(v, &cur)
	}
	if !res.Replayed {
		// The newest bundle's have vector is what the peer holds, even if it
		// went down (the peer was restored from a backup): then we resend.
		prev := cur.Acked
		cur.Acked = h.Have
		cur.LastIn = h.ID
		if n.role == RoleStation {
			cur.Acked = n.ownAcked(t, h, prev)
			// A county that does not say it takes the log (an older
			// program, after a rollback) gets none.
			cur.Audit = h.Audit
			if h.Audit != nil {
				res.auditBehind = auditBehind(t.Reader(), h.Audit)
				for _, n := range h.Audit.Have {
					res.auditHeld += n
				}
			}
		}
	}
	if n.role != RoleStation {
		if err := keepAudit(t, &cur, res.audit, res.auditReceived, res.auditSkipped, res); err != nil {
			return err
		}
		n.noteRecovery(&cur, h, res)
		noteForks(&cur, h, res.forked, now)
		if h.Program != "" {
			cur.Program = h.Program
		}
	}
	if n.role == RoleStation && h.TLS != nil && h.TLS.valid() && h.TLS.URL != n.server {
		// The county offers HTTPS on the address this station reached it
		// at: take it, with its pin, from the next sync on.
		if err := n.moveToTLS(t, h.TLS); err != nil {
			return err
		}
		res.movedTo = h.TLS
	}
	cur.LastSync = now
	cur.LastResult = res.Summary()
	return putJSON(peers, peer.ID, &cur)
}

// noteSums keeps, at the county, the outcome of the last comparison of a
// station's per-scope checksums: the stations page shows it.
func (n *Node) noteSums(peerID string, res *Result) {
	if n.role != RoleCounty || res.ChecksumsMatch == nil || res.Replayed {
		return // a bundle seen before changes nothing, not even this
	}
	now := n.now().In(store.ChinaTZ).Format("2006-01-02 15:04:05")
	err := n.s.UpdateLog(func(t *store.WriteTx) error {
		peers, err := t.SyncBucket(bucketPeers)
		if err != nil {
			return err
		}
		var cur PeerState
		v := peers.Get([]byte(peerID))
		if v == nil || json.Unmarshal(v, &cur) != nil {
			return nil
		}
		cur.SumsAgree, cur.SumsAt = res.ChecksumsMatch, now
		return putJSON(peers, peerID, &cur)
	})
	if err != nil {
		res.Warnings = append(res.Warnings, "核对结果没能记下："+store.MessageOf(err))
	}
}

// ownAcked is the county's acknowledgement as a station records it. For the
// station's own origins the county can never rightly hold more than the
// station; if it claims to, or acknowledges a bundle this file never made,
// the file was put back from an older copy and may have written other
// content under numbers the county holds: the acknowledgement of its own
// origins then stays where it was, so that its changes go up again and the
// county compares them (see setAsideForks).
func (n *Node) ownAcked(t *store.WriteTx, h *Header, prev map[string]uint64) map[string]uint64 {
	r := t.Reader()
	have, err := r.Have()
	if err != nil {
		return h.Have
	}
	lost := false
	if h.AckBundle != "" {
		if b := r.SyncBucket(bucketSent); b == nil || b.Get([]byte(h.AckBundle)) == nil {
			lost = true
		}
	}
	out := maps.Clone(h.Have)
	if out == nil {
		out = map[string]uint64{}
	}
	for o := range n.ownOrigins(r) {
		k, mine := o.String(), have.Get(o)
		if lost || out[k] > mine {
			out[k] = min(prev[k], mine)
		}
	}
	return out
}

// afterImport lists the fields the bundle left in conflict and compares
// per-scope checksums when both sides now hold the same changes.
func (n *Node) afterImport(h *Header, conflicted map[uuid.UUID]bool, res *Result) {
	before := len(res.Alarms)
	res.Alarms = append(res.Alarms, res.auditAlarms...)
	defer n.noteSums(h.From, res)
	defer func() {
		// Kept until a person has seen them (the window, station show).
		for _, a := range res.Alarms[before:] {
			if err := n.s.RaiseAlarm(a); err != nil {
				res.Warnings = append(res.Warnings, "提醒没能记下："+store.MessageOf(err))
			}
		}
	}()
	// The conflicted records were built by the apply (a county that
	// defers building reports none here: CatchUp finds them).
	_ = n.s.ViewLog(func(r *store.Reader) error {
		res.Conflicts = append(res.Conflicts, conflictRefs(r, conflicted)...)
		mine, err := r.Have()
		if err != nil {
			return err
		}
		// The sender believed we held more than we do: this file was put back
		// from an older copy. What is missing comes again with the next
		// exchange, because our reply says what we really hold.
		for o, seq := range h.Assumes {
			if oid, err := store.ParseOrigin(o); err == nil && mine.Get(oid) < seq {
				res.Warnings = append(res.Warnings, "对方记录的本站数据比本站实际持有的多（本站数据文件可能是从旧备份恢复的），缺少的部分将在下次同步时补回")
				break
			}
		}
		if h.More || len(h.Sums) == 0 || r.Lagging() {
			return nil
		}
		theirs, err := mapToVV(h.Have)
		if err != nil || !mine.Equal(theirs) {
			return nil
		}
		keys := make([]string, 0, len(h.Sums))
		for k := range h.Sums {
			keys = append(keys, k)
		}
		local := r.ScopeSums(keys)
		ok := true
		for k, v := range h.Sums {
			want, _ := hex.DecodeString(v)
			if !bytes.Equal(local[k], want) {
				ok = false
				res.Alarms = append(res.Alarms, fmt.Sprintf("%s的数据与%s核对不一致（双方持有相同的修改，结果却不同），请联系县级中心", k, res.FromName))
			}
		}
		res.ChecksumsMatch = &ok
		return nil
	})
}

// HeldOrigins are the origins a store holds whose identity record names the
// station code: what a file holds that was written as that station.
func HeldOrigins(s *store.Store, code string) ([]store.OriginID, error) {
	var out []store.OriginID
	err := s.ViewLog(func(r *store.Reader) error {
		for o := range originsOf(r, code) {
			out = append(out, o)
		}
		return nil
	})
	return out, err
}

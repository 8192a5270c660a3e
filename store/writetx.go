package store

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// writeTx is one bbolt write transaction with the store's in-memory state
// copied in. Nothing in the Store changes unless the transaction commits;
// then the after hooks publish the new sequence number and clock.
type writeTx struct {
	*Reader
	s       *Store
	tx      kv.Tx
	origin  OriginID
	seq     uint64
	clk     clock
	station *StationInfo
	policy  Policy
	hmacKey []byte
	ids     *idHasher

	recs      map[uuid.UUID]*touched
	dirty     []uuid.UUID
	have      map[OriginID]uint64
	haveDirty map[OriginID]bool
	searchOps []searchOp
	// scopeMax collects the relay index's highest sequence number per
	// scope and origin (relay.go).
	scopeMax map[string]uint64
	// relayLog is the relay index bucket (nil at a station), looked up
	// once per transaction (relayKnown).
	relayLog   kv.Bucket
	relayKnown bool
	// noPending names the origins found with nothing in the pending queue
	// in this transaction (drain).
	noPending map[OriginID]bool
	// conflicted collects the records a flush left with fields for review.
	conflicted map[uuid.UUID]bool
	after      []func()
}

// touched is a record loaded in this transaction, with the index entries it
// had when loaded so that only the difference is written back.
type touched struct {
	state    *RecordState // nil: record does not exist
	oldIx    []ixEntry
	oldSum   []byte // stateSum of the state as loaded
	oldScope string
	dirty    bool
}

func (s *Store) newWriteTx(tx kv.Tx) *writeTx {
	s.mu.Lock()
	w := &writeTx{
		s:       s,
		tx:      tx,
		origin:  s.origin,
		seq:     s.seq,
		clk:     clock{last: s.clk.last, now: s.now},
		station: s.station,
		policy:  clonePolicy(s.policy),
		hmacKey: s.hmacKey,
		ids:     newIDHasher(s.hmacKey),
		recs:    make(map[uuid.UUID]*touched),
		have:    make(map[OriginID]uint64),
	}
	s.mu.Unlock()
	w.Reader = &Reader{s: s, tx: tx, w: w}
	fillAppendBuckets(tx)
	return w
}

// fillAppendBuckets lets the buckets whose keys mostly arrive in ascending
// order (log by origin and sequence, records and their index keys by UUIDv7)
// fill pages to 90% before splitting, instead of bbolt's 50% for random
// inserts: the file is about a third smaller.
func fillAppendBuckets(tx kv.Tx) {
	for _, name := range [][]byte{bLog, bRec, bIxKind, bIxRef, bIxNo} {
		if b, ok := tx.Bucket(name).(interface{ SetFillPercent(float64) }); ok {
			b.SetFillPercent(0.9)
		}
	}
}

// update runs fn in one durable write transaction.
func (s *Store) update(fn func(w *writeTx) error) error {
	if s.readOnly {
		return &Error{Code: CodeReadOnly, Message: "数据文件以只读方式打开，不能修改"}
	}
	var w *writeTx
	var genWas, genNow uint64
	err := s.db.Update(func(tx kv.Tx) error {
		if s.db.Shared() {
			// Another server process may have written since our last
			// transaction: its sequence numbers, clock and settings are
			// the ones to go on from.
			if err := s.load(tx); err != nil {
				return err
			}
			genWas = getU64(tx.Bucket(bMeta).Get(mSearchGen))
		}
		genNow = genWas
		w = s.newWriteTx(tx)
		if err := fn(w); err != nil {
			return err
		}
		if err := w.finish(); err != nil {
			return err
		}
		if s.db.Shared() && len(w.searchOps) > 0 {
			// Tell the other processes' copies of the name index.
			genNow = genWas + 1
			return tx.Bucket(bMeta).Put(mSearchGen, u64(genNow))
		}
		return nil
	})
	if err != nil {
		return ioError("save", err)
	}
	s.mu.Lock()
	s.seq = w.seq
	s.clk.last = w.clk.last
	for _, f := range w.after {
		f()
	}
	s.mu.Unlock()
	if len(w.searchOps) > 0 {
		s.search.apply(w.searchOps, genWas, genNow)
	}
	s.remember()
	return nil
}

// load returns the record's state as seen in this transaction, nil if absent.
func (w *writeTx) load(id uuid.UUID) (*touched, error) {
	if t, ok := w.recs[id]; ok {
		return t, nil
	}
	t := &touched{}
	if v := w.tx.Bucket(bRec).Get(id[:]); v != nil {
		st, err := decodeState(id, v)
		if err != nil {
			return nil, err
		}
		t.state = st
		t.oldIx = indexEntries(st, w.ids)
		t.oldSum, t.oldScope = stateSum(id, v), st.Scope
	}
	w.recs[id] = t
	return t, nil
}

func (w *writeTx) haveOf(o OriginID) uint64 {
	if v, ok := w.have[o]; ok {
		return v
	}
	v := getU64(w.tx.Bucket(bHave).Get(o[:]))
	w.have[o] = v
	return v
}

// setHave records the new contiguous high-water mark; flush writes it.
func (w *writeTx) setHave(o OriginID, seq uint64) error {
	w.have[o] = seq
	if w.haveDirty == nil {
		w.haveDirty = map[OriginID]bool{}
	}
	w.haveDirty[o] = true
	return nil
}

// applyChange merges a change whose predecessors from its origin are all
// applied. It does not touch the log or the have vector.
func (w *writeTx) applyChange(c *Change) error {
	if err := w.indexForRelay(c); err != nil {
		return err
	}
	t, err := w.load(c.Record)
	if err != nil {
		return err
	}
	if t.state == nil {
		t.state = &RecordState{ID: c.Record}
	}
	t.state.apply(c)
	if !t.dirty {
		t.dirty = true
		w.dirty = append(w.dirty, c.Record)
	}
	return nil
}

// local writes a change made on this station: next sequence number, a fresh
// clock reading, into the log and applied, all in this transaction.
func (w *writeTx) local(kind Kind, scope string, id uuid.UUID, fields []Field, ctx VV, author string) (*Change, error) {
	return w.localAt(kind, scope, id, fields, ctx, author, w.clk.next())
}

// localAt is local with the clock reading given: a change written again
// under a new origin (RepairFork) keeps the time it was first made, so that
// among concurrent values the later edit is still shown.
func (w *writeTx) localAt(kind Kind, scope string, id uuid.UUID, fields []Field, ctx VV, author string, hlc HLC) (*Change, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	sortFields(fields)
	// The have vector, not the in-memory counter, is the truth: it also
	// moves when this origin's own changes come back from elsewhere.
	seq := w.haveOf(w.origin) + 1
	c := &Change{
		Origin: w.origin,
		Seq:    seq,
		HLC:    hlc,
		Scope:  scope,
		Kind:   kind,
		Record: id,
		Fields: fields,
		Ctx:    ctx.Clone(),
		Author: author,
		Schema: SchemaVersion,
	}
	// A context can only cover versions this replica holds: one naming a
	// version it never saw (a forged or mistyped _version) would silently
	// overwrite an edit made elsewhere instead of surfacing it for review.
	for _, d := range c.Ctx {
		if d.Seq > w.haveOf(d.Origin) {
			return nil, &Error{Code: CodeContextAhead, Message: fmt.Sprintf("修改所依据的版本（_version）含有本站没有的版本 %s，没有保存。请重新读取记录后再改", d)}
		}
	}
	if err := w.tx.Bucket(bLog).Put(logKey(c.Origin, c.Seq), c.Encode()); err != nil {
		return nil, err
	}
	if err := w.setHave(w.origin, seq); err != nil {
		return nil, err
	}
	w.seq = seq
	return c, w.applyChange(c)
}

// flush writes the dirty records, the difference of their index entries
// and the have vector. It runs after every local save, so that the next
// validation in the same transaction sees the indexes up to date, and at the
// end of a chunk of remote changes. Writes are grouped per bucket and sorted
// by key: bbolt inserts sorted keys far faster than scattered ones.
func (w *writeTx) flush() error {
	if err := w.flushRelay(); err != nil {
		return err
	}
	for o := range w.haveDirty {
		if err := w.tx.Bucket(bHave).Put(append([]byte(nil), o[:]...), u64(w.have[o])); err != nil {
			return fmt.Errorf("write have: %w", err)
		}
	}
	w.haveDirty = nil
	if len(w.dirty) == 0 {
		return nil
	}
	slices.SortFunc(w.dirty, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	rec := w.tx.Bucket(bRec)
	ops := make(map[string][]ixOp, 12)
	sums := map[string][]byte{}
	xorInto := func(scope string, h []byte) {
		acc := sums[scope]
		if acc == nil {
			acc = make([]byte, len(h))
			sums[scope] = acc
		}
		for i := range h {
			acc[i] ^= h[i]
		}
	}
	for _, id := range w.dirty {
		t := w.recs[id]
		enc := t.state.encode()
		if err := rec.Put(id[:], enc); err != nil {
			return fmt.Errorf("write record: %w", err)
		}
		if t.oldSum != nil {
			xorInto(t.oldScope, t.oldSum)
		}
		t.oldSum, t.oldScope = stateSum(id, enc), t.state.Scope
		xorInto(t.oldScope, t.oldSum)
		newIx := indexEntries(t.state, w.ids)
		for _, e := range newIx {
			if bytes.Equal(e.bucket, bReview) {
				if w.conflicted == nil {
					w.conflicted = map[uuid.UUID]bool{}
				}
				w.conflicted[id] = true
				break
			}
		}
		indexDiff(t.oldIx, newIx, ops)
		t.oldIx = newIx
		t.dirty = false
	}
	w.dirty = w.dirty[:0]
	if err := w.addScopeSums(sums); err != nil {
		return err
	}
	for name, list := range ops {
		slices.SortFunc(list, func(a, b ixOp) int { return bytes.Compare(a.key, b.key) })
		b := w.tx.Bucket([]byte(name))
		isSearch := name == string(bIxSearch)
		for _, op := range list {
			if isSearch {
				if op.del {
					w.searchOps = append(w.searchOps, searchOp{key: op.key})
				} else {
					w.searchOps = append(w.searchOps, searchOp{key: op.key, val: op.val})
				}
			}
			var err error
			if op.del {
				err = b.Delete(op.key)
			} else {
				err = b.Put(op.key, op.val)
			}
			if err != nil {
				return fmt.Errorf("index %s: %w", name, err)
			}
		}
	}
	return nil
}

// stateSum hashes a record's encoded state; a scope's checksum is the XOR
// of its records' sums, kept up to date incrementally, so two replicas can
// compare a village's data without listing it.
func stateSum(id uuid.UUID, enc []byte) []byte {
	h := sha256.New()
	h.Write(id[:])
	h.Write(enc)
	return h.Sum(nil)[:16]
}

func (w *writeTx) addScopeSums(deltas map[string][]byte) error {
	b := w.tx.Bucket(bScopeSum)
	for scope, d := range deltas {
		cur := make([]byte, len(d))
		copy(cur, b.Get([]byte(scope)))
		zero := true
		for i := range cur {
			cur[i] ^= d[i]
			zero = zero && cur[i] == 0
		}
		var err error
		if zero {
			err = b.Delete([]byte(scope))
		} else {
			err = b.Put([]byte(scope), cur)
		}
		if err != nil {
			return fmt.Errorf("scope checksum: %w", err)
		}
	}
	return nil
}

// ixOp is one index write.
type ixOp struct {
	key, val []byte
	del      bool
}

// indexDiff adds to ops what turns the old entries into the new ones.
func indexDiff(old, cur []ixEntry, ops map[string][]ixOp) {
	if len(old) == 0 {
		for _, e := range cur {
			ops[string(e.bucket)] = append(ops[string(e.bucket)], ixOp{key: e.key, val: e.val})
		}
		return
	}
	type bk struct{ b, k string }
	before := make(map[bk][]byte, len(old))
	for _, e := range old {
		before[bk{string(e.bucket), string(e.key)}] = e.val
	}
	for _, e := range cur {
		k := bk{string(e.bucket), string(e.key)}
		if v, ok := before[k]; ok {
			delete(before, k)
			if bytes.Equal(v, e.val) {
				continue
			}
		}
		ops[k.b] = append(ops[k.b], ixOp{key: e.key, val: e.val})
	}
	for k := range before {
		ops[k.b] = append(ops[k.b], ixOp{key: []byte(k.k), del: true})
	}
}

// finish flushes and persists the sequence number and the clock, in the
// same transaction as the changes that used them.
func (w *writeTx) finish() error {
	if err := w.flush(); err != nil {
		return err
	}
	return putAll(w.tx.Bucket(bMeta), mSeq, u64(w.seq), mHLC, u64(uint64(w.clk.last)))
}

// publishOrigin writes this origin's identity record. It is the first change
// of an origin minted after the station is set up, so that every replica can
// say which station wrote a value.
func (w *writeTx) publishOrigin(reason string) error {
	if w.station == nil {
		return nil
	}
	id := uuid.UUID(w.origin)
	t, err := w.load(id)
	if err != nil {
		return err
	}
	o := &Origin{StationCode: w.station.Code, StationName: w.station.Name, StationType: w.station.Type, Minted: reason}
	fields, err := fieldsOf(o)
	if err != nil {
		return err
	}
	var cur map[string][]byte
	var ctx VV
	if t.state != nil {
		cur = displayed(t.state)
		ctx = t.state.VV
	}
	var fs []Field
	for k, v := range fields {
		if !bytes.Equal(cur[k], v) {
			fs = append(fs, Field{Name: k, Value: v})
		}
	}
	_, err = w.local(KindOrigin, w.station.Scope, id, fs, ctx, w.station.Name)
	return err
}

// alarm records something that must never happen, such as one origin and
// sequence number arriving with two different contents. No personal data:
// only ids.
func (w *writeTx) alarm(what string, d Dot) error {
	return w.putAlarm(Alarm{What: what, Origin: d.Origin.String(), Seq: fmt.Sprint(d.Seq)})
}

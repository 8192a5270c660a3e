package engine

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// Domain is what the domain hands the engine: its frozen dictionary, its
// index rule, and its index buckets whose keys mostly arrive in ascending
// order (filled fuller before a page splits, see fillAppendBuckets).
type Domain struct {
	Dict    *Dict
	Index   IndexFunc
	Ordered [][]byte
}

// IndexFunc derives the domain's index keys of a live record from its state
// alone, so that indexes are a function of the log and Rebuild reproduces
// them. add may be called for any bucket the domain created.
type IndexFunc func(st *RecordState, add func(bucket, key, val []byte))

// Tx is one write transaction of the engine: changes into the log, the have
// vector, the pending queue, record states and every index, all committed
// together by the storage transaction under it. The caller (the domain
// store) owns what lasts between transactions: this origin, its sequence
// number and the clock; it reads them back from Seq and Clock after commit.
type Tx struct {
	KV     kv.Tx
	Origin OriginID
	Seq    uint64
	Clock  Clock
	// Alarm records something that must never happen (one origin and
	// sequence number with two contents: an Alarm... code); nil ignores it.
	Alarm func(code string, d Dot) error
	// Watch names a bucket whose index writes are collected in Watched,
	// for an in-memory copy of it kept by the caller.
	Watch   string
	Watched []IndexOp
	// Defer leaves the record states and indexes of applied remote
	// changes to a later CatchUp (build.go); local changes are built at
	// once.
	Defer bool

	dict    *Dict
	index   IndexFunc
	ordered [][]byte
	read    *Reader

	recs      map[uuid.UUID]*touched
	dirty     []uuid.UUID
	have      map[OriginID]uint64
	haveDirty map[OriginID]bool
	// runs collects the relay index's runs per scope and origin
	// (relay.go); lastScope is the key of the last change indexed.
	runs      map[string][]seqRun
	lastScope string
	// relayLog is the relay index bucket (nil at a station), looked up
	// once per transaction (relayKnown).
	relayLog   kv.Bucket
	relayKnown bool
	// noPending names the origins found with nothing in the pending queue
	// in this transaction (drain).
	noPending map[OriginID]bool
	// conflicted collects the records a flush left with fields for review.
	conflicted map[uuid.UUID]bool
	// backlog holds, per origin deferred in this transaction, the first
	// unbuilt sequence number to record (0: recorded already).
	backlog map[OriginID]uint64
}

// touched is a record loaded in this transaction, with the index entries it
// had when loaded so that only the difference is written back.
type touched struct {
	state    *RecordState // nil: record does not exist
	oldIx    []IndexEntry
	oldSum   []byte // stateSum of the state as loaded
	oldScope string
	sumLater bool // oldSum is still to be taken (sealed storage)
	dirty    bool
}

// NewTx starts the engine's work in the storage transaction tx, for the
// domain d and origin whose last issued sequence number is seq.
func NewTx(tx kv.Tx, d Domain, origin OriginID, seq uint64, clk Clock) *Tx {
	w := &Tx{
		KV:      tx,
		Origin:  origin,
		Seq:     seq,
		Clock:   clk,
		dict:    d.Dict,
		index:   d.Index,
		ordered: d.Ordered,
		recs:    make(map[uuid.UUID]*touched),
		have:    make(map[OriginID]uint64),
	}
	w.read = &Reader{tx: tx, dict: d.Dict, w: w}
	w.fillAppendBuckets()
	return w
}

// Reader reads inside this transaction, its own writes included.
func (w *Tx) Reader() *Reader { return w.read }

// fillAppendBuckets lets the buckets whose keys mostly arrive in ascending
// order (log by origin and sequence, records and their kind index by
// UUIDv7, and the domain's Ordered) fill pages to 90% before splitting,
// instead of bbolt's 50% for random inserts: the file is about a third
// smaller. A bucket made again (Rebuild) needs it again.
func (w *Tx) fillAppendBuckets() {
	for _, name := range append([][]byte{BucketLog, BucketRecords, BucketKinds}, w.ordered...) {
		if b, ok := w.KV.Bucket(name).(interface{ SetFillPercent(float64) }); ok {
			b.SetFillPercent(0.9)
		}
	}
}

// Load returns the record's state as seen in this transaction, nil if
// absent. The state is the transaction's own: changes applied later in it
// show there.
func (w *Tx) Load(id uuid.UUID) (*RecordState, error) {
	t, err := w.load(id)
	if err != nil {
		return nil, err
	}
	return t.state, nil
}

func (w *Tx) load(id uuid.UUID) (*touched, error) {
	if t, ok := w.recs[id]; ok {
		return t, nil
	}
	t := &touched{}
	if v := w.KV.Bucket(BucketRecords).Get(id[:]); v != nil {
		st, err := w.dict.DecodeState(id, v)
		if err != nil {
			return nil, err
		}
		t.state = st
		t.oldIx = w.indexEntries(st)
		t.oldScope = st.Scope
		if w.dict.sealer == nil {
			t.oldSum = stateSum(id, v)
		} else {
			// Sealed bytes differ between replicas; the plain sum is
			// taken when the record is first changed (build).
			t.sumLater = true
		}
	}
	w.recs[id] = t
	return t, nil
}

// HaveOf is the highest contiguous sequence number of o held.
func (w *Tx) HaveOf(o OriginID) uint64 {
	if v, ok := w.have[o]; ok {
		return v
	}
	v := GetU64(w.KV.Bucket(BucketHave).Get(o[:]))
	w.have[o] = v
	return v
}

// setHave records the new contiguous high-water mark; flush writes it.
func (w *Tx) setHave(o OriginID, seq uint64) {
	w.have[o] = seq
	if w.haveDirty == nil {
		w.haveDirty = map[OriginID]bool{}
	}
	w.haveDirty[o] = true
}

// applyChange merges a change whose predecessors from its origin are all
// applied. It does not touch the log or the have vector.
func (w *Tx) applyChange(c *Change) error {
	if err := w.indexForRelay(c); err != nil {
		return err
	}
	return w.build(c)
}

// build merges a change into its record's state; Flush writes the state
// and the difference of its index entries.
func (w *Tx) build(c *Change) error {
	t, err := w.load(c.Record)
	if err != nil {
		return err
	}
	if t.state == nil {
		t.state = &RecordState{ID: c.Record}
	}
	if t.sumLater {
		t.oldSum, t.sumLater = stateSum(c.Record, w.dict.plain.EncodeState(t.state)), false
	}
	t.state.apply(c)
	if !t.dirty {
		t.dirty = true
		w.dirty = append(w.dirty, c.Record)
	}
	return nil
}

// ContextAheadError refuses a local change whose edit context names a
// version this replica never saw.
type ContextAheadError struct{ Dot Dot }

func (e *ContextAheadError) Error() string {
	return "edit context names " + e.Dot.String() + ", which is not held here"
}

// Local writes a change made here: the next sequence number of this
// origin, into the log and applied, in this transaction. The clock reading
// is given: a fresh one (Clock.Next), or, for a change written again under
// a new origin (fork repair), the time it was first made, so that among
// concurrent values the later edit is still shown. Nothing is written for
// no fields.
func (w *Tx) Local(kind Kind, scope string, id uuid.UUID, fields []Field, ctx VV, author string, schema uint16, hlc HLC) (*Change, error) {
	if len(fields) == 0 {
		return nil, nil
	}
	SortFields(fields)
	// The have vector, not the in-memory counter, is the truth: it also
	// moves when this origin's own changes come back from elsewhere.
	seq := w.HaveOf(w.Origin) + 1
	c := &Change{
		Origin: w.Origin,
		Seq:    seq,
		HLC:    hlc,
		Scope:  scope,
		Kind:   kind,
		Record: id,
		Fields: fields,
		Ctx:    ctx.Clone(),
		Author: author,
		Schema: schema,
	}
	// A context can only cover versions this replica holds: one naming a
	// version it never saw (a forged or mistyped _version) would silently
	// overwrite an edit made elsewhere instead of surfacing it for review.
	for _, d := range c.Ctx {
		if d.Seq > w.HaveOf(d.Origin) {
			return nil, &ContextAheadError{Dot: d}
		}
	}
	if err := w.KV.Bucket(BucketLog).Put(LogKey(c.Origin, c.Seq), w.dict.EncodeChange(c)); err != nil {
		return nil, err
	}
	w.setHave(w.Origin, seq)
	w.Seq = seq
	return c, w.applyChange(c)
}

// Flush writes the dirty records, the difference of their index entries
// and the have vector. The domain runs it after every local save, so that
// the next validation in the same transaction sees the indexes up to date;
// apply runs it at the end of a chunk of remote changes. Writes are grouped
// per bucket and sorted by key: bbolt inserts sorted keys far faster than
// scattered ones.
func (w *Tx) Flush() error {
	if err := w.flushRelay(); err != nil {
		return err
	}
	if err := w.flushBacklog(); err != nil {
		return err
	}
	for o := range w.haveDirty {
		if err := w.KV.Bucket(BucketHave).Put(append([]byte(nil), o[:]...), U64(w.have[o])); err != nil {
			return fmt.Errorf("write have: %w", err)
		}
	}
	w.haveDirty = nil
	if len(w.dirty) == 0 {
		return nil
	}
	slices.SortFunc(w.dirty, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	rec := w.KV.Bucket(BucketRecords)
	ops := make(map[string][]IndexOp, 12)
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
		enc := w.dict.EncodeState(t.state)
		if err := rec.Put(id[:], enc); err != nil {
			return fmt.Errorf("write record: %w", err)
		}
		if t.oldSum != nil {
			xorInto(t.oldScope, t.oldSum)
		}
		sumOf := enc
		if w.dict.sealer != nil {
			// Replicas seal under keys of their own: they compare
			// their plain states.
			sumOf = w.dict.plain.EncodeState(t.state)
		}
		t.oldSum, t.oldScope = stateSum(id, sumOf), t.state.Scope
		xorInto(t.oldScope, t.oldSum)
		newIx := w.indexEntries(t.state)
		for _, e := range newIx {
			if bytes.Equal(e.Bucket, BucketReview) {
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
		slices.SortFunc(list, func(a, b IndexOp) int { return bytes.Compare(a.Key, b.Key) })
		b := w.KV.Bucket([]byte(name))
		if b == nil {
			return fmt.Errorf("index %s: %w", name, kv.ErrNoBucket)
		}
		if name == w.Watch {
			w.Watched = append(w.Watched, list...)
		}
		for _, op := range list {
			var err error
			if op.Del {
				err = b.Delete(op.Key)
			} else {
				err = b.Put(op.Key, op.Val)
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

func (w *Tx) addScopeSums(deltas map[string][]byte) error {
	b := w.KV.Bucket(BucketSums)
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

// alarm raises an alarm through the caller's hook.
func (w *Tx) alarm(code string, d Dot) error {
	if w.Alarm == nil {
		return nil
	}
	return w.Alarm(code, d)
}

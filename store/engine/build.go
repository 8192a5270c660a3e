package engine

import (
	"bytes"
	"fmt"
	"math"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// Building later. A county receives far more than it reads: every station's
// whole backlog arrives, and the clerk looks at a few screens. Building a
// record's state and its index keys costs about twenty times the log append
// that makes a change durable, so a transaction with Defer set only appends:
// the log, the have vector, flags, the relay index (a relay reads nothing
// else) and, per origin, where its unbuilt changes begin:
//
//	backlog   origin(16) -> first sequence number not yet built (8)
//
// CatchUp builds the states and indexes of every backlog range (backlog,
// have] later, in transactions of thousands. Record states merge independently of
// order, so what it builds is byte for byte what applying each change at
// arrival would have built. Whoever reads states or indexes catches up
// first (the store's View and Update do; see Backlogged).
var BucketBacklog = []byte("backlog")

// BuildChunk is how many changes one transaction of CatchUp builds, at
// most. One transaction per chunk, as for an apply: bbolt splits its nodes
// only at commit, and thousands of scattered index keys in one
// transaction would make every insert move the rest of an ever larger
// node.
const BuildChunk = 8192

// Backlogged reports whether the store in tx holds changes whose states
// and indexes are not yet built.
func Backlogged(tx kv.Tx) bool {
	b := tx.Bucket(BucketBacklog)
	if b == nil {
		return false
	}
	k, _ := b.Cursor().First()
	return k != nil
}

// markBacklog records that origin o's change seq was appended without
// being built. Changes of an origin arrive in order, and all before the
// first one deferred are built, so only the first per origin is written.
func (w *Tx) markBacklog(o OriginID, seq uint64) {
	if _, ok := w.backlog[o]; ok {
		return
	}
	if w.backlog == nil {
		w.backlog = map[OriginID]uint64{}
	}
	if b := w.KV.Bucket(BucketBacklog); b != nil && b.Get(o[:]) != nil {
		w.backlog[o] = 0 // an earlier transaction's mark stands
		return
	}
	w.backlog[o] = seq
}

// flushBacklog writes the marks of origins that had none.
func (w *Tx) flushBacklog() error {
	if len(w.backlog) == 0 {
		return nil
	}
	b, err := w.KV.CreateBucketIfNotExists(BucketBacklog)
	if err != nil {
		return fmt.Errorf("backlog: %w", err)
	}
	for o, seq := range w.backlog {
		if seq == 0 {
			continue
		}
		if err := b.Put(append([]byte(nil), o[:]...), U64(seq)); err != nil {
			return fmt.Errorf("backlog: %w", err)
		}
		w.backlog[o] = 0
	}
	return nil
}

// BuildStats says what a CatchUp built.
type BuildStats struct {
	Built int // changes merged into record states
	// Conflicted are the records the build left with fields for review.
	Conflicted []uuid.UUID
}

// CatchUp builds the states and indexes of changes appended with Defer
// set, in this transaction: about limit of them (0: all), in log order
// per origin, moving the backlog marks past what it built. more says that
// some remain for another transaction.
func (w *Tx) CatchUp(limit int) (st BuildStats, more bool, err error) {
	// What this transaction did before is written first, its backlog
	// marks with it; they are then the bucket's to move, and a change
	// deferred later in this transaction marks its origin again.
	if err := w.Flush(); err != nil {
		return st, false, err
	}
	w.backlog = nil
	marks, err := backlogMarks(w.KV)
	if err != nil || len(marks) == 0 {
		return st, false, err
	}
	b := w.KV.Bucket(BucketBacklog)
	if limit <= 0 {
		limit = math.MaxInt
	}
	w.conflicted = nil
	for i, m := range marks {
		if st.Built >= limit {
			return st, true, w.finishBuild(&st)
		}
		upto := w.HaveOf(m.o)
		next := m.from
		for next <= upto && st.Built < limit {
			batch, last, err := w.loggedChanges(m.o, next, upto, min(limit-st.Built, BuildChunk))
			if err != nil {
				return st, false, err
			}
			for _, ch := range batch {
				if err := w.build(ch); err != nil {
					return st, false, err
				}
			}
			st.Built += len(batch)
			next = last + 1
		}
		if next <= upto {
			err = b.Put(append([]byte(nil), m.o[:]...), U64(next))
		} else {
			err = b.Delete(m.o[:])
		}
		if err != nil {
			return st, false, fmt.Errorf("backlog: %w", err)
		}
		if next <= upto || i < len(marks)-1 && st.Built >= limit {
			return st, true, w.finishBuild(&st)
		}
	}
	return st, false, w.finishBuild(&st)
}

// finishBuild writes what CatchUp built and names the records it left with
// fields for review.
func (w *Tx) finishBuild(st *BuildStats) error {
	if err := w.Flush(); err != nil {
		return err
	}
	for id := range w.conflicted {
		st.Conflicted = append(st.Conflicted, id)
	}
	w.conflicted = nil
	return nil
}

// loggedChanges reads up to max changes of origin o from sequence number
// from to upto, skipping skip ranges, and the last sequence number it
// looked at (upto when it reached the end). The cursor is done before
// anything is written: bbolt's cursors do not survive writes to their
// bucket, and PostgreSQL's read ahead.
func (w *Tx) loggedChanges(o OriginID, from, upto uint64, max int) ([]*Change, uint64, error) {
	var out []*Change
	c := w.KV.Bucket(BucketLog).Cursor()
	for k, v := c.Seek(LogKey(o, from)); k != nil && bytes.HasPrefix(k, o[:]); k, v = c.Next() {
		seq := GetU64(k[16:])
		if seq > upto {
			break
		}
		if len(v) > 0 && v[0] == skipFormat {
			continue
		}
		ch, err := w.dict.DecodeChange(v)
		if err != nil {
			return nil, 0, fmt.Errorf("log %s: %w", Dot{o, seq}, err)
		}
		if out = append(out, ch); len(out) == max {
			return out, seq, nil
		}
	}
	return out, upto, nil
}

// Lagging reports whether this snapshot holds changes whose states and
// indexes are not yet built.
func (r *Reader) Lagging() bool { return Backlogged(r.tx) }

// backlogMark is where an origin's unbuilt changes begin.
type backlogMark struct {
	o    OriginID
	from uint64
}

// backlogMarks reads the backlog bucket (none if it does not exist).
func backlogMarks(tx kv.Tx) ([]backlogMark, error) {
	b := tx.Bucket(BucketBacklog)
	if b == nil {
		return nil, nil
	}
	var marks []backlogMark
	err := b.ForEach(func(k, v []byte) error {
		if len(k) != 16 || len(v) != 8 {
			return fmt.Errorf("backlog %x: %w", k, ErrCorrupt)
		}
		marks = append(marks, backlogMark{OriginID(k), GetU64(v)})
		return nil
	})
	return marks, err
}

// Unbuilt names, of the records ids, those a change not yet built
// touches, with their scope (a record keeps the scope it was made with,
// so any of its changes tells it). The states of the others are up to
// date in this snapshot even while the rest lags. It reads the heads of
// the backlog's log entries in the relay's scopes only (where the records
// of a station's bundle, and any parent it can have seen, lie), so that an
// import looks through what its own station sent, not the whole county's
// backlog.
func (r *Reader) Unbuilt(ids []uuid.UUID, rel *Relay) (map[uuid.UUID]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	marks, err := backlogMarks(r.tx)
	if err != nil {
		return nil, err
	}
	want := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	var out map[uuid.UUID]string
	for _, m := range r.marksIn(rel, marks) {
		err := r.eachRelayedEntry(rel, m.o, m.from-1, r.haveOf(m.o), func(_ uint64, v []byte) error {
			if id, scope, ok := headOf(v); ok && want[id] {
				if out == nil {
					out = map[uuid.UUID]string{}
				}
				out[id] = scope
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// marksIn keeps the marks of origins that ever wrote in the relay's
// scopes: the others need no lookup.
func (r *Reader) marksIn(rel *Relay, marks []backlogMark) []backlogMark {
	var out []backlogMark
	for _, m := range marks {
		if len(rel.per[m.o]) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// haveOf is the highest contiguous sequence number of o in this snapshot.
func (r *Reader) haveOf(o OriginID) uint64 { return GetU64(r.tx.Bucket(BucketHave).Get(o[:])) }

// headOf reads the record id and scope of an encoded change without
// decoding the rest (false for a skip or a malformed entry).
func headOf(p []byte) (uuid.UUID, string, bool) {
	d := decoder{b: p}
	if d.byte1() != changeFormat {
		return uuid.UUID{}, "", false
	}
	d.origin()
	d.uvarint()
	d.uvarint()
	scope := d.bytes()
	if d.uvarint() == 0 { // the kind: a dictionary code, or 0 and the word
		d.str()
	}
	var id uuid.UUID
	copy(id[:], d.take(16))
	return id, string(scope), d.err == nil
}

// LaggingFor reports whether a change not yet built lies in the relay's
// scopes: their checksums (ScopeSums) then do not yet stand for the log.
func (r *Reader) LaggingFor(rel *Relay) (bool, error) {
	marks, err := backlogMarks(r.tx)
	if err != nil {
		return false, err
	}
	for _, m := range r.marksIn(rel, marks) {
		if len(r.inScope(rel, m.o, m.from-1, r.haveOf(m.o))) > 0 {
			return true, nil
		}
	}
	return false, nil
}

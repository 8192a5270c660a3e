package engine

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// Reader reads the engine's buckets in one storage transaction: record
// states, the log, the have vector, the scope checksums and the relay
// index. Inside a write transaction (Tx.Reader) it sees that
// transaction's own writes.
type Reader struct {
	tx   kv.Tx
	dict *Dict
	w    *Tx
}

// NewReader reads in tx.
func NewReader(tx kv.Tx, dict *Dict) *Reader { return &Reader{tx: tx, dict: dict} }

// KV is the storage transaction under the reader.
func (r *Reader) KV() kv.Tx { return r.tx }

// State returns the raw state of a record (registers and siblings), nil if
// the record is unknown.
func (r *Reader) State(id uuid.UUID) (*RecordState, error) {
	if r.w != nil {
		return r.w.Load(id)
	}
	v := r.tx.Bucket(BucketRecords).Get(id[:])
	if v == nil {
		return nil, nil
	}
	return r.dict.DecodeState(id, v)
}

// Prefetch reads the given records' states ahead in one round trip where
// the storage is a database server (a bundle's checks look each one up).
func (r *Reader) Prefetch(ids []uuid.UUID) {
	keys := make([][]byte, len(ids))
	for i := range ids {
		keys[i] = ids[i][:]
	}
	kv.Prefetch(r.tx.Bucket(BucketRecords), keys)
}

// Have is the have vector of this snapshot.
func (r *Reader) Have() (VV, error) {
	var v VV
	err := r.tx.Bucket(BucketHave).ForEach(func(k, val []byte) error {
		var o OriginID
		copy(o[:], k)
		v.Raise(o, GetU64(val))
		return nil
	})
	return v, err
}

// LogEntry is one entry of an origin's log: a change, or a range of
// sequence numbers held as out of scope (Skip non-nil).
type LogEntry struct {
	Change *Change
	Skip   *Skip
}

// EachLogged calls fn for the log entries of origin o with sequence numbers
// in (after, upto], in order. A skip range that starts at or before after is
// reported from after+1.
func (r *Reader) EachLogged(o OriginID, after, upto uint64, fn func(LogEntry) error) error {
	c := r.tx.Bucket(BucketLog).Cursor()
	start := LogKey(o, after+1)
	// A skip that began at or before after may reach past it.
	k, _ := c.Seek(start)
	var pk, pv []byte
	if k == nil {
		pk, pv = c.Last()
	} else {
		pk, pv = c.Prev()
	}
	if pk != nil && bytes.HasPrefix(pk, o[:]) {
		if to, ok := decodeSkip(pv); ok && to > after && after+1 <= upto {
			if err := fn(LogEntry{Skip: &Skip{Origin: o, From: after + 1, To: min(to, upto)}}); err != nil {
				return err
			}
		}
	}
	for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, o[:]); k, v = c.Next() {
		seq := GetU64(k[16:])
		if seq > upto {
			break
		}
		if to, ok := decodeSkip(v); ok {
			if err := fn(LogEntry{Skip: &Skip{Origin: o, From: seq, To: min(to, upto)}}); err != nil {
				return err
			}
			continue
		}
		ch, err := r.dict.DecodeChange(v)
		if err != nil {
			return fmt.Errorf("log %s: %w", Dot{o, seq}, err)
		}
		if err := fn(LogEntry{Change: ch}); err != nil {
			return err
		}
	}
	return nil
}

// Logged returns the logged change of a dot, nil when the log holds none
// there (not yet arrived, or out of scope here).
func (r *Reader) Logged(d Dot) (*Change, error) {
	v := r.tx.Bucket(BucketLog).Get(LogKey(d.Origin, d.Seq))
	if len(v) == 0 || v[0] == skipFormat {
		return nil, nil
	}
	return r.dict.DecodeChange(v)
}

// SameAsLogged reports whether the log holds exactly this change under its
// origin and sequence number (false when it holds another content or
// nothing there).
func (r *Reader) SameAsLogged(c *Change) bool {
	return bytes.Equal(r.tx.Bucket(BucketLog).Get(LogKey(c.Origin, c.Seq)), r.dict.EncodeChange(c))
}

// ScopeSums returns the checksum of each scope named (absent: no records).
func (r *Reader) ScopeSums(scopes []string) map[string][]byte {
	out := map[string][]byte{}
	b := r.tx.Bucket(BucketSums)
	for _, s := range scopes {
		if v := b.Get([]byte(s)); v != nil {
			out[s] = append([]byte(nil), v...)
		}
	}
	return out
}

// ScopesUnder lists the scopes holding records whose code starts with
// prefix, plus the ancestors of prefix that hold records (county- and
// township-wide records reach every village below them).
func (r *Reader) ScopesUnder(prefix string) []string {
	var out []string
	c := r.tx.Bucket(BucketSums).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		s := string(k)
		if strings.HasPrefix(s, prefix) || strings.HasPrefix(prefix, s) {
			out = append(out, s)
		}
	}
	return out
}

// Rebuild makes every derived bucket again from the log, in w's
// transaction: the engine's, the relay index where the store keeps one,
// and the domain's (domain, cleared first, then refilled by w's index
// function). It is what a migration of the index layout runs.
func (w *Tx) Rebuild(domain [][]byte) error {
	buckets := append(append([][]byte(nil), DerivedBuckets...), domain...)
	if Relays(w.KV) {
		buckets = append(buckets, RelayBuckets...)
	}
	for _, b := range buckets {
		if err := w.KV.DeleteBucket(b); err != nil && !errors.Is(err, kv.ErrNoBucket) {
			return fmt.Errorf("rebuild: drop %s: %w", b, err)
		}
		if _, err := w.KV.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("rebuild: create %s: %w", b, err)
		}
	}
	w.relayKnown = false
	w.fillAppendBuckets()
	w.recs = map[uuid.UUID]*touched{}
	w.dirty = nil
	return eachLoggedChange(w.KV, w.dict, w.applyChange, func() error {
		if err := w.Flush(); err != nil {
			return err
		}
		w.recs = map[uuid.UUID]*touched{}
		return nil
	})
}

// eachLoggedChange calls fn for every change of the log in log order
// (skips have no content), and flush after every ApplyChunk of them and at
// the end, so that memory stays bounded on a county's whole log.
func eachLoggedChange(tx kv.Tx, dict *Dict, fn func(*Change) error, flush func() error) error {
	n := 0
	err := tx.Bucket(BucketLog).ForEach(func(k, v []byte) error {
		if len(v) > 0 && v[0] == skipFormat {
			return nil
		}
		c, err := dict.DecodeChange(v)
		if err != nil {
			return fmt.Errorf("log %x: %w", k, err)
		}
		if err := fn(c); err != nil {
			return err
		}
		if n++; n%ApplyChunk == 0 {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// EachState calls fn with every record's state, in id order.
func (r *Reader) EachState(fn func(*RecordState) error) error {
	return r.tx.Bucket(BucketRecords).ForEach(func(k, v []byte) error {
		st, err := r.dict.DecodeState(uuid.UUID(k), v)
		if err != nil {
			return err
		}
		return fn(st)
	})
}

// changeRecord reads the record id of an encoded change, without decoding
// the rest of it.
func (dict *Dict) changeRecord(p []byte) (uuid.UUID, bool) {
	d := decoder{b: p}
	if d.byte1() != changeFormat {
		return uuid.Nil, false
	}
	d.take(16)         // origin
	d.uvarint()        // seq
	d.uvarint()        // HLC
	d.bytes()          // scope
	d.word(dict.kinds) // kind
	var id uuid.UUID
	copy(id[:], d.take(16))
	return id, d.err == nil
}

// EachChangeOf calls fn with each change of record among origin o's
// changes up to upto: those in the relay's scopes when rel is set (a
// county reading one record's history), or all of them. Only the changes
// of that record are decoded.
func (r *Reader) EachChangeOf(rel *Relay, o OriginID, upto uint64, record uuid.UUID, fn func(*Change) error) error {
	visit := func(seq uint64, v []byte) error {
		if _, skip := decodeSkip(v); skip {
			return nil
		}
		if id, ok := r.dict.changeRecord(v); !ok || id != record {
			return nil
		}
		ch, err := r.dict.DecodeChange(v)
		if err != nil {
			return fmt.Errorf("log %s: %w", Dot{o, seq}, err)
		}
		return fn(ch)
	}
	if rel != nil {
		return r.eachRelayedEntry(rel, o, 0, upto, visit)
	}
	c := r.tx.Bucket(BucketLog).Cursor()
	for k, v := c.Seek(LogKey(o, 1)); k != nil && bytes.HasPrefix(k, o[:]); k, v = c.Next() {
		seq := GetU64(k[16:])
		if seq > upto {
			break
		}
		if err := visit(seq, v); err != nil {
			return err
		}
	}
	return nil
}

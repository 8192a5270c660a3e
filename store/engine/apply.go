package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// ApplyChunk is how many changes one transaction applies, and how many a
// rebuild holds before it writes. Thousands per transaction amortise the
// fsync; the chunk still fits comfortably in memory.
const ApplyChunk = 4096

// ApplyStats says what became of a batch of changes.
type ApplyStats struct {
	Applied   int // new changes now in the log and the state
	Duplicate int // already held, byte for byte
	Queued    int // held back until the changes before them arrive
	Released  int // held-back changes applied now that their gap is filled (also in Applied)
	Conflict  int // same origin and sequence number, different content: refused, alarm raised
	Flagged   int // applied, but their clock reading is implausibly far ahead
	Skipped   int // sequence numbers recorded as outside this replica's scope
	// Conflicted are the records this batch left with fields for review.
	Conflicted []uuid.UUID
}

// Add sums two batches' outcomes.
func (a *ApplyStats) Add(b ApplyStats) {
	a.Applied += b.Applied
	a.Duplicate += b.Duplicate
	a.Queued += b.Queued
	a.Released += b.Released
	a.Conflict += b.Conflict
	a.Flagged += b.Flagged
	a.Skipped += b.Skipped
	a.Conflicted = append(a.Conflicted, b.Conflicted...)
}

// Skip says that the sequence numbers From..To of an origin exist but lie
// outside this replica's scope. The county relays to a station only the
// changes of its scope and fills the holes with skips, so that every origin's
// log stays a contiguous prefix here too: the have vector and the edit
// contexts rely on that.
type Skip struct {
	Origin   OriginID
	From, To uint64
}

// skipFormat marks a log or pending value as a skip range; a change starts
// with changeFormat (1).
const skipFormat = 0

func encodeSkip(to uint64) []byte { return binary.AppendUvarint([]byte{skipFormat}, to) }

func decodeSkip(v []byte) (uint64, bool) {
	if len(v) < 2 || v[0] != skipFormat {
		return 0, false
	}
	to, n := binary.Uvarint(v[1:])
	return to, n > 0 && n == len(v)-1
}

// What Tx.Alarm is told, for the domain to say to a person.
const (
	AlarmReused       = "REUSED_SEQ"        // a held (origin, seq) came again with other content
	AlarmSkipped      = "SKIPPED_SEQ"       // a change arrived that this replica had skipped as out of its scope
	AlarmReusedQueued = "REUSED_QUEUED_SEQ" // as AlarmReused, for a change still waiting in the queue
)

// item is a change or a skip on its way into the log.
type item struct {
	origin      OriginID
	first, last uint64
	c           *Change
	enc         []byte
}

// Items are changes and skips checked, encoded and sorted by origin and
// sequence number, ready to apply in one or several transactions.
type Items []item

// Apply merges changes made elsewhere, and skips. It is idempotent and
// independent of order: a change already held is a no-op, a change whose
// predecessors from the same origin are missing waits in the pending
// queue, and the state after all changes have arrived is the same whatever
// order they came in. A change that reuses a held (origin, seq) with other
// content is never applied; it raises an alarm.
func (w *Tx) Apply(changes []*Change, skips []Skip) (ApplyStats, error) {
	items, err := PrepareItems(w.dict, changes, skips)
	if err != nil {
		return ApplyStats{}, err
	}
	return w.ApplyItems(items)
}

// ApplyItems is Apply for prepared items.
func (w *Tx) ApplyItems(items Items) (ApplyStats, error) {
	var st ApplyStats
	err := w.applyItems(items, &st)
	return st, err
}

// PrepareItems checks and sorts changes and skips by origin and sequence.
func PrepareItems(dict *Dict, changes []*Change, skips []Skip) (Items, error) {
	items := make([]item, 0, len(changes)+len(skips))
	for _, c := range changes {
		if err := c.Check(); err != nil {
			return nil, fmt.Errorf("apply %s: %w", c.Dot(), err)
		}
		items = append(items, item{origin: c.Origin, first: c.Seq, last: c.Seq, c: c, enc: dict.EncodeChange(c)})
	}
	for _, k := range skips {
		if k.From == 0 || k.To < k.From {
			return nil, fmt.Errorf("apply skip %s %d..%d: %w", k.Origin.Short(), k.From, k.To, ErrCorrupt)
		}
		items = append(items, item{origin: k.Origin, first: k.From, last: k.To})
	}
	sort.SliceStable(items, func(i, j int) bool {
		if c := bytes.Compare(items[i].origin[:], items[j].origin[:]); c != 0 {
			return c < 0
		}
		return items[i].first < items[j].first
	})
	return items, nil
}

func (w *Tx) applyItems(items []item, st *ApplyStats) error {
	w.conflicted = nil
	defer func() {
		for id := range w.conflicted {
			st.Conflicted = append(st.Conflicted, id)
		}
		w.conflicted = nil
	}()
	logB := w.KV.Bucket(BucketLog)
	pend := w.KV.Bucket(BucketPending)
	w.prefetchFor(items)
	for _, it := range items {
		h := w.HaveOf(it.origin)
		key := LogKey(it.origin, it.first)
		switch {
		case it.last <= h:
			if it.c == nil {
				st.Duplicate++
				continue
			}
			held := logB.Get(key)
			if bytes.Equal(held, it.enc) {
				st.Duplicate++
				continue
			}
			st.Conflict++
			code := AlarmReused
			if held == nil {
				code = AlarmSkipped
			}
			if err := w.alarm(code, it.c.Dot()); err != nil {
				return err
			}
		case it.first <= h+1:
			if it.c != nil {
				if err := w.applyNew(it.c, it.enc, st); err != nil {
					return err
				}
			} else if err := w.applySkip(it.origin, h+1, it.last, st); err != nil {
				return err
			}
			if err := w.drain(it.origin, st); err != nil {
				return err
			}
		default:
			val := it.enc
			if it.c == nil {
				val = encodeSkip(it.last)
			}
			if p := pend.Get(key); p != nil {
				if bytes.Equal(p, val) {
					st.Duplicate++
				} else if it.c == nil || p[0] == skipFormat {
					// Two skips from the same place differ only in how far
					// they reach; keep the longer.
					if to, ok := decodeSkip(p); ok && it.c == nil && it.last > to {
						if err := pend.Put(key, val); err != nil {
							return err
						}
					}
				} else {
					st.Conflict++
					if err := w.alarm(AlarmReusedQueued, Dot{it.origin, it.first}); err != nil {
						return err
					}
				}
				continue
			}
			if err := pend.Put(key, val); err != nil {
				return err
			}
			delete(w.noPending, it.origin)
			st.Queued++
		}
	}
	return w.Flush()
}

// prefetchFor reads ahead, where the storage is a database server, what
// applying items will look up one by one: the records they change, and the
// log entries of those that may be held already.
func (w *Tx) prefetchFor(items []item) {
	rec := w.KV.Bucket(BucketRecords)
	if _, ok := rec.(kv.Prefetcher); !ok {
		return
	}
	var recs, logs [][]byte
	for _, it := range items {
		if it.c == nil {
			continue
		}
		if _, ok := w.recs[it.c.Record]; !ok && !w.Defer {
			recs = append(recs, it.c.Record[:])
		}
		if it.first <= w.HaveOf(it.origin) {
			logs = append(logs, LogKey(it.origin, it.first))
		}
	}
	kv.Prefetch(rec, recs)
	kv.Prefetch(w.KV.Bucket(BucketLog), logs)
}

// drain applies what waited in the pending queue for the gap just filled,
// and drops queued entries the log now covers.
func (w *Tx) drain(o OriginID, st *ApplyStats) error {
	if w.noPending[o] {
		return nil
	}
	pend := w.KV.Bucket(BucketPending)
	for {
		h := w.HaveOf(o)
		// Entries at or below the new high-water mark are covered already.
		c := pend.Cursor()
		var stale [][]byte
		k, _ := c.Seek(LogKey(o, 0))
		if k == nil || !bytes.HasPrefix(k, o[:]) {
			// Nothing waits for this origin: the next change of it in
			// this transaction need not look (a statement each on
			// PostgreSQL).
			if w.noPending == nil {
				w.noPending = map[OriginID]bool{}
			}
			w.noPending[o] = true
			return nil
		}
		for ; k != nil && bytes.HasPrefix(k, o[:]) && GetU64(k[16:]) <= h; k, _ = c.Next() {
			stale = append(stale, append([]byte(nil), k...))
		}
		for _, k := range stale {
			if err := pend.Delete(k); err != nil {
				return err
			}
		}
		next := LogKey(o, h+1)
		p := pend.Get(next)
		if p == nil {
			return nil
		}
		p = append([]byte(nil), p...)
		if err := pend.Delete(next); err != nil {
			return err
		}
		st.Released++
		if to, ok := decodeSkip(p); ok {
			if err := w.applySkip(o, h+1, to, st); err != nil {
				return err
			}
			continue
		}
		pc, err := w.dict.DecodeChange(p)
		if err != nil {
			return fmt.Errorf("pending %s: %w", Dot{o, h + 1}, err)
		}
		if err := w.applyNew(pc, p, st); err != nil {
			return err
		}
	}
}

// applySkip records that from..to of an origin are out of scope here.
func (w *Tx) applySkip(o OriginID, from, to uint64, st *ApplyStats) error {
	if err := w.KV.Bucket(BucketLog).Put(LogKey(o, from), encodeSkip(to)); err != nil {
		return err
	}
	st.Skipped += int(to - from + 1)
	w.setHave(o, to)
	return nil
}

func (w *Tx) applyNew(c *Change, enc []byte, st *ApplyStats) error {
	if err := w.KV.Bucket(BucketLog).Put(LogKey(c.Origin, c.Seq), enc); err != nil {
		return err
	}
	w.setHave(c.Origin, c.Seq)
	if c.Origin == w.Origin && c.Seq > w.Seq {
		// Our own changes coming back that this file never wrote: the file
		// is older than the origin. Never issue these numbers again.
		w.Seq = c.Seq
	}
	if !w.Clock.Observe(c.HLC) {
		st.Flagged++
		if err := w.KV.Bucket(BucketFlag).Put(LogKey(c.Origin, c.Seq), []byte("clock_future")); err != nil {
			return err
		}
	}
	st.Applied++
	if w.Defer {
		w.markBacklog(c.Origin, c.Seq)
		return w.indexForRelay(c)
	}
	return w.applyChange(c)
}

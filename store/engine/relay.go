package engine

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/cunzhan/cunzhan/store/kv"
)

// The county relays to each station the changes of its scope. Walking the
// log above a station's acknowledgement would cost the whole county's (or
// province's) activity since then for every station that syncs, and a newly
// enrolled one the whole log. So a county keeps two more derived buckets:
//
//	ix_scopelog   scope 0 origin(16) first(8) -> last(8)   runs of an origin's consecutive changes in a scope
//	ix_scopeorig  scope 0 origin(16) -> seq(8)             highest seq of the origin in the scope
//
// A station writes in its own scope almost always, so its whole backlog is
// one run: a key per run rather than per change keeps the index small and
// the import's cost near a bare log append. (A key with an empty value,
// written before runs, is a run of one.)
//
// A relay reads the few scopes a station covers (its own, those below it,
// the township and county above) and, per origin that ever wrote in them,
// only the sequence numbers above what the station holds: its own backlog.
// Stations do not keep them: they relay to nobody.
var (
	bIxScopeLog  = []byte("ix_scopelog")
	bIxScopeOrig = []byte("ix_scopeorig")
)

// seqRun is a run of consecutive sequence numbers.
type seqRun struct{ first, last uint64 }

// runLast is the last sequence number of the run stored under k with v.
func runLast(k, v []byte) uint64 {
	if len(v) == 8 {
		return GetU64(v)
	}
	return GetU64(k[len(k)-8:])
}

// RelayBuckets are the relay index, kept only by a store that relays.
var RelayBuckets = [][]byte{bIxScopeLog, bIxScopeOrig}

// Relays reports whether the store in tx keeps the relay index.
func Relays(tx kv.Tx) bool { return tx.Bucket(bIxScopeLog) != nil }

// createRelayIndex makes the relay buckets (empty) in tx.
func createRelayIndex(tx kv.Tx) error {
	for _, b := range RelayBuckets {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create %s: %w", b, err)
		}
	}
	return nil
}

func scopeLogKey(scope string, o OriginID, seq uint64) []byte {
	k := make([]byte, 0, len(scope)+25)
	k = append(k, scope...)
	k = append(k, 0)
	k = append(k, o[:]...)
	return append(k, U64(seq)...)
}

// indexForRelay records a change that entered the log, if this store
// relays (it has the buckets). An origin's changes come in ascending
// order, so each extends the run of its scope or starts one.
func (w *Tx) indexForRelay(c *Change) error {
	if !w.relayKnown {
		// Looked up once per transaction: this runs for every change.
		w.relayLog, w.relayKnown = w.KV.Bucket(bIxScopeLog), true
	}
	if w.relayLog == nil {
		return nil
	}
	if w.runs == nil {
		w.runs = map[string][]seqRun{}
	}
	k := scopeLogKey(c.Scope, c.Origin, 0)
	if string(k[:len(k)-8]) != w.lastScope { // compared without a copy
		w.lastScope = string(k[:len(k)-8])
	}
	runs := w.runs[w.lastScope]
	if n := len(runs); n > 0 && runs[n-1].last+1 == c.Seq {
		runs[n-1].last = c.Seq
	} else {
		w.runs[w.lastScope] = append(runs, seqRun{c.Seq, c.Seq})
	}
	return nil
}

// flushRelay writes the runs collected, extending the stored run they
// continue, and the highest sequence number per scope and origin.
func (w *Tx) flushRelay() error {
	if len(w.runs) == 0 {
		return nil
	}
	log, high := w.KV.Bucket(bIxScopeLog), w.KV.Bucket(bIxScopeOrig)
	for so, runs := range w.runs {
		held := GetU64(high.Get([]byte(so)))
		for i, r := range runs {
			key := append([]byte(so), U64(r.first)...)
			if i == 0 && held != 0 && held+1 == r.first {
				// The highest held seq ends the stored run this one
				// continues: the run with the greatest start at or
				// below it.
				c := log.Cursor()
				var pk []byte
				if k, _ := c.Seek(append([]byte(so), U64(held+1)...)); k == nil {
					pk, _ = c.Last()
				} else {
					pk, _ = c.Prev()
				}
				if pk == nil || !bytes.HasPrefix(pk, []byte(so)) || len(pk) != len(so)+8 {
					return fmt.Errorf("relay index: no run ends at %d for %x", held, so)
				}
				key = append([]byte(nil), pk...)
			}
			if err := log.Put(key, U64(r.last)); err != nil {
				return err
			}
		}
		if last := runs[len(runs)-1].last; last > held {
			if err := high.Put([]byte(so), U64(last)); err != nil {
				return err
			}
		}
	}
	w.runs = nil
	return nil
}

// Relay is what a relay to one station reads: the scopes it covers, and
// for each origin that wrote in them, those scopes with the origin's
// highest sequence number there.
type Relay struct {
	per map[OriginID][]scopeHigh
}

type scopeHigh struct {
	scope string
	high  uint64
}

// RelayFor prepares a relay to a station of scope: the scopes it covers
// are scope itself, those below it (codes that start with it) and above,
// the scopes the domain names (the township and county codes a village
// code starts with). It reads only those ranges of the index, not the whole
// county's. ok is false when this store keeps no relay index (a station):
// the caller walks the log instead.
func (r *Reader) RelayFor(scope string, above []string) (rel *Relay, ok bool, err error) {
	b := r.tx.Bucket(bIxScopeOrig)
	if b == nil {
		return nil, false, nil
	}
	rel = &Relay{per: map[OriginID][]scopeHigh{}}
	add := func(k, v []byte) error {
		if len(k) < 17 || k[len(k)-17] != 0 {
			return fmt.Errorf("relay index: bad key %x", k)
		}
		var o OriginID
		copy(o[:], k[len(k)-16:])
		rel.per[o] = append(rel.per[o], scopeHigh{string(k[:len(k)-17]), GetU64(v)})
		return nil
	}
	c := b.Cursor()
	// Below and at: every key that starts with the scope.
	for k, v := c.Seek([]byte(scope)); k != nil && bytes.HasPrefix(k, []byte(scope)); k, v = c.Next() {
		if err := add(k, v); err != nil {
			return nil, true, err
		}
	}
	// Above: each of those scopes exactly.
	for _, a := range above {
		exact := append([]byte(a), 0)
		for k, v := c.Seek(exact); k != nil && bytes.HasPrefix(k, exact); k, v = c.Next() {
			if err := add(k, v); err != nil {
				return nil, true, err
			}
		}
	}
	return rel, true, nil
}

// inScope lists origin o's sequence numbers in (after, upto] that lie in
// the relay's scopes, ascending.
func (r *Reader) inScope(rel *Relay, o OriginID, after, upto uint64) []uint64 {
	var seqs []uint64
	c := r.tx.Bucket(bIxScopeLog).Cursor()
	for _, sh := range rel.per[o] {
		if sh.high <= after {
			continue
		}
		prefix := scopeLogKey(sh.scope, o, 0)[:len(sh.scope)+17]
		// The run holding after+1 may start before it.
		k, v := c.Seek(scopeLogKey(sh.scope, o, after+1))
		var pk, pv []byte
		if k == nil {
			pk, pv = c.Last()
		} else {
			pk, pv = c.Prev()
		}
		if pk != nil && bytes.HasPrefix(pk, prefix) && runLast(pk, pv) > after {
			k, v = pk, pv
		} else {
			k, v = c.Seek(scopeLogKey(sh.scope, o, after+1))
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			first := GetU64(k[len(k)-8:])
			if first > upto {
				break
			}
			for seq := max(first, after+1); seq <= min(runLast(k, v), upto); seq++ {
				seqs = append(seqs, seq)
			}
		}
	}
	if len(rel.per[o]) > 1 {
		slices.Sort(seqs)
		seqs = slices.Compact(seqs)
	}
	return seqs
}

// EachRelayed is EachLogged for a relay: it calls fn with origin o's
// changes in (after, upto] that lie in the relay's scopes, and with a Skip
// for each run of sequence numbers between them, so that the station's
// log of the origin stays contiguous.
func (r *Reader) EachRelayed(rel *Relay, o OriginID, after, upto uint64, fn func(LogEntry) error) error {
	next := after + 1
	err := r.eachRelayedEntry(rel, o, after, upto, func(seq uint64, v []byte) error {
		if seq > next {
			if err := fn(LogEntry{Skip: &Skip{Origin: o, From: next, To: seq - 1}}); err != nil {
				return err
			}
		}
		ch, err := r.dict.DecodeChange(v)
		if err != nil {
			return fmt.Errorf("log %s: %w", Dot{o, seq}, err)
		}
		next = seq + 1
		return fn(LogEntry{Change: ch})
	})
	if err != nil {
		return err
	}
	if next <= upto {
		return fn(LogEntry{Skip: &Skip{Origin: o, From: next, To: upto}})
	}
	return nil
}

// eachRelayedEntry calls fn with the encoded log entry of each of origin
// o's sequence numbers in (after, upto] that lie in the relay's scopes.
func (r *Reader) eachRelayedEntry(rel *Relay, o OriginID, after, upto uint64, fn func(seq uint64, v []byte) error) error {
	c := r.tx.Bucket(BucketLog).Cursor()
	var at uint64 // the log cursor's sequence number, 0 before the first
	for _, seq := range r.inScope(rel, o, after, upto) {
		// Runs of the station's scope are neighbours in the log: step,
		// rather than seek, to the next one.
		var k, v []byte
		if at != 0 && seq == at+1 {
			k, v = c.Next()
		} else {
			k, v = c.Seek(LogKey(o, seq))
		}
		at = seq
		if !bytes.Equal(k, LogKey(o, seq)) || v == nil {
			return fmt.Errorf("relay index names %s, which the log lacks", Dot{o, seq})
		}
		if err := fn(seq, v); err != nil {
			return err
		}
	}
	return nil
}

// CountRelayed is how many of origin o's changes in (after, upto] lie in
// the relay's scopes.
func (r *Reader) CountRelayed(rel *Relay, o OriginID, after, upto uint64) int {
	return len(r.inScope(rel, o, after, upto))
}

// BuildRelayIndex makes the relay index and fills it from the log: a store
// that starts relaying (a county), or a county file written before it
// existed.
func BuildRelayIndex(tx kv.Tx, dict *Dict) error {
	if err := createRelayIndex(tx); err != nil {
		return err
	}
	w := &Tx{KV: tx}
	return eachLoggedChange(tx, dict, w.indexForRelay, w.flushRelay)
}

// StartRelaying makes and fills the relay index inside this transaction:
// the store has become a county.
func (w *Tx) StartRelaying() error {
	if err := BuildRelayIndex(w.KV, w.dict); err != nil {
		return err
	}
	w.relayKnown = false
	return nil
}

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
//	ix_scopelog   scope 0 origin(16) seq(8) -> nil   every logged change, by scope
//	ix_scopeorig  scope 0 origin(16) -> seq(8)       highest seq of the origin in the scope
//
// A relay reads the few scopes a station covers (its own, those below it,
// the township and county above) and, per origin that ever wrote in them,
// only the sequence numbers above what the station holds: its own backlog.
// Stations do not keep them: they relay to nobody.
var (
	bIxScopeLog  = []byte("ix_scopelog")
	bIxScopeOrig = []byte("ix_scopeorig")
)

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
// relays (it has the buckets).
func (w *Tx) indexForRelay(c *Change) error {
	if !w.relayKnown {
		// Looked up once per transaction: this runs for every change.
		w.relayLog, w.relayKnown = w.KV.Bucket(bIxScopeLog), true
	}
	b := w.relayLog
	if b == nil {
		return nil
	}
	k := scopeLogKey(c.Scope, c.Origin, c.Seq)
	if err := b.Put(k, nil); err != nil {
		return err
	}
	if w.scopeMax == nil {
		w.scopeMax = map[string]uint64{}
	}
	so := string(k[:len(k)-8])
	if c.Seq > w.scopeMax[so] {
		w.scopeMax[so] = c.Seq
	}
	return nil
}

// flushRelay writes the highest sequence number per scope and origin.
func (w *Tx) flushRelay() error {
	if len(w.scopeMax) == 0 {
		return nil
	}
	b := w.KV.Bucket(bIxScopeOrig)
	for so, seq := range w.scopeMax {
		if seq > GetU64(b.Get([]byte(so))) {
			if err := b.Put([]byte(so), U64(seq)); err != nil {
				return err
			}
		}
	}
	w.scopeMax = nil
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
		for k, _ := c.Seek(scopeLogKey(sh.scope, o, after+1)); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			seq := GetU64(k[len(k)-8:])
			if seq > upto {
				break
			}
			seqs = append(seqs, seq)
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
	c := r.tx.Bucket(BucketLog).Cursor()
	next := after + 1
	var at uint64 // the log cursor's sequence number, 0 before the first
	for _, seq := range r.inScope(rel, o, after, upto) {
		if seq > next {
			if err := fn(LogEntry{Skip: &Skip{Origin: o, From: next, To: seq - 1}}); err != nil {
				return err
			}
		}
		// Runs of the station's scope are neighbours in the log: step,
		// rather than seek, to the next one.
		var k, v []byte
		if at != 0 && seq == at+1 {
			k, v = c.Next()
		} else {
			k, v = c.Seek(LogKey(o, seq))
		}
		at = seq
		if !bytes.Equal(k, LogKey(o, seq)) {
			v = nil
		}
		if v == nil {
			return fmt.Errorf("relay index names %s, which the log lacks", Dot{o, seq})
		}
		ch, err := r.dict.DecodeChange(v)
		if err != nil {
			return fmt.Errorf("log %s: %w", Dot{o, seq}, err)
		}
		if err := fn(LogEntry{Change: ch}); err != nil {
			return err
		}
		next = seq + 1
	}
	if next <= upto {
		return fn(LogEntry{Skip: &Skip{Origin: o, From: next, To: upto}})
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

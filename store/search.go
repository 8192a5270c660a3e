package store

import (
	"bytes"
	"sort"
	"strings"
	"sync"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// The name search keeps one compact entry per searchable record in the
// ix_search bucket (key: id) and, once the first search asks for it, the
// same entries in memory, kept current after every commit. A query scans
// them: 100,000 names take a few milliseconds, which spares every bulk
// import the several index keys per person that a suffix index would cost.

// searchEntry is a searchable record: its name folded for matching and its
// pinyin initials.
type searchEntry struct {
	id       uuid.UUID
	kind     Kind
	scope    string
	name     string
	norm     string
	initials []string
}

func encodeSearch(kind Kind, scope, name string, initials []string) []byte {
	return cat([]byte(kind), zero, []byte(scope), zero, []byte(name), zero, []byte(strings.Join(initials, ",")))
}

func decodeSearch(id []byte, v []byte) (searchEntry, bool) {
	parts := bytes.SplitN(v, zero, 4)
	if len(parts) != 4 || len(id) != 16 {
		return searchEntry{}, false
	}
	e := searchEntry{kind: Kind(parts[0]), scope: string(parts[1]), name: string(parts[2])}
	copy(e.id[:], id)
	e.norm = normName(e.name)
	if len(parts[3]) > 0 {
		e.initials = strings.Split(string(parts[3]), ",")
	}
	return e, true
}

// searchIndex is the in-memory copy of ix_search.
type searchIndex struct {
	mu      sync.RWMutex
	built   bool
	entries []searchEntry
	pos     map[uuid.UUID]int
}

// searchOp is a change to ix_search made by a transaction, applied to the
// in-memory copy once the transaction has committed.
type searchOp struct {
	key []byte
	val []byte // nil: delete
}

// ensure loads the index from the bucket on first use.
func (x *searchIndex) ensure(db *bolt.DB) error {
	x.mu.RLock()
	built := x.built
	x.mu.RUnlock()
	if built {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.built {
		return nil
	}
	x.entries, x.pos = nil, map[uuid.UUID]int{}
	err := db.View(func(tx *bolt.Tx) error {
		err := tx.Bucket(bIxSearch).ForEach(func(k, v []byte) error {
			if e, ok := decodeSearch(k, v); ok {
				x.pos[e.id] = len(x.entries)
				x.entries = append(x.entries, e)
			}
			return nil
		})
		// The bucket is read once and then lives in memory: its pages
		// need not stay in this process's resident set.
		releaseMapping(db.Info().Data, uintptr(tx.Size()))
		return err
	})
	x.built = err == nil
	return err
}

// apply brings the in-memory copy up to date after a commit.
func (x *searchIndex) apply(ops []searchOp) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.built {
		return
	}
	for _, op := range ops {
		var id uuid.UUID
		copy(id[:], op.key)
		i, held := x.pos[id]
		if op.val == nil {
			if held {
				last := len(x.entries) - 1
				x.entries[i] = x.entries[last]
				x.pos[x.entries[i].id] = i
				x.entries = x.entries[:last]
				delete(x.pos, id)
			}
			continue
		}
		e, ok := decodeSearch(op.key, op.val)
		if !ok {
			continue
		}
		if held {
			x.entries[i] = e
		} else {
			x.pos[id] = len(x.entries)
			x.entries = append(x.entries, e)
		}
	}
}

// invalidate drops the in-memory copy (after a rebuild).
func (x *searchIndex) invalidate() {
	x.mu.Lock()
	x.built, x.entries, x.pos = false, nil, nil
	x.mu.Unlock()
}

// searchCap bounds how many matches one query collects before ranking; a
// one-character query such as "王" over 100,000 people stops there and says
// there are more.
const searchCap = 5000

// PreloadSearch reads the name index into memory now rather than at the
// first search: the window calls it in the background after its first
// frame, so that the first keystroke answers as fast as the others.
func (s *Store) PreloadSearch() error { return s.search.ensure(s.db) }

// Search finds people, homes and enterprises by name (any part of it), by
// pinyin initials (wxl finds 王秀兰) or, when the query is an ID number, by the
// keyed hash of the number. Names starting with the query come first.
// Only records inside scope are returned; total counts all matches seen
// (at most searchCap).
func (r *Reader) Search(query, scope string, limit int) ([]Hit, int, error) {
	q := normName(query)
	if q == "" {
		return nil, 0, nil
	}
	if looksLikeID(q) {
		return r.searchID(q, scope, limit)
	}
	x := &r.s.search
	if err := x.ensure(r.s.db); err != nil {
		return nil, 0, err
	}
	byInitials := isASCIILetters(q)
	type ranked struct {
		Hit
		prefix bool
	}
	var hits []ranked
	x.mu.RLock()
	for i := range x.entries {
		e := &x.entries[i]
		if !strings.HasPrefix(e.scope, scope) {
			continue
		}
		match, prefix := false, false
		if byInitials {
			for _, in := range e.initials {
				if strings.HasPrefix(in, q) {
					match, prefix = true, true
					break
				}
			}
		}
		if !match && strings.Contains(e.norm, q) {
			match, prefix = true, strings.HasPrefix(e.norm, q)
		}
		if match {
			hits = append(hits, ranked{Hit{ID: e.id, Kind: e.kind, Scope: e.scope, Name: e.name}, prefix})
			if len(hits) >= searchCap {
				break
			}
		}
	}
	x.mu.RUnlock()
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].prefix != hits[j].prefix {
			return hits[i].prefix
		}
		return hits[i].Name < hits[j].Name
	})
	out := make([]Hit, 0, min(limit, len(hits)))
	for i := 0; i < len(hits) && i < limit; i++ {
		out = append(out, hits[i].Hit)
	}
	return out, len(hits), nil
}

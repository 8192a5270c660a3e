package store

import (
	"bytes"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/kv"
)

// The name search keeps one compact entry per searchable record in the
// ix_search bucket (key: id) and, once the first search asks for it, the
// same entries in memory, kept current after every commit. A query scans
// them: 100,000 names take a few milliseconds, which spares every bulk
// import the several index keys per person that a suffix index would cost.

// searchEntry is a searchable record in memory, 40 bytes and one string:
// a window keeps 100,000 of them all day (17 MB when each held its kind,
// scope, name, folded name and initials as strings of its own).
type searchEntry struct {
	id    uuid.UUID
	group uint32 // index into searchIndex.groups: kind and scope
	norm  uint16 // length of the folded name at the start of text
	ini   uint16 // length of the initials after it
	// text is the folded name, the pinyin initials of each plausible
	// reading joined by ",", then the name as written when it differs from
	// the folded one.
	text string
}

// searchGroup is a kind and scope shared by many entries.
type searchGroup struct {
	kind  Kind
	scope string
}

func (e *searchEntry) folded() string   { return e.text[:e.norm] }
func (e *searchEntry) initials() string { return e.text[e.norm : int(e.norm)+int(e.ini)] }
func (e *searchEntry) name() string {
	if n := int(e.norm) + int(e.ini); len(e.text) > n {
		return e.text[n:]
	}
	return e.folded()
}

func encodeSearch(kind Kind, scope, name string, initials []string) []byte {
	return cat([]byte(kind), zero, []byte(scope), zero, []byte(name), zero, []byte(strings.Join(initials, ",")))
}

// decodeSearch reads an ix_search value into an entry; its group is
// looked up (or added) by the caller through the returned kind and scope.
func decodeSearch(id []byte, v []byte) (searchEntry, searchGroup, bool) {
	parts := bytes.SplitN(v, zero, 4)
	if len(parts) != 4 || len(id) != 16 {
		return searchEntry{}, searchGroup{}, false
	}
	name := string(parts[2])
	norm := normName(name)
	if len(norm) > math.MaxUint16 || len(parts[3]) > math.MaxUint16 {
		return searchEntry{}, searchGroup{}, false
	}
	text := norm + string(parts[3])
	if name != norm {
		text += name
	}
	e := searchEntry{id: uuid.UUID(id), norm: uint16(len(norm)), ini: uint16(len(parts[3])), text: text}
	return e, searchGroup{kind: Kind(parts[0]), scope: string(parts[1])}, true
}

// searchIndex is the in-memory copy of ix_search.
type searchIndex struct {
	mu      sync.RWMutex
	built   bool
	entries []searchEntry
	groups  []searchGroup
	groupOf map[searchGroup]uint32
	// pos finds an entry by id; it is made at the first commit that
	// changes a name, so that a session that only reads never holds it.
	pos map[uuid.UUID]int32
	// gen is the database's count of commits that changed names, as of
	// this copy. Where other processes write the same database, a copy
	// whose gen is not the database's is read again: it misses their
	// saves. (A file has one writer, this process; gen stays 0.)
	gen uint64
}

// add appends an entry (x.mu held for writing).
func (x *searchIndex) add(e searchEntry, g searchGroup) {
	e.group = x.group(g)
	if x.pos != nil {
		x.pos[e.id] = int32(len(x.entries))
	}
	x.entries = append(x.entries, e)
}

func (x *searchIndex) group(g searchGroup) uint32 {
	i, ok := x.groupOf[g]
	if !ok {
		i = uint32(len(x.groups))
		x.groups = append(x.groups, g)
		x.groupOf[g] = i
	}
	return i
}

// ensure loads the index from the bucket on first use, and again when
// another process has changed names since.
func (x *searchIndex) ensure(s *Store) error {
	shared := s.db.Shared()
	var dbGen uint64
	if shared {
		err := s.db.View(func(tx kv.Tx) error {
			dbGen = getU64(tx.Bucket(bMeta).Get(mSearchGen))
			return nil
		})
		if err != nil {
			return ioError("search", err)
		}
	}
	x.mu.RLock()
	fresh := x.built && x.gen == dbGen
	x.mu.RUnlock()
	if fresh {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.built && x.gen == dbGen {
		return nil
	}
	x.entries, x.groups, x.groupOf, x.pos = nil, nil, map[searchGroup]uint32{}, nil
	err := s.db.View(func(tx kv.Tx) error {
		if shared {
			x.gen = getU64(tx.Bucket(bMeta).Get(mSearchGen))
		}
		err := tx.Bucket(bIxSearch).ForEach(func(k, v []byte) error {
			if e, g, ok := decodeSearch(k, v); ok {
				x.add(e, g)
			}
			return nil
		})
		// Growing by appends left up to half the array unused.
		x.entries = append(make([]searchEntry, 0, len(x.entries)), x.entries...)
		return err
	})
	x.built = err == nil
	if err == nil {
		// The bucket is read once and then lives in memory: its pages
		// need not stay in this process's resident set.
		s.ReleasePages()
	}
	return err
}

// apply brings the in-memory copy up to date after a commit that took the
// database's name count from was to now. A copy that was not at was has
// missed another process's commit: it is dropped and read again when next
// asked.
func (x *searchIndex) apply(ops []engine.IndexOp, was, now uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.built {
		return
	}
	if x.gen != was {
		x.built, x.entries, x.groups, x.groupOf, x.pos = false, nil, nil, nil, nil
		return
	}
	x.gen = now
	if x.pos == nil {
		x.pos = make(map[uuid.UUID]int32, len(x.entries))
		for i := range x.entries {
			x.pos[x.entries[i].id] = int32(i)
		}
	}
	for _, op := range ops {
		if len(op.Key) != 16 {
			continue
		}
		id := uuid.UUID(op.Key)
		i, held := x.pos[id]
		if op.Del {
			if held {
				last := int32(len(x.entries) - 1)
				x.entries[i] = x.entries[last]
				x.pos[x.entries[i].id] = i
				x.entries = x.entries[:last]
				delete(x.pos, id)
			}
			continue
		}
		e, g, ok := decodeSearch(op.Key, op.Val)
		if !ok {
			continue
		}
		if held {
			e.group = x.group(g)
			x.entries[i] = e
		} else {
			x.add(e, g)
		}
	}
}

// invalidate drops the in-memory copy (after a rebuild).
func (x *searchIndex) invalidate() {
	x.mu.Lock()
	x.built, x.entries, x.groups, x.groupOf, x.pos = false, nil, nil, nil, nil
	x.mu.Unlock()
}

// PreloadSearch reads the name index into memory now rather than at the
// first search: the window calls it in the background after its first
// frame, so that the first keystroke answers as fast as the others.
func (s *Store) PreloadSearch() error { return s.search.ensure(s) }

// Search finds people, homes and enterprises by name (any part of it), by
// pinyin initials (wxl finds 王秀兰) or, when the query is an ID number, by the
// keyed hash of the number. Names starting with the query come first.
// Only records inside scope are returned, at most limit of them; total is
// the number of all matches (never a capped count: a one-character query
// such as "王" over 100,000 people counts its thousands in a few
// milliseconds).
func (r *Reader) Search(query, scope string, limit int) ([]Hit, int, error) {
	return r.searchNames(query, scope, "", limit)
}

// searchNames is Search, restricted to one kind when kind is not "".
func (r *Reader) searchNames(query, scope string, kind Kind, limit int) ([]Hit, int, error) {
	q := normName(query)
	if q == "" {
		return nil, 0, nil
	}
	if looksLikeID(q) {
		if kind != "" && kind != KindPerson {
			return nil, 0, nil
		}
		// searchID stops collecting at its limit and would count only
		// what it collected: ask for all (an ID number is held by one
		// person, by a few only in error) and cut here.
		hits, _, err := r.searchID(q, scope, math.MaxInt)
		if limit >= 0 && len(hits) > limit {
			return hits[:limit], len(hits), err
		}
		return hits, len(hits), err
	}
	x := &r.s.search
	if err := x.ensure(r.s); err != nil {
		return nil, 0, err
	}
	type ranked struct {
		e      *searchEntry
		prefix bool
	}
	var hits []ranked
	x.mu.RLock()
	defer x.mu.RUnlock()
	x.match(q, x.groupsWhere(kind, scope), func(e *searchEntry, prefix bool) {
		hits = append(hits, ranked{e, prefix})
	})
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].prefix != hits[j].prefix {
			return hits[i].prefix
		}
		return hits[i].e.name() < hits[j].e.name()
	})
	n := len(hits)
	if limit >= 0 && n > limit {
		n = limit
	}
	out := make([]Hit, n)
	for i := range out {
		e := hits[i].e
		g := &x.groups[e.group]
		out[i] = Hit{ID: e.id, Kind: g.kind, Scope: g.scope, Name: e.name()}
	}
	return out, len(hits), nil
}

// groupsWhere marks the groups of a kind ("" for any) within a scope; nil
// when every group qualifies. The caller holds x.mu for reading.
func (x *searchIndex) groupsWhere(kind Kind, scope string) []bool {
	if kind == "" && scope == "" {
		return nil
	}
	ok := make([]bool, len(x.groups))
	for i, g := range x.groups {
		ok[i] = (kind == "" || g.kind == kind) && strings.HasPrefix(g.scope, scope)
	}
	return ok
}

// match calls fn for every entry (of the groups marked in only, or all
// when only is nil) whose folded name contains the folded query q or whose
// pinyin initials start with it; prefix tells whether the name or the
// initials start with q. The caller holds x.mu for reading.
func (x *searchIndex) match(q string, only []bool, fn func(e *searchEntry, prefix bool)) {
	byInitials := isASCIILetters(q)
	for i := range x.entries {
		e := &x.entries[i]
		if only != nil && !only[e.group] {
			continue
		}
		if byInitials && initialsStart(e.initials(), q) {
			fn(e, true)
			continue
		}
		if norm := e.folded(); strings.Contains(norm, q) {
			fn(e, strings.HasPrefix(norm, q))
		}
	}
}

// initialsStart reports whether one of the comma-separated readings starts
// with q.
func initialsStart(list, q string) bool {
	for list != "" {
		one := list
		if i := strings.IndexByte(list, ','); i >= 0 {
			one, list = list[:i], list[i+1:]
		} else {
			list = ""
		}
		if strings.HasPrefix(one, q) {
			return true
		}
	}
	return false
}

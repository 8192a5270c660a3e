package engine

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/google/uuid"
)

// Version is one value a field holds: who wrote it, when, and what.
type Version struct {
	Dot    Dot
	HLC    HLC
	Author string
	Value  []byte // canonical JSON
	// seal is Value's stored form, kept so that a state written again
	// does not seal its unchanged values anew (seal.go).
	seal sealCache
}

// Register is a multi-value register. Versions are the values no later write
// has covered; more than one means concurrent edits (siblings). Cover is the
// join of the contexts of every write applied to the field, so a late-arriving
// version that some write already replaced is recognised and not revived.
//
// The state is a pure function of the set of writes: versions = writes whose
// dot no write's context covers. That is what makes apply idempotent and
// order-independent.
type Register struct {
	Name     string
	Cover    VV
	Versions []Version // sorted by dot
}

// Winner is the value shown when there are siblings: not deleted first (only
// for the deletion register), then the highest HLC, then the higher origin id.
// Every replica picks the same one.
func (r *Register) Winner() *Version {
	if len(r.Versions) == 0 {
		return nil
	}
	best := &r.Versions[0]
	for i := 1; i < len(r.Versions); i++ {
		if r.Beats(&r.Versions[i], best) {
			best = &r.Versions[i]
		}
	}
	return best
}

// Beats reports whether a is shown before b (Winner).
func (r *Register) Beats(a, b *Version) bool {
	if r.Name == FieldDeleted {
		ad, bd := isTrue(a.Value), isTrue(b.Value)
		if ad != bd {
			return !ad
		}
	}
	if a.HLC != b.HLC {
		return a.HLC > b.HLC
	}
	if c := bytes.Compare(a.Dot.Origin[:], b.Dot.Origin[:]); c != 0 {
		return c > 0
	}
	return a.Dot.Seq > b.Dot.Seq
}

// Conflicting reports whether the register holds siblings with different
// values. Equal concurrent values (two stations both setting 已审核) need no
// human.
func (r *Register) Conflicting() bool {
	for i := 1; i < len(r.Versions); i++ {
		if !bytes.Equal(r.Versions[i].Value, r.Versions[0].Value) {
			return true
		}
	}
	return false
}

// Apply merges one write of the field: its dot, clock reading, author,
// value and the context its writer had seen.
func (r *Register) Apply(d Dot, hlc HLC, author string, value []byte, ctx VV) {
	r.apply(d, hlc, author, Field{Value: value}, ctx)
}

// apply is Apply of a change's field, with its stored form if known.
func (r *Register) apply(d Dot, hlc HLC, author string, f Field, ctx VV) {
	if !r.Cover.Covers(d) {
		i := sort.Search(len(r.Versions), func(i int) bool { return !dotLess(r.Versions[i].Dot, d) })
		if i == len(r.Versions) || r.Versions[i].Dot != d {
			r.Versions = append(r.Versions, Version{})
			copy(r.Versions[i+1:], r.Versions[i:])
			r.Versions[i] = Version{Dot: d, HLC: hlc, Author: author, Value: f.Value, seal: f.seal}
		}
	}
	if len(ctx) == 0 {
		return
	}
	r.Cover.Join(ctx)
	kept := r.Versions[:0]
	for _, v := range r.Versions {
		if !r.Cover.Covers(v.Dot) {
			kept = append(kept, v)
		}
	}
	r.Versions = kept
}

func dotLess(a, b Dot) bool {
	if c := bytes.Compare(a.Origin[:], b.Origin[:]); c != 0 {
		return c < 0
	}
	return a.Seq < b.Seq
}

func isTrue(v []byte) bool { return string(v) == "true" }

// RecordState is everything a replica knows of one record: each field's
// register and the version vector of the changes applied to it.
type RecordState struct {
	ID    uuid.UUID
	Kind  Kind
	Scope string
	// VV holds, per origin, the highest change applied to this record. It is
	// the edit context a form captures when it opens.
	VV        VV
	Created   HLC
	CreatedBy string
	Updated   HLC
	UpdatedBy string
	Fields    []Register // sorted by name
}

// Register returns the named register or nil.
func (s *RecordState) Register(name string) *Register {
	i := sort.Search(len(s.Fields), func(i int) bool { return s.Fields[i].Name >= name })
	if i < len(s.Fields) && s.Fields[i].Name == name {
		return &s.Fields[i]
	}
	return nil
}

func (s *RecordState) register(name string) *Register {
	i := sort.Search(len(s.Fields), func(i int) bool { return s.Fields[i].Name >= name })
	if i < len(s.Fields) && s.Fields[i].Name == name {
		return &s.Fields[i]
	}
	s.Fields = append(s.Fields, Register{})
	copy(s.Fields[i+1:], s.Fields[i:])
	s.Fields[i] = Register{Name: name}
	return &s.Fields[i]
}

// Value returns the displayed value of a field, nil when unset or cleared.
func (s *RecordState) Value(name string) []byte {
	r := s.Register(name)
	if r == nil {
		return nil
	}
	w := r.Winner()
	if w == nil || string(w.Value) == "null" {
		return nil
	}
	return w.Value
}

// Deleted reports whether the displayed value of the deletion register is true.
func (s *RecordState) Deleted() bool { return isTrue(s.Value(FieldDeleted)) }

// apply merges one change into the state.
func (s *RecordState) apply(c *Change) {
	if s.Kind == "" {
		s.Kind, s.Scope = c.Kind, c.Scope
		if s.Fields == nil {
			s.Fields = make([]Register, 0, len(c.Fields))
		}
	} else {
		// Kind and scope are fixed at creation. Should two changes ever
		// disagree (a bug or a forged bundle), every replica keeps the same,
		// smallest, one; the data-quality report shows the record.
		if c.Kind < s.Kind {
			s.Kind = c.Kind
		}
		if c.Scope < s.Scope {
			s.Scope = c.Scope
		}
	}
	s.VV.Raise(c.Origin, c.Seq)
	// Created is the earliest (HLC, author) and Updated the latest; when
	// both parts tie the stored values are identical, so any order agrees.
	if s.Created == 0 || stampBefore(c.HLC, c.Author, s.Created, s.CreatedBy) {
		s.Created, s.CreatedBy = c.HLC, c.Author
	}
	if stampBefore(s.Updated, s.UpdatedBy, c.HLC, c.Author) {
		s.Updated, s.UpdatedBy = c.HLC, c.Author
	}
	d := c.Dot()
	for _, f := range c.Fields {
		s.register(f.Name).apply(d, c.HLC, c.Author, f, c.Ctx)
	}
}

func stampBefore(a HLC, aBy string, b HLC, bBy string) bool {
	if a != b {
		return a < b
	}
	return aBy < bBy
}

// ConflictFields lists the fields a person has to review: registers with
// differing siblings, and FieldDeleted when the record is deleted while an
// edit the deletion did not see is still present.
func (s *RecordState) ConflictFields() []string {
	var out []string
	for i := range s.Fields {
		if s.Fields[i].Conflicting() {
			out = append(out, s.Fields[i].Name)
		}
	}
	if del := s.Register(FieldDeleted); del != nil && s.Deleted() && !del.Conflicting() {
		for i := range s.Fields {
			r := &s.Fields[i]
			if r.Name == FieldDeleted {
				continue
			}
			for _, v := range r.Versions {
				if !del.Cover.Covers(v.Dot) {
					out = append(out, FieldDeleted)
					sort.Strings(out)
					return out
				}
			}
		}
	}
	return out
}

const stateFormat = 1

// stamp is who wrote a version and when; a record's versions share a few.
type stamp struct {
	dot    Dot
	hlc    HLC
	author string
}

// EncodeState writes the state compactly: the distinct (dot, clock, author)
// stamps once, in a table, and each version as an index into it plus its
// value; field names and the kind through the dictionaries.
func (d *Dict) EncodeState(s *RecordState) []byte {
	var stamps []stamp
	index := map[Dot]int{}
	for i := range s.Fields {
		for _, v := range s.Fields[i].Versions {
			if _, ok := index[v.Dot]; !ok {
				index[v.Dot] = len(stamps)
				stamps = append(stamps, stamp{v.Dot, v.HLC, v.Author})
			}
		}
	}
	authors := map[string]int{}
	var authorList []string
	author := func(a string) int {
		if i, ok := authors[a]; ok {
			return i
		}
		authors[a] = len(authorList)
		authorList = append(authorList, a)
		return len(authorList) - 1
	}
	for _, st := range stamps {
		author(st.author)
	}
	author(s.CreatedBy)
	author(s.UpdatedBy)

	e := encoder{b: make([]byte, 0, 96+24*len(stamps)+24*len(s.Fields))}
	e.byte1(stateFormat)
	e.word(string(s.Kind), d.kindCode)
	e.str(s.Scope)
	e.vv(s.VV)
	e.uvarint(uint64(len(authorList)))
	for _, a := range authorList {
		e.str(a)
	}
	e.uvarint(uint64(s.Created))
	e.uvarint(uint64(authors[s.CreatedBy]))
	e.uvarint(uint64(s.Updated))
	e.uvarint(uint64(authors[s.UpdatedBy]))
	e.uvarint(uint64(len(stamps)))
	for _, st := range stamps {
		e.origin(st.dot.Origin)
		e.uvarint(st.dot.Seq)
		e.uvarint(uint64(st.hlc))
		e.uvarint(uint64(authors[st.author]))
	}
	e.uvarint(uint64(len(s.Fields)))
	for i := range s.Fields {
		r := &s.Fields[i]
		e.word(r.Name, d.fieldCode)
		e.vv(r.Cover)
		e.uvarint(uint64(len(r.Versions)))
		for j, v := range r.Versions {
			e.uvarint(uint64(index[v.Dot]))
			e.bytes(d.sealCached(&r.Versions[j].seal, s.ID, v.Dot, r.Name, v.Value))
		}
	}
	return e.b
}

// DecodeState parses an encoded state of record id.
func (dict *Dict) DecodeState(id uuid.UUID, p []byte) (*RecordState, error) {
	d := decoder{b: p}
	if v := d.byte1(); v != stateFormat {
		return nil, fmt.Errorf("decode record %s: unknown format %d", id, v)
	}
	s := &RecordState{ID: id}
	s.Kind = Kind(d.word(dict.kinds))
	s.Scope = d.str()
	s.VV = d.vv()
	na := d.uvarint()
	if na > uint64(len(d.b)) {
		d.fail()
	}
	authors := make([]string, 0, min(na, 64))
	for i := uint64(0); i < na && d.err == nil; i++ {
		authors = append(authors, d.str())
	}
	pick := func(i uint64) string {
		if i >= uint64(len(authors)) {
			d.fail()
			return ""
		}
		return authors[i]
	}
	s.Created = HLC(d.uvarint())
	s.CreatedBy = pick(d.uvarint())
	s.Updated = HLC(d.uvarint())
	s.UpdatedBy = pick(d.uvarint())
	ns := d.uvarint()
	if ns > uint64(len(d.b)) {
		d.fail()
	}
	stamps := make([]stamp, 0, min(ns, 64))
	for i := uint64(0); i < ns && d.err == nil; i++ {
		var st stamp
		st.dot.Origin = d.origin()
		st.dot.Seq = d.uvarint()
		st.hlc = HLC(d.uvarint())
		st.author = pick(d.uvarint())
		stamps = append(stamps, st)
	}
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
	}
	if d.err == nil {
		s.Fields = make([]Register, n)
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		r := &s.Fields[i]
		r.Name = d.word(dict.fields)
		r.Cover = d.vv()
		nv := d.uvarint()
		if nv > uint64(len(d.b)) {
			d.fail()
			break
		}
		r.Versions = make([]Version, nv)
		for j := uint64(0); j < nv && d.err == nil; j++ {
			k := d.uvarint()
			if k >= uint64(len(stamps)) {
				d.fail()
				break
			}
			st := stamps[k]
			r.Versions[j] = Version{Dot: st.dot, HLC: st.hlc, Author: st.author, Value: d.bytes()}
			if dict.sealer != nil && d.err == nil {
				stored := r.Versions[j].Value
				v, err := dict.openValue(id, st.dot, r.Name, stored)
				if err != nil {
					return nil, fmt.Errorf("decode record %s: %w", id, err)
				}
				r.Versions[j].Value = v
				r.Versions[j].seal = dict.cacheSeal(stored, id, st.dot, r.Name)
			}
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode record %s: %w", id, d.err)
	}
	return s, nil
}

// RecordHead reads the kind and scope at the start of a stored record
// state, without decoding the rest.
func (dict *Dict) RecordHead(v []byte) (Kind, string, bool) {
	if v == nil {
		return "", "", false
	}
	d := decoder{b: v}
	if d.byte1() != stateFormat {
		return "", "", false
	}
	k := Kind(d.word(dict.kinds))
	scope := d.str()
	return k, scope, d.err == nil
}

package sync

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"sort"

	"github.com/cunzhan/cunzhan/store"
)

// Entries are what a bundle body carries: changes and skip ranges, in
// origin and sequence order.
type Entries struct {
	Changes []*store.Change
	Skips   []store.Skip
	// Audit (station to county) is the part of the station's audit log
	// the county lacks, as the station wrote it.
	Audit []json.RawMessage
}

// Len counts changes and skip ranges.
func (e *Entries) Len() int { return len(e.Changes) + len(e.Skips) }

type wireEntry struct {
	origin store.OriginID
	first  uint64
	c      *store.Change
	last   uint64
}

func (e *Entries) sorted() []wireEntry {
	out := make([]wireEntry, 0, e.Len())
	for _, c := range e.Changes {
		out = append(out, wireEntry{origin: c.Origin, first: c.Seq, last: c.Seq, c: c})
	}
	for _, s := range e.Skips {
		out = append(out, wireEntry{origin: s.Origin, first: s.From, last: s.To})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if c := bytes.Compare(out[i].origin[:], out[j].origin[:]); c != 0 {
			return c < 0
		}
		return out[i].first < out[j].first
	})
	return out
}

// encodeBody writes the plaintext body (before compression).
func encodeBody(e *Entries) []byte {
	entries := e.sorted()
	strs := map[string]uint64{}
	var strList []string
	str := func(s string) uint64 {
		if i, ok := strs[s]; ok {
			return i
		}
		strs[s] = uint64(len(strList))
		strList = append(strList, s)
		return uint64(len(strList) - 1)
	}
	origs := map[store.OriginID]uint64{}
	var origList []store.OriginID
	orig := func(o store.OriginID) uint64 {
		if i, ok := origs[o]; ok {
			return i
		}
		origs[o] = uint64(len(origList))
		origList = append(origList, o)
		return uint64(len(origList) - 1)
	}
	// Groups first into a separate buffer: they fill the tables.
	var g []byte
	ngroups := 0
	for i := 0; i < len(entries); {
		j := i
		for j < len(entries) && entries[j].origin == entries[i].origin {
			j++
		}
		ngroups++
		g = binary.AppendUvarint(g, orig(entries[i].origin))
		g = binary.AppendUvarint(g, uint64(j-i))
		prevSeq, prevHLC := uint64(0), int64(0)
		for _, en := range entries[i:j] {
			if en.c == nil {
				g = append(g, 0)
				g = binary.AppendUvarint(g, en.first-prevSeq)
				g = binary.AppendUvarint(g, en.last-en.first)
				prevSeq = en.last
				continue
			}
			c := en.c
			g = append(g, 1)
			g = binary.AppendUvarint(g, c.Seq-prevSeq)
			g = binary.AppendVarint(g, int64(c.HLC)-prevHLC)
			prevSeq, prevHLC = c.Seq, int64(c.HLC)
			g = binary.AppendUvarint(g, str(c.Scope))
			g = appendWord(g, string(c.Kind), store.Dict.KindCode)
			g = append(g, c.Record[:]...)
			g = binary.AppendUvarint(g, uint64(len(c.Fields)))
			for _, f := range c.Fields {
				g = appendWord(g, f.Name, store.Dict.FieldCode)
				g = binary.AppendUvarint(g, uint64(len(f.Value)))
				g = append(g, f.Value...)
			}
			g = binary.AppendUvarint(g, uint64(len(c.Ctx)))
			for _, d := range c.Ctx {
				g = binary.AppendUvarint(g, orig(d.Origin))
				g = binary.AppendUvarint(g, d.Seq)
			}
			g = binary.AppendUvarint(g, str(c.Author))
			g = binary.AppendUvarint(g, uint64(c.Schema))
		}
		i = j
	}
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(strList)))
	for _, s := range strList {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(origList)))
	for _, o := range origList {
		b = append(b, o[:]...)
	}
	b = binary.AppendUvarint(b, uint64(ngroups))
	b = append(b, g...)
	// The audit section, after the groups, only when the header counts
	// it (AuditEntries): a body without it is the body of before.
	if len(e.Audit) > 0 {
		b = binary.AppendUvarint(b, uint64(len(e.Audit)))
		for _, a := range e.Audit {
			b = binary.AppendUvarint(b, uint64(len(a)))
			b = append(b, a...)
		}
	}
	return b
}

func appendWord(b []byte, s string, code func(string) (uint64, bool)) []byte {
	if c, ok := code(s); ok {
		return binary.AppendUvarint(b, c+1)
	}
	b = binary.AppendUvarint(b, 0)
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errBody = errors.New("malformed body")

type reader struct {
	b   []byte
	err error
}

func (r *reader) fail() {
	r.err = errBody
	r.b = nil
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) take(n uint64) []byte {
	if uint64(len(r.b)) < n {
		r.fail()
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

// count reads a length that must be plausible for the bytes left.
func (r *reader) count(minBytes uint64) uint64 {
	n := r.uvarint()
	if minBytes > 0 && n > uint64(len(r.b))/minBytes+1 {
		r.fail()
		return 0
	}
	return n
}

func (r *reader) word(dict func(uint64) (string, bool)) string {
	c := r.uvarint()
	if c == 0 {
		return string(r.take(r.uvarint()))
	}
	s, ok := dict(c - 1)
	if !ok {
		r.fail()
	}
	return s
}

// decodeBody parses a plaintext body. It trusts nothing: every count is
// bounded by the bytes left, every index by its table.
func decodeBody(b []byte, audit int) (*Entries, error) {
	r := &reader{b: b}
	nstr := r.count(1)
	strList := make([]string, 0, min(nstr, 1024))
	for i := uint64(0); i < nstr && r.err == nil; i++ {
		strList = append(strList, string(r.take(r.uvarint())))
	}
	norig := r.count(16)
	origList := make([]store.OriginID, 0, min(norig, 1024))
	for i := uint64(0); i < norig && r.err == nil; i++ {
		var o store.OriginID
		copy(o[:], r.take(16))
		origList = append(origList, o)
	}
	strAt := func(i uint64) string {
		if i >= uint64(len(strList)) {
			r.fail()
			return ""
		}
		return strList[i]
	}
	origAt := func(i uint64) store.OriginID {
		if i >= uint64(len(origList)) {
			r.fail()
			return store.OriginID{}
		}
		return origList[i]
	}
	out := &Entries{}
	ngroups := r.count(2)
	for gi := uint64(0); gi < ngroups && r.err == nil; gi++ {
		o := origAt(r.uvarint())
		n := r.count(2)
		prevSeq, prevHLC := uint64(0), int64(0)
		for i := uint64(0); i < n && r.err == nil; i++ {
			tag := r.take(1)
			if r.err != nil {
				break
			}
			switch tag[0] {
			case 0:
				from := prevSeq + r.uvarint()
				to := from + r.uvarint()
				if from <= prevSeq || to < from {
					r.fail()
				}
				out.Skips = append(out.Skips, store.Skip{Origin: o, From: from, To: to})
				prevSeq = to
			case 1:
				c := &store.Change{Origin: o}
				d := r.uvarint()
				if d == 0 {
					r.fail()
				}
				c.Seq = prevSeq + d
				prevHLC += r.varint()
				c.HLC = store.HLC(prevHLC)
				prevSeq = c.Seq
				c.Scope = strAt(r.uvarint())
				c.Kind = store.Kind(r.word(store.Dict.KindName))
				copy(c.Record[:], r.take(16))
				nf := r.count(2)
				if r.err == nil {
					c.Fields = make([]store.Field, 0, nf)
				}
				for k := uint64(0); k < nf && r.err == nil; k++ {
					name := r.word(store.Dict.FieldName)
					c.Fields = append(c.Fields, store.Field{Name: name, Value: r.take(r.uvarint())})
				}
				nc := r.count(2)
				for k := uint64(0); k < nc && r.err == nil; k++ {
					c.Ctx = append(c.Ctx, store.Dot{Origin: origAt(r.uvarint()), Seq: r.uvarint()})
				}
				c.Author = strAt(r.uvarint())
				c.Schema = uint16(r.uvarint())
				if r.err == nil {
					// The canonical form checks the structure (sorted
					// fields, context not covering the change …).
					if _, err := store.DecodeChange(store.EncodeChange(c)); err != nil {
						return nil, err
					}
				}
				out.Changes = append(out.Changes, c)
			default:
				r.fail()
			}
		}
	}
	if audit > 0 && r.err == nil {
		if n := r.count(2); n != uint64(audit) || audit > maxAuditPerBundle {
			r.fail()
		}
		for i := 0; i < audit && r.err == nil; i++ {
			l := r.uvarint()
			if l > maxAuditEntryBytes {
				r.fail()
			}
			out.Audit = append(out.Audit, r.take(l))
		}
	} else if audit < 0 {
		r.fail()
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail()
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

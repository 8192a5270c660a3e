package engine

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/google/uuid"
)

// FieldDeleted is the register that marks a record deleted. Deletion is an
// ordinary field write so that a delete racing an edit stays visible.
const FieldDeleted = "_deleted"

// Field is one field value written by a change. Value is canonical JSON;
// "null" clears the field.
type Field struct {
	Name  string
	Value []byte
	// seal is Value's stored form once a sealing codec wrote it, so that
	// the record state that takes the value does not seal it again.
	seal sealCache
}

// Change is one replicated fact: a save on one station. It may carry several
// fields of one record; each field keeps its own register.
type Change struct {
	Origin OriginID
	Seq    uint64 // gapless per origin, from 1
	HLC    HLC
	Scope  string // division code of the record (immutable)
	Kind   Kind   // what the record is; the engine only carries it
	Record uuid.UUID
	Fields []Field // sorted by name, no duplicates
	// Ctx is what the writer had seen of this record when the form opened:
	// the new values replace exactly the versions it covers.
	Ctx    VV
	Author string
	Schema uint16 // the record schema the writer knew
}

// Kind names a record kind. The engine knows none: the domain registers
// them and hands the engine its dictionary (Dict) and index rules.
type Kind string

// Dot returns the change's identity.
func (c *Change) Dot() Dot { return Dot{Origin: c.Origin, Seq: c.Seq} }

const changeFormat = 1

// EncodeChange returns the canonical binary form: equal changes give equal
// bytes, which is how a replayed change is told from a forged one.
func (d *Dict) EncodeChange(c *Change) []byte {
	size := 96 + len(c.Scope) + len(c.Author) + 4*len(c.Fields) + 26*len(c.Ctx)
	for _, f := range c.Fields {
		size += len(f.Value) + 48
	}
	e := encoder{b: make([]byte, 0, size)}
	e.byte1(changeFormat)
	e.origin(c.Origin)
	e.uvarint(c.Seq)
	e.uvarint(uint64(c.HLC))
	e.str(c.Scope)
	e.word(string(c.Kind), d.kindCode)
	e.raw(c.Record[:])
	e.uvarint(uint64(len(c.Fields)))
	for i := range c.Fields {
		f := &c.Fields[i]
		e.word(f.Name, d.fieldCode)
		e.bytes(d.sealCached(&f.seal, c.Record, c.Dot(), f.Name, f.Value))
	}
	e.vv(c.Ctx)
	e.str(c.Author)
	e.uvarint(uint64(c.Schema))
	return e.b
}

// DecodeChange parses and checks the structure of an encoded change. It does
// not trust its input: bundles arrive from USB sticks.
func (dict *Dict) DecodeChange(p []byte) (*Change, error) {
	d := decoder{b: p}
	if v := d.byte1(); v != changeFormat {
		return nil, fmt.Errorf("decode change: unknown format %d", v)
	}
	c := &Change{}
	c.Origin = d.origin()
	c.Seq = d.uvarint()
	c.HLC = HLC(d.uvarint())
	c.Scope = d.str()
	c.Kind = Kind(d.word(dict.kinds))
	copy(c.Record[:], d.take(16))
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
	}
	if d.err == nil && n > 0 {
		c.Fields = make([]Field, 0, n)
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		name := d.word(dict.fields)
		c.Fields = append(c.Fields, Field{Name: name, Value: d.bytes()})
	}
	if dict.sealer != nil && d.err == nil {
		for i := range c.Fields {
			stored := c.Fields[i].Value
			v, err := dict.openValue(c.Record, c.Dot(), c.Fields[i].Name, stored)
			if err != nil {
				return nil, fmt.Errorf("decode change: %w", err)
			}
			c.Fields[i].Value = v
			c.Fields[i].seal = dict.cacheSeal(stored, c.Record, c.Dot(), c.Fields[i].Name)
		}
	}
	c.Ctx = d.vv()
	c.Author = d.str()
	c.Schema = uint16(d.uvarint())
	if d.err != nil {
		return nil, fmt.Errorf("decode change: %w", d.err)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("decode change: %d trailing bytes", len(d.b))
	}
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("decode change: %w", err)
	}
	return c, nil
}

// Check enforces what every replica relies on: a sequence number from 1, a
// context that does not claim to have seen the change itself, sorted unique
// fields, sorted context, well-formed values.
func (c *Change) Check() error {
	if c.Seq == 0 {
		return fmt.Errorf("%w: seq 0", ErrCorrupt)
	}
	if c.Ctx.Get(c.Origin) >= c.Seq {
		return fmt.Errorf("%w: context covers the change itself", ErrCorrupt)
	}
	for i := 1; i < len(c.Ctx); i++ {
		if bytes.Compare(c.Ctx[i-1].Origin[:], c.Ctx[i].Origin[:]) >= 0 {
			return fmt.Errorf("%w: context not sorted", ErrCorrupt)
		}
	}
	if len(c.Fields) == 0 {
		return fmt.Errorf("%w: no fields", ErrCorrupt)
	}
	for i, f := range c.Fields {
		if f.Name == "" || len(f.Value) == 0 {
			return fmt.Errorf("%w: empty field", ErrCorrupt)
		}
		if f.Value[0] < 0x20 {
			// Canonical JSON starts with none of these; sealed values
			// (seal.go) start with one, and never travel or decode as
			// plain.
			return fmt.Errorf("%w: field %s is not plain JSON", ErrCorrupt, f.Name)
		}
		if i > 0 && c.Fields[i-1].Name >= f.Name {
			return fmt.Errorf("%w: fields not sorted", ErrCorrupt)
		}
	}
	if c.Kind == "" || c.Scope == "" {
		return fmt.Errorf("%w: no kind or scope", ErrCorrupt)
	}
	return nil
}

// SortFields puts fields in the order a change holds them.
func SortFields(fs []Field) {
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
}

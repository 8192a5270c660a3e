package engine

import (
	"encoding/binary"
	"fmt"

	"github.com/google/uuid"
)

// Sealer encrypts the values of some fields at rest (the domain's
// sensitive ones), in the log and in record states alike. The engine calls
// it at its codec: everything above sees plain values, everything stored
// holds sealed ones. Sealing must be deterministic for the same additional
// data and value: a change is told from a forged one by its stored bytes.
// A Sealer must be comparable (==): a value's stored form is kept with the
// sealer that made it.
type Sealer interface {
	// Seals reports whether the field's values are sealed.
	Seals(field string) bool
	Seal(dst, ad, plain []byte) []byte
	Open(dst, ad, sealed []byte) ([]byte, error)
}

// WithSealer returns the dictionary with values sealed by s: the codec of
// one store. The plain dictionary stays the wire's.
func (d *Dict) WithSealer(s Sealer) *Dict {
	cp := *d
	cp.sealer = s
	cp.plain = d
	return &cp
}

// Plain is the dictionary without sealing.
func (d *Dict) Plain() *Dict {
	if d.plain != nil {
		return d.plain
	}
	return d
}

// sealAD binds a sealed value to the record, the version and the field it
// belongs to, so that a value moved elsewhere on disk does not open.
func sealAD(buf []byte, rec uuid.UUID, dot Dot, field string) []byte {
	buf = append(buf[:0], rec[:]...)
	buf = append(buf, dot.Origin[:]...)
	buf = binary.BigEndian.AppendUint64(buf, dot.Seq)
	return append(buf, field...)
}

// sealCache holds a value's stored form with what it was sealed for: the
// sealer (a change or state met by another store, a test's replicas or a
// county and a station in one process, seals under its own key) and the
// record, version and field bound into it (a value copied into another
// change, as a fork repair does, is sealed for its new place).
type sealCache struct {
	stored []byte
	by     Sealer
	rec    uuid.UUID
	dot    Dot
	field  string
}

// sealCached is sealValue, taken from or kept in c.
func (d *Dict) sealCached(c *sealCache, rec uuid.UUID, dot Dot, field string, v []byte) []byte {
	if d.sealer == nil {
		return v
	}
	if c.stored != nil && c.by == d.sealer && c.rec == rec && c.dot == dot && c.field == field {
		return c.stored
	}
	out := d.sealValue(rec, dot, field, v)
	*c = sealCache{stored: out, by: d.sealer, rec: rec, dot: dot, field: field}
	return out
}

// cacheSeal records a value's stored form as read from disk.
func (d *Dict) cacheSeal(stored []byte, rec uuid.UUID, dot Dot, field string) sealCache {
	return sealCache{stored: stored, by: d.sealer, rec: rec, dot: dot, field: field}
}

// sealValue is the stored form of a field value.
func (d *Dict) sealValue(rec uuid.UUID, dot Dot, field string, v []byte) []byte {
	if d.sealer == nil || string(v) == "null" || !d.sealer.Seals(field) {
		return v
	}
	var ad [64]byte
	return d.sealer.Seal(nil, sealAD(ad[:0], rec, dot, field), v)
}

// openValue is the plain form of a stored field value.
func (d *Dict) openValue(rec uuid.UUID, dot Dot, field string, v []byte) ([]byte, error) {
	if d.sealer == nil || string(v) == "null" || !d.sealer.Seals(field) {
		return v, nil
	}
	var ad [64]byte
	p, err := d.sealer.Open(nil, sealAD(ad[:0], rec, dot, field), v)
	if err != nil {
		return nil, fmt.Errorf("field %s of %s at %s: %w", field, rec, dot, err)
	}
	return p, nil
}

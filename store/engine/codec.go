package engine

import (
	"encoding/binary"
	"errors"
)

// ErrCorrupt is returned by decoders for bytes that do not parse. Callers wrap
// it with what they were decoding.
var ErrCorrupt = errors.New("corrupt encoding")

type encoder struct{ b []byte }

func (e *encoder) uvarint(v uint64)  { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) byte1(v byte)      { e.b = append(e.b, v) }
func (e *encoder) raw(p []byte)      { e.b = append(e.b, p...) }
func (e *encoder) bytes(p []byte)    { e.uvarint(uint64(len(p))); e.b = append(e.b, p...) }
func (e *encoder) str(s string)      { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) origin(o OriginID) { e.b = append(e.b, o[:]...) }
func (e *encoder) vv(v VV) {
	e.uvarint(uint64(len(v)))
	for _, d := range v {
		e.origin(d.Origin)
		e.uvarint(d.Seq)
	}
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = ErrCorrupt
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte1() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) take(n uint64) []byte {
	if uint64(len(d.b)) < n {
		d.fail()
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) bytes() []byte { return d.take(d.uvarint()) }
func (d *decoder) str() string   { return string(d.bytes()) }

func (d *decoder) origin() (o OriginID) {
	copy(o[:], d.take(16))
	return o
}

func (d *decoder) vv() VV {
	n := d.uvarint()
	if n > uint64(len(d.b)) { // each entry is at least 17 bytes
		d.fail()
		return nil
	}
	var v VV
	if n > 0 {
		v = make(VV, 0, n)
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		o := d.origin()
		v = append(v, Dot{Origin: o, Seq: d.uvarint()})
	}
	return v
}

package engine

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// OriginID names one installation's sequence of changes. A database gets a
// new one whenever it is copied or restored, so that a sequence number is
// never issued twice for different content.
type OriginID [16]byte

func (o OriginID) String() string { return uuid.UUID(o).String() }

// Short is the first eight hex digits, enough to tell stations apart on a
// review screen.
func (o OriginID) Short() string { return hex.EncodeToString(o[:4]) }

// ParseOrigin parses the canonical UUID form.
func ParseOrigin(s string) (OriginID, error) {
	u, err := uuid.Parse(s)
	if err != nil {
		return OriginID{}, fmt.Errorf("parse origin %q: %w", s, err)
	}
	return OriginID(u), nil
}

// Dot identifies one change: the origin that wrote it and its sequence number.
type Dot struct {
	Origin OriginID
	Seq    uint64
}

func (d Dot) String() string { return d.Origin.Short() + ":" + strconv.FormatUint(d.Seq, 10) }

// VV is a version vector: for each origin the highest sequence number
// covered. It is kept sorted by origin so that equal vectors encode to equal
// bytes.
type VV []Dot

// Get returns the sequence number held for o (0 when absent).
func (v VV) Get(o OriginID) uint64 {
	i := sort.Search(len(v), func(i int) bool { return bytes.Compare(v[i].Origin[:], o[:]) >= 0 })
	if i < len(v) && v[i].Origin == o {
		return v[i].Seq
	}
	return 0
}

// Covers reports whether the change d is at or below the vector.
func (v VV) Covers(d Dot) bool { return v.Get(d.Origin) >= d.Seq }

// Raise sets the entry for o to seq if seq is higher, keeping the order.
func (v *VV) Raise(o OriginID, seq uint64) {
	s := *v
	i := sort.Search(len(s), func(i int) bool { return bytes.Compare(s[i].Origin[:], o[:]) >= 0 })
	if i < len(s) && s[i].Origin == o {
		if seq > s[i].Seq {
			s[i].Seq = seq
		}
		return
	}
	s = append(s, Dot{})
	copy(s[i+1:], s[i:])
	s[i] = Dot{Origin: o, Seq: seq}
	*v = s
}

// Join raises v to cover everything w covers.
func (v *VV) Join(w VV) {
	for _, d := range w {
		v.Raise(d.Origin, d.Seq)
	}
}

// Clone returns an independent copy.
func (v VV) Clone() VV { return append(VV(nil), v...) }

// Equal reports whether both vectors hold the same entries.
func (v VV) Equal(w VV) bool {
	if len(v) != len(w) {
		return false
	}
	for i := range v {
		if v[i] != w[i] {
			return false
		}
	}
	return true
}

// String renders "origin:seq,origin:seq" with full origins; it round-trips
// through ParseVV and is how the command line hands an edit context back.
func (v VV) String() string {
	parts := make([]string, len(v))
	for i, d := range v {
		parts[i] = d.Origin.String() + ":" + strconv.FormatUint(d.Seq, 10)
	}
	return strings.Join(parts, ",")
}

// ParseVV parses the form written by String.
func ParseVV(s string) (VV, error) {
	var v VV
	if s == "" {
		return v, nil
	}
	for _, p := range strings.Split(s, ",") {
		i := strings.LastIndexByte(p, ':')
		if i < 0 {
			return nil, fmt.Errorf("parse version %q: missing ':'", p)
		}
		o, err := ParseOrigin(p[:i])
		if err != nil {
			return nil, err
		}
		seq, err := strconv.ParseUint(p[i+1:], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("parse version %q: %w", p, err)
		}
		v.Raise(o, seq)
	}
	return v, nil
}

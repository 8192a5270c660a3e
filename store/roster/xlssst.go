package roster

import (
	"errors"
	"fmt"
	"unicode/utf16"
)

// The strings of a BIFF8 file ([MS-XLS] 2.5.293–2.5.294): a count of
// characters, a flags byte (bit 0: two bytes a character, UTF-16LE, else
// one, Latin-1; bit 3: rich-text runs follow; bit 2: phonetic data
// follows), then the characters, four bytes a run, the phonetic data.
//
// The shared strings (SST) of a workbook run on from the SST record into
// CONTINUE records wherever 8224 bytes are full, even inside a string.
// Where a string's characters are cut, the CONTINUE record begins with a
// fresh flags byte, and the rest may be stored the other width (Excel
// writes Chinese as UTF-16 and a run of Latin letters in one byte). Where
// its runs or phonetic data are cut, the bytes simply go on.

// strCursor reads across a record and the CONTINUE records after it.
type strCursor struct {
	segs     [][]byte
	seg, pos int
}

var errStrShort = errors.New("string data ends early")

func (c *strCursor) byte() (byte, error) {
	for c.pos >= len(c.segs[c.seg]) {
		if c.seg+1 >= len(c.segs) {
			return 0, errStrShort
		}
		c.seg, c.pos = c.seg+1, 0
	}
	c.pos++
	return c.segs[c.seg][c.pos-1], nil
}

// uint reads an n-byte little-endian number: the fields before a string's
// characters are never cut by Excel, but need not be trusted not to be.
func (c *strCursor) uint(n int) (uint32, error) {
	var v uint32
	for i := 0; i < n; i++ {
		b, err := c.byte()
		if err != nil {
			return 0, err
		}
		v |= uint32(b) << (8 * i)
	}
	return v, nil
}

// skip passes over n bytes of runs or phonetic data.
func (c *strCursor) skip(n int) error {
	for n > 0 {
		rest := len(c.segs[c.seg]) - c.pos
		if rest == 0 {
			if c.seg+1 >= len(c.segs) {
				return errStrShort
			}
			c.seg, c.pos = c.seg+1, 0
			continue
		}
		k := min(n, rest)
		c.pos, n = c.pos+k, n-k
	}
	return nil
}

// atEnd says whether nothing is left.
func (c *strCursor) atEnd() bool {
	for i := c.seg; i < len(c.segs); i++ {
		if i == c.seg && c.pos < len(c.segs[i]) || i > c.seg && len(c.segs[i]) > 0 {
			return false
		}
	}
	return true
}

// chars reads n characters, wide or not to begin with.
func (c *strCursor) chars(n int, wide bool) ([]uint16, error) {
	u := make([]uint16, 0, n) // n < 65536
	for len(u) < n {
		seg := c.segs[c.seg][c.pos:]
		if len(seg) == 0 {
			// Cut here: the next record says how the rest is stored.
			if c.seg+1 >= len(c.segs) || len(c.segs[c.seg+1]) == 0 {
				return nil, errStrShort
			}
			c.seg, c.pos = c.seg+1, 1
			wide = c.segs[c.seg][0]&1 != 0
			continue
		}
		k := n - len(u)
		if wide {
			if k = min(k, len(seg)/2); k == 0 {
				return nil, errors.New("a UTF-16 character cut in two")
			}
			for i := range k {
				u = append(u, le16(seg[2*i:]))
			}
			c.pos += 2 * k
		} else {
			k = min(k, len(seg))
			for _, b := range seg[:k] {
				u = append(u, uint16(b))
			}
			c.pos += k
		}
	}
	return u, nil
}

// str reads a string; rich says whether it may have runs and phonetic
// data (the shared strings) or is a plain one (a LABEL, FORMAT, STRING).
func (c *strCursor) str(rich bool) (string, error) {
	n, err := c.uint(2)
	if err != nil {
		return "", err
	}
	flags, err := c.byte()
	if err != nil {
		return "", err
	}
	var runs, ext uint32
	if rich && flags&0x08 != 0 {
		if runs, err = c.uint(2); err != nil {
			return "", err
		}
	}
	if rich && flags&0x04 != 0 {
		if ext, err = c.uint(4); err != nil {
			return "", err
		}
		if ext > maxXLSStream {
			return "", fmt.Errorf("phonetic data of %d bytes", int32(ext))
		}
	}
	// The characters are read whole before decoding: a character outside
	// the BMP may be cut between its two halves.
	u, err := c.chars(int(n), flags&0x01 != 0)
	if err != nil {
		return "", err
	}
	if err := c.skip(4*int(runs) + int(ext)); err != nil {
		return "", err
	}
	return string(utf16.Decode(u)), nil
}

// readSST reads the shared strings from the SST record and its CONTINUE
// records: the total and unique counts, then the unique strings.
func readSST(segs [][]byte) ([]string, error) {
	c := &strCursor{segs: segs}
	if _, err := c.uint(4); err != nil {
		return nil, fmt.Errorf("SST: %w", err)
	}
	n, err := c.uint(4)
	if err != nil {
		return nil, fmt.Errorf("SST: %w", err)
	}
	size := 0
	for _, s := range segs {
		size += len(s)
	}
	// Each string takes three bytes at least: the count is not trusted
	// with the memory.
	sst := make([]string, 0, min(uint64(n), uint64(size/3)))
	for i := uint32(0); i < n && !c.atEnd(); i++ {
		s, err := c.str(true)
		if err != nil {
			return nil, fmt.Errorf("SST string %d: %w", i, err)
		}
		sst = append(sst, s)
	}
	return sst, nil
}

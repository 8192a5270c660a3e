package roster

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The cells of a BIFF8 worksheet, and the text of each as readXLSX gives
// it (see xls.go).

// sheet reads a worksheet's cells, from its BOF record to its EOF.
func (wb *workbook) sheet(s *records) ([][]string, error) {
	if typ, _, err := s.next(); err != nil || typ != recBOF {
		return nil, fmt.Errorf("worksheet does not begin with BOF (%#04x, %v)", typ, err)
	}
	var g grid
	pending := [2]int{-1} // the cell of a formula whose text comes in the next STRING record
	// A chart drawn on the sheet is a substream of its own, BOF to EOF,
	// inside the sheet's.
	for depth := 1; depth > 0; {
		typ, data, err := s.next()
		if err != nil {
			return nil, err
		}
		switch typ {
		case recBOF:
			depth++
			continue
		case recEOF:
			depth--
			continue
		case recString:
			if pending[0] >= 0 {
				t, err := (&strCursor{segs: s.continued(data)}).str(false)
				if err != nil {
					return nil, fmt.Errorf("STRING: %w", err)
				}
				g.set(pending[0], pending[1], t)
				pending[0] = -1
			}
			continue
		case recMulRK:
			// Row, first column, then an XF and an RK value for each cell,
			// then the last column.
			if depth > 1 {
				continue
			}
			if len(data) < 12 || (len(data)-6)%6 != 0 {
				return nil, fmt.Errorf("MULRK of %d bytes", len(data))
			}
			row, col := int(le16(data)), int(le16(data[2:]))
			for i := 0; i < (len(data)-6)/6; i++ {
				c := data[4+6*i:]
				g.set(row, col+i, wb.number(rkValue(le32(c[2:])), le16(c)))
			}
			continue
		case recFormula3, recFormula4:
			typ = recFormula
		case recFormula, recNumber, recRK, recLabelSST, recLabel, recRString, recBoolErr:
		default:
			continue
		}
		// The cell records begin with row, column and XF.
		if depth > 1 {
			continue
		}
		if len(data) < 8 {
			return nil, fmt.Errorf("cell record %#04x of %d bytes", typ, len(data))
		}
		row, col, xf := int(le16(data)), int(le16(data[2:])), le16(data[4:])
		text, need := "", 8
		switch typ {
		case recNumber:
			if need = 14; len(data) >= need {
				text = wb.number(math.Float64frombits(binary.LittleEndian.Uint64(data[6:])), xf)
			}
		case recRK:
			if need = 10; len(data) >= need {
				text = wb.number(rkValue(le32(data[6:])), xf)
			}
		case recLabelSST:
			if need = 10; len(data) >= need {
				i := le32(data[6:])
				if uint64(i) >= uint64(len(wb.sst)) {
					return nil, fmt.Errorf("shared string %d of %d", i, len(wb.sst))
				}
				text = wb.sst[i]
			}
		case recLabel, recRString:
			if text, err = (&strCursor{segs: [][]byte{data[6:]}}).str(false); err != nil {
				return nil, fmt.Errorf("LABEL: %w", err)
			}
		case recBoolErr: // the value, then whether it is an error code
			if data[7] == 0 {
				text = boolText(data[6])
			}
		case recFormula:
			// The cached result: a number, or, where the last two of its
			// eight bytes are FFFF, a type in its first byte (text,
			// boolean, error, empty text).
			if need = 20; len(data) < need {
				break
			}
			v := data[6:14]
			switch {
			case v[6] != 0xFF || v[7] != 0xFF:
				text = wb.number(math.Float64frombits(binary.LittleEndian.Uint64(v)), xf)
			case v[0] == 0:
				pending = [2]int{row, col}
			case v[0] == 1:
				text = boolText(v[2])
			}
		}
		if len(data) < need {
			return nil, fmt.Errorf("cell record %#04x of %d bytes", typ, len(data))
		}
		g.set(row, col, text)
	}
	return g, nil
}

// grid holds the rows: empty text adds no cell, so no row ends in
// empty cells and the last row has text, as readXLSX gives them.
type grid [][]string

func (g *grid) set(row, col int, text string) {
	// A BIFF8 sheet has 256 columns (A to IV); a cell beyond is not one
	// Excel shows.
	if text == "" || col > 255 {
		return
	}
	for len(*g) <= row {
		*g = append(*g, nil)
	}
	r := (*g)[row]
	for len(r) <= col {
		r = append(r, "")
	}
	r[col] = text
	(*g)[row] = r
}

// number gives a number cell's text, as readXLSX does.
func (wb *workbook) number(v float64, xf uint16) string {
	if int(xf) < len(wb.dateXF) && wb.dateXF[xf] {
		if wb.date1904 { // Mac Excel's day 0 is 1904-01-01: the 1900 day number is the one cleanDate reads
			v += 1462
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	// Excel shows 15 significant digits. A number that needs more (an ID
	// number typed as a number has lost its last ones) is given as Excel
	// shows it, 1.3013120080101E+17, which cleanID refuses.
	if s := strconv.FormatFloat(v, 'G', 15, 64); sciNumber.MatchString(s) {
		return s
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// rkValue decodes an RK number: an integer (bit 1) or the high 30 bits of
// a double, divided by 100 if bit 0 says so.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&2 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&^3) << 32)
	}
	if rk&1 != 0 {
		v /= 100
	}
	return v
}

func boolText(b byte) string {
	if b != 0 {
		return "1"
	}
	return "0"
}

// dateFormat says whether a number format shows a date or time: it has a
// year, month, day, hour or second code (or 年月日) outside quoted text
// and brackets ([Red], [$-804], [DBNum1]); a character after \, _ or * is
// shown, not a code.
func dateFormat(f string) bool {
	var quoted, bracket, literal bool
	for _, r := range f {
		switch {
		case literal:
			literal = false
		case quoted:
			quoted = r != '"'
		case bracket:
			bracket = r != ']'
		case r == '"':
			quoted = true
		case r == '[':
			bracket = true
		case r == '\\' || r == '_' || r == '*':
			literal = true
		case strings.ContainsRune("yYmMdDhHsS年月日", r):
			return true
		}
	}
	return false
}

package roster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store"
)

// The fixtures in testdata/xls are written by SheetJS (gen.js there); what
// SheetJS does not write (a string cut inside its characters by a CONTINUE
// record, RK and MULRK numbers, a formula's text result, the 1904 date
// system, a password) is built here record by record.

// villageXLS is testdata/xls/village.xls as Excel shows it.
var villageXLS = [][]string{
	{"平山县示例镇甲村农户花名册（2025年）"},
	{"填报单位：甲村村委会"},
	{"序号", "户主姓名", "与户主关系", "姓名", "性别", "身份证号", "出生日期", "村民小组", "联系电话", "备注"},
	// The date cell as its day number; the trailing empty 备注 gone.
	{"1", "王建国", "户主", "王建国 ", "男", "130131196003120013", "21987", "一组", "138 0013 8000"},
	// 户主姓名 merged down from the row above: empty here.
	{"2", "", "妻子", "李秀兰", "女", "130131196204050023", "1962.04.05", "一组"},
	{"3", "张桂英", "户主", "张桂英", "女", "１３０１３１194706220046", "19470622", "二组", "0311-82345678"},
	// The ID typed as a number, as Excel shows it: its last digits are lost.
	{"4", "张桂英", "孙子", "刘冬", "男", "1.3013120080101E+17", "2008-01-01", "二组"},
	{},
	{"合计：2户 4人"},
}

// cellsXLS is testdata/xls/cells.xls, its first sheet.
var cellsXLS = [][]string{
	{"整数", "小数", "负数", "浮点", "大数", "十二位", "身份证号"},
	{"1", "300.5", "-7", "0.30000000000000004", "1E+20", "123456789012", "1.3013120080101E+17"},
	// TRUE, FALSE, #DIV/0!, =1+2.
	{"1", "0", "", "3"},
	// Dates and times by m/d/yy (built-in 14), yyyy-mm-dd hh:mm, h:mm
	// (built-in 20), yyyy"年"m"月"d"日"; numbers by [Red]0.00, 0.0"days",
	// #,##0.00.
	{"21987", "21987.5", "0.5", "45000", "300.5", "12", "1234.5"},
}

// sstXLS is testdata/xls/sst.xls, as gen.js writes it.
func sstXLS() [][]string {
	rows := [][]string{{"序号", "姓名", "住址", "备注"}}
	for i := 1; i <= 40; i++ {
		n := strconv.Itoa(i)
		row := []string{n, "村民" + n, "平山县示例镇甲村第" + n + "号院，东邻村委会，西邻卫生室"}
		switch {
		case i == 20:
			row = append(row, strings.Repeat("长", 2500))
		case i%3 != 0:
			row = append(row, "No."+n+" 外出务工 🌾")
		}
		rows = append(rows, row)
	}
	return rows
}

func sameRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "xls", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadXLSFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		want [][]string
	}{
		{"village.xls", villageXLS},
		{"cells.xls", cellsXLS},
		{"sst.xls", sstXLS()},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rows, err := readXLS(filepath.Join("testdata", "xls", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !sameRows(rows, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", rows, tc.want)
			}
		})
	}
	// What the fixtures are for: village.xls and cells.xls are small
	// enough for the compound file's mini stream, sst.xls is not, and its
	// shared strings run on into a CONTINUE record.
	for file, want := range map[string]bool{"village.xls": false, "cells.xls": false, "sst.xls": true} {
		b, err := workbookStream(bytes.NewReader(fixture(t, file)), int64(len(fixture(t, file))))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) >= 4096 != want {
			t.Errorf("%s: workbook stream of %d bytes", file, len(b))
		}
		if hasContinue(t, b) != want {
			t.Errorf("%s: SST continued: %v", file, !want)
		}
	}
}

// hasContinue says whether the workbook's SST record is continued.
func hasContinue(t *testing.T, b []byte) bool {
	s := &records{b: b}
	for {
		typ, _, err := s.next()
		if err != nil || typ == recEOF {
			return false
		}
		if typ == recSST {
			next, _, _ := s.next()
			return next == recContinue
		}
	}
}

// writeXLSX writes rows with excelize, as the other tests do: nil is no
// cell, merges are ranges like "A1:J1", formats are cell: number format.
func writeXLSX(t *testing.T, rows [][]any, merges []string, formats map[string]string) string {
	t.Helper()
	f := excelize.NewFile()
	for i, row := range rows {
		for j, v := range row {
			if v == nil {
				continue
			}
			c, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue("Sheet1", c, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, m := range merges {
		a, b, _ := strings.Cut(m, ":")
		f.MergeCell("Sheet1", a, b)
	}
	for c, nf := range formats {
		st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &nf})
		if err != nil {
			t.Fatal(err)
		}
		f.SetCellStyle("Sheet1", c, c, st)
	}
	path := filepath.Join(t.TempDir(), "same.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// The same rows saved as .xlsx read the same: the importer sees no
// difference between the two formats.
func TestReadXLSAsXLSX(t *testing.T) {
	village := [][]any{
		{"平山县示例镇甲村农户花名册（2025年）"},
		{"填报单位：甲村村委会"},
		{"序号", "户主姓名", "与户主关系", "姓名", "性别", "身份证号", "出生日期", "村民小组", "联系电话", "备注"},
		{1, "王建国", "户主", "王建国 ", "男", "130131196003120013", time.Date(1960, 3, 12, 0, 0, 0, 0, time.UTC), "一组", "138 0013 8000", ""},
		{2, nil, "妻子", "李秀兰", "女", "130131196204050023", "1962.04.05", "一组", "", ""},
		{3, "张桂英", "户主", "张桂英", "女", "１３０１３１194706220046", "19470622", "二组", "0311-82345678", ""},
		{4, "张桂英", "孙子", "刘冬", "男", 130131200801010035.0, "2008-01-01", "二组", "", ""},
		{},
		{"合计：2户 4人"},
	}
	cells := [][]any{
		{"整数", "小数", "负数", "浮点", "大数", "十二位", "身份证号"},
		{1, 300.5, -7, 0.30000000000000004, 1e20, 123456789012.0, 130131200801010035.0},
		{true, false, "", 3},
		{21987, 21987.5, 0.5, 45000, 300.5, 12, 1234.5},
	}
	formats := map[string]string{"A4": "m/d/yy", "B4": "yyyy-mm-dd hh:mm", "C4": "h:mm", "D4": `yyyy"年"m"月"d"日"`, "E4": "[Red]0.00", "F4": `0.0"days"`, "G4": "#,##0.00"}
	for _, tc := range []struct {
		file    string
		rows    [][]any
		merges  []string
		formats map[string]string
	}{
		{"village.xls", village, []string{"A1:J1", "B4:B5"}, nil},
		{"cells.xls", cells, nil, formats},
	} {
		want, err := readXLSX(writeXLSX(t, tc.rows, tc.merges, tc.formats))
		if err != nil {
			t.Fatal(err)
		}
		got, err := readXLS(filepath.Join("testdata", "xls", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if !sameRows(got, want) {
			t.Errorf("%s: .xls\n%q\n.xlsx\n%q", tc.file, got, want)
		}
	}
}

// An .xlsx named .xls is read as the .xlsx it is.
func TestReadXLSRenamedXLSX(t *testing.T) {
	path := writeXLSX(t, [][]any{{"姓名", "身份证号"}, {"王建国", "130131196003120013"}}, nil, nil)
	renamed := strings.TrimSuffix(path, ".xlsx") + ".xls"
	if err := os.Rename(path, renamed); err != nil {
		t.Fatal(err)
	}
	rows, err := readXLS(renamed)
	if err != nil || !sameRows(rows, [][]string{{"姓名", "身份证号"}, {"王建国", "130131196003120013"}}) {
		t.Errorf("%q, %v", rows, err)
	}
}

// Records of a BIFF8 stream, by hand.

func u16(v ...uint16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], x)
	}
	return b
}

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func f64(v float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)) }

func utf16le(s string) []byte { return u16(utf16.Encode([]rune(s))...) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func rec(typ uint16, data ...[]byte) []byte {
	d := cat(data...)
	return cat(u16(typ, uint16(len(d))), d)
}

// xstr is a string with a 16-bit count: UTF-16LE if wide, else one
// (Latin-1) byte a character.
func xstr(s string, wide bool) []byte {
	if wide {
		return cat(u16(uint16(len(utf16.Encode([]rune(s))))), []byte{1}, utf16le(s))
	}
	return cat(u16(uint16(len(s))), []byte{0}, []byte(s))
}

func bof(dt uint16) []byte { return rec(recBOF, u16(0x0600, dt, 0x0DBB, 0x07CC), u32(0), u32(0x0600)) }

var eof = rec(recEOF)

func cell(typ, row, col, xf uint16, data ...[]byte) []byte {
	return rec(typ, u16(row, col, xf), cat(data...))
}

// XFs of book: General, built-in date 14, a custom date, a custom number.
const (
	xfGeneral = iota
	xfDate
	xfDateCN
	xfNumber
)

// book is a workbook stream as Excel lays it out: the globals (number
// formats, XFs, the records given, a BOUNDSHEET for the worksheet), then
// the worksheet, BOF to EOF, with the records given.
func book(globals [][]byte, sheet ...[]byte) []byte {
	xf := func(f uint16) []byte { return rec(recXF, u16(0, f), make([]byte, 16)) }
	head := cat(bof(5),
		rec(recFormat, u16(164), xstr(`yyyy"年"m"月"d"日"`, true)),
		rec(recFormat, u16(165), xstr("0.00", false)),
		xf(0), xf(14), xf(164), xf(165), cat(globals...))
	const boundSheet = 4 + 6 + 2 + 6
	at := len(head) + boundSheet + len(eof)
	return cat(head, rec(recBoundSheet, u32(uint32(at)), []byte{0, 0, 6, 0}, []byte("Sheet1")), eof,
		bof(0x10), cat(sheet...), eof)
}

// cfbFile puts a stream in a compound file of version 3 (512-byte
// sectors) as the only entry of its root, the smallest container mscfb
// reads. A stream under 4096 bytes belongs in the mini stream: it is
// padded to 4096 with zeros, which lie past the EOF the reader stops at.
func cfbFile(name string, stream []byte) []byte {
	stream = append(stream[:len(stream):len(stream)], make([]byte, max(0, 4096-len(stream)))...)
	n := (len(stream) + 511) / 512
	fat := 1 // FAT sectors: one entry for each sector, themselves included
	for fat*128 < fat+1+n {
		fat++
	}
	sectors := fat + 1 + n // the FAT, the directory, the stream
	out := make([]byte, 512*(1+sectors))
	h := out[:512]
	copy(h, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
	copy(h[24:], u16(0x3E, 3, 0xFFFE, 9, 6))
	copy(h[44:], cat(u32(uint32(fat)), u32(uint32(fat)), u32(0), u32(4096), u32(0xFFFFFFFE), u32(0), u32(0xFFFFFFFE), u32(0)))
	for i := range 109 {
		v := uint32(0xFFFFFFFF)
		if i < fat {
			v = uint32(i)
		}
		copy(h[76+4*i:], u32(v))
	}
	for i := range fat * 128 {
		v := uint32(0xFFFFFFFF)
		switch {
		case i < fat:
			v = 0xFFFFFFFD
		case i == fat || i == sectors-1:
			v = 0xFFFFFFFE
		case i < sectors-1:
			v = uint32(i + 1)
		}
		copy(out[512+4*i:], u32(v))
	}
	dir := out[512*(fat+1) : 512*(fat+2)]
	for i := range 4 {
		copy(dir[128*i+68:], cat(u32(0xFFFFFFFF), u32(0xFFFFFFFF), u32(0xFFFFFFFF)))
	}
	entry := func(e []byte, name string, typ byte, child, start uint32, size int) {
		u := utf16.Encode([]rune(name))
		copy(e, u16(u...))
		copy(e[64:], u16(uint16(2*len(u)+2)))
		e[66], e[67] = typ, 1
		copy(e[76:], u32(child))
		copy(e[116:], cat(u32(start), u32(uint32(size))))
	}
	entry(dir[0:], "Root Entry", 5, 1, 0xFFFFFFFE, 0)
	entry(dir[128:], name, 2, 0xFFFFFFFF, uint32(fat+1), len(stream))
	copy(out[512*(fat+2):], stream)
	return out
}

func readStream(stream []byte) ([][]string, error) {
	b := cfbFile("Workbook", stream)
	return readXLSFrom(bytes.NewReader(b), int64(len(b)))
}

// formula is a FORMULA record with the cached result given (8 bytes) and
// the formula =1 after it, which is not read.
func formula(row, col, xf uint16, result []byte) []byte {
	return cell(recFormula, row, col, xf, result, u16(0), u32(0), u16(3), []byte{0x1E, 1, 0})
}

// rk encodes an integer RK number, ×100 if cents.
func rk(v int32, cents bool) uint32 {
	r := uint32(v<<2) | 2
	if cents {
		r |= 1
	}
	return r
}

// handBuilt are workbook streams with what SheetJS does not write.
var handBuilt = []struct {
	name string
	book []byte
	want [][]string
}{
	{
		// The classic hard part: shared strings cut by CONTINUE records
		// inside their characters, each continuation with its own flags
		// byte and width.
		name: "SST cut inside strings",
		book: book([][]byte{
			rec(recSST, u32(9), u32(6),
				// 0: wide, then one byte a character: 平山县 | ABC
				u16(6), []byte{1}, utf16le("平山县")),
			rec(recContinue, []byte{0}, []byte("ABC"),
				// 1: one byte, then wide: Zhang | 张三
				u16(8), []byte{0}, []byte("Zhang ")),
			rec(recContinue, []byte{1}, utf16le("张三"),
				// 2: the count and flags end the record; all the
				// characters, with their flags byte, in the next
				u16(3), []byte{1}),
			rec(recContinue, []byte{1}, utf16le("张三丰"),
				// 3: a character outside the BMP cut between its halves
				u16(4), []byte{1}, utf16le("稻🌾")[:4]),
			rec(recContinue, []byte{1}, utf16le("稻🌾")[4:], utf16le("田"),
				// 4: rich text and phonetic data: two runs cut between
				// records (no flags byte), six bytes of phonetic data
				u16(2), []byte{0x0D}, u16(2), u32(6), utf16le("王五"), []byte{0, 0, 1, 0, 2}),
			rec(recContinue, []byte{0, 3, 0}, []byte("phonet"),
				// 5: a string after them, where it should be
				u16(5), []byte{0x08}, u16(1), []byte("Li Si"), u32(0)),
			rec(0x00FF, u16(8), make([]byte, 8)), // EXTSST, not read
		},
			cell(recLabelSST, 0, 0, 0, u32(0)), cell(recLabelSST, 0, 1, 0, u32(1)), cell(recLabelSST, 0, 2, 0, u32(2)),
			cell(recLabelSST, 1, 0, 0, u32(3)), cell(recLabelSST, 1, 1, 0, u32(4)), cell(recLabelSST, 1, 2, 0, u32(5)),
			cell(recLabelSST, 2, 3, 0, u32(0))),
		want: [][]string{{"平山县ABC", "Zhang 张三", "张三丰"}, {"稻🌾田", "王五", "Li Si"}, {"", "", "", "平山县ABC"}},
	},
	{
		// A string of 10000 characters over three CONTINUE records.
		name: "SST long string",
		book: book([][]byte{
			rec(recSST, u32(1), u32(1), u16(10000), []byte{1}, utf16le(strings.Repeat("长", 4000))),
			rec(recContinue, []byte{0}, bytes.Repeat([]byte("a"), 4000)),
			rec(recContinue, []byte{1}, utf16le(strings.Repeat("长", 1000))),
			rec(recContinue, []byte{0}, bytes.Repeat([]byte("b"), 1000)),
		}, cell(recLabelSST, 0, 0, 0, u32(0))),
		want: [][]string{{strings.Repeat("长", 4000) + strings.Repeat("a", 4000) + strings.Repeat("长", 1000) + strings.Repeat("b", 1000)}},
	},
	{
		name: "RK and MULRK",
		book: book(nil,
			cell(recRK, 0, 0, xfGeneral, u32(rk(7, false))),
			cell(recRK, 0, 1, xfGeneral, u32(rk(-7, false))),
			cell(recRK, 0, 2, xfGeneral, u32(rk(30050, true))),
			cell(recRK, 0, 3, xfGeneral, u32(0x3FF80000)), // 1.5: the high half of the double
			cell(recRK, 0, 4, xfGeneral, u32(0x3FF80001)), // 1.5 / 100
			cell(recRK, 0, 5, xfNumber, u32(rk(12, false))),
			rec(recMulRK, u16(1, 1), u16(xfDate), u32(rk(21987, false)), u16(xfDateCN), u32(rk(45000, false)),
				u16(xfGeneral), u32(rk(130, false)), u16(3))),
		want: [][]string{{"7", "-7", "300.5", "1.5", "0.015", "12"}, {"", "21987", "45000", "130"}},
	},
	{
		name: "formula results",
		book: book(nil,
			// Text: in the STRING record after the formula, here after a
			// shared formula record, and in one cut by a CONTINUE.
			formula(0, 0, 0, []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}),
			rec(0x04BC, make([]byte, 10)),
			rec(recString, xstr("户主", true)),
			formula(0, 1, 0, []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}),
			rec(recString, u16(7), []byte{1}, utf16le("一组")),
			rec(recContinue, []byte{0}, []byte("Group")),
			formula(0, 2, 0, []byte{1, 0, 1, 0, 0, 0, 0xFF, 0xFF}), // TRUE
			formula(0, 3, 0, []byte{1, 0, 0, 0, 0, 0, 0xFF, 0xFF}), // FALSE
			formula(0, 4, 0, []byte{2, 0, 7, 0, 0, 0, 0xFF, 0xFF}), // #DIV/0!
			formula(0, 5, 0, []byte{3, 0, 0, 0, 0, 0, 0xFF, 0xFF}), // ""
			formula(0, 6, 0, f64(300.5)),
			formula(0, 7, xfDate, f64(21987)),
			formula(0, 8, 0, f64(130131200801010035)),
			// The FORMULA type of Excel 4, as some writers use it.
			cell(0x0406, 0, 9, 0, f64(5), u16(0), u32(0), u16(3), []byte{0x1E, 1, 0})),
		want: [][]string{{"户主", "一组Group", "1", "0", "", "", "300.5", "21987", "1.3013120080101E+17", "5"}},
	},
	{
		name: "labels, booleans, blanks, merges",
		book: book(nil,
			cell(recLabel, 0, 0, 0, xstr("Zhang San", false)),
			cell(recLabel, 0, 1, 0, xstr("张三", true)),
			cell(recRString, 0, 2, 0, xstr("李四", true), u16(1), u32(0)),
			cell(recBoolErr, 1, 0, 0, []byte{1, 0}),
			cell(recBoolErr, 1, 1, 0, []byte{0, 0}),
			cell(recBoolErr, 1, 2, 0, []byte{0x2A, 1}), // #N/A
			cell(0x0201, 1, 5, 0),                      // BLANK: no cell
			rec(0x00BE, u16(3, 0, 0, 0, 0, 2)),         // MULBLANK: no row
			rec(0x00E5, u16(1, 0, 0, 0, 3)),            // MERGEDCELLS A1:D1
			cell(recNumber, 4, 1, 0, f64(1))),
		want: [][]string{{"Zhang San", "张三", "李四"}, {"1", "0"}, {}, {}, {"", "1"}},
	},
	{
		// Numbers as readXLSX gives them: shortest, or, past 15
		// significant digits, as Excel shows them.
		name: "numbers",
		book: book(nil,
			cell(recNumber, 0, 0, 0, f64(130131200801010035)),
			cell(recNumber, 0, 1, 0, f64(1e20)),
			cell(recNumber, 0, 2, 0, f64(1234567890123456)),
			cell(recNumber, 0, 3, 0, f64(123456789012345)),
			cell(recNumber, 0, 4, 0, f64(0.30000000000000004)),
			cell(recNumber, 0, 5, 0, f64(-130131200801010035)),
			cell(recNumber, 0, 6, 0, f64(1e-7)),
			cell(recNumber, 0, 7, xfNumber, f64(12)),
			cell(recNumber, 0, 8, 99, f64(2.5))), // an XF the globals lack
		want: [][]string{{"1.3013120080101E+17", "1E+20", "1.23456789012346E+15", "123456789012345", "0.30000000000000004", "-130131200801010030", "0.0000001", "12", "2.5"}},
	},
	{
		// Mac Excel counts days from 1904: a date is given as the 1900
		// day number cleanDate reads; other numbers are left alone.
		name: "1904 dates",
		book: book([][]byte{rec(recDateMode, u16(1))},
			cell(recNumber, 0, 0, xfDate, f64(20525)),
			cell(recNumber, 0, 1, xfGeneral, f64(20525))),
		want: [][]string{{"21987", "20525"}},
	},
	{
		// A format that counts a character more than it has is what it
		// has (yyyy-mm: a date, so the 1904 day number is made a 1900 one).
		name: "format one character short",
		book: book([][]byte{rec(recDateMode, u16(1)),
			rec(recFormat, u16(166), u16(8), []byte{0}, []byte("yyyy-mm")),
			rec(recXF, u16(0, 166), make([]byte, 16))},
			cell(recNumber, 0, 0, 4, f64(20525))),
		want: [][]string{{"21987"}},
	},
	{
		// The first worksheet after a chart sheet; a chart drawn on the
		// worksheet is a substream of its own, with nothing of the sheet.
		name: "chart sheet and embedded chart",
		book: book([][]byte{rec(recBoundSheet, u32(0), []byte{0, 2, 5, 0}, []byte("Chart"))},
			cell(recLabel, 0, 0, 0, xstr("before", false)),
			bof(0x20), cell(recNumber, 5, 5, 0, f64(9)), eof,
			cell(recLabel, 1, 0, 0, xstr("after", false))),
		want: [][]string{{"before"}, {"after"}},
	},
	{
		name: "empty sheet",
		book: book(nil),
		want: nil,
	},
}

func TestReadXLSHandBuilt(t *testing.T) {
	for _, tc := range handBuilt {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := readStream(tc.book)
			if err != nil {
				t.Fatal(err)
			}
			if !sameRows(rows, tc.want) {
				t.Errorf("got\n%q\nwant\n%q", rows, tc.want)
			}
			// Every part of the stream is needed: cut short anywhere,
			// it is refused.
			for n := range len(tc.book) {
				if rows, err := parseBIFF(tc.book[:n]); err == nil {
					t.Fatalf("cut at %d of %d: read %q", n, len(tc.book), rows)
				}
			}
		})
	}
}

func TestReadXLSRefused(t *testing.T) {
	cfb := func(name string, stream []byte) []byte { return cfbFile(name, stream) }
	biff5 := cat(rec(recBOF, u16(0x0500, 5), make([]byte, 4)), eof)
	for _, tc := range []struct {
		name, code, message string
		file                []byte
	}{
		{"password", "FILE_ENCRYPTED", msgXLSLocked, cfb("Workbook", book([][]byte{rec(recFilePass, u16(1), make([]byte, 52))}))},
		{"password .xlsx", "FILE_ENCRYPTED", msgXLSLocked, cfb("EncryptedPackage", make([]byte, 100))},
		{"Excel 95 (Book)", "FILE_FORMAT", msgXLSOld, cfb("Book", biff5)},
		{"Excel 95 (BIFF5 in Workbook)", "FILE_FORMAT", msgXLSOld, cfb("Workbook", biff5)},
		{"Excel 4", "FILE_FORMAT", msgXLSOld, cat(rec(0x0409, u16(0, 0x10, 0)), eof)},
		{"web page", "FILE_FORMAT", "不是有效的Excel文件（.xls）", []byte("<html><table><tr><td>姓名</td></tr></table></html>" + strings.Repeat(" ", 600))},
		{"empty", "FILE_FORMAT", "不是有效的Excel文件（.xls）", nil},
		{"Word", "FILE_FORMAT", "文件中没有Excel工作簿", cfb("WordDocument", make([]byte, 100))},
		{"no worksheet", "FILE_FORMAT", "Excel文件中没有工作表", cfb("Workbook", cat(bof(5), eof))},
		{"shared string missing", "FILE_FORMAT", msgXLSCorrupt, cfb("Workbook", book(nil, cell(recLabelSST, 0, 0, 0, u32(0))))},
		{"SST past its data", "FILE_FORMAT", msgXLSCorrupt, cfb("Workbook", book([][]byte{rec(recSST, u32(1), u32(1), u16(5), []byte{0}, []byte("abc"))}))},
		{"MULRK length", "FILE_FORMAT", msgXLSCorrupt, cfb("Workbook", book(nil, rec(recMulRK, u16(0, 0, 0), u32(2), u16(0), []byte{1})))},
		{"short NUMBER", "FILE_FORMAT", msgXLSCorrupt, cfb("Workbook", book(nil, cell(recNumber, 0, 0, 0, u32(1))))},
		{"no EOF", "FILE_FORMAT", msgXLSCorrupt, cfb("Workbook", book(nil, cell(recRK, 0, 0, 0, u32(2)))[:len(book(nil, cell(recRK, 0, 0, 0, u32(2))))-4])},
		{"sheet past the end", "FILE_FORMAT", msgXLSCorrupt, cfb("Workbook", cat(bof(5), rec(recBoundSheet, u32(9999), []byte{0, 0, 1, 0, 'S'}), eof))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := readXLSFrom(bytes.NewReader(tc.file), int64(len(tc.file)))
			var se *store.Error
			if !errors.As(err, &se) || se.Code != tc.code || !strings.Contains(se.Message, tc.message) {
				t.Errorf("got %q, %v; want %s %s", rows, err, tc.code, tc.message)
			}
		})
	}
}

// A file cut short or damaged is refused or read as it was, never a
// panic and never other cells: a cut that leaves what is read whole
// (the padding of the compound file's last sector) changes nothing.
func TestReadXLSDamaged(t *testing.T) {
	for _, file := range []string{"village.xls", "cells.xls", "sst.xls"} {
		b := fixture(t, file)
		full, err := readXLSFrom(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		refused := 0 // of the cuts tried
		for n := 0; n < len(b); n += 7 {
			rows, err := readXLSFrom(bytes.NewReader(b[:n]), int64(n))
			if err == nil && !sameRows(rows, full) {
				t.Fatalf("%s cut at %d: read %q", file, n, rows)
			}
			if err != nil {
				refused++
				var se *store.Error
				if !errors.As(err, &se) || se.Code != "FILE_FORMAT" {
					t.Fatalf("%s cut at %d: %v", file, n, err)
				}
			}
		}
		// Most cuts lose something read; the header, the directory and
		// the first sectors always are.
		if refused < len(b)/7/2 {
			t.Errorf("%s: only %d of %d cuts refused", file, refused, len(b)/7)
		}
		for _, n := range []int{0, 8, 100, 511, 512, 1024, len(b) / 2} {
			if _, err := readXLSFrom(bytes.NewReader(b[:n]), int64(n)); err == nil {
				t.Errorf("%s cut at %d: read", file, n)
			}
		}
		// Every third byte flipped in turn (and the signature's, which
		// must be refused).
		d := bytes.Clone(b)
		for i := 0; i < len(d); i += 3 {
			d[i] ^= 0xFF
			rows, err := readXLSFrom(bytes.NewReader(d), int64(len(d)))
			if i < 8 && err == nil {
				t.Fatalf("%s: signature byte %d flipped: read", file, i)
			}
			checkRows(t, rows, err)
			d[i] ^= 0xFF
		}
	}
}

// checkRows checks what readXLSFrom gives: an error of the import's kind,
// or rows in the shape readXLSX gives them.
func checkRows(t testing.TB, rows [][]string, err error) {
	t.Helper()
	if err != nil {
		var se *store.Error
		if !errors.As(err, &se) || se.Code != "FILE_FORMAT" && se.Code != "FILE_ENCRYPTED" || se.Message == "" {
			t.Fatalf("error %v", err)
		}
		return
	}
	if len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		t.Fatalf("trailing empty row in %q", rows)
	}
	for _, r := range rows {
		if len(r) > 256 || len(r) > 0 && r[len(r)-1] == "" {
			t.Fatalf("row %q", r)
		}
	}
}

func TestDateFormat(t *testing.T) {
	for f, want := range map[string]bool{
		"yyyy-mm-dd":                       true,
		"m/d/yy":                           true,
		"h:mm:ss":                          true,
		"[h]:mm":                           true,
		`yyyy"年"m"月"d"日"`:                  true,
		"[$-804]yyyy年m月d日":                 true,
		"[DBNum1][$-804]yyyy年m月d日":         true,
		`[$-F800]dddd\,\ mmmm\ dd\,\ yyyy`: true,
		"General":                          false,
		"0.00":                             false,
		"#,##0.00_);[Red](#,##0.00)":       false,
		"[Red]0.00":                        false,
		`0.0"days"`:                        false,
		`0\d`:                              false,
		`#,##0"元"`:                         false,
		"@":                                false,
		"0_m":                              false,
		"*s0":                              false,
	} {
		if dateFormat(f) != want {
			t.Errorf("dateFormat(%q) = %v", f, !want)
		}
	}
}

// FuzzReadXLS reads damaged and made-up files: an error or rows, never
// a panic.
func FuzzReadXLS(f *testing.F) {
	for _, file := range []string{"village.xls", "cells.xls", "sst.xls"} {
		f.Add(fixture(f, file))
	}
	for _, tc := range handBuilt {
		f.Add(cfbFile("Workbook", tc.book))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := readXLSFrom(bytes.NewReader(b), int64(len(b)))
		checkRows(t, rows, err)
	})
}

// FuzzParseBIFF reaches the records more often than FuzzReadXLS, whose
// mutations mostly break the container.
func FuzzParseBIFF(f *testing.F) {
	for _, tc := range handBuilt {
		f.Add(tc.book)
	}
	for _, file := range []string{"village.xls", "cells.xls", "sst.xls"} {
		b := fixture(f, file)
		s, err := workbookStream(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := parseBIFF(b)
		if err != nil {
			return
		}
		checkRows(t, rows, nil)
	})
}

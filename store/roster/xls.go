package roster

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"

	"github.com/cunzhan/cunzhan/store"
)

// Old Excel and WPS files (.xls, Excel 97–2003) are BIFF8: a stream of
// records named "Workbook" inside an OLE2 compound file. The workbook
// globals come first (shared strings, number formats, the sheets' places
// in the stream), then each sheet's cells. The Go readers of the format
// are GPL or unmaintained and panic on small files, so this reads what a
// roster needs and no more, and every length in the file is checked
// before it is trusted: a damaged file is refused, never a panic. Here:
// the container and the workbook globals; xlscells.go: the worksheet's
// cells; xlssst.go: the strings, cut across CONTINUE records.
//
// Cells come out as readXLSX gives them (the importer depends on it): a
// text as written; a number formatted as a date as its day number
// ("21987", which cleanDate reads); another number in the shortest form
// that gives it back ("300.5"), but a number Excel can show only as
// 1.3013120080101E+17 (an ID number typed as a number, its last digits
// lost) as shown, for cleanID to refuse; a boolean as "1" or "0"; an
// error value, blank or merged-over cell as "".

// maxXLSStream bounds the workbook stream read into memory; a township's
// roster is a few MB.
const maxXLSStream = 100 << 20

// BIFF8 record types read here ([MS-XLS] 2.3).
const (
	recFormula    = 0x0006
	recFormula3   = 0x0206 // the FORMULA types of Excel 3 and 4, which
	recFormula4   = 0x0406 // some writers use in BIFF8 (POI's WrongFormulaRecordType.xls)
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recRString    = 0x00D6
	recXF         = 0x00E0
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
)

const (
	msgXLSCorrupt = "Excel文件（.xls）已损坏，无法读取：请在Excel或WPS中打开，另存为.xlsx后再导入"
	msgXLSOld     = "这是更早版本的Excel文件，请在Excel或WPS中另存为.xlsx后再导入"
	msgXLSLocked  = "这个.xls文件设置了密码，请在Excel或WPS中去掉密码后再导入"
)

func xlsError(code, msg string, err error) error {
	return &store.Error{Code: code, Message: msg, Err: err}
}

// readXLS reads the first worksheet of a BIFF8 .xls file into rows of cell text.
func readXLS(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &store.Error{Code: "FILE_READ", Message: "无法读取文件：" + path, Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &store.Error{Code: "FILE_READ", Message: "无法读取文件：" + path, Err: err}
	}
	// Some systems export an .xlsx under an .xls name, and Windows hides
	// the extension: it is read as what it is.
	var magic [4]byte
	if _, err := f.ReadAt(magic[:], 0); err == nil && string(magic[:]) == "PK\x03\x04" {
		return readXLSX(path)
	}
	return readXLSFrom(f, fi.Size())
}

// readXLSFrom reads the first worksheet of the .xls file held by r, size
// bytes long.
func readXLSFrom(r io.ReaderAt, size int64) ([][]string, error) {
	b, err := workbookStream(r, size)
	if err == nil {
		var rows [][]string
		if rows, err = parseBIFF(b); err == nil {
			return rows, nil
		}
	}
	var se *store.Error
	if errors.As(err, &se) {
		return nil, se
	}
	return nil, xlsError("FILE_FORMAT", msgXLSCorrupt, err)
}

// workbookStream finds the workbook stream in the compound file and reads it.
func workbookStream(r io.ReaderAt, size int64) (b []byte, err error) {
	hdr := make([]byte, 76)
	n, err := r.ReadAt(hdr, 0)
	switch {
	case n >= 4 && hdr[0] == 0x09 && hdr[1] <= 4 && hdr[1]%2 == 0 && hdr[2] <= 8 && hdr[3] == 0:
		// The BOF record of Excel 2, 3 or 4, whose files are bare
		// record streams.
		return nil, xlsError("FILE_FORMAT", msgXLSOld, nil)
	case size < 512 || n < len(hdr) || !bytes.Equal(hdr[:8], []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		// Often a web page or a text table saved as .xls by another system.
		return nil, xlsError("FILE_FORMAT", "不是有效的Excel文件（.xls）：如果它是从网页或其他系统导出的，请在Excel或WPS中打开后另存为.xlsx再导入", err)
	}
	// mscfb sizes its tables by the header's sector counts and reads the
	// first directory entry unchecked: a damaged header could ask for
	// gigabytes or crash it. No count can exceed the sectors there are.
	if shift := le16(hdr[30:]); shift == 9 || shift == 12 {
		sectors := uint32(min(size>>shift, math.MaxUint32))
		for _, at := range []int{40, 44, 64, 72} { // directory, FAT, mini FAT, DIFAT sector counts
			if le32(hdr[at:]) > sectors {
				return nil, fmt.Errorf("compound file header: sector count %d at %d", le32(hdr[at:]), at)
			}
		}
	}
	if le32(hdr[48:]) >= 0xFFFFFFFA {
		return nil, errors.New("compound file header: no directory")
	}
	// Whatever else mscfb does not check is a damaged file too.
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("mscfb: %v", p)
		}
	}()
	doc, err := mscfb.New(r)
	if err != nil {
		return nil, err
	}
	var book, old *mscfb.File
	locked := false
	for _, f := range doc.File {
		if len(f.Path) > 0 || f.FileInfo().IsDir() {
			continue
		}
		switch {
		case strings.EqualFold(f.Name, "Workbook") && book == nil:
			book = f
		case strings.EqualFold(f.Name, "Book"): // Excel 5 and 95 (BIFF5/7)
			old = f
		case f.Name == "EncryptedPackage": // an .xlsx with a password
			locked = true
		}
	}
	switch {
	case book == nil && old != nil:
		return nil, xlsError("FILE_FORMAT", msgXLSOld, nil)
	case book == nil && locked:
		return nil, xlsError("FILE_ENCRYPTED", msgXLSLocked, nil)
	case book == nil:
		return nil, xlsError("FILE_FORMAT", "文件中没有Excel工作簿（可能是Word等其他文件），请确认选对了文件", nil)
	case book.Size > maxXLSStream:
		return nil, xlsError("FILE_FORMAT", "Excel文件太大（超过100MB），请拆分后再导入", nil)
	case book.Size > size: // a stream cannot be larger than its file
		return nil, fmt.Errorf("workbook stream of %d bytes in a file of %d", book.Size, size)
	}
	b = make([]byte, book.Size)
	if _, err := io.ReadFull(book, b); err != nil {
		return nil, err
	}
	return b, nil
}

// records walks a BIFF stream: each record is its type, length and data.
type records struct {
	b   []byte
	off int
}

func (s *records) next() (typ uint16, data []byte, err error) {
	if s.off+4 > len(s.b) {
		return 0, nil, fmt.Errorf("stream ends at %d inside a record header", len(s.b))
	}
	typ, n := le16(s.b[s.off:]), int(le16(s.b[s.off+2:]))
	start := s.off + 4
	if start+n > len(s.b) {
		return 0, nil, fmt.Errorf("record %#04x at %d: %d bytes past the end", typ, s.off, start+n-len(s.b))
	}
	s.off = start + n
	return typ, s.b[start : start+n : start+n], nil
}

// continued gathers the CONTINUE records after a record: a record longer
// than 8224 bytes (the shared strings, a long formula result) goes on in
// them.
func (s *records) continued(data []byte) [][]byte {
	segs := [][]byte{data}
	for s.off+4 <= len(s.b) && le16(s.b[s.off:]) == recContinue {
		_, d, err := s.next()
		if err != nil {
			break // the next call to next reports it
		}
		segs = append(segs, d)
	}
	return segs
}

// workbook is what the globals say about cells.
type workbook struct {
	sst      []string
	xfFormat []uint16          // number format of each cell format (XF)
	formats  map[uint16]string // custom number formats
	dateXF   []bool            // which XFs format a number as a date or time
	date1904 bool
}

// parseBIFF reads the first worksheet of a BIFF8 workbook stream.
func parseBIFF(b []byte) ([][]string, error) {
	s := &records{b: b}
	typ, data, err := s.next()
	if err != nil {
		return nil, err
	}
	if typ != recBOF || len(data) < 4 {
		return nil, fmt.Errorf("stream begins with record %#04x, not BOF", typ)
	}
	if v := le16(data); v != 0x0600 { // BIFF5/7 say 0x0500
		if v < 0x0600 {
			return nil, xlsError("FILE_FORMAT", msgXLSOld, nil)
		}
		return nil, fmt.Errorf("BOF version %#04x", v)
	}
	wb := &workbook{formats: map[uint16]string{}}
	sheet := int64(-1) // int64: a 32-bit int could make a large offset negative
	for typ != recEOF {
		if typ, data, err = s.next(); err != nil {
			return nil, err
		}
		switch typ {
		case recFilePass:
			// What follows is encrypted: nothing more can be read.
			return nil, xlsError("FILE_ENCRYPTED", msgXLSLocked, nil)
		case recDateMode:
			wb.date1904 = len(data) >= 2 && le16(data) == 1
		case recXF:
			if len(data) < 4 {
				return nil, errors.New("short XF record")
			}
			wb.xfFormat = append(wb.xfFormat, le16(data[2:]))
		case recFormat:
			// Some writers count a character more than they wrote (POI
			// bug 61045): the characters there are make the format.
			if len(data) < 5 {
				return nil, errors.New("short FORMAT record")
			}
			n, wide := int(le16(data[2:])), data[4]&1 != 0
			if wide {
				n = min(n, (len(data)-5)/2)
			} else {
				n = min(n, len(data)-5)
			}
			u, _ := (&strCursor{segs: [][]byte{data[5:]}}).chars(n, wide)
			wb.formats[le16(data)] = string(utf16.Decode(u))
		case recBoundSheet:
			// The first worksheet (type 0), hidden or not, as readXLSX
			// takes the first sheet; charts and macro sheets are not.
			if len(data) < 6 {
				return nil, errors.New("short BOUNDSHEET record")
			}
			if sheet < 0 && data[5] == 0 {
				sheet = int64(le32(data))
			}
		case recSST:
			if wb.sst, err = readSST(s.continued(data)); err != nil {
				return nil, err
			}
		}
	}
	if sheet < 0 {
		return nil, xlsError("FILE_FORMAT", "Excel文件中没有工作表", nil)
	}
	wb.dateXF = make([]bool, len(wb.xfFormat))
	for i, id := range wb.xfFormat {
		if f, ok := wb.formats[id]; ok {
			wb.dateXF[i] = dateFormat(f)
		} else {
			wb.dateXF[i] = id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
		}
	}
	if sheet >= int64(len(b)) {
		return nil, fmt.Errorf("worksheet at %d, past the stream's end", sheet)
	}
	s.off = int(sheet)
	return wb.sheet(s)
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

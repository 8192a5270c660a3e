package print

import (
	"sync"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/cunzhan/cunzhan/assets"
)

// Two faces of one font. fpdf parses a font when it is added to a
// document and, when it writes the file, parses it again and walks its
// whole character map to cut the subset out; for the bundled 4.6 MB font
// (49,531 glyphs) that is most of the cost of a one-form file. So a
// document is written with the "common" face: the same font cut down,
// once per process, to GB 2312 (the 7,445 characters and symbols that
// nearly all text on a form uses) plus the symbol blocks below. A string
// holding anything else, a rare character in a name, is written with the
// full font, which is then added to that document only. Both faces come from
// the same file, so glyphs and widths are the same.
//
// Family names are as long as each other: tagSubset (pdffile.go) renames
// them in place without moving any offset in the file.
const (
	familyCommon = assets.FontName // "wqymicrohei"
	familyFull   = "wqyhei-full"
)

// common is the cut face and the runes it holds, made once.
var common struct {
	once sync.Once
	font []byte
	has  [0x10000 / 64]uint64 // bit per rune of the Basic Multilingual Plane
}

// commonFace returns the cut font, cutting it on first use. If cutting
// fails the full font serves, with every rune counted as held, so
// printing works as it did before the cut.
func commonFace() []byte {
	common.once.Do(func() {
		set := commonRunes()
		cut := fpdf.UTF8CutFont(assets.Font(), set)
		if len(cut) == 0 {
			common.font = assets.Font()
			for i := range common.has {
				common.has[i] = ^uint64(0)
			}
			return
		}
		common.font = cut
		for _, r := range set {
			common.has[r/64] |= 1 << (r % 64)
		}
	})
	return common.font
}

// inCommon reports whether the cut face holds r.
func inCommon(r rune) bool {
	commonFace()
	return r >= 0 && r < 0x10000 && common.has[r/64]&(1<<(r%64)) != 0
}

// allCommon reports whether every rune of s is in the cut face.
func allCommon(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf { // ASCII: always held
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !inCommon(r) {
			return false
		}
		i += n
	}
	return true
}

// symbolBlocks are the small Unicode blocks of punctuation and symbols
// typeset text uses beyond GB 2312: the en dash, ℃, №, Ⅱ, ≤, ①, ○, the
// full-width forms.
var symbolBlocks = [][2]rune{
	{0x20, 0x7e},     // ASCII
	{0xa0, 0x2ff},    // Latin-1, Latin Extended, modifiers: ¥ · × °, pinyin ā ǎ ˊ
	{0x1e00, 0x1eff}, // Latin Extended Additional: pinyin ḿ
	{0x2000, 0x206f}, // general punctuation: – ‰ ‹ ›
	{0x2100, 0x21ff}, // letterlike, number forms, arrows: ℃ № Ⅱ →
	{0x2200, 0x22ff}, // mathematical operators: ≤ ≥ ≠
	{0x2460, 0x24ff}, // enclosed numbers: ①
	{0x2500, 0x25ff}, // box drawing, geometric shapes: □ ■ ○ ●
	{0x3000, 0x303f}, // CJK symbols and punctuation
	{0x30fb, 0x30fb}, // katakana middle dot, typed in minority names
	{0xff00, 0xffef}, // half- and full-width forms
}

// commonRunes is symbolBlocks and every character of GB 2312, decoded
// from its double-byte table (rows A1–A9 symbols, B0–F7 hanzi), plus the
// text every screen needs.
func commonRunes() string {
	var rs []rune
	for _, b := range symbolBlocks {
		for r := b[0]; r <= b[1]; r++ {
			rs = append(rs, r)
		}
	}
	dec := simplifiedchinese.GBK.NewDecoder()
	for hi := 0xa1; hi <= 0xf7; hi++ {
		for lo := 0xa1; lo <= 0xfe; lo++ {
			out, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			if err != nil {
				continue
			}
			r, n := utf8.DecodeRune(out)
			if n == len(out) && r != utf8.RuneError && !(r >= 0xe000 && r <= 0xf8ff) { // no private-use code points
				rs = append(rs, r)
			}
		}
	}
	rs = append(rs, []rune(assets.Essential)...)
	return string(rs)
}

// addFaces registers the common face with a new document.
func addFaces(pdf *fpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(familyCommon, "", commonFace())
}

// faceFor switches the document to the face that can write s, at the
// current size; the returned function switches back. Most text needs no
// switch.
func (d *Doc) faceFor(s string) (restore func()) {
	if allCommon(s) {
		return func() {}
	}
	d.useFull()
	return func() { d.pdf.SetFont(familyCommon, "", d.fontSize) }
}

// useFull selects the full font at the current size, adding it to the
// document the first time.
func (d *Doc) useFull() {
	if !d.hasFull {
		d.pdf.AddUTF8FontFromBytes(familyFull, "", assets.Font())
		d.hasFull = true
	}
	d.pdf.SetFont(familyFull, "", d.fontSize)
}

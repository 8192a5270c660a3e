// Package print writes the station's forms and reports as PDF files that
// look like the official paper forms: A4 (the overdue list landscape),
// ruled tables, a county/township/village header, a record number, "第 X
// 页 共 Y 页", signature and seal boxes, and a footer with the print time
// and the operator.
//
// It uses fpdf in its maintained home, codeberg.org/go-pdf/fpdf, with the
// bundled WenQuanYi Micro Hei font, embedded from assets and subset into each
// file. fpdf parses the 4.6 MB font once per document, so a batch (all
// visit records of a month, a township's monthly pack) is one Doc with many
// forms, not many documents. Personal numbers are masked unless the caller
// asks otherwise, and then every page says 含敏感个人信息.
package print

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/cunzhan/cunzhan/assets"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Options are the choices of one print job.
type Options struct {
	// Unmasked prints ID numbers, phones, accounts and health notes in
	// full; every page then carries 含敏感个人信息. Public notices never
	// carry them either way.
	Unmasked bool
	// Operator is named in the footer.
	Operator string
	// Now is the print time in the footer (and the file's date); zero
	// means the wall clock.
	Now time.Time
}

// Page geometry, in millimetres.
const (
	margin     = 15.0
	headerTop  = 12.0
	footerY    = 10.0 // distance of the footer line from the bottom
	bodyBottom = 20.0 // space kept free above the bottom edge
	fontSize   = 10.0
	lineGap    = 1.35 // line height as a multiple of the font size
)

// Doc is one PDF being built: forms and reports are appended to it and each
// has its own page numbering.
type Doc struct {
	pdf *fpdf.Fpdf
	opt Options

	cur       *formState // the form being written
	forms     int
	widthMemo map[float64]map[rune]float64
	fontSize  float64
}

// formState is the page numbering and header of one form in the document.
type formState struct {
	title     string
	number    string
	orient    string
	firstPage int
	alias     string // stands for the form's page count until the end
}

// NewDoc starts a document; the font is parsed here, once.
func NewDoc(opt Options) *Doc {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	opt.Now = opt.Now.In(store.ChinaTZ)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(assets.FontName, "", assets.Font())
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreationDate(opt.Now)
	pdf.SetModificationDate(opt.Now)
	pdf.SetCreator("村站", true)
	pdf.SetProducer("村站 (codeberg.org/go-pdf/fpdf)", true)
	d := &Doc{pdf: pdf, opt: opt, widthMemo: map[float64]map[rune]float64{}}
	pdf.SetFooterFunc(d.footer)
	d.setSize(fontSize)
	return d
}

// Err is the first error fpdf met, if any.
func (d *Doc) Err() error { return d.pdf.Error() }

// Bytes finishes the document and returns the PDF file.
func (d *Doc) Bytes() ([]byte, error) {
	d.finishForm()
	if d.forms == 0 {
		return nil, &store.Error{Code: "PRINT_EMPTY", Message: "没有可打印的内容"}
	}
	var b bytes.Buffer
	if err := d.pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return tagSubset(b.Bytes()), nil
}

// tagSubset names the embedded font the way PDF names a subset font: a tag
// of six capital letters and "+" before the name (ISO 32000-1 §9.6.4).
// fpdf embeds only the glyphs used but names the font "utf8" + its family;
// the replacement has the same length, so no offset in the file moves. The
// tag comes from the file's own hash: different subsets get different tags.
func tagSubset(pdf []byte) []byte {
	old := []byte("/utf8" + assets.FontName)
	sum := sha256.Sum256(pdf)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	repl := []byte("/" + string(tag) + "+MicroHei")
	if len(repl) != len(old) {
		return pdf // the family name changed; keep the file valid
	}
	return bytes.ReplaceAll(pdf, old, repl)
}

func (d *Doc) setSize(pt float64) {
	d.fontSize = pt
	d.pdf.SetFont(assets.FontName, "", pt)
}

// lh is the line height at the current font size, in mm.
func (d *Doc) lh() float64 { return d.fontSize * lineGap * 25.4 / 72 }

// measure is the width of text at the current font size, in mm; widths
// are remembered per rune.
func (d *Doc) measure(s string) float64 {
	memo := d.widthMemo[d.fontSize]
	if memo == nil {
		memo = map[rune]float64{}
		d.widthMemo[d.fontSize] = memo
	}
	w := 0.0
	for _, r := range s {
		rw, ok := memo[r]
		if !ok {
			rw = d.pdf.GetStringWidth(string(r))
			memo[r] = rw
		}
		w += rw
	}
	return w
}

// wrap breaks text for a width at the current font size.
func (d *Doc) wrap(s string, width float64) []string {
	return wrapText(s, width, d.measure)
}

// beginForm starts a form on a new page with its own numbering.
func (d *Doc) beginForm(title, number string, landscape bool) {
	d.finishForm()
	d.forms++
	orient := "P"
	if landscape {
		orient = "L"
	}
	next := &formState{title: title, number: number, orient: orient, alias: fmt.Sprintf("{nb%d}", d.forms)}
	// AddPage writes the footer of the previous page with the previous
	// form's numbering, so the switch happens after it.
	d.pdf.AddPageFormat(orient, d.pdf.GetPageSizeStr("A4"))
	d.cur = next
	d.cur.firstPage = d.pdf.PageNo()
	d.pdf.SetTitle(title, true)
	d.header()
}

// finishForm fixes the page count of the form just written.
func (d *Doc) finishForm() {
	if d.cur == nil || d.cur.alias == "" {
		return
	}
	d.pdf.RegisterAlias(d.cur.alias, fmt.Sprint(d.pdf.PageNo()-d.cur.firstPage+1))
	d.cur.alias = ""
}

// newPage continues the current form on another page.
func (d *Doc) newPage() {
	d.pdf.AddPageFormat(d.cur.orient, d.pdf.GetPageSizeStr("A4"))
	d.header()
}

// pageWidth is the usable width between the margins.
func (d *Doc) pageWidth() float64 {
	w, _ := d.pdf.GetPageSize()
	return w - 2*margin
}

// bottom is the lowest y the body may reach.
func (d *Doc) bottom() float64 {
	_, h := d.pdf.GetPageSize()
	return h - bodyBottom
}

// ensure starts a new page unless h mm still fit.
func (d *Doc) ensure(h float64) {
	if d.pdf.GetY()+h > d.bottom() {
		d.newPage()
	}
}

// header writes the form title (on its first page) or a short running
// title, and the sensitive-information warning when unmasked.
func (d *Doc) header() {
	pw := d.pageWidth()
	d.pdf.SetXY(margin, headerTop)
	if d.opt.Unmasked {
		d.setSize(9)
		d.pdf.SetTextColor(200, 0, 0)
		d.pdf.SetDrawColor(200, 0, 0)
		w := d.measure("含敏感个人信息") + 4
		d.pdf.SetXY(margin+pw-w, headerTop-6)
		d.pdf.CellFormat(w, 5, "含敏感个人信息", "1", 0, "C", false, 0, "")
		d.pdf.SetTextColor(0, 0, 0)
		d.pdf.SetDrawColor(0, 0, 0)
		d.pdf.SetXY(margin, headerTop)
	}
	if d.pdf.PageNo() == d.cur.firstPage {
		d.setSize(16)
		d.pdf.CellFormat(pw, 9, d.cur.title, "", 1, "C", false, 0, "")
		d.pdf.Ln(1)
	} else {
		d.setSize(9)
		d.pdf.CellFormat(pw, 5, d.cur.title+"（续）", "", 1, "C", false, 0, "")
		d.pdf.Ln(1)
	}
	d.setSize(fontSize)
}

// footer writes the print time, the operator and "第 X 页 共 Y 页".
func (d *Doc) footer() {
	if d.cur == nil {
		return
	}
	size := d.fontSize
	d.setSize(8)
	_, h := d.pdf.GetPageSize()
	pw := d.pageWidth()
	y := h - footerY - 4
	d.pdf.SetDrawColor(120, 120, 120)
	d.pdf.Line(margin, y, margin+pw, y)
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.SetXY(margin, y+0.5)
	left := "打印时间：" + d.opt.Now.Format("2006-01-02 15:04")
	if d.opt.Operator != "" {
		left += "　操作员：" + d.opt.Operator
	}
	if d.opt.Unmasked {
		left += "　含敏感个人信息，妥善保管"
	}
	d.pdf.CellFormat(pw*0.6, 4, left, "", 0, "L", false, 0, "")
	page := fmt.Sprintf("第 %d 页 共 %s 页", d.pdf.PageNo()-d.cur.firstPage+1, d.cur.aliasOrCount(d.pdf.PageNo()))
	d.pdf.CellFormat(pw*0.4, 4, page, "", 0, "R", false, 0, "")
	d.setSize(size)
}

// aliasOrCount is the page-count placeholder of an open form, or the count
// itself once the form is finished.
func (f *formState) aliasOrCount(page int) string {
	if f.alias != "" {
		return f.alias
	}
	return fmt.Sprint(page - f.firstPage + 1)
}

// place is the county / township / village line of a record's scope.
func place(scope string) string {
	var parts []string
	for _, c := range append(ident.Ancestors(scope), scope) {
		if n := ident.DivisionName(c); n != "" {
			parts = append(parts, n)
		}
	}
	if len(parts) == 0 {
		return scope
	}
	return strings.Join(parts, " ")
}

// placeLine writes the header line under the title: where on the left, the
// record number on the right.
func (d *Doc) placeLine(scope, number string) {
	pw := d.pageWidth()
	left := place(scope)
	d.pdf.SetX(margin)
	d.pdf.CellFormat(pw/2, d.lh(), left, "", 0, "L", false, 0, "")
	right := ""
	if number != "" {
		right = "编号：" + number
	}
	d.pdf.CellFormat(pw/2, d.lh(), right, "", 1, "R", false, 0, "")
	d.pdf.Ln(1)
}

// Package print writes the station's forms and reports as PDF files that
// look like the official paper forms: A4 (the overdue list landscape),
// ruled tables, a county/township/village header, a record number, "第 X
// 页 共 Y 页", signature and seal boxes, and a footer with the print time
// and the operator.
//
// It uses fpdf in its maintained home, codeberg.org/go-pdf/fpdf, with the
// bundled WenQuanYi Micro Hei font, embedded from assets and subset into each
// file. fpdf parses the font once per document and again when it writes
// the file, so documents use a face cut down once to GB 2312 and take the
// full font only for a rare character (font.go); and a batch (all visit
// records of a month, a township's monthly pack) is one Doc with many
// forms, not many documents. Personal numbers are masked unless the caller
// asks otherwise, and then every page says 含敏感个人信息 and whom the copy
// is for.
//
// Everything drawn goes through put, rect and line (draw.go), which also
// keep the first page as a display list for the print screen's preview.
package print

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Options are the choices of one print job.
type Options struct {
	// Unmasked prints ID numbers, phones, accounts and health notes in
	// full; every page then carries 含敏感个人信息 and the Purpose
	// watermark. Public notices never carry them either way.
	Unmasked bool
	// Purpose is what an unmasked copy is for ("报送县民政局审核"); it is
	// printed across every page as 仅供…使用 (domain.md §7.3).
	Purpose string
	// Operator is named in the footer.
	Operator string
	// Now is the print time in the footer (and the file's date); zero
	// means the wall clock.
	Now time.Time
	// AsOf is the day a form speaks for (balances, days overdue, ages,
	// statuses); empty means the day of Now.
	AsOf store.Date
}

// Page geometry, in millimetres.
const (
	margin     = 15.0
	headerTop  = 12.0
	footerY    = 10.0 // distance of the footer line from the bottom
	bodyBottom = 20.0 // space kept free above the bottom edge
	fontSize   = 10.0
	lineGap    = 1.35 // line height as a multiple of the font size
	minFont    = 6.5  // no table text is set smaller
)

// Doc is one PDF being built: forms and reports are appended to it and each
// has its own page numbering, unless a run (a pack) numbers them together.
type Doc struct {
	pdf *fpdf.Fpdf
	opt Options

	cur       *formState // the form being written
	run       *formState // a run of forms numbered together, if any
	nextRun   *formState // a run begun, starting with the next form
	runEnded  bool       // the run is over once its last footer is drawn
	forms     int
	widthMemo map[float64]map[rune]float64
	fontSize  float64
	preview   *Preview // the first page, as drawn
	aliases   map[string]string
	hasFull   bool // the full font was added for a rare character (font.go)
}

// formState is the page numbering and header of one form (or of a run of
// forms) in the document.
type formState struct {
	title     string
	number    string
	orient    string
	firstPage int
	alias     string // stands for the page count until the end
	used      bool   // a footer printed the alias: it needs a value
	draft     bool   // every page says 草稿
	public    bool   // a public notice: never marked sensitive
}

// NewDoc starts a document; the common face of the font is parsed here,
// and the full font only if a rare character needs it (font.go).
func NewDoc(opt Options) *Doc {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	opt.Now = opt.Now.In(store.ChinaTZ)
	if opt.AsOf == "" {
		opt.AsOf = store.DateOf(opt.Now)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	addFaces(pdf)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetCellMargin(0) // cells are padded by row, with padX
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreationDate(opt.Now)
	pdf.SetModificationDate(opt.Now)
	pdf.SetCreator("村站", true)
	pdf.SetProducer("村站 (codeberg.org/go-pdf/fpdf)", true)
	d := &Doc{pdf: pdf, opt: opt, widthMemo: map[float64]map[rune]float64{}, preview: &Preview{}}
	pdf.SetFooterFunc(d.footer)
	d.setSize(fontSize)
	return d
}

// Err is the first error fpdf met, if any.
func (d *Doc) Err() error { return d.pdf.Error() }

// Bytes finishes the document and returns the PDF file.
func (d *Doc) Bytes() ([]byte, error) {
	d.finishForm()
	d.endRun()
	if d.forms == 0 {
		return nil, &store.Error{Code: "PRINT_EMPTY", Message: "没有可打印的内容"}
	}
	var b bytes.Buffer
	if err := d.pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return finishFile(b.Bytes(), d.opt.Now), nil
}

// Pages is the number of pages written so far (all of them after Bytes).
func (d *Doc) Pages() int { return d.pdf.PageCount() }

// FirstPage is the document's first page as drawn, for a preview; call it
// after Bytes, when page counts are known.
func (d *Doc) FirstPage() *Preview {
	for i, op := range d.preview.Ops {
		for k, v := range d.aliases {
			op.Text = strings.ReplaceAll(op.Text, k, v)
		}
		d.preview.Ops[i] = op
	}
	return d.preview
}

// alias gives a placeholder written earlier (a page count, a page number
// on a cover) its value.
func (d *Doc) alias(name, value string) {
	d.pdf.RegisterAlias(name, value)
	if d.aliases == nil {
		d.aliases = map[string]string{}
	}
	d.aliases[name] = value
}

func (d *Doc) setSize(pt float64) {
	d.fontSize = pt
	d.pdf.SetFont(familyCommon, "", pt)
}

// lh is the line height at the current font size, in mm.
func (d *Doc) lh() float64 { return d.fontSize * lineGap * 25.4 / 72 }

// measure is the width of text at the current font size, in mm; widths
// are remembered per rune. Tick boxes are drawn a full character wide
// (draw.go), wider than the font's own □.
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
			switch {
			case isBox(r):
				rw = d.pdf.GetStringWidth("中")
			case r >= utf8.RuneSelf && !inCommon(r):
				d.useFull()
				rw = d.pdf.GetStringWidth(string(r))
				d.pdf.SetFont(familyCommon, "", d.fontSize)
			default:
				rw = d.pdf.GetStringWidth(string(r))
			}
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

// form describes a form about to begin.
type form struct {
	title, number string
	landscape     bool
	draft, public bool
}

// beginForm starts a form on a new page with its own numbering (or the
// run's).
func (d *Doc) beginForm(f form) {
	d.finishForm()
	d.forms++
	orient := "P"
	if f.landscape {
		orient = "L"
	}
	next := &formState{title: f.title, number: f.number, orient: orient, alias: fmt.Sprintf("{nb%d}", d.forms), draft: f.draft, public: f.public}
	// AddPage writes the footer of the previous page with the previous
	// form's numbering, so the switch happens after it.
	d.pdf.AddPageFormat(orient, d.pdf.GetPageSizeStr("A4"))
	d.cur = next
	d.cur.firstPage = d.pdf.PageNo()
	// A run ended keeps numbering until its last footer is written,
	// which is now; a run begun starts on this page.
	if d.runEnded {
		d.run, d.runEnded = nil, false
	}
	if d.nextRun != nil {
		d.run, d.nextRun = d.nextRun, nil
		d.run.firstPage = d.pdf.PageNo()
	}
	if d.run != nil {
		d.cur.alias = ""
	}
	d.pdf.SetTitle(f.title, true)
	d.header()
}

// finishForm fixes the page count of the form just written.
func (d *Doc) finishForm() {
	if d.cur == nil || d.cur.alias == "" {
		return
	}
	// Only placeholders a footer printed are registered: fpdf replaces
	// each alias on every page, so a batch of 300 one-page forms would
	// otherwise copy the whole document 300 times.
	if d.cur.used {
		d.alias(d.cur.alias, fmt.Sprint(d.pdf.PageNo()-d.cur.firstPage+1))
	}
	d.cur.alias = ""
}

// beginRun numbers the forms that follow together, from the next form's
// first page, until endRun: a pack is one document to sign and file.
func (d *Doc) beginRun() {
	d.finishForm()
	d.forms++
	d.nextRun = &formState{alias: fmt.Sprintf("{nb%d}", d.forms)}
}

// endRun fixes the run's page count. The run still numbers the page being
// written: its footer is drawn when the next form begins, or when the
// file is closed.
func (d *Doc) endRun() {
	d.nextRun = nil
	if d.run == nil || d.runEnded {
		return
	}
	if d.run.used {
		d.alias(d.run.alias, fmt.Sprint(d.pdf.PageNo()-d.run.firstPage+1))
	}
	d.run.alias = ""
	d.runEnded = true
}

// numbering is what page numbers count: the run, or the form.
func (d *Doc) numbering() *formState {
	if d.run != nil {
		return d.run
	}
	return d.cur
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

// sensitive reports whether pages of the current form carry personal
// numbers in full.
func (d *Doc) sensitive() bool { return d.opt.Unmasked && !d.cur.public }

// header writes the marks under the page (草稿, 仅供…使用), the form
// title (on its first page) or a short running title, and the
// sensitive-information warning when unmasked. The font size of the page
// being left is kept: a table that breaks goes on in its own size.
func (d *Doc) header() {
	size := d.fontSize
	defer d.setSize(size)
	d.watermarks()
	pw := d.pageWidth()
	if d.sensitive() {
		d.setSize(9)
		d.pdf.SetTextColor(200, 0, 0)
		d.pdf.SetDrawColor(200, 0, 0)
		w := d.measure("含敏感个人信息") + 4
		d.put(margin+pw-w, headerTop-6, w, 5, "含敏感个人信息", "C")
		d.rect(margin+pw-w, headerTop-6, w, 5, "D")
		d.pdf.SetTextColor(0, 0, 0)
		d.pdf.SetDrawColor(0, 0, 0)
	}
	title := d.cur.title
	if d.cur.draft {
		title += "（草稿）"
	}
	if d.pdf.PageNo() == d.cur.firstPage {
		d.setSize(16)
		d.put(margin, headerTop, pw, 9, title, "C")
		d.pdf.SetXY(margin, headerTop+10)
	} else {
		d.setSize(9)
		d.put(margin, headerTop, pw, 5, title+"（续）", "C")
		d.pdf.SetXY(margin, headerTop+6)
	}
}

// footer writes the print time, the operator and "第 X 页 共 Y 页".
func (d *Doc) footer() {
	if d.cur == nil {
		return
	}
	size := d.fontSize
	defer d.setSize(size)
	d.setSize(8)
	_, h := d.pdf.GetPageSize()
	pw := d.pageWidth()
	y := h - footerY - 4
	d.pdf.SetDrawColor(120, 120, 120)
	d.line(margin, y, margin+pw, y)
	d.pdf.SetDrawColor(0, 0, 0)
	op := d.opt.Operator
	if op == "" {
		op = "未填写"
	}
	left := "打印时间：" + d.opt.Now.Format("2006-01-02 15:04") + "　操作员：" + op
	if d.sensitive() {
		left += "　含敏感个人信息，妥善保管"
	}
	d.put(margin, y+0.5, pw*0.7, 4, left, "L")
	n := d.numbering()
	page := fmt.Sprintf("第 %d 页 共 %s 页", d.pdf.PageNo()-n.firstPage+1, n.aliasOrCount(d.pdf.PageNo()))
	d.put(margin+pw*0.7, y+0.5, pw*0.3, 4, page, "R")
}

// aliasOrCount is the page-count placeholder of an open form, or the count
// itself once the form is finished.
func (f *formState) aliasOrCount(page int) string {
	if f.alias != "" {
		f.used = true
		return f.alias
	}
	return fmt.Sprint(page - f.firstPage + 1)
}

// place is the county / township / village line of a record's scope.
func place(r placeNamer, scope string) string {
	var parts []string
	for _, c := range append(ident.Ancestors(scope), scope) {
		if n := r.PlaceName(c); n != "" {
			parts = append(parts, n)
		}
	}
	if len(parts) == 0 {
		return scope
	}
	return strings.Join(parts, " ")
}

// placeNamer names division codes (store.Reader does, from the bundled
// table and the stations it knows).
type placeNamer interface{ PlaceName(code string) string }

// placeLine writes the header line under the title: where on the left, the
// record number on the right.
func (d *Doc) placeLine(r placeNamer, scope, number string) {
	pw := d.pageWidth()
	y := d.pdf.GetY()
	d.put(margin, y, pw/2, d.lh(), place(r, scope), "L")
	if number != "" {
		d.put(margin+pw/2, y, pw/2, d.lh(), "编号："+number, "R")
	}
	d.pdf.SetXY(margin, y+d.lh()+1)
}

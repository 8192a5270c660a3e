package print

import (
	"github.com/cunzhan/cunzhan/store/report"
)

// cell is one box of a ruled row.
type cell struct {
	text  string
	w     float64 // width in mm
	align string  // L, R or C
	label bool    // a shaded label box
	size  float64 // font size; 0 for the default
}

// Padding inside a ruled box, in mm: text never comes closer to a border.
const (
	padX = 1.5
	padY = 1.0
)

// phrase reports whether a cell's text is a phrase to keep on one line,
// at a smaller size if need be, rather than break: a few Chinese
// characters ("已逾期242天", "（轻度失能）", "在贷笔数") or a code or
// number without Chinese ("GB/T 42195-2022", "130131190201-J001").
func phrase(s string) bool {
	n, wideRunes := 0, 0
	for _, r := range s {
		n++
		if wide(r) {
			wideRunes++
		}
	}
	return n <= 8 || wideRunes == 0 && n <= 24
}

// laidCell is a cell's text broken into lines at the size it is set in.
type laidCell struct {
	lines []string
	size  float64
}

// layCell breaks a cell's text for its box. A word or phrase that would
// have to be cut is first tried a step smaller, down to 1.5 points below
// the size asked (never below minFont); two-line texts are balanced so
// that no single character is left alone on the second line.
func (d *Doc) layCell(c cell, size float64) laidCell {
	if c.size != 0 {
		size = c.size
	}
	width := c.w - 2*padX
	fits := func(pt float64) ([]string, bool) {
		d.setSize(pt)
		lines := d.wrap(c.text, width)
		if phrase(c.text) && len(lines) > 1 {
			return lines, false
		}
		for _, u := range units(c.text, d.measure) {
			if u.w > width+1e-9 {
				return lines, false
			}
		}
		return lines, true
	}
	lines, ok := fits(size)
	best := laidCell{lines: lines, size: size}
	for pt := size - 0.5; !ok && pt >= max(size-1.5, minFont)-1e-9; pt -= 0.5 {
		if l, good := fits(pt); good {
			best, ok = laidCell{lines: l, size: pt}, true
		}
	}
	if len(best.lines) == 2 {
		d.setSize(best.size)
		best.lines = balance(c.text, width, d.measure, best.lines)
	}
	return best
}

// balance narrows the wrapping width while the text still takes the same
// number of lines, so "在贷笔数" breaks as 在贷/笔数, not 在贷笔/数.
func balance(s string, width float64, measure func(string) float64, lines []string) []string {
	lo, hi := 0.0, width
	for i := 0; i < 12; i++ {
		mid := (lo + hi) / 2
		if len(wrapText(s, mid, measure)) == len(lines) {
			hi = mid
		} else {
			lo = mid
		}
	}
	if out := wrapText(s, hi, measure); len(out) == len(lines) {
		return out
	}
	return lines
}

// row writes one ruled row at the current position, wrapping text inside
// each box so that nothing overflows; the row is as tall as its tallest
// box, at least minH. When it does not fit on the page, it goes to a new
// page and repeat (a table's header) is written first.
func (d *Doc) row(cells []cell, minH float64, repeat func()) float64 {
	size := d.fontSize
	defer d.setSize(size)
	laid := make([]laidCell, len(cells))
	h := minH
	for i, c := range cells {
		laid[i] = d.layCell(c, size)
		if ch := float64(len(laid[i].lines))*lineHeight(laid[i].size) + 2*padY; ch > h {
			h = ch
		}
	}
	d.setSize(size)
	if d.pdf.GetY()+h > d.bottom() {
		d.newPage()
		if repeat != nil {
			repeat()
		}
	}
	x, y := margin, d.pdf.GetY()
	for i, c := range cells {
		style := "D"
		if c.label {
			style = "FD"
		}
		d.rect(x, y, c.w, h, style)
		d.setSize(laid[i].size)
		lh := d.lh()
		top := y + (h-float64(len(laid[i].lines))*lh)/2
		align := c.align
		if align == "" {
			align = "L"
		}
		for j, l := range laid[i].lines {
			d.put(x+padX, top+float64(j)*lh, c.w-2*padX, lh, l, align)
		}
		x += c.w
	}
	d.pdf.SetXY(margin, y+h)
	return h
}

// lineHeight is the line height at a font size, in mm.
func lineHeight(pt float64) float64 { return pt * lineGap * 25.4 / 72 }

// text writes a paragraph across the page (or a width), wrapped.
func (d *Doc) text(s string, width float64) {
	if width == 0 {
		width = d.pageWidth()
	}
	for _, l := range d.wrap(s, width) {
		d.ensure(d.lh())
		y := d.pdf.GetY()
		d.put(margin, y, width, d.lh(), l, "L")
		d.pdf.SetXY(margin, y+d.lh())
	}
}

// gap moves down the page by h mm.
func (d *Doc) gap(h float64) { d.pdf.SetXY(margin, d.pdf.GetY()+h) }

// section writes a section title of a form; keep is the height of what
// must follow it on the same page (its first rows).
func (d *Doc) section(title string) {
	d.ensure(d.lh()*3 + 2)
	d.gap(1.5)
	size := d.fontSize
	d.setSize(11)
	y := d.pdf.GetY()
	d.put(margin, y, d.pageWidth(), d.lh(), title, "L")
	d.pdf.SetXY(margin, y+d.lh()+0.5)
	d.setSize(size)
}

// kv writes label/value pairs as a ruled grid, pairs per line.
func (d *Doc) kv(pairs [][2]string, perLine int) {
	pw := d.pageWidth()
	labelW := 30.0
	valueW := (pw - labelW*float64(perLine)) / float64(perLine)
	for i := 0; i < len(pairs); i += perLine {
		var cells []cell
		n := min(perLine, len(pairs)-i)
		// A short last line stretches its values over the whole width
		// rather than leaving empty boxes.
		vw := (pw - labelW*float64(n)) / float64(n)
		if n == perLine {
			vw = valueW
		}
		for j := i; j < i+n; j++ {
			cells = append(cells, cell{text: pairs[j][0], w: labelW, label: true}, cell{text: pairs[j][1], w: vw})
		}
		d.row(cells, 7, nil)
	}
}

// checks writes options with the chosen ones marked: ■ chosen, □ not.
func checks(options, chosen []string) string {
	var b []rune
	for i, o := range options {
		if i > 0 {
			b = append(b, '　')
		}
		mark := '□'
		for _, c := range chosen {
			if c == o {
				mark = '■'
			}
		}
		b = append(b, mark)
		b = append(b, []rune(o)...)
	}
	return string(b)
}

// signatures writes signature (and seal) boxes, several per line, each
// with its label and a date line; a last line with fewer boxes shares the
// width among them.
func (d *Doc) signatures(labels []string, perLine int) {
	pw := d.pageWidth()
	h := 22.0
	d.ensure(h + 3)
	d.gap(2)
	for i := 0; i < len(labels); i += perLine {
		d.ensure(h)
		y := d.pdf.GetY()
		n := min(perLine, len(labels)-i)
		w := pw / float64(n)
		for j := 0; j < n; j++ {
			x := margin + float64(j)*w
			d.rect(x, y, w, h, "D")
			d.put(x+padX, y+padY, w-2*padX, d.lh(), labels[i+j]+"：", "L")
			d.put(x+padX, y+h-d.lh()-padY, w-2*padX, d.lh(), "年　　月　　日", "R")
		}
		d.pdf.SetXY(margin, y+h)
	}
}

// table writes a report table: header row repeated on every page, rows
// wrapped within their columns, totals and notes under it. The table's
// size and column widths follow its content (columns.go).
func (d *Doc) table(t report.Table) { d.tableOf(t, 6, nil) }

// tableOf writes a table whose rows are at least minH high; adjust, when
// given, may move width between the laid-out columns (a column to sign
// in needs room its empty cells do not ask for).
func (d *Doc) tableOf(t report.Table, minH float64, adjust func(widths []float64)) {
	size := d.fontSize
	defer d.setSize(size)
	if len(t.Columns) == 0 {
		return
	}
	tsize, widths := d.layoutColumns(t)
	d.setSize(tsize)
	if adjust != nil {
		adjust(widths)
	}
	align := func(i int) string {
		if t.Columns[i].Align == report.Right {
			return "R"
		}
		return "L"
	}
	head := func() {
		var cells []cell
		for i, c := range t.Columns {
			cells = append(cells, cell{text: c.Name, w: widths[i], align: "C", label: true})
		}
		d.row(cells, 7, nil)
	}
	// body writes rows of values; totals are shaded like labels.
	body := func(rows [][]string, shaded bool) {
		for _, r := range rows {
			cells := make([]cell, len(t.Columns))
			for i := range t.Columns {
				cells[i] = cell{w: widths[i], align: align(i), label: shaded}
				if i < len(r) {
					cells[i].text = r[i]
				}
			}
			d.row(cells, minH, head)
		}
	}
	head()
	body(t.Rows, false)
	body(t.Totals, true)
	d.setSize(8.5)
	for _, n := range t.Notes {
		d.text(n, 0)
	}
}

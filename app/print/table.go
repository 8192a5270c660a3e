package print

import (
	"strings"
	"unicode/utf8"

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

const (
	padX = 1.2
	padY = 1.0
)

// row writes one ruled row at the current position, wrapping text inside
// each box so that nothing overflows; the row is as tall as its tallest
// box, at least minH. When it does not fit on the page, it goes to a new
// page and repeat (a table's header) is written first.
func (d *Doc) row(cells []cell, minH float64, repeat func()) float64 {
	size := d.fontSize
	lines := make([][]string, len(cells))
	h := minH
	for i, c := range cells {
		if c.size != 0 {
			d.setSize(c.size)
		}
		lines[i] = d.wrap(c.text, c.w-2*padX)
		if ch := float64(len(lines[i]))*d.lh() + 2*padY; ch > h {
			h = ch
		}
		d.setSize(size)
	}
	if d.pdf.GetY()+h > d.bottom() {
		d.newPage()
		if repeat != nil {
			repeat()
		}
	}
	x, y := margin, d.pdf.GetY()
	for i, c := range cells {
		if c.label {
			d.pdf.SetFillColor(236, 236, 236)
			d.pdf.Rect(x, y, c.w, h, "FD")
		} else {
			d.pdf.Rect(x, y, c.w, h, "D")
		}
		if c.size != 0 {
			d.setSize(c.size)
		}
		lh := d.lh()
		top := y + (h-float64(len(lines[i]))*lh)/2
		align := c.align
		if align == "" {
			align = "L"
		}
		for j, l := range lines[i] {
			d.pdf.SetXY(x+padX, top+float64(j)*lh)
			d.pdf.CellFormat(c.w-2*padX, lh, l, "", 0, align, false, 0, "")
		}
		d.setSize(size)
		x += c.w
	}
	d.pdf.SetXY(margin, y+h)
	return h
}

// text writes a paragraph across the page (or a width), wrapped.
func (d *Doc) text(s string, width float64) {
	if width == 0 {
		width = d.pageWidth()
	}
	for _, l := range d.wrap(s, width) {
		d.ensure(d.lh())
		d.pdf.SetX(margin)
		d.pdf.CellFormat(width, d.lh(), l, "", 1, "L", false, 0, "")
	}
}

// section writes a section title of a form.
func (d *Doc) section(title string) {
	d.ensure(d.lh()*3 + 2)
	d.pdf.Ln(1.5)
	size := d.fontSize
	d.setSize(11)
	d.pdf.SetX(margin)
	d.pdf.CellFormat(d.pageWidth(), d.lh(), title, "", 1, "L", false, 0, "")
	d.setSize(size)
	d.pdf.Ln(0.5)
}

// kv writes label/value pairs as a ruled grid, pairs per line.
func (d *Doc) kv(pairs [][2]string, perLine int) {
	pw := d.pageWidth()
	labelW := 30.0
	valueW := (pw - labelW*float64(perLine)) / float64(perLine)
	for i := 0; i < len(pairs); i += perLine {
		var cells []cell
		for j := i; j < i+perLine; j++ {
			if j < len(pairs) {
				cells = append(cells, cell{text: pairs[j][0], w: labelW, label: true}, cell{text: pairs[j][1], w: valueW})
			} else {
				cells = append(cells, cell{w: labelW, label: true}, cell{w: valueW})
			}
		}
		d.row(cells, 7, nil)
	}
}

// checks writes options with the chosen ones marked: ■ chosen, □ not.
func checks(options, chosen []string) string {
	var b strings.Builder
	for i, o := range options {
		if i > 0 {
			b.WriteString("　")
		}
		mark := "□"
		for _, c := range chosen {
			if c == o {
				mark = "■"
			}
		}
		b.WriteString(mark + o)
	}
	return b.String()
}

// signatures writes signature (and seal) boxes, several per line, each
// with its label and a date line.
func (d *Doc) signatures(labels []string, perLine int) {
	pw := d.pageWidth()
	w := pw / float64(perLine)
	h := 22.0
	d.ensure(h + 3)
	d.pdf.Ln(2)
	for i := 0; i < len(labels); i += perLine {
		d.ensure(h)
		y := d.pdf.GetY()
		for j := 0; j < perLine; j++ {
			x := margin + float64(j)*w
			d.pdf.Rect(x, y, w, h, "D")
			if i+j >= len(labels) {
				continue
			}
			d.pdf.SetXY(x+padX, y+padY)
			d.pdf.CellFormat(w-2*padX, d.lh(), labels[i+j]+"：", "", 0, "L", false, 0, "")
			d.pdf.SetXY(x+padX, y+h-d.lh()-padY)
			d.pdf.CellFormat(w-2*padX, d.lh(), "年　　月　　日", "", 0, "R", false, 0, "")
		}
		d.pdf.SetXY(margin, y+h)
	}
}

// table writes a report table: header row repeated on every page, rows
// wrapped within their columns, totals and notes under it. Column widths
// follow their content and fill the page.
func (d *Doc) table(t report.Table) {
	size := d.fontSize
	cols := len(t.Columns)
	if cols == 0 {
		return
	}
	tsize := 9.0
	if cols > 10 {
		tsize = 8
	}
	d.setSize(tsize)
	widths := d.columnWidths(t)
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
			d.row(cells, 6, head)
		}
	}
	head()
	body(t.Rows, false)
	body(t.Totals, true)
	d.setSize(8.5)
	for _, n := range t.Notes {
		d.text(n, 0)
	}
	d.setSize(size)
}

// columnWidths lays the columns out as a browser lays out an automatic
// table: every column first gets the width of its widest unbreakable piece
// (a whole number, date, contract number or ID; one Chinese character of a
// text), then the space left goes to the columns that would otherwise wrap,
// in proportion to how much more they need. Numbers therefore never wrap,
// and long Chinese remarks wrap first.
func (d *Doc) columnWidths(t report.Table) []float64 {
	pw := d.pageWidth()
	n := len(t.Columns)
	natural := make([]float64, n)
	minimum := make([]float64, n)
	see := func(i int, text string) {
		if w := d.measure(text) + 2*padX; w > natural[i] {
			natural[i] = w
		}
		// Short texts (names, villages, statuses) stay on one line.
		if utf8.RuneCountInString(text) <= 6 {
			minimum[i] = max(minimum[i], d.measure(text)+2*padX)
			return
		}
		for _, u := range units(text, d.measure) {
			if w := u.w + 2*padX; w > minimum[i] {
				minimum[i] = w
			}
		}
	}
	for i, c := range t.Columns {
		// A header may wrap to two lines.
		see(i, "")
		h := d.measure(c.Name)/2 + 2*padX
		natural[i] = max(natural[i], h)
		for _, u := range units(c.Name, d.measure) {
			minimum[i] = max(minimum[i], u.w+2*padX)
		}
	}
	for _, rows := range [][][]string{t.Rows, t.Totals} {
		for _, r := range rows {
			for i := 0; i < n && i < len(r); i++ {
				see(i, r[i])
			}
		}
	}
	for i := range natural {
		natural[i] = max(natural[i], minimum[i])
	}
	total, least := sum(natural), sum(minimum)
	switch {
	case total <= pw:
		extra := (pw - total) / float64(n)
		for i := range natural {
			natural[i] += extra
		}
		return natural
	case least >= pw:
		// Even unbroken pieces do not fit: scale everything (the font of
		// such a table is already small).
		out := make([]float64, n)
		for i := range minimum {
			out[i] = minimum[i] * pw / least
		}
		return out
	}
	out := make([]float64, n)
	spare := pw - least
	need := total - least
	for i := range out {
		out[i] = minimum[i] + (natural[i]-minimum[i])*spare/need
	}
	return out
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

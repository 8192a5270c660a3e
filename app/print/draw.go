package print

import (
	"strings"
)

// The drawing primitives. Every mark on a page goes through put, rect,
// line or mark, so that the first page can be kept as a display list
// (Preview) and so that tick boxes are drawn as boxes a full character
// high: the font's own □ is 40% of a character.

// Op is one drawing operation of a preview page, in millimetres from the
// page's top left corner.
type Op struct {
	Kind       byte // 't' text, 'r' rectangle, 'l' line, 'b' tick box
	X, Y, W, H float64
	Text       string
	Size       float64 // font size in points (text)
	Fill       bool    // rectangle filled (grey label) / box ticked
	Angle      float64 // text rotated counter-clockwise, degrees
	R, G, B    uint8   // text or stroke colour
}

// Preview is the first page of a document as drawn.
type Preview struct {
	W, H float64 // page size in mm
	Ops  []Op
}

func isBox(r rune) bool { return r == '□' || r == '■' }

// recording reports whether the page being drawn is kept for the preview.
func (d *Doc) recording() bool { return d.pdf.PageNo() == 1 }

func (d *Doc) record(op Op) {
	if !d.recording() {
		return
	}
	if d.preview.W == 0 {
		d.preview.W, d.preview.H = d.pdf.GetPageSize()
	}
	r, g, b := d.pdf.GetTextColor()
	if op.Kind != 't' {
		r, g, b = d.pdf.GetDrawColor()
	}
	op.R, op.G, op.B = uint8(r), uint8(g), uint8(b)
	d.preview.Ops = append(d.preview.Ops, op)
}

// put writes one line of text in the box (x, y, w, h), vertically centred,
// aligned L, C or R. □ and ■ are drawn as boxes.
func (d *Doc) put(x, y, w, h float64, s, align string) {
	tw := d.measure(s)
	switch align {
	case "R":
		x += w - tw
	case "C":
		x += (w - tw) / 2
	}
	if !strings.ContainsAny(s, "□■") {
		d.text1(x, y, tw, h, s)
		return
	}
	var seg strings.Builder
	flush := func() {
		if seg.Len() > 0 {
			sw := d.measure(seg.String())
			d.text1(x, y, sw, h, seg.String())
			x += sw
			seg.Reset()
		}
	}
	for _, r := range s {
		if !isBox(r) {
			seg.WriteRune(r)
			continue
		}
		flush()
		d.tickBox(x, y, h, r == '■')
		x += d.measure(string(r))
	}
	flush()
}

// text1 writes a run without boxes at x, centred in a line of height h.
func (d *Doc) text1(x, y, w, h float64, s string) {
	d.pdf.SetXY(x, y)
	defer d.faceFor(s)()
	d.pdf.CellFormat(w, h, s, "", 0, "L", false, 0, "")
	d.record(Op{Kind: 't', X: x, Y: y, W: w, H: h, Text: s, Size: d.fontSize})
}

// tickBox draws a box one character wide at x in a line of height h:
// empty, or with a tick (■ in the data means chosen).
func (d *Doc) tickBox(x, y, h float64, ticked bool) {
	em := d.fontSize * 25.4 / 72
	side := em * 0.78
	bx := x + (d.measure("中")-side)/2
	by := y + (h-side)/2
	d.pdf.SetLineWidth(0.25)
	d.pdf.Rect(bx, by, side, side, "D")
	if ticked {
		// A tick, as a hand would make it.
		d.pdf.SetLineWidth(0.35)
		d.pdf.Line(bx+side*0.18, by+side*0.52, bx+side*0.42, by+side*0.78)
		d.pdf.Line(bx+side*0.42, by+side*0.78, bx+side*0.84, by+side*0.2)
	}
	d.pdf.SetLineWidth(0.2)
	d.record(Op{Kind: 'b', X: bx, Y: by, W: side, H: side, Fill: ticked})
}

// rect draws a rectangle: "D" outline, "FD" filled grey label.
func (d *Doc) rect(x, y, w, h float64, style string) {
	if style == "FD" {
		d.pdf.SetFillColor(236, 236, 236)
	}
	d.pdf.Rect(x, y, w, h, style)
	d.record(Op{Kind: 'r', X: x, Y: y, W: w, H: h, Fill: style == "FD"})
}

// line draws a line.
func (d *Doc) line(x1, y1, x2, y2 float64) {
	d.pdf.Line(x1, y1, x2, y2)
	d.record(Op{Kind: 'l', X: x1, Y: y1, W: x2 - x1, H: y2 - y1})
}

// mark writes large light text rotated across the page, under what the
// page holds (it is drawn first).
func (d *Doc) mark(s string, size float64, x, y, angle float64, r, g, b int) {
	saved := d.fontSize
	d.setSize(size)
	d.pdf.SetTextColor(r, g, b)
	d.pdf.TransformBegin()
	d.pdf.TransformRotate(angle, x, y)
	restore := d.faceFor(s)
	d.pdf.Text(x, y, s)
	restore()
	d.pdf.TransformEnd()
	d.record(Op{Kind: 't', X: x, Y: y - size*25.4/72, W: d.measure(s), H: size * 25.4 / 72, Text: s, Size: size, Angle: angle})
	d.pdf.SetTextColor(0, 0, 0)
	d.setSize(saved)
}

// watermarks writes a draft's 草稿 and an unmasked copy's 仅供…使用
// across the page.
func (d *Doc) watermarks() {
	pw, ph := d.pdf.GetPageSize()
	if d.cur.draft {
		d.mark("草稿　不作正式记录", 44, pw*0.16, ph*0.72, 35, 215, 215, 215)
	}
	if d.sensitive() {
		purpose := strings.TrimSpace(d.opt.Purpose)
		if purpose == "" {
			purpose = "本单位工作"
		}
		op := d.opt.Operator
		if op == "" {
			op = "未填写"
		}
		s := "仅供" + purpose + "使用　" + op + "　" + d.opt.Now.Format("2006-01-02 15:04")
		for _, f := range []float64{0.3, 0.6, 0.9} {
			d.mark(s, 16, pw*0.1, ph*f, 25, 240, 200, 200)
		}
	}
}

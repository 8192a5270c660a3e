package print

import (
	"github.com/cunzhan/cunzhan/store/report"
)

// layoutColumns chooses a table's font size and column widths the way a
// careful clerk sets a table: every column gets at least the width of the
// longest thing in it that must not be broken (a number, a date, a
// contract or ID number, a short phrase such as 已逾期242天, a header split
// over at most two balanced lines); the space left goes to the columns
// that would otherwise wrap, in proportion to how much more they need.
// When even the unbreakable widths do not fit the page, the font steps
// down half a point at a time (to minFont) before anything is broken.
func (d *Doc) layoutColumns(t report.Table) (float64, []float64) {
	start := 9.0
	if len(t.Columns) > 10 {
		start = 8
	}
	saved := d.fontSize
	defer d.setSize(saved)
	pw := d.pageWidth()
	for size := start; ; size -= 0.5 {
		d.setSize(size)
		natural, two, minimum := d.columnNeeds(t)
		if sum(minimum) <= pw || size-0.5 < minFont {
			return size, spread([][]float64{natural, two, minimum}, pw)
		}
	}
}

// columnNeeds measures, at the current size, each column's natural width
// (all on one line) and its minimum (its longest unbreakable piece).
func (d *Doc) columnNeeds(t report.Table) (natural, two, minimum []float64) {
	n := len(t.Columns)
	natural = make([]float64, n)
	two = make([]float64, n)
	minimum = make([]float64, n)
	see := func(i int, text string) {
		w := d.measure(text) + 2*padX
		natural[i] = max(natural[i], w)
		if phrase(text) {
			minimum[i] = max(minimum[i], w)
			two[i] = max(two[i], w)
			return
		}
		widest := 0.0
		for _, u := range units(text, d.measure) {
			widest = max(widest, u.w)
		}
		minimum[i] = max(minimum[i], widest+2*padX)
		// Greedy breaking at half the width plus the widest piece never
		// needs a third line (see twoLines).
		two[i] = max(two[i], min(w, d.measure(text)/2+widest+2*padX))
	}
	for i, c := range t.Columns {
		// A header may take two lines, split where they balance.
		head := 0.0
		for _, l := range d.twoLines(c.Name) {
			head = max(head, d.measure(l)+2*padX)
		}
		natural[i] = max(natural[i], head)
		minimum[i] = max(minimum[i], head)
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
		two[i] = max(two[i], minimum[i])
		natural[i] = max(natural[i], two[i])
	}
	return natural, two, minimum
}

// twoLines breaks a header into at most two balanced lines.
func (d *Doc) twoLines(s string) []string {
	widest := 0.0
	for _, u := range units(s, d.measure) {
		widest = max(widest, u.w)
	}
	// Greedy breaking at half the width plus the widest piece fills the
	// first line past half, so it never needs a third.
	width := d.measure(s)/2 + widest
	return balance(s, width, d.measure, d.wrap(s, width))
}

// spread fits widths to the page. tiers lists, widest first, the widths
// each column wants at each level of comfort: all on one line, at most
// two lines, its longest unbreakable piece. The widest tier that fits
// gets the page's spare width in equal shares; otherwise the narrowest
// tier that fits is raised toward the next wider one, each column in
// proportion to what it lacks, so no row needs three lines while two
// would do. When even the narrowest does not fit, it is scaled down
// (cells then shrink their own text).
func spread(tiers [][]float64, pw float64) []float64 {
	n := len(tiers[0])
	out := make([]float64, n)
	if total := sum(tiers[0]); total <= pw {
		for i, w := range tiers[0] {
			out[i] = w + (pw-total)/float64(n)
		}
		return out
	}
	for k := 1; k < len(tiers); k++ {
		lo, hi := tiers[k], tiers[k-1]
		least := sum(lo)
		if least > pw {
			continue
		}
		spare, need := pw-least, sum(hi)-least
		for i := range out {
			out[i] = lo[i] + (hi[i]-lo[i])*spare/need
		}
		return out
	}
	least := tiers[len(tiers)-1]
	for i, w := range least {
		out[i] = w * pw / sum(least)
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

package print

import (
	"strings"
	"unicode"
)

// Chinese line breaking (禁则). fpdf's own MultiCell and SplitText drop a
// CJK character at every automatic break (go-pdf/fpdf issue 80), so every
// wrapped text on a form goes through wrapText and is written line by line.
//
// Rules: a line may break between any two CJK characters and at spaces;
// a run of Latin letters and digits ("130131190201-J001", "2,630.00") stays
// whole unless it is wider than the line by itself; closing punctuation never
// starts a line and opening punctuation never ends one.

// noLineStart are characters that must not begin a line.
const noLineStart = "，。、；：？！）》」』】〕〉”’…—·％,.;:?!)]}｝〗～%"

// noLineEnd are characters that must not end a line.
const noLineEnd = "（《「『【〔〈“‘([{｛〖"

func closing(s string) bool { return s != "" && strings.ContainsRune(noLineStart, firstRune(s)) }
func opening(s string) bool { return s != "" && strings.ContainsRune(noLineEnd, lastRune(s)) }

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func lastRune(s string) rune {
	r := []rune(s)
	if len(r) == 0 {
		return 0
	}
	return r[len(r)-1]
}

// unit is what a line may not be broken inside.
type unit struct {
	s     string
	w     float64
	space bool
}

// wide reports whether a rune is set one per unit: CJK ideographs, kana,
// hangul and full-width forms, and the CJK punctuation.
func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Hangul, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) ||
		r >= 0x80 && (strings.ContainsRune(noLineStart, r) || strings.ContainsRune(noLineEnd, r)) ||
		r == '□' || r == '■' || r == '√'
}

// units splits a paragraph into breakable units.
func units(s string, measure func(string) float64) []unit {
	var out []unit
	var word []rune
	flush := func() {
		if len(word) > 0 {
			w := string(word)
			out = append(out, unit{s: w, w: measure(w)})
			word = word[:0]
		}
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '　':
			flush()
			out = append(out, unit{s: string(r), w: measure(string(r)), space: true})
		case wide(r):
			flush()
			out = append(out, unit{s: string(r), w: measure(string(r))})
		default:
			word = append(word, r)
		}
	}
	flush()
	return out
}

// wrapText breaks s into lines no wider than width, as measure measures
// text. Explicit newlines are kept. A line is never empty unless the
// paragraph is.
func wrapText(s string, width float64, measure func(string) float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		lines = append(lines, wrapParagraph(para, width, measure)...)
	}
	return lines
}

func wrapParagraph(s string, width float64, measure func(string) float64) []string {
	us := units(s, measure)
	if len(us) == 0 {
		return []string{""}
	}
	var lines []string
	var cur []unit
	curW := 0.0
	emit := func(line []unit) {
		// Spaces at the ends of a line are not printed.
		for len(line) > 0 && line[len(line)-1].space {
			line = line[:len(line)-1]
		}
		var b strings.Builder
		for _, u := range line {
			b.WriteString(u.s)
		}
		lines = append(lines, b.String())
	}
	width0 := func(line []unit) float64 {
		w := 0.0
		for _, u := range line {
			w += u.w
		}
		return w
	}
	// A paragraph's own indent (　　 in a letter) is kept; spaces that
	// would start a wrapped line are not.
	lead := 0
	for lead < len(us) && us[lead].space {
		lead++
	}
	for i := 0; i < len(us); i++ {
		u := us[i]
		if u.space && len(cur) == 0 && i >= lead {
			continue
		}
		if curW+u.w <= width+1e-9 {
			cur = append(cur, u)
			curW += u.w
			continue
		}
		if u.space {
			emit(cur)
			cur, curW = nil, 0
			continue
		}
		if len(cur) == 0 {
			cur, curW = startWith(u, width, measure, &lines)
			continue
		}
		// The break goes before u. Move units down with it while the next
		// line would start with closing punctuation or this one would end
		// with opening punctuation, keeping at least one unit on this line.
		k := 0
		if closing(u.s) {
			k = 1
			for k < len(cur)-1 && closing(cur[len(cur)-k].s) {
				k++
			}
			if k >= len(cur) || closing(cur[len(cur)-k].s) {
				// Nothing can move: let the punctuation hang past the
				// margin, as typesetters do, rather than start a line.
				cur = append(cur, u)
				emit(cur)
				cur, curW = nil, 0
				continue
			}
		}
		for k < len(cur)-1 && opening(cur[len(cur)-1-k].s) {
			k++
		}
		next := append([]unit(nil), cur[len(cur)-k:]...)
		emit(cur[:len(cur)-k])
		if k == 0 {
			cur, curW = startWith(u, width, measure, &lines)
			continue
		}
		cur = append(next, u)
		curW = width0(cur)
	}
	if len(cur) > 0 {
		emit(cur)
	}
	return lines
}

// startWith begins a line with u; a unit wider than the whole line is cut
// by characters, the full pieces becoming lines of their own.
func startWith(u unit, width float64, measure func(string) float64, lines *[]string) ([]unit, float64) {
	if u.w <= width {
		return []unit{u}, u.w
	}
	pieces := cutRunes(u.s, width, measure)
	*lines = append(*lines, pieces[:len(pieces)-1]...)
	last := pieces[len(pieces)-1]
	w := measure(last)
	return []unit{{s: last, w: w}}, w
}

// cutRunes splits an over-long word into pieces that fit.
func cutRunes(s string, width float64, measure func(string) float64) []string {
	var out []string
	var cur []rune
	w := 0.0
	for _, r := range s {
		rw := measure(string(r))
		if len(cur) > 0 && w+rw > width {
			out = append(out, string(cur))
			cur, w = nil, 0
		}
		cur = append(cur, r)
		w += rw
	}
	return append(out, string(cur))
}

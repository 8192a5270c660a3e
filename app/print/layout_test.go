package print

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store/report"
)

// hardTable is a table of the kind that broke on continuation pages: long
// village names, ID and contract numbers, standards with spaces, short
// phrases that must not be split, headers that must break only between
// words, 150 rows.
func hardTable() report.Table {
	t := report.Table{Columns: []report.Column{
		{Name: "序号", Align: report.Right}, {Name: "村/组"}, {Name: "姓名"}, {Name: "身份证号"},
		{Name: "评估标准"}, {Name: "能力等级"}, {Name: "状态"}, {Name: "在贷笔数", Align: report.Right},
		{Name: "贷款余额（元）", Align: report.Right}, {Name: "逾期天数", Align: report.Right}, {Name: "应还日期"},
	}}
	for i := 1; i <= 150; i++ {
		t.Rows = append(t.Rows, []string{
			fmt.Sprint(i), fmt.Sprintf("示例镇%d村%d组", 200+i%30, i%5+1), "欧阳明", "1301**********283X",
			"GB/T 42195-2022", "轻度失能", fmt.Sprintf("已逾期%d天", 200+i), fmt.Sprint(i % 4),
			"1,250,000.00", fmt.Sprint(i * 7), "2025-10-16",
		})
	}
	t.Totals = [][]string{{"", "合计150人"}}
	return t
}

// A table that runs over many pages keeps page 1's font on every
// continuation page (header and first row alike), and no word printed in
// it crosses or touches a cell border.
func TestLongTableKeepsItsFontAndBorders(t *testing.T) {
	d := NewDoc(Options{Now: printTime})
	d.pdf.SetCompression(false)
	d.beginForm(form{title: "长表测试"})
	d.table(hardTable())
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "long.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if n := pages(t, path); n < 3 {
		t.Fatalf("150 rows on %d pages; the test needs continuation pages", n)
	}
	words := bboxWords(t, path)
	edges := verticalEdges(t, b)

	// The same header word is equally tall on every page; so is the
	// first row's first name.
	heights := map[string]map[int]float64{}
	for _, w := range words {
		if w.text == "序号" || w.text == "欧阳明" || w.text == "在贷" {
			if heights[w.text] == nil {
				heights[w.text] = map[int]float64{}
			}
			if _, seen := heights[w.text][w.page]; !seen {
				heights[w.text][w.page] = w.y1 - w.y0
			}
		}
	}
	for word, byPage := range heights {
		for page, h := range byPage {
			if diff := h - byPage[1]; diff > 0.01 || diff < -0.01 {
				t.Errorf("%q is %.2f pt tall on page %d, %.2f on page 1", word, h, page, byPage[1])
			}
		}
	}

	// Every word keeps at least 1 pt from every vertical border beside it.
	crossed := 0
	for _, w := range words {
		for _, e := range edges[w.page] {
			overlap := min(w.y1, e.y1) - max(w.y0, e.y0)
			if overlap < (w.y1-w.y0)/2 {
				continue
			}
			if e.x > w.x0-1 && e.x < w.x1+1 {
				if crossed++; crossed <= 5 {
					t.Errorf("page %d: %q (x %.1f–%.1f) meets the border at x %.1f", w.page, w.text, w.x0, w.x1, e.x)
				}
			}
		}
	}
	// Nothing that must stay whole was broken.
	flat := squash(text(t, path))
	for _, whole := range []string{"GB/T42195-2022", "已逾期349天", "1,250,000.00", "2025-10-16"} {
		if !strings.Contains(flat, whole) {
			t.Errorf("%q was broken or lost", whole)
		}
	}
	// A header takes two balanced lines at most: 在贷/笔数, never 在贷笔/数.
	seen := map[string]bool{}
	for _, w := range words {
		if w.page == 1 {
			seen[w.text] = true
		}
	}
	if !seen["在贷笔数"] && !(seen["在贷"] && seen["笔数"]) {
		t.Errorf("the header 在贷笔数 broke unevenly")
	}
}

type word struct {
	page           int
	text           string
	x0, y0, x1, y1 float64
}

var wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)

// bboxWords reads each word's box (points, from the top left) with
// pdftotext -bbox.
func bboxWords(t *testing.T, path string) []word {
	var out []word
	page := 0
	for _, l := range strings.Split(tool(t, "pdftotext", "-bbox", path, "-"), "\n") {
		if strings.Contains(l, "<page ") {
			page++
		}
		m := wordRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		f := func(i int) float64 { v, _ := strconv.ParseFloat(m[i], 64); return v }
		out = append(out, word{page: page, text: m[5], x0: f(1), y0: f(2), x1: f(3), y1: f(4)})
	}
	return out
}

type edge struct{ x, y0, y1 float64 }

var (
	rectRE = regexp.MustCompile(`([\d.]+) ([\d.]+) ([\d.]+) (-?[\d.]+) re`)
	lineRE = regexp.MustCompile(`([\d.]+) ([\d.]+) m ([\d.]+) ([\d.]+) l`)
)

// verticalEdges reads, page by page, the vertical lines an uncompressed
// fpdf file draws (the sides of each cell's rectangle, and lines), in
// points from the top left like pdftotext's boxes. Page content streams
// are the ones that draw text, in page order.
func verticalEdges(t *testing.T, pdf []byte) map[int][]edge {
	const pageH = 841.89
	out := map[int][]edge{}
	page := 0
	for _, s := range strings.Split(string(pdf), "endstream") {
		if !strings.Contains(s, "Tj ET") {
			continue
		}
		page++
		for _, m := range rectRE.FindAllStringSubmatch(s, -1) {
			v := func(i int) float64 { f, _ := strconv.ParseFloat(m[i], 64); return f }
			x, y, w, h := v(1), v(2), v(3), v(4)
			top, bottom := pageH-y, pageH-(y+h)
			if h < 0 {
				top, bottom = pageH-y, pageH-y-h
			}
			lo, hi := min(top, bottom), max(top, bottom)
			out[page] = append(out[page], edge{x, lo, hi}, edge{x + w, lo, hi})
		}
		for _, m := range lineRE.FindAllStringSubmatch(s, -1) {
			v := func(i int) float64 { f, _ := strconv.ParseFloat(m[i], 64); return f }
			if v(1) == v(3) {
				a, b := pageH-v(2), pageH-v(4)
				out[page] = append(out[page], edge{v(1), min(a, b), max(a, b)})
			}
		}
	}
	if page == 0 {
		t.Fatal("no page content found: is the file compressed?")
	}
	return out
}

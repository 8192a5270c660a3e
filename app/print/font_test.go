package print

import (
	"bytes"
	"go/scanner"
	"go/token"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"github.com/cunzhan/cunzhan/assets"
	"github.com/cunzhan/cunzhan/store"
)

// Every character the cut face holds draws exactly as the full font draws
// it: the same text set with each face renders to the same pixels.
func TestCommonFaceDrawsAsTheFullFont(t *testing.T) {
	var held []rune
	f, err := sfnt.Parse(assets.Font())
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for _, r := range commonRunes() {
		if i, err := f.GlyphIndex(&buf, r); err == nil && i != 0 && r > ' ' {
			held = append(held, r)
		}
	}
	if len(held) < 7000 { // GB 2312 alone has 6,763 hanzi
		t.Fatalf("the font holds only %d of the common characters", len(held))
	}
	write := func(family string, font []byte) []byte {
		pdf := fpdf.New("P", "mm", "A4", "")
		pdf.AddUTF8FontFromBytes(family, "", font)
		pdf.SetFont(family, "", 11)
		pdf.SetAutoPageBreak(false, 0)
		const perLine, lines = 40, 60
		for i := 0; i < len(held); i += perLine * lines {
			pdf.AddPage()
			for l := 0; l < lines && i+l*perLine < len(held); l++ {
				from := i + l*perLine
				pdf.Text(10, 12+float64(l)*4.6, string(held[from:min(from+perLine, len(held))]))
			}
		}
		var out bytes.Buffer
		if err := pdf.Output(&out); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	raster := func(name string, pdf []byte) []byte {
		dir := t.TempDir()
		path := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		tool(t, "pdftoppm", "-r", "72", "-gray", path, filepath.Join(dir, "p"))
		pgms, _ := filepath.Glob(filepath.Join(dir, "p*.pgm"))
		var all []byte
		for _, p := range pgms {
			b, _ := os.ReadFile(p)
			all = append(all, b...)
		}
		if len(all) == 0 {
			t.Fatalf("%s: nothing rendered", name)
		}
		return all
	}
	full := raster("full", write(familyFull, assets.Font()))
	cut := raster("cut", write(familyCommon, commonFace()))
	if !bytes.Equal(full, cut) {
		t.Errorf("the cut face draws %d characters differently from the full font", len(held))
	}
}

// A name with a character outside GB 2312 prints whole and in its place:
// the full font is added for it, as a second embedded subset, and the
// characters after it are not drawn over it.
func TestRareCharacterInANamePrints(t *testing.T) {
	const rare = "喆" // common in names, not in GB 2312
	if inCommon([]rune(rare)[0]) {
		t.Fatalf("%s is in the cut face; pick a character outside it", rare)
	}
	st := writableDemo(t)
	v := firstOf(t, st, store.KindVisit, func(e store.Entity) bool { return e.(*store.Visit).Status != "草稿" }).(*store.Visit)
	var p *store.Person
	_ = st.View(func(r *store.Reader) error {
		ep, _ := homeLive[*store.ElderlyProfile](r, v.ElderlyID, store.KindElderlyProfile)
		if ep != nil {
			p, _ = homeLive[*store.Person](r, ep.PersonID, store.KindPerson)
		}
		return nil
	})
	if p == nil {
		t.Fatal("the visit's person is not in the data set")
	}
	name := "李" + rare + "明"
	p.Name = name
	if _, err := st.Save(p, "测试员"); err != nil {
		t.Fatal(err)
	}
	path := render(t, st, Job{Code: "B2", Record: store.MetaOf(v).ID}, Options{})
	if !strings.Contains(squash(text(t, path)), name) {
		t.Fatalf("B2 does not read %s back", name)
	}
	fonts := strings.Split(strings.TrimSpace(tool(t, "pdffonts", path)), "\n")
	if len(fonts) != 4 {
		t.Fatalf("want the cut face and the full font, pdffonts says:\n%s", strings.Join(fonts, "\n"))
	}
	if a, b := strings.Fields(fonts[2])[0], strings.Fields(fonts[3])[0]; !strings.Contains(a, "+") || a == b {
		t.Errorf("the two subsets are not tagged apart: %s, %s", a, b)
	}
}

// A rare character is measured and drawn with the font that holds it: a
// line written through the document's own text path renders to the same
// pixels as the line written with the full font alone, and measures the
// same. (喆 is as wide as any hanzi; Ώ is narrower, so a width taken
// from the cut face, which lacks it, would be wrong.)
func TestRareCharacterDrawsWithTheFullFont(t *testing.T) {
	const line = "户主：李喆明，备注：Ώ"
	d := NewDoc(Options{Now: printTime})
	d.pdf.AddPage()
	w := d.measure(line)
	d.text1(20, 30, w, 6, line)

	ref := fpdf.New("P", "mm", "A4", "")
	ref.AddUTF8FontFromBytes(familyFull, "", assets.Font())
	ref.SetFont(familyFull, "", fontSize)
	ref.SetCellMargin(0)
	ref.AddPage()
	if want := ref.GetStringWidth(line); math.Abs(w-want) > 1e-9 {
		t.Errorf("measured %.3f mm, the full font says %.3f mm", w, want)
	}
	ref.SetXY(20, 30)
	ref.CellFormat(w, 6, line, "", 0, "L", false, 0, "")

	raster := func(name string, pdf interface{ Output(io.Writer) error }) []byte {
		dir := t.TempDir()
		var out bytes.Buffer
		if err := pdf.Output(&out); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		tool(t, "pdftoppm", "-r", "150", "-gray", "-singlefile", path, filepath.Join(dir, "p"))
		b, err := os.ReadFile(filepath.Join(dir, "p.pgm"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(raster("doc", d.pdf), raster("ref", ref)) {
		t.Errorf("%s does not draw as the full font draws it", line)
	}
}

// The fixed text of every form and report, the string literals of this
// package and of the store (labels, statuses, messages), is in the cut
// face: no form's own words bring the full font into a file.
func TestFormTextIsInTheCutFace(t *testing.T) {
	dirs := []string{".", "../../store", "../../store/report", "../../store/ident"}
	seen := map[rune]string{}
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			var s scanner.Scanner
			fset := token.NewFileSet()
			s.Init(fset.AddFile(name, -1, len(src)), src, nil, 0)
			for {
				_, tok, lit := s.Scan()
				if tok == token.EOF {
					break
				}
				if tok != token.STRING && tok != token.CHAR {
					continue
				}
				for _, r := range lit {
					if r >= utf8.RuneSelf && !inCommon(r) && seen[r] == "" {
						seen[r] = name
					}
				}
			}
		}
	}
	for r, name := range seen {
		t.Errorf("%s writes %q (%U), which the cut face lacks: add its block to symbolBlocks", name, r, r)
	}
}

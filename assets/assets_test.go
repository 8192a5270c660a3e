package assets

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"
)

func TestFontIsOneTrueTypeFace(t *testing.T) {
	if err := CheckFont(Font(), Essential); err != nil {
		t.Fatal(err)
	}
	// The checks themselves must be able to fail.
	bad := []struct {
		name string
		data []byte
	}{
		{"collection", append([]byte("ttcf"), make([]byte, 20)...)},
		{"cff", append([]byte("OTTO"), make([]byte, 20)...)},
		{"short", []byte{0, 1}},
		{"garbage", []byte("<html>not a font at all</html>")},
	}
	for _, b := range bad {
		if err := CheckFont(b.data, "村"); err == nil {
			t.Errorf("%s: CheckFont accepted it", b.name)
		}
	}
}

func TestFontMissingReportsUncoveredRunes(t *testing.T) {
	f, err := sfnt.Parse(Font())
	if err != nil {
		t.Fatal(err)
	}
	// U+1F600 (an emoji) and U+20000 (CJK Extension B) are outside the font.
	got := Missing(f, "村😀站𠀀村")
	if string(got) != "😀𠀀" {
		t.Fatalf("Missing = %q, want the emoji and the Extension B character", string(got))
	}
}

// Every character the program can put on a screen or a form comes from a
// string literal in its source (labels, messages, form titles) or from the
// records themselves. This walks the source and checks each literal.
func TestFontCoversEveryLiteralInTheSource(t *testing.T) {
	f, err := sfnt.Parse(Font())
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	files := 0
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		fset := token.NewFileSet()
		var s scanner.Scanner
		s.Init(fset.AddFile(path, -1, len(src)), src, nil, 0)
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.STRING {
				if v, err := strconv.Unquote(lit); err == nil {
					text.WriteString(v)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("walked only %d source files; the test is looking in the wrong place", files)
	}
	if missing := Missing(f, text.String()); len(missing) > 0 {
		t.Fatalf("the font has no glyph for %q, used in the source", string(missing))
	}
}

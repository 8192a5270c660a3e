// Package assets holds the files the program carries inside its binary: the
// CJK font shared by the window and the PDF forms, and the application icon.
//
// The font is WenQuanYi Micro Hei 0.2.0-beta (Apache-2.0, see
// fonts/LICENSE-Apache-2.0.txt and fonts/README-wqy-microhei.txt), face 0 of
// Debian's wqy-microhei.ttc saved as a single TrueType file:
//
//	python3 -c "from fontTools.ttLib import TTCollection; \
//	  TTCollection('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc').fonts[0].save('wqy-microhei.ttf')"
//
// A collection (.ttc) makes Fyne panic and fpdf fail, and fpdf cannot read
// CFF outlines, so it has to be one face with glyf outlines.
package assets

import (
	_ "embed"
	"errors"
	"fmt"

	"golang.org/x/image/font/sfnt"
)

//go:embed fonts/wqy-microhei.ttf
var font []byte

//go:embed icon.png
var icon []byte

// FontName is the family name the PDF forms register the font under.
const FontName = "wqymicrohei"

// Font returns the bundled font file. Callers must not modify it.
func Font() []byte { return font }

// Icon returns the application icon (PNG, 512×512).
func Icon() []byte { return icon }

// Essential is text every screen and form shows: if the font could not draw
// these, nothing would be readable. CheckFont verifies them at start-up.
const Essential = "0123456789.,:;-+()%/ ¥０１２３４５６７８９，。、：；（）《》“”！？—…" +
	"村站首页幸福院探访贷款冲突审核同步打印设置姓名性别年龄身份证号码金额元角分整" +
	"零壹贰叁肆伍陆柒捌玖拾佰仟万亿第页共"

// CheckFont verifies that the bundled font is a single TrueType face with
// glyf outlines (not a collection, not CFF) that covers text.
func CheckFont(data []byte, text string) error {
	if len(data) < 12 {
		return errors.New("font: file too short")
	}
	switch string(data[:4]) {
	case "\x00\x01\x00\x00", "true":
	case "ttcf":
		return errors.New("font: a TrueType collection (.ttc), not a single face")
	case "OTTO":
		return errors.New("font: CFF outlines (OpenType/CFF), which PDF embedding cannot use")
	default:
		return fmt.Errorf("font: unknown magic %q", data[:4])
	}
	f, err := sfnt.Parse(data)
	if err != nil {
		return fmt.Errorf("font: %w", err)
	}
	missing := Missing(f, text)
	if len(missing) > 0 {
		return fmt.Errorf("font: no glyph for %q", string(missing))
	}
	return nil
}

// Missing returns the runes of text (other than control characters) that f
// has no glyph for, each once, in order of first appearance.
func Missing(f *sfnt.Font, text string) []rune {
	var buf sfnt.Buffer
	seen := map[rune]bool{}
	var out []rune
	for _, r := range text {
		if r < 0x20 || seen[r] {
			continue
		}
		seen[r] = true
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			out = append(out, r)
		}
	}
	return out
}

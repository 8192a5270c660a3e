package print

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/cunzhan/cunzhan/assets"
)

// The preview draws the first page from the display list the document
// kept while writing it (draw.go), with the same font: what the print
// screen shows is what the PDF holds, without a PDF renderer.

var (
	previewFontOnce sync.Once
	previewFont     *opentype.Font
	previewFontErr  error
)

func loadPreviewFont() (*opentype.Font, error) {
	previewFontOnce.Do(func() {
		previewFont, previewFontErr = opentype.Parse(assets.Font())
	})
	return previewFont, previewFontErr
}

// Image draws the page at pxPerMM pixels per millimetre (4 is about 100
// dpi) on white.
func (p *Preview) Image(pxPerMM float64) (*image.RGBA, error) {
	if p == nil || p.W == 0 {
		return nil, fmt.Errorf("preview: nothing drawn")
	}
	f, err := loadPreviewFont()
	if err != nil {
		return nil, fmt.Errorf("preview font: %w", err)
	}
	img := image.NewRGBA(image.Rect(0, 0, int(p.W*pxPerMM+0.5), int(p.H*pxPerMM+0.5)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	faces := map[float64]font.Face{}
	face := func(pt float64) (font.Face, error) {
		if fc, ok := faces[pt]; ok {
			return fc, nil
		}
		// pt points are pt/72 inch = pt*25.4/72 mm.
		fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: pt * 25.4 / 72 * pxPerMM, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return nil, err
		}
		faces[pt] = fc
		return fc, nil
	}
	px := func(mm float64) int { return int(math.Round(mm * pxPerMM)) }
	// Rectangles' fills first, so that no fill covers a line or text drawn
	// before it in the list.
	for _, op := range p.Ops {
		if op.Kind == 'r' && op.Fill {
			fill(img, px(op.X), px(op.Y), px(op.X+op.W), px(op.Y+op.H), color.RGBA{236, 236, 236, 255})
		}
	}
	for _, op := range p.Ops {
		c := color.RGBA{op.R, op.G, op.B, 255}
		switch op.Kind {
		case 'r':
			outline(img, px(op.X), px(op.Y), px(op.X+op.W), px(op.Y+op.H), c)
		case 'b':
			outline(img, px(op.X), px(op.Y), px(op.X+op.W), px(op.Y+op.H), c)
			if op.Fill {
				hline(img, px(op.X+op.W*0.2), px(op.X+op.W*0.8), px(op.Y+op.H*0.5), c)
				vline(img, px(op.X+op.W*0.5), px(op.Y+op.H*0.2), px(op.Y+op.H*0.8), c)
			}
		case 'l':
			if op.H == 0 {
				hline(img, px(op.X), px(op.X+op.W), px(op.Y), c)
			} else if op.W == 0 {
				vline(img, px(op.X), px(op.Y), px(op.Y+op.H), c)
			}
		case 't':
			if op.Angle != 0 {
				continue // watermarks are left out of the small picture
			}
			fc, err := face(op.Size)
			if err != nil {
				return nil, err
			}
			m := fc.Metrics()
			// Centred in the line box, as fpdf sets a cell's text.
			base := op.Y*pxPerMM + (op.H*pxPerMM+float64(m.Ascent.Round())-float64(m.Descent.Round()))/2
			dr := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: fc, Dot: fixed.P(px(op.X), int(math.Round(base)))}
			dr.DrawString(op.Text)
		}
	}
	return img, nil
}

func fill(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	draw.Draw(img, image.Rect(x0, y0, x1, y1), image.NewUniform(c), image.Point{}, draw.Src)
}

func outline(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	hline(img, x0, x1, y0, c)
	hline(img, x0, x1, y1, c)
	vline(img, x0, y0, y1, c)
	vline(img, x1, y0, y1, c)
}

func hline(img *image.RGBA, x0, x1, y int, c color.Color) {
	for x := x0; x <= x1; x++ {
		img.Set(x, y, c)
	}
}

func vline(img *image.RGBA, x, y0, y1 int, c color.Color) {
	for y := y0; y <= y1; y++ {
		img.Set(x, y, c)
	}
}

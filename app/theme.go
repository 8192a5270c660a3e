package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/cunzhan/cunzhan/assets"
)

// stationTheme is Fyne's default theme with the bundled CJK font for every
// text style, so that the window looks the same on a Windows PC without
// Chinese fonts, a UOS desktop or a test run, and a slightly larger text size
// for older eyes at village service points.
type stationTheme struct {
	font fyne.Resource
}

// Theme returns the application theme. Tests apply it too, so that text
// metrics do not depend on the fonts of the machine that runs them.
func Theme() fyne.Theme {
	return &stationTheme{font: fyne.NewStaticResource("wqy-microhei.ttf", assets.Font())}
}

func (t *stationTheme) Font(fyne.TextStyle) fyne.Resource { return t.font }

// Color uses the light variant whatever the desktop prefers: the screens
// are read next to paper forms, in daylight, by people used to both.
func (t *stationTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	v := theme.VariantLight
	switch n {
	case theme.ColorNamePrimary:
		return color.NRGBA{R: 0x1f, G: 0x6f, B: 0x4a, A: 0xff}
	case theme.ColorNameFocus:
		return color.NRGBA{R: 0x1f, G: 0x6f, B: 0x4a, A: 0x80}
	case theme.ColorNameSelection:
		return color.NRGBA{R: 0x1f, G: 0x6f, B: 0x4a, A: 0x40}
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *stationTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

func (t *stationTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 15
	case theme.SizeNameSubHeadingText:
		return 19
	case theme.SizeNameHeadingText:
		return 23
	}
	return theme.DefaultTheme().Size(n)
}

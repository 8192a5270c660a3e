package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// focusList is a list that shows when it has the keyboard. Fyne marks the
// focused row with the hover colour, which cannot be told from the
// selected row it usually is (the navigation's current page): five Tabs on
// the home page showed nothing. A ring in the theme colour goes round the
// whole list while it is focused; the arrow keys then move within it.
type focusList struct {
	widget.List
	ring *canvas.Rectangle
	// box is the list with its ring, to place in a layout.
	box *fyne.Container
}

func newFocusList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *focusList {
	l := &focusList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	l.ring = canvas.NewRectangle(color.Transparent)
	l.ring.StrokeColor = theme.Color(theme.ColorNamePrimary)
	l.ring.StrokeWidth = 2
	l.ring.CornerRadius = 4
	l.ring.Hide()
	l.box = container.NewStack(l, l.ring)
	return l
}

func (l *focusList) FocusGained() {
	l.List.FocusGained()
	l.ring.Show()
}

func (l *focusList) FocusLost() {
	l.List.FocusLost()
	l.ring.Hide()
}

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// revealer shows a sensitive value masked, with a button that swaps in the
// entry holding the real value (an explicit reveal, §7.4).
type revealer struct {
	widget.BaseWidget
	box    *fyne.Container
	masked *widget.Label
	button *widget.Button
	entry  *keyEntry
	// revealed is set once the real value is shown (it stays shown while
	// the form is open).
	revealed bool
	ask      revealAsker
}

// revealAsker asks for the reason of a reveal, records it, and then
// calls show.
type revealAsker func(show func())

func newRevealer(how, value string, entry *keyEntry, ask revealAsker) *revealer {
	r := &revealer{entry: entry, ask: ask}
	r.masked = widget.NewLabel(maskFor(how, value))
	r.button = newButtonWithIcon("显示/修改", theme.VisibilityIcon(), r.reveal)
	r.box = container.NewBorder(nil, nil, nil, r.button, r.masked)
	r.ExtendBaseWidget(r)
	return r
}

func (r *revealer) reveal() {
	if r.ask != nil && !r.revealed {
		r.ask(r.show)
		return
	}
	r.show()
}

func (r *revealer) show() {
	r.revealed = true
	r.box.Objects = []fyne.CanvasObject{r.entry}
	r.box.Layout = layout.NewStackLayout()
	r.box.Refresh()
	if c := fyne.CurrentApp().Driver().CanvasForObject(r); c != nil {
		c.Focus(r.entry)
	}
}

func (r *revealer) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// children lets the window walkthrough look inside.
func (r *revealer) children() []fyne.CanvasObject { return []fyne.CanvasObject{r.box} }

// maskFor masks a value for a screen the way prints mask it.
func maskFor(how, v string) string { return store.MaskValue(how, v) }

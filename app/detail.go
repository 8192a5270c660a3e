package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// detailView shows a record read-only, every field with its label. Personal
// information (ID and phone numbers, accounts, health) is masked until the
// user presses 显示敏感信息; the reveal lasts while this view is open.
type detailView struct {
	u        *UI
	e        store.Entity
	revealed bool
	grid     *fyne.Container
	toggle   *widget.Button
	obj      fyne.CanvasObject
	skip     map[string]bool
}

func newDetailView(u *UI, e store.Entity, skip ...string) *detailView {
	d := &detailView{u: u, e: e, skip: map[string]bool{}}
	for _, s := range skip {
		d.skip[s] = true
	}
	d.grid = container.New(layout.NewFormLayout())
	d.toggle = newButtonWithIcon("显示敏感信息", theme.VisibilityIcon(), func() {
		if d.revealed {
			d.revealed = false
			d.render()
			return
		}
		u.askReveal(store.MetaOf(e).ID.String(), func() {
			d.revealed = true
			d.render()
		})
	})
	d.render()
	top := container.NewHBox(layout.NewSpacer(), d.toggle)
	if len(store.SensitiveFields(store.MetaOf(e).Kind())) == 0 {
		top.Hide()
	}
	d.obj = container.NewBorder(top, nil, nil, nil, d.grid)
	return d
}

func (d *detailView) render() {
	if d.revealed {
		d.toggle.SetText("隐去敏感信息")
		d.toggle.SetIcon(theme.VisibilityOffIcon())
	} else {
		d.toggle.SetText("显示敏感信息")
		d.toggle.SetIcon(theme.VisibilityIcon())
	}
	vals := store.FieldValues(d.e)
	d.grid.Objects = nil
	for _, spec := range store.Schema(store.MetaOf(d.e).Kind()) {
		raw, ok := vals[spec.Name]
		if !ok || d.skip[spec.Name] {
			continue
		}
		v := widget.NewLabel(d.u.display(spec, raw, d.revealed))
		v.Wrapping = fyne.TextWrapBreak
		d.grid.Add(widget.NewLabelWithStyle(spec.Label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		d.grid.Add(v)
	}
	d.grid.Refresh()
}

// text returns what the view shows for a field ("" when absent); tests read
// it to check masking.
func (d *detailView) text(label string) string {
	for i := 0; i+1 < len(d.grid.Objects); i += 2 {
		if d.grid.Objects[i].(*widget.Label).Text == label {
			return d.grid.Objects[i+1].(*widget.Label).Text
		}
	}
	return ""
}

// panel is the right side of a list screen: what is selected, swapped in
// place.
type panel struct {
	box *fyne.Container
}

func newPanel(empty string) *panel {
	p := &panel{box: container.NewStack()}
	p.set(container.NewPadded(container.NewVBox(para(empty))))
	return p
}

// para is a label for a sentence: it wraps at the width it is given
// instead of making the window as wide as the sentence is long.
func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (p *panel) set(o fyne.CanvasObject) {
	p.box.Objects = []fyne.CanvasObject{o}
	p.box.Refresh()
}

// editIn opens a record form in a panel, its title above and 返回 in its
// bar. slot is the screen's open form (the unsaved-edits guard and Ctrl+S
// look at it); it is cleared when the form is saved or left. After a save
// the form's own onSaved runs, or else back.
func (u *UI) editIn(slot **recordForm, p *panel, title string, e store.Entity, opts formOptions, back func()) *recordForm {
	saved := opts.onSaved
	if saved == nil {
		saved = func(*recordForm, store.Entity) { back() }
	}
	opts.onSaved = func(f *recordForm, e store.Entity) {
		*slot = nil
		saved(f, e)
	}
	opts.back = func() {
		u.guard("返回", func() {
			*slot = nil
			back()
		})
	}
	f := newRecordForm(u, e, opts)
	*slot = f
	p.set(titled(title, f.content))
	return f
}

// titled puts a heading above a page that scrolls or has a bar of its own.
func titled(title string, page fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(container.NewPadded(heading(title)), nil, nil, nil, page)
}

// scrolled wraps a long form or detail page. It scrolls vertically only:
// wrapped text needs a fixed width, so forms are kept narrow enough for
// the smallest window instead (controls wrap onto more lines).
func scrolled(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewVScroll(container.NewPadded(o))
}

package app

import (
	"bytes"
	"encoding/json"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// recordForm edits one record through the store. It is built from the
// kind's store.Schema, keeps the edit context of the record as it was read
// (so that an edit made elsewhere meanwhile becomes a sibling for review,
// not a silent overwrite), shows the store's own messages next to the
// fields while the user types, and saves with store.Create or store.Save.
type recordForm struct {
	u    *UI
	kind store.Kind
	opts formOptions
	// orig is the record as read (or a new, empty one); its Meta carries
	// the edit context into the save.
	orig    store.Entity
	vals    map[string]json.RawMessage
	initial map[string]json.RawMessage
	ctls    map[string]*fieldCtl
	order   []string
	touched map[string]bool
	// parseErr holds what the form itself could not read (letters in a
	// number); the store never sees such a value.
	parseErr map[string]string
	// derived are the empty fields the store filled in (sex and birth date
	// from an ID number); they are left out of what is checked and saved,
	// so the store fills them again from the current values.
	derived map[string]bool
	// wrong are the fields shown as wrong now, with their messages.
	wrong   map[string]string
	showAll bool
	checked *store.CheckResult
	// quiet is set while code, not the user, puts a value into a control:
	// the control's change callback then records nothing.
	quiet bool

	seq     int
	timer   *time.Timer
	saving  bool
	pickers []*refPicker
	// current is the field the keyboard is in (its problem shows in the
	// bar while it is being typed).
	current string

	// The form is its fields in a scroll above a bar that does not move:
	// the message line and the buttons stay where the hand expects them
	// while messages come and go above.
	scroll  *container.Scroll
	message *widget.Label // the bar's one line
	general *widget.Label // problems of no single field, after a save was tried
	saveBtn *widget.Button
	bar     *fyne.Container
	content fyne.CanvasObject
}

// formOptions shape one use of a record form.
type formOptions struct {
	// fields lists what the form shows, in order, grouped; nil shows every
	// field of the schema that a form can edit.
	sections []formSection
	hide     []string
	readOnly []string
	// refFilter narrows what a reference picker offers (free beds of one
	// home, assessments of the person).
	refFilter map[string]func(r *store.Reader, e store.Entity) bool
	// refWithin lists the only records a picker may offer (the beds of one
	// home), so that it reads a handful instead of the whole kind.
	refWithin map[string]func(f *recordForm, r *store.Reader) ([]uuid.UUID, error)
	// refCreate lets a picker make the record it cannot find (the person
	// to admit), which it then picks.
	refCreate map[string]func(f *recordForm, done func(uuid.UUID))
	// custom builds the control of a field the generic form cannot
	// (assessment item scores).
	custom    map[string]func(f *recordForm, spec store.FieldSpec) *fieldCtl
	saveLabel string
	extra     []fyne.CanvasObject // more buttons next to save
	// before and after are shown in the form's scroll above and below the
	// fields (a record's details, a computed result, a history).
	before, after []fyne.CanvasObject
	// back, when set, puts a 返回 button at the end of the bar.
	back func()
	// saveWith replaces the plain create or save with a store operation
	// (disbursement writes the loan and moves its application at once).
	saveWith func(b *store.Batch, e store.Entity, author string) error
	// onChange runs after a field changed by the user.
	onChange func(f *recordForm, field string)
	// onChecked runs after each check, with the record as it would be saved.
	onChecked func(f *recordForm, res *store.CheckResult)
	onSaved   func(f *recordForm, e store.Entity)
}

type formSection struct {
	title  string
	fields []string
}

// newRecordForm builds a form for e (new when its id is nil).
func newRecordForm(u *UI, e store.Entity, opts formOptions) *recordForm {
	f := &recordForm{u: u, kind: store.KindOf(e), opts: opts, orig: e, ctls: map[string]*fieldCtl{},
		touched: map[string]bool{}, parseErr: map[string]string{}, derived: map[string]bool{}}
	f.vals = store.FieldValues(e)
	f.initial = cloneVals(f.vals)
	f.content = f.build()
	f.check()
	return f
}

func cloneVals(m map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func emptyJSON(v json.RawMessage) bool {
	switch string(v) {
	case "", `""`, "[]", "{}", "null", "false", "0":
		return true
	}
	return false
}

// entity is the record as the form holds it now, with the Meta (id, edit
// context, values as read) of the record the form opened.
func (f *recordForm) entity() store.Entity {
	e, _ := store.NewEntity(f.kind)
	obj := map[string]json.RawMessage{}
	for k, v := range f.vals {
		if !f.derived[k] {
			obj[k] = v
		}
	}
	b, _ := json.Marshal(obj)
	_ = json.Unmarshal(b, e)
	*store.MetaOf(e) = *store.MetaOf(f.orig)
	return e
}

// isNew reports whether the form creates a record.
// askReveal asks the reason for showing a masked value of this record in
// full, and records it (revealreason.go).
func (f *recordForm) askReveal(show func()) {
	f.u.askReveal(store.MetaOf(f.orig).ID.String(), show)
}

func (f *recordForm) isNew() bool { return store.MetaOf(f.orig).ID == uuid.Nil }

// dirty reports edits not yet saved: values the user changed, not what
// the store filled in, and text typed that the form could not read (a time
// of "x" is still something typed that closing would lose).
func (f *recordForm) dirty() bool {
	if f == nil {
		return false
	}
	if len(f.parseErr) > 0 {
		return true
	}
	for k, v := range f.vals {
		if !f.derived[k] && !bytes.Equal(f.initial[k], v) {
			return true
		}
	}
	for k := range f.initial {
		if _, ok := f.vals[k]; !ok {
			return true
		}
	}
	return false
}

// put records a user's edit of a field.
func (f *recordForm) put(name string, raw json.RawMessage) {
	if f.quiet {
		return
	}
	if raw == nil || emptyJSON(raw) {
		delete(f.vals, name)
	} else {
		f.vals[name] = raw
	}
	f.touched[name] = true
	delete(f.derived, name)
	if f.opts.onChange != nil {
		f.opts.onChange(f, name)
	}
	f.scheduleCheck()
}

// setValue changes a field from code (a default, a choice elsewhere) and
// shows it.
func (f *recordForm) setValue(name string, v any) {
	raw, _ := json.Marshal(v)
	if emptyJSON(raw) {
		delete(f.vals, name)
	} else {
		f.vals[name] = raw
	}
	if c := f.ctls[name]; c != nil && c.set != nil {
		f.quiet = true
		c.set(raw)
		f.quiet = false
	}
	f.scheduleCheck()
}

// str reads a string field of the form.
func (f *recordForm) str(name string) string {
	var s string
	_ = json.Unmarshal(f.vals[name], &s)
	return s
}

func (f *recordForm) hidden(name string) bool {
	for _, h := range f.opts.hide {
		if h == name {
			return true
		}
	}
	return false
}

func (f *recordForm) readOnly(spec store.FieldSpec) bool {
	if spec.Auto {
		return true
	}
	for _, r := range f.opts.readOnly {
		if r == spec.Name {
			return true
		}
	}
	return false
}

func (f *recordForm) build() fyne.CanvasObject {
	schema := store.Schema(f.kind)
	byName := map[string]store.FieldSpec{}
	for _, s := range schema {
		byName[s.Name] = s
	}
	sections := f.opts.sections
	if sections == nil {
		var names []string
		for _, s := range schema {
			names = append(names, s.Name)
		}
		sections = []formSection{{fields: names}}
	}
	parts := append([]fyne.CanvasObject{}, f.opts.before...)
	for _, sec := range sections {
		grid := container.New(layout.NewFormLayout())
		for _, name := range sec.fields {
			spec, ok := byName[name]
			if !ok || f.hidden(name) {
				continue
			}
			ctl := f.control(spec)
			if ctl == nil {
				continue
			}
			ctl.spec = spec
			f.ctls[name] = ctl
			f.order = append(f.order, name)
			ctl.label = widget.NewLabel(spec.Label)
			ctl.errText = errorLabel()
			f.hookKeys(name, ctl)
			grid.Add(ctl.label)
			grid.Add(container.NewVBox(ctl.obj, keepingHeight(ctl.errText)))
		}
		if len(grid.Objects) == 0 {
			continue
		}
		if sec.title != "" {
			parts = append(parts, heading(sec.title))
		}
		parts = append(parts, grid)
	}
	f.general = errorLabel()
	parts = append(parts, keepingHeight(f.general))
	parts = append(parts, f.opts.after...)
	f.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(parts...)))

	// The bar: one line of message, always there (empty is a space), so
	// that the buttons under it never move.
	f.message = widget.NewLabel(" ")
	f.message.Truncation = fyne.TextTruncateEllipsis
	label := f.opts.saveLabel
	if label == "" {
		label = "保存"
	}
	f.saveBtn = newButtonWithIcon(label+"（Ctrl+S）", theme.DocumentSaveIcon(), f.save)
	f.saveBtn.Importance = widget.HighImportance
	buttons := flow(f.saveBtn)
	for _, x := range f.opts.extra {
		buttons.Add(x)
	}
	var right fyne.CanvasObject
	if f.opts.back != nil {
		right = newButtonWithIcon("返回", theme.NavigateBackIcon(), f.opts.back)
	}
	f.bar = container.NewBorder(widget.NewSeparator(), nil, nil, right, container.NewVBox(f.message, buttons))
	return container.NewBorder(nil, f.bar, nil, nil, f.scroll)
}

// hookKeys wires a field's text box to the form: Enter moves to the next
// field (the quick visit entry is typed field after field), and getting
// the keyboard scrolls the field into view and makes it the field whose
// problem the bar shows.
func (f *recordForm) hookKeys(name string, ctl *fieldCtl) {
	focused := func() {
		f.current = name
		scrollIntoView(f.scroll, ctl.obj)
		f.showProblems()
	}
	switch e := ctl.focus.(type) {
	case *keyEntry:
		e.onFocus = focused
		if !e.MultiLine {
			e.OnSubmitted = func(string) { f.focusAfter(name) }
		}
	case *keySelectEntry:
		e.onFocus = focused
		e.OnSubmitted = func(string) { f.focusAfter(name) }
	}
}

// focusAfter gives the keyboard to the field after name that can take it,
// or to the save button after the last.
func (f *recordForm) focusAfter(name string) {
	after := false
	for _, n := range f.order {
		if after {
			if c := f.ctls[n]; c.focus != nil && c.canFocus() {
				f.focus(n)
				return
			}
		}
		after = after || n == name
	}
	f.u.win.Canvas().Focus(f.saveBtn)
}

// focus gives the keyboard to a field and scrolls it into view.
func (f *recordForm) focus(name string) {
	c := f.ctls[name]
	if c == nil || c.focus == nil {
		return
	}
	scrollIntoView(f.scroll, c.obj)
	f.u.win.Canvas().Focus(c.focus)
}

package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
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
	showAll  bool
	checked  *store.CheckResult
	// quiet is set while code, not the user, puts a value into a control:
	// the control's change callback then records nothing.
	quiet bool

	seq     int
	timer   *time.Timer
	saving  bool
	pickers []*refPicker
	message *widget.Label
	saveBtn *widget.Button
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
	// custom builds the control of a field the generic form cannot
	// (assessment item scores).
	custom    map[string]func(f *recordForm, spec store.FieldSpec) *fieldCtl
	saveLabel string
	extra     []fyne.CanvasObject // more buttons next to save
	// onChange runs after a field changed by the user.
	onChange func(f *recordForm, field string)
	// onChecked runs after each check, with the record as it would be saved.
	onChecked func(f *recordForm, res *store.CheckResult)
	onSaved   func(f *recordForm, e store.Entity)
	// alsoSave writes related records in the same transaction as the
	// form's record (an application marked 已放款 with its loan).
	alsoSave func(b *store.Batch) error
}

type formSection struct {
	title  string
	fields []string
}

// newRecordForm builds a form for e (new when its id is nil).
func newRecordForm(u *UI, e store.Entity, opts formOptions) *recordForm {
	f := &recordForm{u: u, kind: store.KindOf(e), opts: opts, orig: e, ctls: map[string]*fieldCtl{}, touched: map[string]bool{}, parseErr: map[string]string{}}
	f.vals = entityValues(e)
	f.initial = cloneVals(f.vals)
	f.content = f.build()
	f.check()
	return f
}

func entityValues(e store.Entity) map[string]json.RawMessage {
	b, _ := json.Marshal(e)
	out := map[string]json.RawMessage{}
	_ = json.Unmarshal(b, &out)
	for k, v := range out {
		if emptyJSON(v) {
			delete(out, k)
		}
	}
	return out
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
		obj[k] = v
	}
	b, _ := json.Marshal(obj)
	_ = json.Unmarshal(b, e)
	*store.MetaOf(e) = *store.MetaOf(f.orig)
	return e
}

// isNew reports whether the form creates a record.
func (f *recordForm) isNew() bool { return store.MetaOf(f.orig).ID == uuid.Nil }

// dirty reports edits not yet saved.
func (f *recordForm) dirty() bool {
	if f == nil {
		return false
	}
	if len(f.vals) != len(f.initial) {
		return true
	}
	for k, v := range f.vals {
		if !bytes.Equal(f.initial[k], v) {
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
	var parts []fyne.CanvasObject
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
			f.ctls[name] = ctl
			f.order = append(f.order, name)
			ctl.errText = errorLabel()
			grid.Add(widget.NewLabel(spec.Label))
			grid.Add(container.NewVBox(ctl.obj, ctl.errText))
		}
		if len(grid.Objects) == 0 {
			continue
		}
		if sec.title != "" {
			parts = append(parts, heading(sec.title))
		}
		parts = append(parts, grid)
	}
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapBreak
	label := f.opts.saveLabel
	if label == "" {
		label = "保存"
	}
	f.saveBtn = widget.NewButtonWithIcon(label+"（Ctrl+S）", theme.DocumentSaveIcon(), f.save)
	f.saveBtn.Importance = widget.HighImportance
	buttons := container.NewHBox(f.saveBtn)
	for _, x := range f.opts.extra {
		buttons.Add(x)
	}
	parts = append(parts, f.message, buttons)
	return container.NewVBox(parts...)
}

// scheduleCheck runs store.Check shortly after the user stops typing.
func (f *recordForm) scheduleCheck() {
	if f.u.debounce == 0 {
		f.check()
		return
	}
	if f.timer != nil {
		f.timer.Stop()
	}
	f.timer = time.AfterFunc(f.u.debounce, func() { fyne.Do(f.check) })
}

// check asks the store what a save would say now. Results of an older
// check arriving after a newer one are dropped.
func (f *recordForm) check() {
	f.seq++
	seq := f.seq
	e := f.entity()
	f.u.async(func() {
		res, err := f.u.st.Check(e)
		fyne.Do(func() {
			if seq != f.seq {
				return
			}
			if err != nil {
				f.message.SetText(store.MessageOf(err))
				return
			}
			f.checked = res
			f.showComputed(res.Record)
			f.showProblems()
			if f.opts.onChecked != nil {
				f.opts.onChecked(f, res)
			}
		})
	})
}

// showComputed fills the read-only fields with what the store computed.
func (f *recordForm) showComputed(rec store.Entity) {
	if rec == nil {
		return
	}
	vals := entityValues(rec)
	for _, name := range f.order {
		c := f.ctls[name]
		if f.readOnly(c.spec) && c.set != nil {
			c.set(vals[name])
		}
	}
}

// showProblems puts each message under its field: only for fields the user
// has been to, until a save is tried.
func (f *recordForm) showProblems() {
	perField := map[string][]string{}
	var general []string
	if f.checked != nil {
		for _, p := range f.checked.Problems {
			if _, ok := f.ctls[p.Field]; ok {
				perField[p.Field] = append(perField[p.Field], p.Message)
			} else if f.showAll {
				general = append(general, p.Message)
			}
		}
	}
	for name, msg := range f.parseErr {
		perField[name] = append([]string{msg}, perField[name]...)
	}
	shown := 0
	for _, name := range f.order {
		c := f.ctls[name]
		msgs := perField[name]
		if len(msgs) > 0 && (f.showAll || f.touched[name]) {
			c.errText.SetText(strings.Join(msgs, "；"))
			c.errText.Show()
			shown++
		} else {
			c.errText.SetText("")
			c.errText.Hide()
		}
	}
	switch {
	case len(general) > 0:
		f.message.SetText(strings.Join(general, "\n"))
	case f.showAll && shown > 0:
		f.message.SetText(fmt.Sprintf("有%d处需要修改，见各栏下的红字说明。", shown))
	case f.checked != nil && len(f.checked.Warnings) > 0:
		var ws []string
		for _, w := range f.checked.Warnings {
			ws = append(ws, "提示："+w.Message)
		}
		f.message.SetText(strings.Join(ws, "\n"))
	default:
		f.message.SetText("")
	}
}

// problems lists the messages a save would give now.
func (f *recordForm) problems() []string {
	var out []string
	for _, name := range f.order {
		if m := f.parseErr[name]; m != "" {
			out = append(out, m)
		}
	}
	if f.checked != nil {
		for _, p := range f.checked.Problems {
			out = append(out, p.Message)
		}
	}
	return out
}

// errorOf is the message shown under a field now ("" when none).
func (f *recordForm) errorOf(name string) string {
	if c := f.ctls[name]; c != nil && c.errText.Visible() {
		return c.errText.Text
	}
	return ""
}

// save writes the record as one durable transaction, off the UI goroutine.
func (f *recordForm) save() {
	if f.saving {
		return
	}
	f.showAll = true
	if len(f.parseErr) > 0 {
		f.showProblems()
		return
	}
	e := f.entity()
	creating := f.isNew()
	f.saving = true
	f.saveBtn.Disable()
	f.u.async(func() {
		err := f.u.st.Batch(func(b *store.Batch) error {
			var err error
			if creating {
				_, err = b.Create(e, f.u.author())
			} else {
				_, err = b.Save(e, f.u.author())
			}
			if err == nil && f.opts.alsoSave != nil {
				err = f.opts.alsoSave(b)
			}
			return err
		})
		fyne.Do(func() {
			f.saving = false
			f.saveBtn.Enable()
			var probs store.Problems
			switch {
			case asProblems(err, &probs):
				f.checked = &store.CheckResult{Record: e, Problems: probs}
				f.showProblems()
				return
			case err != nil:
				f.u.showError("保存失败", err)
				return
			}
			// The saved record (with its new id, numbers and context) is
			// what the form edits from now on.
			f.orig = e
			f.vals = entityValues(e)
			f.initial = cloneVals(f.vals)
			f.touched = map[string]bool{}
			f.showAll = false
			f.showComputed(e)
			f.message.SetText("已保存。")
			f.u.setStatus("已保存%s", store.KindLabel(f.kind))
			if f.opts.onSaved != nil {
				f.opts.onSaved(f, e)
			}
			f.u.changed()
		})
	})
}

// display formats a field value for reading: yuan with separators, 是/否,
func asProblems(err error, p *store.Problems) bool { return err != nil && errors.As(err, p) }

package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
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

// errorLabel shows a field's problem in red under it, wrapping as long as
// the message needs (a canvas.Text would widen the window instead).
func errorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapBreak
	l.SizeName = theme.SizeNameCaptionText
	l.Hide()
	return l
}

// fieldCtl is the control of one field.
type fieldCtl struct {
	spec store.FieldSpec
	obj  fyne.CanvasObject
	// set shows a value (from the record, a default or a computed field).
	set     func(raw json.RawMessage)
	enable  func(bool)
	focus   fyne.Focusable
	errText *widget.Label
}

// multiLine are the free-text fields that take sentences, not words.
var multiLine = map[string]bool{
	"issues": true, "actions": true, "notes": true, "note": true, "outcome": true, "health_summary": true,
	"project_desc": true, "fee_terms": true, "purpose_text": true, "safety_action": true, "objection": true,
	"village_opinion": true, "township_opinion": true, "county_opinion": true, "reject_reason": true,
	"mental_note": true, "support_note": true, "correction_reason": true, "confirmation_note": true,
	"result": true, "project_status": true, "pause_reason": true, "risk_override_reason": true, "address": true,
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

// control makes the widget for one field.
func (f *recordForm) control(spec store.FieldSpec) *fieldCtl {
	if mk := f.opts.custom[spec.Name]; mk != nil {
		return mk(f, spec)
	}
	if f.readOnly(spec) {
		return f.displayCtl(spec)
	}
	name := spec.Name
	put := func(raw json.RawMessage) { f.put(name, raw) }
	switch spec.Type {
	case store.FieldText, store.FieldClock, store.FieldDate, store.FieldList:
		return textCtl(spec, f.vals[name], multiLine[name], func(s string) { f.putText(spec, s) })
	case store.FieldInt, store.FieldNumber, store.FieldMoney:
		return textCtl(spec, f.vals[name], false, func(s string) { f.putText(spec, s) })
	case store.FieldBool:
		return boolCtl(f.vals[name], put)
	case store.FieldChoice:
		return choiceCtl(spec.Choices, f.vals[name], put)
	case store.FieldChoices:
		return choicesCtl(spec.Choices, f.vals[name], put)
	case store.FieldStatus:
		return f.statusCtl(spec)
	case store.FieldDivision:
		return f.divisionCtl(spec)
	case store.FieldRef:
		p := newRefPicker(f.u, spec, f.vals[name], f.opts.refFilter[name], put)
		f.pickers = append(f.pickers, p)
		return p.ctl()
	case store.FieldGroup:
		return groupCtl(spec, f.vals[name], put)
	case store.FieldGroupList:
		return groupListCtl(spec, f.vals[name], put)
	}
	return nil
}

// putText turns typed text into the field's JSON value, or a parse error
// the form shows itself.
func (f *recordForm) putText(spec store.FieldSpec, s string) {
	if f.quiet {
		return
	}
	s = strings.TrimSpace(s)
	delete(f.parseErr, spec.Name)
	var v any = s
	switch spec.Type {
	case store.FieldDate:
		if d, err := store.ParseDate(s); err == nil {
			v = d
		}
	case store.FieldClock:
		s = strings.ReplaceAll(strings.ReplaceAll(s, "：", ":"), "．", ":")
		if len(s) == 4 && !strings.Contains(s, ":") {
			s = s[:2] + ":" + s[2:]
		}
		v = s
	case store.FieldList:
		v = splitList(s)
	case store.FieldInt, store.FieldNumber, store.FieldMoney:
		n, msg := parseNumber(spec.Type, s)
		if msg != "" {
			f.parseErr[spec.Name] = msg
			f.touched[spec.Name] = true
			f.showProblems()
			return
		}
		v = n
	}
	raw, _ := json.Marshal(v)
	f.put(spec.Name, raw)
}

// parseNumber reads a typed whole number, decimal or amount in yuan (fen
// come back); empty is zero. msg says what is wrong, in Chinese.
func parseNumber(t store.FieldType, s string) (any, string) {
	if s == "" {
		return 0, ""
	}
	switch t {
	case store.FieldInt:
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, "请输入整数"
		}
		return n, ""
	case store.FieldNumber:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, "请输入数字"
		}
		return n, ""
	}
	fen, err := store.ParseYuan(s)
	if err != nil {
		return nil, store.MessageOf(err)
	}
	return fen, ""
}

// splitList reads names separated by 、 , ， ; or spaces.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == ',' || r == '，' || r == ';' || r == '；' || r == ' ' || r == '　'
	}) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// textOf shows a field value as the text an entry holds.
func textOf(spec store.FieldSpec, raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	switch spec.Type {
	case store.FieldMoney:
		var n int64
		_ = json.Unmarshal(raw, &n)
		if n == 0 {
			return ""
		}
		return store.Yuan(n)
	case store.FieldInt, store.FieldNumber:
		if string(raw) == "0" {
			return ""
		}
		return string(raw)
	case store.FieldList, store.FieldChoices:
		var xs []string
		_ = json.Unmarshal(raw, &xs)
		return strings.Join(xs, "、")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

var placeholders = map[store.FieldType]string{
	store.FieldDate:   "年-月-日，如 2025-11-20",
	store.FieldClock:  "时:分，如 09:30",
	store.FieldList:   "多个用顿号或逗号分开",
	store.FieldMoney:  "元",
	store.FieldInt:    "整数",
	store.FieldNumber: "数字",
}

// textCtl is an entry; a field holding personal information shows masked
// until the user asks to see or change it.
func textCtl(spec store.FieldSpec, raw json.RawMessage, multi bool, onChange func(string)) *fieldCtl {
	var e *widget.Entry
	if multi {
		e = widget.NewMultiLineEntry()
		e.Wrapping = fyne.TextWrapBreak
		e.SetMinRowsVisible(2)
	} else {
		e = widget.NewEntry()
	}
	e.SetPlaceHolder(placeholders[spec.Type])
	e.SetText(textOf(spec, raw))
	e.OnChanged = onChange
	ctl := &fieldCtl{spec: spec, obj: e, focus: e}
	ctl.set = func(raw json.RawMessage) { e.SetText(textOf(spec, raw)) }
	ctl.enable = func(on bool) {
		if on {
			e.Enable()
		} else {
			e.Disable()
		}
	}
	if spec.Mask != "" && textOf(spec, raw) != "" {
		ctl.obj = newRevealer(spec.Mask, textOf(spec, raw), e)
	}
	return ctl
}

// revealer shows a sensitive value masked, with a button that swaps in the
// entry holding the real value (an explicit reveal, §7.4).
type revealer struct {
	widget.BaseWidget
	box    *fyne.Container
	masked *widget.Label
	button *widget.Button
	entry  *widget.Entry
}

func newRevealer(how, value string, entry *widget.Entry) *revealer {
	r := &revealer{entry: entry}
	r.masked = widget.NewLabel(maskFor(how, value))
	r.button = widget.NewButtonWithIcon("显示/修改", theme.VisibilityIcon(), r.reveal)
	r.box = container.NewBorder(nil, nil, nil, r.button, r.masked)
	r.ExtendBaseWidget(r)
	return r
}

func (r *revealer) reveal() {
	r.box.Objects = []fyne.CanvasObject{r.entry}
	r.box.Layout = layout.NewStackLayout()
	r.box.Refresh()
}

func (r *revealer) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

// maskFor masks a value for a screen the way prints mask it.
func maskFor(how, v string) string { return store.MaskValue(how, v) }

func boolCtl(raw json.RawMessage, put func(json.RawMessage)) *fieldCtl {
	c := widget.NewCheck("是", nil)
	c.SetChecked(string(raw) == "true")
	c.OnChanged = func(on bool) { put(json.RawMessage(strconv.FormatBool(on))) }
	return &fieldCtl{obj: c, focus: c, set: func(raw json.RawMessage) {
		c.SetChecked(string(raw) == "true")
	}, enable: enabler(c)}
}

type disableable interface {
	Enable()
	Disable()
}

func enabler(w disableable) func(bool) {
	return func(on bool) {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// choiceCtl offers a short list as radio buttons on one line (quick to
// reach with the keyboard), a long one as a drop-down.
func choiceCtl(choices []string, raw json.RawMessage, put func(json.RawMessage)) *fieldCtl {
	var cur string
	_ = json.Unmarshal(raw, &cur)
	onChange := func(s string) {
		b, _ := json.Marshal(s)
		put(b)
	}
	width := 0
	for _, c := range choices {
		width += len([]rune(c)) + 2
	}
	if len(choices) <= 5 && width <= 24 {
		rg := widget.NewRadioGroup(choices, nil)
		rg.Horizontal = true
		rg.SetSelected(cur)
		rg.OnChanged = onChange
		return &fieldCtl{obj: rg, focus: nil, set: func(raw json.RawMessage) {
			var s string
			_ = json.Unmarshal(raw, &s)
			rg.SetSelected(s)
		}, enable: enabler(rg)}
	}
	sel := widget.NewSelect(choices, nil)
	sel.PlaceHolder = "（请选择）"
	if cur != "" {
		sel.SetSelected(cur)
	}
	sel.OnChanged = onChange
	return &fieldCtl{obj: sel, focus: sel, set: func(raw json.RawMessage) {
		var s string
		_ = json.Unmarshal(raw, &s)
		if s == "" {
			sel.ClearSelected()
		} else {
			sel.SetSelected(s)
		}
	}, enable: enabler(sel)}
}

// choicesCtl offers a list as check boxes that wrap onto as many lines as
// the width needs.
func choicesCtl(choices []string, raw json.RawMessage, put func(json.RawMessage)) *fieldCtl {
	selected := map[string]bool{}
	var cur []string
	_ = json.Unmarshal(raw, &cur)
	for _, c := range cur {
		selected[c] = true
	}
	write := func() {
		// Keep the order of the list, not the order of clicking.
		var ordered []string
		for _, c := range choices {
			if selected[c] {
				ordered = append(ordered, c)
			}
		}
		b, _ := json.Marshal(ordered)
		put(b)
	}
	widest := float32(0)
	checks := make([]*widget.Check, len(choices))
	for i, c := range choices {
		c := c
		checks[i] = widget.NewCheck(c, nil)
		checks[i].SetChecked(selected[c])
		checks[i].OnChanged = func(on bool) {
			selected[c] = on
			write()
		}
		widest = max(widest, checks[i].MinSize().Width)
	}
	box := container.NewGridWrap(fyne.NewSize(widest, checks[0].MinSize().Height))
	for _, c := range checks {
		box.Add(c)
	}
	var focus fyne.Focusable
	if len(checks) > 0 {
		focus = checks[0]
	}
	return &fieldCtl{obj: box, focus: focus, set: func(raw json.RawMessage) {
		var xs []string
		_ = json.Unmarshal(raw, &xs)
		selected = map[string]bool{}
		for _, x := range xs {
			selected[x] = true
		}
		for i, c := range choices {
			checks[i].SetChecked(selected[c])
		}
	}, enable: func(on bool) {
		for _, c := range checks {
			if on {
				c.Enable()
			} else {
				c.Disable()
			}
		}
	}}
}

// statusCtl offers the current status and the moves the workflow allows
// from it; nothing else can be chosen.
func (f *recordForm) statusCtl(spec store.FieldSpec) *fieldCtl {
	var from string
	if !f.isNew() {
		_ = json.Unmarshal(f.initial["status"], &from)
	}
	opts := store.NextStatuses(f.kind, from)
	if from != "" {
		opts = append([]string{from}, opts...)
	}
	return choiceCtl(opts, f.vals[spec.Name], func(raw json.RawMessage) { f.put(spec.Name, raw) })
}

// divisionCtl offers the villages within the station's scope.
func (f *recordForm) divisionCtl(spec store.FieldSpec) *fieldCtl {
	scope := ""
	if si := f.u.st.Station(); si != nil {
		scope = si.Scope
	}
	var labels []string
	codes := map[string]string{}
	for _, d := range ident.DivisionsUnder(scope, 12) {
		l := ident.DivisionLabel(d.Code)
		labels = append(labels, l)
		codes[l] = d.Code
	}
	if len(scope) == 12 && len(labels) == 0 {
		l := scope
		labels, codes[l] = []string{l}, scope
	}
	sel := widget.NewSelectEntry(labels)
	sel.SetPlaceHolder("村级区划代码（12位）")
	show := func(raw json.RawMessage) {
		var code string
		_ = json.Unmarshal(raw, &code)
		for l, c := range codes {
			if c == code {
				sel.SetText(l)
				return
			}
		}
		sel.SetText(code)
	}
	show(f.vals[spec.Name])
	sel.OnChanged = func(s string) {
		code := s
		if c, ok := codes[s]; ok {
			code = c
		}
		b, _ := json.Marshal(strings.TrimSpace(code))
		f.put(spec.Name, b)
	}
	return &fieldCtl{obj: sel, focus: sel, set: show, enable: enabler(sel)}
}

// displayCtl shows a computed or locked field.
func (f *recordForm) displayCtl(spec store.FieldSpec) *fieldCtl {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapBreak
	set := func(raw json.RawMessage) {
		l.SetText(f.u.display(spec, raw, false))
	}
	set(f.vals[spec.Name])
	return &fieldCtl{spec: spec, obj: l, set: set}
}

// groupCtl edits nested fields (an emergency contact, the health checks of
// a visit) in place, one line each.
func groupCtl(spec store.FieldSpec, raw json.RawMessage, put func(json.RawMessage)) *fieldCtl {
	obj := map[string]json.RawMessage{}
	_ = json.Unmarshal(raw, &obj)
	grid := container.New(layout.NewFormLayout())
	var setters []func()
	for _, sub := range spec.Fields {
		sub := sub
		write := func(v json.RawMessage) {
			if v == nil || emptyJSON(v) {
				delete(obj, sub.Name)
			} else {
				obj[sub.Name] = v
			}
			b, _ := json.Marshal(obj)
			put(b)
		}
		var c *fieldCtl
		switch sub.Type {
		case store.FieldChoice:
			c = choiceCtl(sub.Choices, obj[sub.Name], write)
		case store.FieldBool:
			c = boolCtl(obj[sub.Name], write)
		case store.FieldText:
			c = textCtl(sub, obj[sub.Name], false, func(s string) {
				b, _ := json.Marshal(strings.TrimSpace(s))
				write(b)
			})
			if e, ok := c.focus.(*widget.Entry); ok && e.PlaceHolder == "" {
				e.SetPlaceHolder(sub.Label)
			}
		default:
			continue
		}
		grid.Add(widget.NewLabel(sub.Label))
		grid.Add(c.obj)
		setters = append(setters, func() { c.set(obj[sub.Name]) })
	}
	return &fieldCtl{spec: spec, obj: grid, set: func(raw json.RawMessage) {
		obj = map[string]json.RawMessage{}
		_ = json.Unmarshal(raw, &obj)
		for _, s := range setters {
			s()
		}
	}}
}

// groupListCtl edits a list of nested records (the supporters of an elder):
// one line per entry, a button to add and one to remove.
func groupListCtl(spec store.FieldSpec, raw json.RawMessage, put func(json.RawMessage)) *fieldCtl {
	var items []map[string]json.RawMessage
	_ = json.Unmarshal(raw, &items)
	rows := container.NewVBox()
	write := func() {
		var keep []map[string]json.RawMessage
		for _, it := range items {
			if len(it) > 0 {
				keep = append(keep, it)
			}
		}
		b, _ := json.Marshal(keep)
		put(b)
	}
	var redraw func()
	redraw = func() {
		rows.Objects = nil
		for i := range items {
			i := i
			line := container.NewHBox()
			for _, sub := range spec.Fields {
				sub := sub
				switch sub.Type {
				case store.FieldText:
					c := textCtl(sub, items[i][sub.Name], false, func(s string) {
						b, _ := json.Marshal(strings.TrimSpace(s))
						if emptyJSON(b) {
							delete(items[i], sub.Name)
						} else {
							items[i][sub.Name] = b
						}
						write()
					})
					if e, ok := c.focus.(*widget.Entry); ok {
						e.SetPlaceHolder(sub.Label)
					}
					line.Add(container.NewGridWrap(fyne.NewSize(150, c.obj.MinSize().Height), c.obj))
				case store.FieldBool:
					c := widget.NewCheck(sub.Label, func(on bool) {
						if on {
							items[i][sub.Name] = json.RawMessage("true")
						} else {
							delete(items[i], sub.Name)
						}
						write()
					})
					c.SetChecked(string(items[i][sub.Name]) == "true")
					line.Add(c)
				}
			}
			line.Add(widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
				items = append(items[:i], items[i+1:]...)
				write()
				redraw()
			}))
			rows.Add(line)
		}
		rows.Refresh()
	}
	redraw()
	add := widget.NewButtonWithIcon("添加"+spec.Label, theme.ContentAddIcon(), func() {
		items = append(items, map[string]json.RawMessage{})
		redraw()
	})
	return &fieldCtl{spec: spec, obj: container.NewVBox(rows, container.NewHBox(add)), set: func(raw json.RawMessage) {
		items = nil
		_ = json.Unmarshal(raw, &items)
		redraw()
	}}
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
// lists joined with 、, references by their title, masked unless revealed.
func (u *UI) display(spec store.FieldSpec, raw json.RawMessage, revealed bool) string {
	if raw == nil || string(raw) == "null" {
		return ""
	}
	switch spec.Type {
	case store.FieldMoney:
		var n int64
		_ = json.Unmarshal(raw, &n)
		return store.Yuan(n) + " 元"
	case store.FieldBool:
		if string(raw) == "true" {
			return "是"
		}
		return "否"
	case store.FieldChoices, store.FieldList:
		var xs []string
		_ = json.Unmarshal(raw, &xs)
		if !revealed && spec.Mask != "" {
			for i := range xs {
				xs[i] = maskFor(spec.Mask, xs[i])
			}
		}
		return strings.Join(xs, "、")
	case store.FieldRef:
		var id string
		_ = json.Unmarshal(raw, &id)
		return u.titleOf(id)
	case store.FieldDivision:
		var code string
		_ = json.Unmarshal(raw, &code)
		return ident.DivisionLabel(code)
	case store.FieldGroup:
		obj := map[string]json.RawMessage{}
		_ = json.Unmarshal(raw, &obj)
		var parts []string
		for _, sub := range spec.Fields {
			if v, ok := obj[sub.Name]; ok {
				if spec.Mask == "text" && !revealed {
					return "（已隐去）"
				}
				subSpec := sub
				if subSpec.Mask == "" {
					subSpec.Mask = spec.Mask
				}
				parts = append(parts, sub.Label+"："+u.display(subSpec, v, revealed))
			}
		}
		return strings.Join(parts, "；")
	case store.FieldGroupList:
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items)
		var parts []string
		for _, it := range items {
			parts = append(parts, u.display(store.FieldSpec{Type: store.FieldGroup, Fields: spec.Fields, Mask: spec.Mask}, it, revealed))
		}
		return strings.Join(parts, "\n")
	case store.FieldScores:
		if spec.Mask == "text" && !revealed {
			return "（已隐去）"
		}
		m := map[string]int{}
		_ = json.Unmarshal(raw, &m)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
		}
		return strings.Join(parts, " ")
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	if !revealed && spec.Mask != "" {
		return maskFor(spec.Mask, s)
	}
	return s
}

// titleOf names a record by id for a screen ("" when unknown).
func (u *UI) titleOf(id string) string {
	if id == "" {
		return ""
	}
	uid, err := uuid.Parse(id)
	if err != nil {
		return id
	}
	var out string
	_ = u.st.View(func(r *store.Reader) error {
		if e, _ := r.Get(uid); e != nil && !store.MetaOf(e).Deleted {
			out = r.Title(e)
		}
		return nil
	})
	if out == "" {
		return "（已删除或不在本站的记录）"
	}
	return out
}

func asProblems(err error, p *store.Problems) bool { return err != nil && errors.As(err, p) }

package app

import (
	"encoding/json"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// errorLabel shows a field's problem in red under it, at the size of the
// text around it (older cadres could not read the small print it had), and
// wrapping as long as the message needs (a canvas.Text would widen the
// window instead).
func errorLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapBreak
	l.Hide()
	return l
}

// fieldCtl is the control of one field.
type fieldCtl struct {
	spec store.FieldSpec
	obj  fyne.CanvasObject
	// set shows a value (from the record, a default or a computed field).
	set    func(raw json.RawMessage)
	enable func(bool)
	// focus takes the keyboard; ready, when set, says whether it can now
	// (a masked value's entry only once revealed).
	focus fyne.Focusable
	ready func() bool
	// label is the field's name beside it, red while the value is wrong;
	// errText is the message under it once a save was tried.
	label   *widget.Label
	errText *widget.Label
}

// canFocus reports whether the control can take the keyboard now.
func (c *fieldCtl) canFocus() bool {
	if c.ready != nil && !c.ready() {
		return false
	}
	if d, ok := c.focus.(fyne.Disableable); ok && d.Disabled() {
		return false
	}
	return true
}

// multiLine are the free-text fields that take sentences, not words.
var multiLine = map[string]bool{
	"issues": true, "actions": true, "notes": true, "note": true, "outcome": true, "health_summary": true,
	"project_desc": true, "fee_terms": true, "purpose_text": true, "safety_action": true, "objection": true,
	"village_opinion": true, "township_opinion": true, "county_opinion": true, "reject_reason": true,
	"mental_note": true, "support_note": true, "correction_reason": true, "confirmation_note": true,
	"result": true, "project_status": true, "pause_reason": true, "risk_override_reason": true, "address": true,
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
		return textCtl(spec, f.vals[name], multiLine[name], f.askReveal, func(s string) { f.putText(spec, s) })
	case store.FieldInt, store.FieldNumber, store.FieldMoney:
		return textCtl(spec, f.vals[name], false, f.askReveal, func(s string) { f.putText(spec, s) })
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
		if w := f.opts.refWithin[name]; w != nil {
			p.within = func(r *store.Reader) ([]uuid.UUID, error) { return w(f, r) }
		}
		if c := f.opts.refCreate[name]; c != nil {
			p.create = func(done func(uuid.UUID)) { c(f, done) }
		}
		f.pickers = append(f.pickers, p)
		return p.ctl()
	case store.FieldGroup:
		return groupCtl(spec, f.vals[name], f.askReveal, put, f.partErr(spec))
	case store.FieldGroupList:
		return groupListCtl(spec, f.vals[name], f.askReveal, put, f.partErr(spec))
	}
	return nil
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
func textCtl(spec store.FieldSpec, raw json.RawMessage, multi bool, ask revealAsker, onChange func(string)) *fieldCtl {
	var e *keyEntry
	if multi {
		e = newKeyMultiLineEntry()
		e.SetMinRowsVisible(2)
	} else {
		e = newKeyEntry()
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
		r := newRevealer(spec.Mask, textOf(spec, raw), e, ask)
		ctl.obj = r
		ctl.ready = func() bool { return r.revealed }
	}
	return ctl
}

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

// choiceCtl offers a short list as chips that wrap (quick to reach with
// the keyboard and the mouse), a long one as a drop-down.
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
	if len(choices) <= 6 && width <= 30 {
		return newChoiceChips(choices, cur, onChange).ctl()
	}
	return selectCtl(choices, raw, "（请选择）", put)
}

// selectCtl is a drop-down list of choices: compact, for long lists and
// for the lines of a list of nested records.
func selectCtl(choices []string, raw json.RawMessage, hint string, put func(json.RawMessage)) *fieldCtl {
	var cur string
	_ = json.Unmarshal(raw, &cur)
	sel := widget.NewSelect(choices, nil)
	sel.PlaceHolder = hint
	onChange := func(s string) {
		b, _ := json.Marshal(s)
		put(b)
	}
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
	sel := newKeySelectEntry(labels)
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

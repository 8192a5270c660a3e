package app

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// partErr reports, under a nested field's name, what its parts could not
// read ("" once they all can): the form then refuses to save, as it does
// for a top-level field typed wrong.
func (f *recordForm) partErr(spec store.FieldSpec) func(msg string) {
	return func(msg string) {
		if f.quiet {
			return
		}
		f.flagUnread(spec.Name, msg)
		if msg == "" {
			f.showProblems() // a redraw clears without a value read
		}
	}
}

// partErrs collects the messages of a group's parts and reports them
// together when they change.
type partErrs struct {
	msgs   map[string]string
	last   string
	report func(string)
}

// reset forgets every part's message: the lines are being drawn anew, and
// read their text again.
func (p *partErrs) reset() {
	p.msgs = nil
	p.set("", "")
}

func (p *partErrs) set(part, msg string) {
	if p.msgs == nil {
		p.msgs = map[string]string{}
	}
	if msg == "" {
		delete(p.msgs, part)
	} else {
		p.msgs[part] = msg
	}
	keys := make([]string, 0, len(p.msgs))
	for k := range p.msgs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var all []string
	for _, k := range keys {
		all = append(all, p.msgs[k])
	}
	if joined := strings.Join(all, "；"); joined != p.last {
		p.last = joined
		p.report(joined)
	}
}

// partCtl is the control of one part of a nested field: a choice, a
// yes/no, or typed text read the way the store reads it (store.ParseField:
// an amount in yuan, a date, a number). write gets the part's JSON value,
// nil when empty; bad gets the text typed and what could not be read in it
// ("" when it can). It is
// nil for a kind of part a nested field does not offer. A compact part
// (on a line of a list, with no label beside it) names itself in its
// hint and chooses from a drop-down list.
func partCtl(part store.FieldSpec, raw json.RawMessage, compact bool, ask revealAsker, write func(json.RawMessage), bad func(text, msg string)) *fieldCtl {
	switch part.Type {
	case store.FieldChoice:
		if compact {
			return selectCtl(part.Choices, raw, part.Label, write)
		}
		return choiceCtl(part.Choices, raw, write)
	case store.FieldBool:
		return boolCtl(raw, write)
	case store.FieldText, store.FieldMoney, store.FieldInt, store.FieldNumber, store.FieldDate:
		c := textCtl(part, raw, false, ask, func(s string) {
			if strings.TrimSpace(s) == "" {
				bad(s, "")
				write(nil)
				return
			}
			v, err := store.ParseField(part, s)
			if err != nil {
				bad(s, "「"+part.Label+"」"+strings.TrimPrefix(store.MessageOf(err), "「"+part.Label+"」"))
				return
			}
			bad(s, "")
			write(v)
		})
		if e, ok := c.focus.(*keyEntry); ok {
			e.SetPlaceHolder(partHint(part, e.PlaceHolder, compact))
		}
		return c
	}
	return nil
}

// partHint is what an empty part's box says: beside its label, the unit
// or format; on a line of a list, its name with them.
func partHint(part store.FieldSpec, hint string, compact bool) string {
	switch {
	case part.Type == store.FieldMoney && compact:
		return part.Label + "（元）"
	case part.Type == store.FieldDate && compact:
		return part.Label + "（年-月-日）"
	case compact || hint == "":
		return part.Label
	}
	return hint
}

// groupCtl edits nested fields (an emergency contact, the health checks of
// a visit, a household's assets) in place, one line each.
func groupCtl(spec store.FieldSpec, raw json.RawMessage, ask revealAsker, put func(json.RawMessage), bad func(string)) *fieldCtl {
	obj := map[string]json.RawMessage{}
	_ = json.Unmarshal(raw, &obj)
	grid := container.New(layout.NewFormLayout())
	errs := &partErrs{report: bad}
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
		c := partCtl(sub, obj[sub.Name], false, ask, write, func(_, msg string) { errs.set(sub.Name, msg) })
		if c == nil {
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

// groupListCtl edits a list of nested records (the supporters of an elder,
// a household's other debts): one line per entry, a button to add and one
// to remove. Text a part could not read stays in its box, still flagged,
// when a line is added or removed: redrawing the lines from the values
// read would drop it unseen.
func groupListCtl(spec store.FieldSpec, raw json.RawMessage, ask revealAsker, put func(json.RawMessage), bad func(string)) *fieldCtl {
	var items []map[string]json.RawMessage
	_ = json.Unmarshal(raw, &items)
	var unread []map[string]string // per line: part → text it could not read
	rows := container.NewVBox()
	errs := &partErrs{report: bad}
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
		errs.reset()
		for len(unread) < len(items) {
			unread = append(unread, map[string]string{})
		}
		unread = unread[:len(items)]
		for i := range items {
			i := i
			// Each entry's fields wrap onto lines on a narrow window.
			line := flow()
			for _, sub := range spec.Fields {
				sub := sub
				if sub.Type == store.FieldBool {
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
					continue
				}
				c := partCtl(sub, items[i][sub.Name], true, ask, func(v json.RawMessage) {
					if v == nil || emptyJSON(v) {
						delete(items[i], sub.Name)
					} else {
						items[i][sub.Name] = v
					}
					write()
				}, func(text, msg string) {
					if msg == "" {
						delete(unread[i], sub.Name)
					} else {
						unread[i][sub.Name] = text
						msg = "第" + strconv.Itoa(i+1) + "项" + msg
					}
					errs.set(strconv.Itoa(i)+"."+sub.Name, msg)
				})
				if c == nil {
					continue
				}
				if text, ok := unread[i][sub.Name]; ok {
					if e, ok := c.focus.(*keyEntry); ok {
						e.SetText(text) // read again: flagged again
					}
				}
				line.Add(container.NewGridWrap(fyne.NewSize(150, c.obj.MinSize().Height), c.obj))
			}
			line.Add(newButtonWithIcon("", theme.DeleteIcon(), func() {
				items = append(items[:i], items[i+1:]...)
				unread = append(unread[:i], unread[i+1:]...)
				write()
				redraw()
			}))
			rows.Add(line)
		}
		rows.Refresh()
	}
	redraw()
	add := newButtonWithIcon("添加"+spec.Label, theme.ContentAddIcon(), func() {
		items = append(items, map[string]json.RawMessage{})
		redraw()
	})
	return &fieldCtl{spec: spec, obj: container.NewVBox(rows, flow(add)), set: func(raw json.RawMessage) {
		items, unread = nil, nil
		_ = json.Unmarshal(raw, &items)
		redraw()
	}}
}

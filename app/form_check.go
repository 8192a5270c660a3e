package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// scheduleCheck runs store.Check shortly after the user stops typing.
func (f *recordForm) scheduleCheck() {
	if f.u.debounce == 0 {
		f.check()
		return
	}
	if f.timer != nil && f.timer.Stop() {
		// The check it would have run is replaced by this one.
		f.u.busy.Add(-1)
	}
	f.u.busy.Add(1)
	f.timer = time.AfterFunc(f.u.debounce, func() {
		fyne.Do(func() {
			f.u.busy.Add(-1)
			f.check()
		})
	})
}

// check asks the store what a save would say now. Results of an older
// check arriving after a newer one are dropped.
func (f *recordForm) check() {
	if f.bar == nil {
		// Still being built: controls report their first values; the
		// check runs once the form is complete.
		return
	}
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
				f.setMessage(store.MessageOf(err), true)
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

// showComputed shows what the store worked out: the read-only fields (a
// score, a level, a number), and the fields the user left empty that the
// store fills from others (sex and birth date from a valid ID number). A
// filled field stays the store's until the user types into it, so a
// corrected ID number fills them anew.
func (f *recordForm) showComputed(rec store.Entity) {
	if rec == nil {
		return
	}
	vals := store.FieldValues(rec)
	for _, name := range f.order {
		c := f.ctls[name]
		if c.set == nil {
			continue
		}
		switch {
		case f.readOnly(c.spec):
			c.set(vals[name])
		case f.derived[name] || (!f.touched[name] && f.vals[name] == nil && vals[name] != nil):
			if f.derived[name] && string(f.vals[name]) == string(vals[name]) {
				continue
			}
			f.quiet = true
			c.set(vals[name])
			f.quiet = false
			if vals[name] == nil {
				delete(f.vals, name)
				delete(f.derived, name)
			} else {
				f.vals[name] = vals[name]
				f.derived[name] = true
			}
		}
	}
}

// showProblems marks what is wrong. While the user types, a wrong field's
// label turns red and the bar's line says what is wrong with the field
// being typed: nothing moves on the screen. After a save was tried, every
// message is written under its field, and a field keeps that room until
// the form closes, so that correcting it does not move the fields below.
func (f *recordForm) showProblems() {
	perField := map[string][]string{}
	var general []string
	if f.checked != nil {
		for _, p := range f.checked.Problems {
			if _, ok := f.ctls[p.Field]; ok {
				perField[p.Field] = append(perField[p.Field], p.Message)
			} else {
				general = append(general, p.Message)
			}
		}
	}
	for name, msg := range f.parseErr {
		perField[name] = append([]string{msg}, perField[name]...)
	}
	shown := 0
	f.wrong = map[string]string{}
	for _, name := range f.order {
		c := f.ctls[name]
		msgs := perField[name]
		wrong := len(msgs) > 0 && (f.showAll || f.touched[name])
		if wrong {
			f.wrong[name] = strings.Join(msgs, "；")
			shown++
			c.label.Importance = widget.DangerImportance
		} else {
			c.label.Importance = widget.MediumImportance
		}
		c.label.Refresh()
		switch {
		case f.showAll && wrong:
			c.errText.SetText(strings.Join(msgs, "；"))
			c.errText.Show()
		case c.errText.Visible():
			// Keep the room, empty.
			c.errText.SetText(" ")
		}
	}
	if f.showAll && len(general) > 0 {
		f.general.SetText(strings.Join(general, "\n"))
		f.general.Show()
	} else if f.general.Visible() {
		f.general.SetText(" ")
	}
	switch {
	case f.showAll && shown+len(general) > 0:
		f.setMessage(fmt.Sprintf("有%d处需要修改，见红字说明。", shown+len(general)), true)
	case f.wrong[f.current] != "":
		f.setMessage(f.ctls[f.current].spec.Label+"："+f.wrong[f.current], true)
	case f.checked != nil && len(f.checked.Warnings) > 0:
		var ws []string
		for _, w := range f.checked.Warnings {
			ws = append(ws, w.Message)
		}
		f.setMessage("提示："+strings.Join(ws, "；"), false)
	default:
		f.setMessage("", false)
	}
}

// setMessage writes the bar's line, red for a problem. The line is never
// empty (a space keeps its height).
func (f *recordForm) setMessage(s string, problem bool) {
	if s == "" {
		s = " "
	}
	if problem {
		f.message.Importance = widget.DangerImportance
	} else {
		f.message.Importance = widget.MediumImportance
	}
	f.message.SetText(s)
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

// problemOf is what is wrong with a field as the user sees it now: its
// label is red and, when the keyboard is in it, the bar says this ("" when
// nothing is).
func (f *recordForm) problemOf(name string) string { return f.wrong[name] }

// errorOf is the message shown under a field now ("" when none).
func (f *recordForm) errorOf(name string) string {
	if c := f.ctls[name]; c != nil && c.errText.Visible() {
		return strings.TrimSpace(c.errText.Text)
	}
	return ""
}

// firstWrong is the first field, in form order, with a message under it.
func (f *recordForm) firstWrong() string {
	for _, name := range f.order {
		if f.errorOf(name) != "" {
			return name
		}
	}
	return ""
}

// save writes the record as one durable transaction, off the UI goroutine.
// When the store refuses, the form shows why and takes the keyboard to the
// first field to correct.
func (f *recordForm) save() {
	if f.saving {
		return
	}
	f.showAll = true
	if len(f.parseErr) > 0 {
		f.showProblems()
		f.focus(f.firstWrong())
		return
	}
	e := f.entity()
	creating := f.isNew()
	author := f.u.author()
	f.saving = true
	f.saveBtn.Disable()
	f.u.async(func() {
		err := f.u.st.Batch(func(b *store.Batch) error {
			var err error
			switch {
			case f.opts.saveWith != nil:
				err = f.opts.saveWith(b, e, author)
			case creating:
				_, err = b.Create(e, author)
			default:
				_, err = b.Save(e, author)
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
				f.focus(f.firstWrong())
				return
			case err != nil:
				f.u.showError("保存失败", err)
				return
			}
			// The saved record (with its new id, numbers and context) is
			// what the form edits from now on.
			f.orig = e
			f.vals = store.FieldValues(e)
			f.initial = cloneVals(f.vals)
			f.touched = map[string]bool{}
			f.derived = map[string]bool{}
			f.showAll = false
			f.showComputed(e)
			f.showProblems()
			f.setMessage("已保存。", false)
			f.u.setStatus("已保存%s", store.KindLabel(f.kind))
			if f.opts.onSaved != nil {
				f.opts.onSaved(f, e)
			}
			f.u.changed()
		})
	})
}

func asProblems(err error, p *store.Problems) bool { return err != nil && errors.As(err, p) }

// scrollIntoView scrolls s, if obj is inside it, so that obj is seen.
func scrollIntoView(s *container.Scroll, obj fyne.CanvasObject) {
	if s == nil || obj == nil || s.Content == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	if d.CanvasForObject(obj) == nil {
		return
	}
	top := d.AbsolutePositionForObject(obj).Y - d.AbsolutePositionForObject(s.Content).Y
	bottom := top + obj.Size().Height
	view := s.Size().Height
	off := s.Offset
	switch {
	case top < off.Y:
		off.Y = max(top-scrollMargin, 0)
	case bottom > off.Y+view:
		off.Y = bottom - view + scrollMargin
	default:
		return
	}
	s.ScrollToOffset(off)
}

// scrollMargin keeps a scrolled-to field off the very edge.
const scrollMargin = 12

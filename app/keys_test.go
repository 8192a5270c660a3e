package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

var ctrlS = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}

// Ctrl+S typed while the cursor is in a text box saves the form: the text
// box hands the window's shortcut on (it once swallowed it). The real
// keyboard does the same in the real-window walkthrough.
func TestCtrlSInATextBoxSaves(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	id := notVisitedProfile(t, u)
	u.show(u.screenIndex(u.visits))
	u.visits.startNew(&id)
	f := u.visits.visitForm
	typeInto(entryOf(t, f, "start_time"), "0830")
	typeInto(entryOf(t, f, "end_time"), "0900")
	before := visitCount(t, st, id)
	// The shortcut arrives at the focused text box, as Fyne's driver
	// delivers it.
	f.ctls["end_time"].focus.(fyne.Shortcutable).TypedShortcut(ctrlS)
	if got := visitCount(t, st, id); got != before+1 {
		t.Fatalf("Ctrl+S in the end time box: visits %d → %d (%v)", before, got, f.problems())
	}
}

func visitCount(t *testing.T, st *store.Store, profile uuid.UUID) int {
	t.Helper()
	n := 0
	_ = st.View(func(r *store.Reader) error {
		ids, _ := r.Refs(profile, store.KindVisit)
		n = len(ids)
		return nil
	})
	return n
}

// In the quick visit entry Enter moves to the next field, in the form's
// order; after the last it goes to the save button.
func TestEnterMovesToTheNextField(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	id := notVisitedProfile(t, u)
	u.show(u.screenIndex(u.visits))
	u.visits.startNew(&id)
	f := u.visits.visitForm
	c := u.win.Canvas()
	if c.Focused() != f.ctls["start_time"].focus {
		t.Fatal("the visit form does not start with the keyboard in the start time")
	}
	test.Type(f.ctls["start_time"].focus.(fyne.Focusable), "0830")
	f.ctls["start_time"].focus.(*keyEntry).TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if c.Focused() != f.ctls["end_time"].focus {
		t.Fatalf("Enter in the start time moved the keyboard to %T, not the end time", c.Focused())
	}
	// The last field hands over to the save button.
	last := f.order[len(f.order)-1]
	for i := len(f.order) - 1; i >= 0; i-- {
		if e, ok := f.ctls[f.order[i]].focus.(*keyEntry); ok && !e.MultiLine {
			last = f.order[i]
			break
		}
	}
	f.focusAfter(f.order[len(f.order)-1])
	if c.Focused() != f.saveBtn {
		t.Fatalf("after the last field (%s) the keyboard is on %T, not the save button", last, c.Focused())
	}
}

// F5 in a text box reloads the page (the window's key, handed on).
func TestF5InATextBoxReloads(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.visits))
	v := u.visits
	v.regList.set(nil, 0)
	v.regSearch.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyF5})
	if len(v.regList.ids) == 0 {
		t.Fatal("F5 in the search box did not reload the register")
	}
}

// Tab moves through a form in its order: field after field as they stand
// on the page, then the bar's buttons, never back to an earlier field.
func TestTabFollowsTheForm(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	id := notVisitedProfile(t, u)
	u.show(u.screenIndex(u.visits))
	u.visits.startNew(&id)
	f := u.visits.visitForm
	c := u.win.Canvas()
	fieldOf := func(o fyne.CanvasObject) int {
		for i, name := range f.order {
			if find(f.ctls[name].obj, func(x fyne.CanvasObject) bool { return x == o }) != nil {
				return i
			}
		}
		return -1
	}
	last := fieldOf(c.Focused().(fyne.CanvasObject))
	if f.order[last] != "start_time" {
		t.Fatalf("the form opens with the keyboard in %s", f.order[last])
	}
	for step := 0; step < 200; step++ {
		test.FocusNext(c)
		o := c.Focused().(fyne.CanvasObject)
		if o == f.saveBtn {
			if last < 0 {
				t.Fatal("Tab came to the save button twice")
			}
			return
		}
		i := fieldOf(o)
		if i < 0 {
			t.Fatalf("after %s Tab went to %T outside the form's fields", f.order[last], o)
		}
		if i < last {
			t.Fatalf("Tab went back from %s to %s", f.order[last], f.order[i])
		}
		last = i
	}
	t.Fatal("Tab never reached the save button")
}

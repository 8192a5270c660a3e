package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// relayout lays every container and widget out again at its size, top
// down, as the real canvas does each frame when a minimum size changed
// (the test canvas does not).
func relayout(o fyne.CanvasObject) {
	switch x := o.(type) {
	case *fyne.Container:
		if x.Layout != nil {
			x.Layout.Layout(x.Objects, x.Size())
		}
		for _, c := range x.Objects {
			relayout(c)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		r.Layout(x.Size())
		for _, c := range r.Objects() {
			relayout(c)
		}
	}
}

// positions records where each of a form's controls and its save button
// are on the screen, after a layout pass.
func positions(f *recordForm) map[string]fyne.Position {
	relayout(f.u.win.Content())
	d := fyne.CurrentApp().Driver()
	out := map[string]fyne.Position{"保存": d.AbsolutePositionForObject(f.saveBtn)}
	for _, name := range f.order {
		out[name] = d.AbsolutePositionForObject(f.ctls[name].obj)
	}
	return out
}

// Nothing on a form moves while a person types, so that a click lands on
// what it was aimed at (a click on 保存 once landed on something else when
// a message appeared above it): a wrong value turns its label red and the
// bar says why. Messages under the fields come after a save was tried,
// at the body's text size, and correcting a field then moves nothing
// either.
func TestFormDoesNotMoveWhileTyping(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.win.Resize(fyne.NewSize(1024, 696))
	u.show(u.screenIndex(u.loans))
	l := u.loans
	householdOf(t, l, "130131190201-J001")
	l.hhList.list.Select(0)
	test.Tap(button(t, l.hhPanel.box, "添加成员"))
	f := l.editor
	before := positions(f)

	typeInto(entryOf(t, f, "name"), "杨小梅")
	typeInto(entryOf(t, f, "id_number"), "130131200001010024") // wrong check digit
	if f.problemOf("id_number") == "" || f.ctls["id_number"].label.Importance != widget.DangerImportance {
		t.Fatal("a wrong ID number is not marked")
	}
	if !strings.Contains(f.message.Text, "校验") {
		t.Errorf("the bar says %q while the wrong number is typed", f.message.Text)
	}
	for name, p := range positions(f) {
		if p != before[name] {
			t.Errorf("%s moved from %v to %v while typing", name, before[name], p)
		}
	}

	test.Tap(f.saveBtn)
	shown := f.ctls["id_number"].errText
	if !shown.Visible() || !strings.Contains(shown.Text, "校验") {
		t.Fatalf("after a refused save the message under the ID is %q", shown.Text)
	}
	if shown.SizeName != "" && shown.SizeName != theme.SizeNameText {
		t.Errorf("the message is written at %q, not the body size", shown.SizeName)
	}
	afterSave := positions(f)
	typeInto(entryOf(t, f, "id_number"), "130131200001010020") // corrected (by hand: 89 mod 11 = 1 → 0)
	if f.problemOf("id_number") != "" {
		t.Fatalf("the corrected number is still wrong: %q", f.problemOf("id_number"))
	}
	for name, p := range positions(f) {
		if p != afterSave[name] {
			t.Errorf("%s moved from %v to %v when the number was corrected", name, afterSave[name], p)
		}
	}
}

// A valid ID number fills sex and birth date, which the form shows at
// once (they once stayed empty and were then flagged as disagreeing with
// the number); a value the person typed is never replaced.
func TestIDNumberFillsSexAndBirthDate(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.loans))
	l := u.loans
	householdOf(t, l, "130131190201-J001")
	l.hhList.list.Select(0)
	test.Tap(button(t, l.hhPanel.box, "添加成员"))
	f := l.editor
	// 130131 20000101 002 0: born 2000-01-01, sequence 002 even → 女.
	typeInto(entryOf(t, f, "id_number"), "130131200001010020")
	if got := entryOf(t, f, "birth_date").Text; got != "2000-01-01" {
		t.Errorf("birth date shows %q", got)
	}
	if got := f.str("sex"); got != "女" {
		t.Errorf("sex is %q", got)
	}
	if f.dirty() == false {
		// The person typed the number: the form has an edit to keep.
		t.Error("the form does not count the typed number as an edit")
	}
	// 130131194503150025 is another valid number: born 1945-03-15, 女.
	typeInto(entryOf(t, f, "id_number"), "130131194503150025")
	if got := entryOf(t, f, "birth_date").Text; got != "1945-03-15" {
		t.Errorf("after a second number the birth date shows %q", got)
	}
	// A birth date the person types stays (the store then says it
	// disagrees with the number).
	typeInto(entryOf(t, f, "birth_date"), "1946-03-15")
	typeInto(entryOf(t, f, "id_number"), "130131200001010020")
	if got := entryOf(t, f, "birth_date").Text; got != "1946-03-15" {
		t.Errorf("a typed birth date was replaced by %q", got)
	}
	if f.problemOf("birth_date") == "" {
		t.Error("a birth date that disagrees with the number is not flagged")
	}
}

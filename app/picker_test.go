package app

import (
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// openPrintPicker chooses a form on the print screen and opens its record
// picker, as a user does: 打印 → the form → 选择….
func openPrintPicker(t *testing.T, u *UI, code string) *refPicker {
	t.Helper()
	u.show(u.screenIndex(u.prints))
	u.prints.list.Select(catalogIndex(t, code))
	p := u.prints.picker
	if p == nil {
		t.Fatalf("%s has no record picker", code)
	}
	test.Tap(p.choose)
	return p
}

// rows are the cells a picker shows, row by row.
func rows(p *refPicker) [][]string {
	var out [][]string
	for i := range p.list.ids {
		var row []string
		for j := range p.list.widths.cols {
			row = append(row, p.list.cell(i, j))
		}
		out = append(out, row)
	}
	return out
}

// Typing the pinyin initials of an elder in the print screen's picker
// finds their visits (B2) and their admission (A2), each row with the
// elder's village by name and birth year; an ID number finds them too.
func TestPrintPickerFindsByInitials(t *testing.T) {
	u := newTestUI(t, openDemo(t))

	p := openPrintPicker(t, u, "B2")
	test.Type(p.box.entry, "ljx")
	got := rows(p)
	if len(got) != 3 {
		t.Fatalf("ljx in the visit picker: %d rows %q; want 林建秀's three visits", len(got), got)
	}
	for _, r := range got {
		if !strings.HasPrefix(r[0], "林建秀 2025-") || r[1] != "乙村" || r[2] != "1960" {
			t.Errorf("visit row %q; want 林建秀's visit, 乙村, 1960", r)
		}
	}
	if !strings.Contains(p.list.count.Text, "共 3 条") {
		t.Errorf("count line %q", p.list.count.Text)
	}
	typeInto(p.box.entry, "130131196005051111")
	if n := len(p.list.ids); n != 3 {
		t.Errorf("林建秀's ID number in the visit picker: %d rows, want 3", n)
	}
	p.list.list.Select(0)
	if u.prints.record == [16]byte{} || !strings.Contains(p.label.Text, "林建秀") {
		t.Errorf("picking the first row chose %q", p.label.Text)
	}

	p = openPrintPicker(t, u, "A2")
	test.Type(p.box.entry, "zgx")
	got = rows(p)
	if len(got) != 1 || !strings.HasPrefix(got[0][0], "张桂霞 ") || got[0][1] != "甲村" || got[0][2] != "1940" {
		t.Fatalf("zgx in the admission picker: %q; want 张桂霞's admission, 甲村, 1940", got)
	}
}

// A person row tells two people of one name apart: sex, birth year (not
// the date), village by name, and the ID number masked.
func TestPersonPickerRow(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	spec := store.FieldSpec{Name: "person_id", Label: "老人", Type: store.FieldRef, Ref: store.KindPerson}
	p := newRefPicker(u, spec, nil, nil, func(json.RawMessage) {})
	p.open()
	test.Type(p.box.entry, "何德霞")
	got := rows(p)
	if len(got) != 2 {
		t.Fatalf("何德霞: %q; the data set has her twice", got)
	}
	for _, r := range got {
		want := []string{"何德霞", "男", "1944", "乙村", "1301**********4875"}
		if strings.Join(r, "|") != strings.Join(want, "|") {
			t.Errorf("person row %q, want %q", r, want)
		}
	}
	for j, c := range p.list.widths.cols {
		if want := []string{"姓名", "性别", "出生年", "村", "身份证号"}[j]; c.title != want {
			t.Errorf("column %d is %q, want %q", j, c.title, want)
		}
	}
}

// When more match than the picker lists, the count says how many are
// shown and how many there are; a filtered picker that stopped reading
// says how many records it left unread.
func TestPickerCountIsHonest(t *testing.T) {
	defer func(n, b int) { pickLimit, filterBudget = n, b }(pickLimit, filterBudget)
	pickLimit, filterBudget = 5, 20
	u := newTestUI(t, openDemo(t))

	p := openPrintPicker(t, u, "B2")
	if n, c := len(p.list.ids), p.list.count.Text; n != 5 || !strings.Contains(c, "显示前 5 条") || !strings.Contains(c, "共 86 条") {
		t.Errorf("all visits: %d rows, count %q; want 5 shown of 86 (79, and the village doctors' 7)", n, c)
	}
	test.Type(p.box.entry, "陈")
	if n, c := len(p.list.ids), p.list.count.Text; n != 5 || !strings.Contains(c, "显示前 5 条") || !strings.Contains(c, "共 18 条") {
		t.Errorf("陈: %d rows, count %q; want 5 shown of 18", n, c)
	}

	// Visits of 陈永德 only: the filter reads 20 of the 86 visits.
	spec := store.FieldSpec{Name: "visit_id", Label: "探访记录", Type: store.FieldRef, Ref: store.KindVisit}
	only := func(r *store.Reader, e store.Entity) bool { return strings.HasPrefix(r.Title(e), "陈永德") }
	f := newRefPicker(u, spec, nil, only, func(json.RawMessage) {})
	f.open()
	if c := f.list.count.Text; !strings.Contains(c, "另有 66 条未查看") || strings.Contains(c, "共") {
		t.Errorf("filtered, unfinished: count %q; want it to say 66 were left unread, and no total", c)
	}
	test.Type(f.box.entry, "陈")
	if n, c := len(f.list.ids), f.list.count.Text; n != 5 || !strings.Contains(c, "共 15 条") {
		t.Errorf("filtered 陈 (18 read, 15 kept): %d rows, count %q; want 5 shown of 15", n, c)
	}
}

// A picker given the records it may offer (within) lists only those,
// newest first, and still narrows them by what is typed.
func TestPickerWithin(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	spec := store.FieldSpec{Name: "visit_id", Label: "探访记录", Type: store.FieldRef, Ref: store.KindVisit}
	p := newRefPicker(u, spec, nil, nil, func(json.RawMessage) {})
	p.within = func(r *store.Reader) ([]uuid.UUID, error) {
		people, _, err := r.SearchKind(store.KindElderlyProfile, "陈平", "", -1)
		var out []uuid.UUID
		for _, ep := range people {
			ids, _ := r.Refs(ep, store.KindVisit)
			out = append(out, ids...)
		}
		return out, err
	}
	p.open()
	got := rows(p)
	if len(got) != 3 || !strings.HasPrefix(got[0][0], "陈平 2025-11-19") || !strings.HasPrefix(got[2][0], "陈平 2025-09-08") {
		t.Fatalf("陈平's visits, newest first: %q", got)
	}
	test.Type(p.box.entry, "2025-10")
	if got := rows(p); len(got) != 1 || !strings.HasPrefix(got[0][0], "陈平 2025-10-11") {
		t.Errorf("陈平's visits of 2025-10: %q", got)
	}
	typeInto(p.box.entry, "杨")
	if n := len(p.list.ids); n != 0 || !strings.Contains(p.list.count.Text, "共 0 条") {
		t.Errorf("杨 among 陈平's visits: %d rows, %q", n, p.list.count.Text)
	}
}

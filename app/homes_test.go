package app

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// pick chooses a record in a form's picker by typing into its search box
// and taking the first match.
func pick(t *testing.T, f *recordForm, field, query string) {
	t.Helper()
	test.Tap(f.ctls[field].focus.(*widget.Button))
	p := findPicker(t, f, field)
	test.Type(p.box.entry, query)
	if len(p.list.ids) == 0 {
		t.Fatalf("the %s picker finds nothing for %q", field, query)
	}
	p.list.list.Select(0)
	if p.id == "" {
		t.Fatalf("nothing picked for %s", field)
	}
}

// entryByHint finds an entry by its placeholder inside a field's control.
func entryByHint(t *testing.T, f *recordForm, field, hint string) *widget.Entry {
	t.Helper()
	e := find(f.ctls[field].obj, func(o fyneObject) bool {
		e, ok := o.(*keyEntry)
		return ok && e.PlaceHolder == hint
	})
	if e == nil {
		t.Fatalf("no %q entry in %s", hint, field)
	}
	return &e.(*keyEntry).Entry
}

// An elder is assessed, then admitted on a free bed tapped in the grid: the
// admission form opens for that bed, the elder and her assessment are
// chosen in pickers by typing, and the save shows the bed taken.
// Discharging frees it again.
func TestAssessAdmitOnAFreeBedAndDischarge(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.homes))
	h := u.homes

	h.assess(&store.Assessment{Instrument: store.InstrumentGB, Reason: "首次评估", AssessDate: "2025-11-30", Status: "已完成"})
	af := h.editor
	pick(t, af, "person_id", "吴华英")
	typeInto(entryOf(t, af, "assessors"), "李医生、王护士")
	typeInto(entryByHint(t, af, "informant", "姓名"), "吴强")
	af.ctls["informant"].obj.(*fyne.Container).Objects[3].(*widget.Select).SetSelected("子女")
	for _, it := range store.AssessItems(store.InstrumentGB) {
		typeInto(h.scores.entries[it.Code], strconv.Itoa(it.Max()))
	}
	test.Tap(af.saveBtn)
	if h.editor != nil {
		t.Fatalf("assessment not saved: %v", af.problems())
	}
	tile := h.bedTiles["104-1"]
	if tile == nil || tile.state != "空闲" {
		t.Fatalf("bed 104-1: %+v", tile)
	}
	test.Tap(tile.btn)
	f := h.editor
	if f == nil || f.kind != store.KindAdmission {
		t.Fatal("tapping a free bed does not open an admission")
	}
	if f.str("bed_id") == "" {
		t.Fatal("the admission is not for the tapped bed")
	}
	pick(t, f, "person_id", "吴华英")
	pick(t, f, "assessment_id", "")
	typeInto(entryOf(t, f, "meal_fee_fen"), "300")
	// Supporters are required unless the elder is 特困; add one.
	test.Tap(button(t, f.content, "添加赡养人"))
	test.Type(entryByHint(t, f, "supporters", "姓名"), "吴强")
	typeInto(entryByHint(t, f, "emergency_contact", "姓名"), "吴强")
	typeInto(entryByHint(t, f, "emergency_contact", "电话"), "13912345678")
	test.Tap(f.saveBtn)
	if h.editor != nil {
		t.Fatalf("admission not saved: %q %v", f.message.Text, f.problems())
	}
	if got := h.bedTiles["104-1"].state; got != "占用" {
		t.Fatalf("after admission the bed is %q", got)
	}
	// Discharge from the admission page.
	test.Tap(h.bedTiles["104-1"].btn)
	test.Tap(button(t, h.panel.box, "办理退住"))
	df := h.editor
	if df == nil {
		t.Fatal("no discharge form")
	}
	// The store's step stamps today's date; the reason is asked for.
	if got := df.str("checkout_date"); got != "2025-11-30" {
		t.Errorf("discharge date prefilled as %q", got)
	}
	test.Tap(df.saveBtn)
	if df.errorOf("checkout_reason") == "" {
		t.Fatal("a discharge without a reason was not refused")
	}
	df.ctls["checkout_reason"].obj.(*widget.Select).SetSelected("回家居住")
	test.Tap(df.saveBtn)
	if got := h.bedTiles["104-1"].state; got != "空闲" {
		t.Fatalf("after discharge the bed is %q (%v)", got, df.problems())
	}
}

// findPicker reaches the open picker of a form field.
func findPicker(t *testing.T, f *recordForm, field string) *refPicker {
	t.Helper()
	for _, p := range f.pickers {
		if p.spec.Name == field {
			if p.list == nil {
				t.Fatal("picker not open")
			}
			return p
		}
	}
	t.Fatalf("no picker for %s", field)
	return nil
}

// Entering the item scores of an assessment shows the total and the level
// the store computes, as they are typed.
func TestAssessmentShowsScoreAndLevelLive(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.homes))
	h := u.homes
	h.assess(&store.Assessment{Instrument: store.InstrumentGB, Reason: "首次评估", AssessDate: "2025-11-30", Status: "已完成"})
	f := h.editor
	sg := h.scores
	items := store.AssessItems(store.InstrumentGB)
	want := 0
	for i, it := range items {
		v := it.Max()
		if i%3 == 0 {
			v = it.Max() - 1
		}
		want += v
		typeInto(sg.entries[it.Code], strconv.Itoa(v))
	}
	res, _ := store.Score(store.InstrumentGB, sg.scores, store.Adjustments{})
	if res.Total != want {
		t.Fatalf("store total %d, typed %d", res.Total, want)
	}
	if !strings.Contains(h.result.Text, "总分 "+strconv.Itoa(want)) || !strings.Contains(h.result.Text, res.LevelName) {
		t.Fatalf("live result = %q, want total %d and %s", h.result.Text, want, res.LevelName)
	}
	// A score outside the item's range is flagged under the scores.
	typeInto(sg.entries[items[0].Code], "9")
	if f.problemOf("item_scores") == "" {
		t.Error("an impossible item score is not flagged")
	}
}

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// notVisitedProfile is the one elder of the data set without a visit in
// 2025-11 (林建秀 of 乙村).
func notVisitedProfile(t *testing.T, u *UI) uuid.UUID {
	t.Helper()
	if len(u.home.data.coverage.NotVisited) != 1 {
		t.Fatalf("expected one elder not visited")
	}
	return u.home.data.coverage.NotVisited[0].ProfileID
}

// A visit typed with the keyboard: the store's message shows under the
// field while a time is wrong, the save is refused, and once fixed the
// visit is stored and the month's coverage becomes 14/14.
func TestQuickVisitEntryValidatesAndSaves(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	id := notVisitedProfile(t, u)
	u.show(u.screenIndex(u.visits))
	u.visits.startNew(&id)
	f := u.visits.visitForm

	typeInto(entryOf(t, f, "start_time"), "0930")
	typeInto(entryOf(t, f, "end_time"), "0900")
	if got := f.problemOf("end_time"); got != "结束时间应晚于开始时间" {
		t.Fatalf("problem of end time = %q", got)
	}
	test.Tap(f.saveBtn)
	if !strings.Contains(f.message.Text, "需要修改") {
		t.Errorf("after a refused save the form says %q", f.message.Text)
	}
	var visits int
	countVisits := func() int {
		n := 0
		_ = st.View(func(r *store.Reader) error {
			vs, _ := r.RefEntities(id, store.KindVisit)
			n = len(vs)
			return nil
		})
		return n
	}
	visits = countVisits()

	typeInto(entryOf(t, f, "end_time"), "1000")
	if got := f.problemOf("end_time"); got != "" {
		t.Fatalf("problem still shown after the fix: %q", got)
	}
	typeInto(entryOf(t, f, "issues"), "屋顶漏雨")
	test.Tap(f.saveBtn)
	if !strings.Contains(f.message.Text, "已保存探访记录") {
		t.Fatalf("save: %q", f.message.Text)
	}
	if countVisits() != visits+1 {
		t.Fatalf("visits of the elder: %d, want %d", countVisits(), visits+1)
	}
	if f.dirty() {
		t.Error("the saved form still counts as unsaved")
	}
	var cov *report.CoverageData
	_ = st.View(func(r *store.Reader) error {
		rep, err := report.VisitCoverage(r, "130131190", "2025-11")
		if err == nil {
			cov = rep.Data.(*report.CoverageData)
		}
		return err
	})
	if cov == nil || cov.Total.V != 14 || cov.Total.N != 14 {
		t.Errorf("coverage after the visit: %+v", cov.Total)
	}
}

// Typing a name narrows the register on every keystroke; pinyin initials
// and a part of the name both find people.
func TestRegisterSearchAsYouType(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.visits))
	v := u.visits
	all := len(v.regList.ids)
	if all < 10 {
		t.Fatalf("register shows %d elders", all)
	}
	test.Type(v.regSearch.entry, "林")
	if n := len(v.regList.ids); n == 0 || n >= all {
		t.Fatalf("after typing 林: %d rows of %d", n, all)
	}
	for i := range v.regList.ids {
		if !strings.HasPrefix(v.regList.cell(i, 0), "林") {
			t.Errorf("row %d is %q", i, v.regList.cell(i, 0))
		}
	}
	typeInto(v.regSearch.entry, "ljx")
	found := false
	for i := range v.regList.ids {
		found = found || v.regList.cell(i, 0) == "林建秀"
	}
	if !found {
		t.Error("pinyin initials ljx do not find 林建秀")
	}
	typeInto(v.regSearch.entry, "")
	v.regFilter.choose("本月未访", true)
	var names []string
	for i := range v.regList.ids {
		names = append(names, v.regList.cell(i, 0))
	}
	if strings.Join(names, ",") != "吴华英,林建秀" && strings.Join(names, ",") != "林建秀,吴华英" {
		t.Errorf("本月未访 shows %v, want 林建秀 and the newly enrolled 吴华英", names)
	}
	// The filter holds while a search is typed: "l" matches many names
	// (林, 刘, 李 …), of whom only 林建秀 is not yet visited.
	typeInto(v.regSearch.entry, "l")
	names = nil
	for i := range v.regList.ids {
		names = append(names, v.regList.cell(i, 0))
	}
	if strings.Join(names, ",") != "林建秀" {
		t.Errorf("本月未访 with the search l shows %v, want only 林建秀", names)
	}
	if got := v.regList.count.Text; got != "共 1 条" {
		t.Errorf("count line %q", got)
	}
}

// The elder's record shows ID and phone numbers masked until revealed.
func TestProfileDetailMasksUntilRevealed(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.visits))
	v := u.visits
	v.regList.list.Select(0)
	dv := v.regDetail
	if dv == nil {
		t.Fatal("selecting an elder shows no details")
	}
	contact := dv.text("紧急联系人")
	if contact == "" || !strings.Contains(contact, "****") {
		t.Fatalf("emergency contact shown as %q, want the phone masked", contact)
	}
	entries := func() int { l, _ := u.st.StationAudit(); return len(l) }
	before := entries()
	// Asked why; cancelling shows nothing and records nothing.
	test.Tap(dv.toggle)
	test.Tap(button(t, topDialog(u.win), "取消"))
	if !strings.Contains(dv.text("紧急联系人"), "****") || entries() != before {
		t.Fatalf("cancelled reveal: %q, %d entries", dv.text("紧急联系人"), entries()-before)
	}
	// 其他 without words is refused.
	test.Tap(dv.toggle)
	d := topDialog(u.win)
	find(d, func(o fyneObject) bool { r, ok := o.(*widget.RadioGroup); return ok && r != nil }).(*widget.RadioGroup).SetSelected("其他")
	test.Tap(button(t, d, "显示"))
	if !strings.Contains(dv.text("紧急联系人"), "****") || entries() != before {
		t.Fatalf("reveal without a reason: %q", dv.text("紧急联系人"))
	}
	test.Tap(button(t, topDialog(u.win), "OK"))
	test.Tap(dv.toggle)
	test.Tap(button(t, topDialog(u.win), "显示"))
	if strings.Contains(dv.text("紧急联系人"), "****") {
		t.Errorf("after reveal: %q", dv.text("紧急联系人"))
	}
	list, _ := u.st.StationAudit()
	if last := list[len(list)-1]; len(list) != before+1 || last.Action != store.AuditReveal || last.Detail != "原因：核对身份" || last.User != u.operator {
		t.Errorf("reveal recorded as %+v", last)
	}
	test.Tap(dv.toggle)
	if !strings.Contains(dv.text("紧急联系人"), "****") {
		t.Errorf("after hiding again: %q", dv.text("紧急联系人"))
	}
}

// Text the form cannot read is still something typed: leaving asks first.
func TestUnreadableTextCountsAsUnsaved(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	id := notVisitedProfile(t, u)
	u.show(u.screenIndex(u.visits))
	u.visits.startNew(&id)
	f := u.visits.visitForm
	if f.dirty() {
		t.Fatal("a fresh visit form counts as edited")
	}
	typeInto(entryOf(t, f, "start_time"), "x")
	if !f.dirty() {
		t.Error("a start time of “x” is not counted as an unsaved edit: closing would lose it without asking")
	}
}

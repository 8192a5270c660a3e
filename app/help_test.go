package app

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
)

// A move that ends a record's course looks dangerous and asks first:
// rejecting an application is red, and nothing happens until the person
// says so; 取消 leaves it as it was.
func TestRejectIsRedAndAsksFirst(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.loans))
	l := u.loans
	l.tabs.SelectIndex(2)
	app := uuid.Nil
	for i := range l.appList.ids {
		if l.appList.cell(i, 5) == "村推荐" || l.appList.cell(i, 5) == "乡镇审核" {
			app = l.appList.ids[i]
			l.appList.list.Select(i)
			break
		}
	}
	if app == uuid.Nil {
		t.Fatal("no application in progress in the demo")
	}
	reject := button(t, l.appPanel.box, "拒绝申请")
	if reject.Importance != widget.DangerImportance {
		t.Error("拒绝申请 does not look dangerous")
	}
	test.Tap(reject)
	d := topDialog(u.win)
	if d == nil || !hasText(d, "不能再往下办理") {
		t.Fatal("rejecting does not ask first")
	}
	confirm := button(t, d, "拒绝申请")
	if confirm.Importance != widget.DangerImportance {
		t.Error("the confirming button is not red")
	}
	test.Tap(button(t, d, "取消"))
	a, _ := store.GetAs[*store.LoanApplication](st, app)
	if a.Status == "已拒绝" || l.editor != nil {
		t.Fatal("cancelling still rejected the application")
	}
	// Saying yes opens the reason, on a red save button.
	test.Tap(reject)
	test.Tap(button(t, topDialog(u.win), "拒绝申请"))
	f := l.editor
	if f == nil || f.ctls["reject_reason"] == nil {
		t.Fatal("no reason asked for")
	}
	if f.saveBtn.Importance != widget.DangerImportance {
		t.Error("the save of a rejection is not red")
	}
}

// 放弃修改 in the unsaved-edits question is red.
func TestDiscardEditsIsRed(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	id := notVisitedProfile(t, u)
	u.show(u.screenIndex(u.visits))
	u.visits.startNew(&id)
	typeInto(entryOf(t, u.visits.visitForm, "start_time"), "08:30")
	u.nav.Select(u.screenIndex(u.home))
	d := topDialog(u.win)
	if d == nil {
		t.Fatal("no question")
	}
	if b := button(t, d, "放弃修改"); b.Importance != widget.DangerImportance {
		t.Error("放弃修改 does not look dangerous")
	}
}

// A repayment opens with what is due: for 吴建's loan, ¥30,000 due in one
// sum on 2025-08-02 and unpaid on 2025-11-30, the whole ¥30,000.00, and
// the interest accrued since it was last paid.
func TestRepaymentOpensWithWhatIsDue(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.loans))
	l := u.loans
	l.tabs.SelectIndex(4)
	for i, lr := range l.overdue {
		if lr.Borrower == "吴建" {
			l.overdueList.Select(i)
		}
	}
	test.Tap(button(t, l.loanPanel.box, "登记还款"))
	f := l.editor
	if f == nil {
		t.Fatal("no repayment form")
	}
	if got := entryOf(t, f, "principal_fen").Text; got != "30,000.00" {
		t.Errorf("principal prefilled as %q, want 30,000.00", got)
	}
	if got := entryOf(t, f, "interest_fen").Text; got == "" {
		t.Error("no interest prefilled")
	}
	if got := entryOf(t, f, "paid_date").Text; got != "2025-11-30" {
		t.Errorf("paid date %q", got)
	}
}

// A new, empty station sees its first steps on the home page, each with
// a button, instead of an empty dashboard; the steps done are marked.
func TestNewStationSeesItsFirstSteps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	st, err := store.Open(path, &store.Options{RegistryDir: "-", Now: testClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.SetStation("130131190201-01", "甲村服务点"); err != nil {
		t.Fatal(err)
	}
	if err := st.Protect(crypt.Standard, "张红梅", "zhang2025hm"); err != nil {
		t.Fatal(err)
	}
	// A second operator: the first step is done.
	if err := st.AddOperator("李建国", store.RoleClerk, "li2025jianguo"); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st)
	h := u.home
	for _, want := range []string{"开始使用村站", "操作员账号", "导入村花名册", "探访名册", "登记本站"} {
		if !hasText(h.steps, want) {
			t.Errorf("the first steps do not mention %q", want)
		}
	}
	if !hasText(h.steps, "● 1.") || !hasText(h.steps, "○ 2.") {
		t.Error("done and open steps are not told apart")
	}
	test.Tap(button(t, h.steps, "去办理"))
	if u.screens[u.current].s != u.loans {
		t.Errorf("the roster step opened %s", u.screens[u.current].name)
	}
}

// Admitting someone the station does not know yet: the person picker
// makes the person, and the form then says what moving in still lacks (an
// ability assessment), with the way to do it.
func TestAdmissionPickerMakesThePersonAndSaysWhatIsMissing(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.homes))
	h := u.homes
	var free *bedTile
	for _, bt := range h.bedTiles {
		if bt.state == "空闲" {
			free = bt
			break
		}
	}
	if free == nil {
		t.Fatal("no free bed in the demo home")
	}
	test.Tap(free.btn)
	f := h.editor
	var p *refPicker
	for _, x := range f.pickers {
		if x.spec.Name == "person_id" {
			p = x
		}
	}
	test.Tap(p.choose)
	test.Tap(button(t, topDialog(u.win), "找不到，新建"))
	pf := u.dialogForm
	if pf == nil {
		t.Fatal("no form for the new person")
	}
	typeInto(entryOf(t, pf, "name"), "韩桂枝")
	// 130131 19480301 004 0 (by hand: Σ weights×digits = 166, mod 11 = 1 → 0).
	typeInto(entryOf(t, pf, "id_number"), "130131194803010040")
	pickFirst(t, pf, "household_id", "130131190201-J001")
	test.Tap(pf.saveBtn)
	if u.dialogForm != nil {
		t.Fatalf("the new person was not saved: %v", pf.problems())
	}
	if got := u.titleOf(f.str("person_id")); got != "韩桂枝" {
		t.Fatalf("the admission's elder is %q", got)
	}
	if !hasText(f.content, "还没有完成的能力评估") || !hasText(f.content, "先为韩桂枝做能力评估") {
		t.Error("the form does not say that an assessment is missing")
	}
}

// pickFirst chooses the first candidate a picker finds for a query.
func pickFirst(t *testing.T, f *recordForm, field, query string) {
	t.Helper()
	for _, p := range f.pickers {
		if p.spec.Name == field {
			test.Tap(p.choose)
			test.Type(p.box.entry, query)
			if len(p.list.ids) == 0 {
				t.Fatalf("no %s found for %q", field, query)
			}
			p.list.list.Select(0)
			return
		}
	}
	t.Fatalf("no picker %s", field)
}

// The default window fits a 1366×768 screen with its taskbar and title
// bar, and a 1024×768 one: the status line was cut off at 1280×800.
func TestDefaultWindowFitsSmallScreens(t *testing.T) {
	usable := fyne.NewSize(1024, 768-usableMargin)
	if defaultSize.Width > usable.Width || defaultSize.Height > usable.Height {
		t.Errorf("default window %v is larger than %v", defaultSize, usable)
	}
}

// The size the user left the window at comes back next time; a size too
// small to use, or none yet, gives the default.
func TestWindowSizeRemembered(t *testing.T) {
	a := test.NewTempApp(t)
	if got := rememberedSize(a); got != defaultSize {
		t.Errorf("first start: %v, want %v", got, defaultSize)
	}
	w := a.NewWindow("村站")
	w.Resize(fyne.NewSize(1200, 700))
	rememberSize(a, w)
	if got := rememberedSize(a); got != fyne.NewSize(1200, 700) {
		t.Errorf("after closing at 1200×700: %v", got)
	}
	w.Resize(fyne.NewSize(300, 200))
	rememberSize(a, w)
	if got := rememberedSize(a); got != defaultSize {
		t.Errorf("after closing at 300×200: %v, want the default", got)
	}
}

package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/demo"
	csync "github.com/cunzhan/cunzhan/sync"
)

// Leaving a screen with unsaved edits asks first; "no" keeps the edits and
// the screen, "yes" drops them.
func TestLeavingUnsavedEditsAsksFirst(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.visits))
	id := notVisitedProfile(t, u)
	u.visits.startNew(&id)
	typeInto(entryOf(t, u.visits.visitForm, "start_time"), "08:30")
	if !u.visits.dirty() {
		t.Fatal("typing did not mark the form unsaved")
	}
	u.nav.Select(u.screenIndex(u.home))
	d := topDialog(u.win)
	if d == nil || !hasText(d, "未保存") {
		t.Fatal("no question before leaving unsaved edits")
	}
	if u.screens[u.current].s != u.visits {
		t.Fatal("the screen changed before the answer")
	}
	test.Tap(button(t, d, "继续编辑"))
	if u.screens[u.current].s != u.visits || u.visits.visitForm.str("start_time") != "08:30" {
		t.Fatal("answering no lost the edits")
	}
	u.nav.Select(u.screenIndex(u.home))
	test.Tap(button(t, topDialog(u.win), "放弃修改"))
	if u.screens[u.current].s != u.home {
		t.Fatal("answering yes did not leave")
	}
}

// The edit context is captured when a form opens: a change made elsewhere
// to another field is kept, and one to the same field becomes a sibling for
// review instead of being overwritten.
func TestFormKeepsTheContextItWasOpenedWith(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.loans))
	l := u.loans
	householdOf(t, l, "130131190201-J001")
	l.hhList.list.Select(0)
	test.Tap(button(t, l.hhPanel.box, "修改户信息"))
	f := l.editor
	hh := store.MetaOf(f.orig).ID

	// Meanwhile someone else saves the group and the phone.
	other, _ := store.GetAs[*store.Household](st, hh)
	other.GroupName = "6组"
	other.Phone = "13811110000"
	if _, err := st.Save(other, "另一位"); err != nil {
		t.Fatal(err)
	}
	// This form changes the phone only.
	typeInto(entryOf(t, f, "phone"), "13822220000")
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("save: %v", f.problems())
	}
	got, _ := store.GetAs[*store.Household](st, hh)
	if got.GroupName != "6组" {
		t.Errorf("the other edit of the group was overwritten: %q", got.GroupName)
	}
	if m := store.MetaOf(got); len(m.Conflicts) != 1 || m.Conflicts[0] != "phone" {
		t.Errorf("the two phone edits are not kept as siblings: %v", m.Conflicts)
	}
}

// Settings: an amount in words is flagged under its field, a limit below
// the rating scheme's credit lines is refused with the reason, and a good
// one is saved.
func TestPolicySettings(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.settings))
	s := u.settings
	loanMax := &find(s.policyBox, func(o fyne.CanvasObject) bool {
		e, ok := o.(*keyEntry)
		return ok && e.Text == "50,000.00"
	}).(*keyEntry).Entry
	typeInto(loanMax, "五万")
	test.Tap(button(t, u.win.Content(), "保存政策参数"))
	if !s.errs["loan_max_fen"].Visible() || st.Policy().LoanMaxFen != 5000000 {
		t.Fatal("an amount in words was not refused")
	}
	// Below the rating scheme's highest credit line the store says why.
	typeInto(loanMax, "40000")
	test.Tap(button(t, u.win.Content(), "保存政策参数"))
	if st.Policy().LoanMaxFen != 5000000 || !strings.Contains(s.errs["rating_scheme"].Text, "授信额度不能超过单户贷款上限") {
		t.Fatalf("a limit below the credit lines was saved: %d", st.Policy().LoanMaxFen)
	}
	typeInto(loanMax, "60000")
	test.Tap(button(t, u.win.Content(), "保存政策参数"))
	if st.Policy().LoanMaxFen != 6000000 {
		var shown []string
		for name, e := range s.errs {
			if e.Visible() {
				shown = append(shown, name+": "+e.Text)
			}
		}
		t.Fatalf("loan limit = %d fen; %q %v", st.Policy().LoanMaxFen, s.message.Text, shown)
	}
	if !strings.Contains(s.message.Text, "已保存") {
		t.Errorf("message = %q", s.message.Text)
	}
}

// The non-performing ratios are shown and typed in percent, as the policy
// documents write them, never in basis points, and nothing on the screen
// sends the cadre to the command line.
func TestPolicyPercentAndNoCommandLine(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.settings))
	s := u.settings
	if hasText(s.policyBox, "基点") || hasText(s.policyBox, "cunzhan") || hasText(s.policyBox, "命令") {
		t.Fatal("the settings still speak of basis points or send the cadre to the command line")
	}
	if !hasText(s.policyBox, "村不良率停贷线（%）") {
		t.Fatal("no percent label for the village non-performing ratio")
	}
	// Default 5% (500 basis points, domain.md §4.1) shows as 5.
	want := fmt.Sprint(st.Policy().NPLVillageBP / 100)
	e := find(s.policyBox, func(o fyne.CanvasObject) bool {
		e, ok := o.(*keyEntry)
		return ok && e.PlaceHolder == "百分数，如 5 表示 5%" && e.Text == want
	})
	if e == nil {
		t.Fatalf("no percent entry showing %s", want)
	}
	typeInto(&e.(*keyEntry).Entry, "４.５%")
	test.Tap(button(t, u.win.Content(), "保存政策参数"))
	if got := st.Policy().NPLVillageBP; got != 450 {
		t.Fatalf("4.5%% saved as %d basis points, want 450", got)
	}
}

// First start: a wrong division code is explained; a right one sets the
// station up and opens the main window.
func TestFirstStartSetsUpTheStation(t *testing.T) {
	a := test.NewTempApp(t)
	test.ApplyTheme(t, Theme())
	w := a.NewWindow("村站")
	st, err := store.Open(filepath.Join(t.TempDir(), "new.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var ready *store.Store
	s := newSetup(a, w, st, func(x *store.Store) { ready = x })
	s.village.SetText("13013119020")
	s.name.SetText("甲村服务点")
	test.Tap(button(t, w.Content(), "确定"))
	if ready != nil || !strings.Contains(s.message.Text, "（") {
		t.Fatalf("an 11-digit code was accepted: %q", s.message.Text)
	}
	s.village.SetText("130131190201 甲村")
	// The first 负责人 comes with the station: a weak or mistyped
	// password is refused before anything is written.
	s.head.name.SetText("张红梅")
	s.head.pass.SetText("12345678")
	s.head.again.SetText("12345678")
	test.Tap(button(t, w.Content(), "确定"))
	if ready != nil || st.Station() != nil || !strings.Contains(s.message.Text, "字母和数字") {
		t.Fatalf("a password of digits only was accepted: %q", s.message.Text)
	}
	s.head.pass.SetText("zhang2025hm")
	s.head.again.SetText("zhang2025HM")
	test.Tap(button(t, w.Content(), "确定"))
	if ready != nil || st.Station() != nil || !strings.Contains(s.message.Text, "不一致") {
		t.Fatalf("two different passwords were accepted: %q", s.message.Text)
	}
	s.head.again.SetText("zhang2025hm")
	s.name.SetText("")
	test.Tap(button(t, w.Content(), "确定"))
	if ready != nil || !strings.Contains(s.message.Text, "站点名称") {
		t.Fatalf("an empty name was accepted: %q", s.message.Text)
	}
	s.name.SetText("甲村服务点")
	test.Tap(button(t, w.Content(), "确定"))
	if ready == nil || st.Station() == nil || st.Station().Code != "130131190201-01" || st.Station().Type != "村级服务点" {
		t.Fatalf("station = %+v", st.Station())
	}
	if op := st.CurrentOperator(); !st.Protected() || op == nil || op.Name != "张红梅" || op.Role != store.RoleHead {
		t.Fatalf("the station is not protected by its 负责人: %v", op)
	}
}

// The demo data set opens from the first-start page in a file of its own
// beside the station's, which stays empty.
func TestFirstStartOpensTheDemoBeside(t *testing.T) {
	a := test.NewTempApp(t)
	test.ApplyTheme(t, Theme())
	w := a.NewWindow("村站")
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "station.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	var ready *store.Store
	s := newSetup(a, w, st, func(x *store.Store) { ready = x })
	s.async = func(f func()) { f() }
	test.Tap(button(t, w.Content(), "打开演示数据"))
	if ready == nil {
		t.Fatalf("the demo did not open: %q", s.message.Text)
	}
	t.Cleanup(func() { ready.Close() })
	if ready.Path() != filepath.Join(dir, "demo.db") || !demo.IsDemo(ready) {
		t.Fatalf("opened %s", ready.Path())
	}
	again, err := store.Open(filepath.Join(dir, "station.db"), &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Station() != nil {
		t.Error("the station's own file got the demo's identity")
	}
}

// A new station set up from a credential of a national-suite county is
// sealed under the national suite from the start.
func TestSetupFromCredentialFollowsTheCounty(t *testing.T) {
	dir := t.TempDir()
	cs, err := store.Open(filepath.Join(dir, "county.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	if err := cs.ProtectWithKey(crypt.National, bytes.Repeat([]byte{5}, crypt.KeySize)); err != nil {
		t.Fatal(err)
	}
	n, err := csync.InitCounty(cs, "130131", "平山县级中心")
	if err != nil {
		t.Fatal(err)
	}
	cred, err := n.EnrolStation("130131190201", "甲村服务点", "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(cred)
	credPath := filepath.Join(dir, "a.cred")
	os.WriteFile(credPath, b, 0o600)
	a := test.NewTempApp(t)
	w := a.NewWindow("村站")
	st, err := store.Open(filepath.Join(dir, "new.db"), &store.Options{RegistryDir: "-", KDF: &crypt.FastKDF})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var ready *store.Store
	s := newSetup(a, w, st, func(x *store.Store) { ready = x })
	s.head.name.SetText("张红梅")
	s.head.pass.SetText("zhang2025hm")
	s.head.again.SetText("zhang2025hm")
	s.enrolFrom(credPath)
	if ready == nil || st.Suite() != crypt.National {
		t.Fatalf("set up under %q (%s)", st.Suite(), s.message.Text)
	}
}

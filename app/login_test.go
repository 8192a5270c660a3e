package app

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/demo"
	csync "github.com/cunzhan/cunzhan/sync"
)

// openLocked opens a copy of the demo file as the window does at start:
// protected, nobody logged in.
func openLocked(t *testing.T) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "station.db")
	copyFile(t, demoFile, path)
	st, err := store.Open(path, &store.Options{RegistryDir: "-", Now: testClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func testGate(t *testing.T, ready func(*store.Store)) *gate {
	a := test.NewTempApp(t)
	test.ApplyTheme(t, Theme())
	w := a.NewWindow("村站")
	t.Cleanup(w.Close)
	g := newGate(a, w, ready)
	g.async = func(f func()) { f() }
	return g
}

// A protected file opens on the login page: a wrong password is refused in
// words and opens nothing; the right one opens the window as that
// operator.
func TestWindowOpensOnlyForAnOperator(t *testing.T) {
	st := openLocked(t)
	var ready *store.Store
	g := testGate(t, func(s *store.Store) { ready = s })
	g.show(st)
	if g.login == nil {
		t.Fatal("no login page for a protected file")
	}
	if g.login.name.Text != demo.HeadName {
		t.Errorf("the only operator is not offered: %q", g.login.name.Text)
	}
	g.login.pass.SetText("wrong2025x")
	test.Tap(g.login.ok)
	if ready != nil || st.Unlocked() || !strings.Contains(g.login.message.Text, "姓名或密码不对") {
		t.Fatalf("wrong password: ready %v, message %q", ready != nil, g.login.message.Text)
	}
	if g.login.pass.Text != "" {
		t.Error("the wrong password stays in the box")
	}
	test.Type(g.login.pass, demo.HeadPassword)
	g.login.pass.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if ready != st || st.CurrentOperator() == nil || st.CurrentOperator().Name != demo.HeadName {
		t.Fatalf("right password (Enter): ready %v, operator %v, message %q", ready != nil, st.CurrentOperator(), g.login.message.Text)
	}
}

// A file from before protection opens on the page that protects it: a
// weak password is refused, a good one seals the file and opens the
// window with the 负责人 logged in.
func TestOlderFileIsProtectedBeforeUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if _, err := demo.Generate(path, demo.Options{Seed: 1, Plain: true, Store: &store.Options{RegistryDir: "-"}}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, &store.Options{RegistryDir: "-", Now: testClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var ready *store.Store
	g := testGate(t, func(s *store.Store) { ready = s })
	g.show(st)
	if g.guard == nil {
		t.Fatal("an unprotected file opened without being protected")
	}
	h := g.guard.head
	h.name.SetText("张红梅")
	h.pass.SetText("short1")
	h.again.SetText("short1")
	test.Tap(g.guard.ok)
	if ready != nil || st.Protected() {
		t.Fatalf("a short password protected the file: %q", g.guard.message.Text)
	}
	h.pass.SetText("zhang2025hm")
	h.again.SetText("zhang2025hm")
	test.Tap(g.guard.ok)
	if ready != st || !st.Protected() || st.CurrentOperator().Name != "张红梅" {
		t.Fatalf("not protected: %q", g.guard.message.Text)
	}
}

// After the set minutes without typing or clicking, the window hides its
// page and dialogs behind the login. The same operator finds them as they
// were; another starts on a fresh home page, without the previous one's
// dialog, and writes as themself.
func TestIdleWindowLocks(t *testing.T) {
	st := openDemo(t)
	if err := st.AddOperator("李录入", store.RoleClerk, "lulu2025ok"); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st)
	u.showScreen(u.settings)
	page := u.win.Content()
	u.chooseBackup() // a dialog open when the person walked away
	if len(u.win.Canvas().Overlays().List()) == 0 {
		t.Fatal("no dialog open")
	}
	noteActivity()
	now := time.Now()
	u.checkIdle(now.Add(9 * time.Minute))
	if u.Locked() {
		t.Fatal("locked after 9 of 10 minutes")
	}
	u.checkIdle(now.Add(10*time.Minute + time.Second))
	if !u.Locked() || u.win.Content() == page {
		t.Fatal("not locked after 10 minutes")
	}
	if n := len(u.win.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("%d dialogs still shown over the login", n)
	}
	if !hasText(u.win.Content(), "自动锁定") {
		t.Error("the lock page does not say why")
	}
	f := u.locked
	f.pass.SetText(demo.HeadPassword) // the name is offered
	test.Tap(f.ok)
	if u.Locked() || u.win.Content() != page || len(u.win.Canvas().Overlays().List()) == 0 || u.screens[u.current].s != u.settings {
		t.Fatal("the page and its dialog did not come back")
	}
	u.lock("")
	f = u.locked
	f.name.SetText("李录入")
	f.pass.SetText("lulu2025ok")
	test.Tap(f.ok)
	if u.Locked() || len(u.win.Canvas().Overlays().List()) != 0 || u.screens[u.current].s != u.home {
		t.Fatal("another operator found the previous one's dialog or page")
	}
	if !strings.Contains(u.operatorBtn.Text, "李录入（录入员）") {
		t.Errorf("header shows %q", u.operatorBtn.Text)
	}
	// The 录入员 may not print unmasked, nor read the audit log.
	u.showScreen(u.prints)
	if !u.prints.unmasked.Disabled() {
		t.Error("a 录入员 is offered the unmasked print")
	}
	u.showAudit()
	if !hasText(topDialog(u.win), "只有负责人可以查看审计日志") {
		t.Error("a 录入员 read the audit log")
	}
	// The log tells the story: the idle lock, the logins after each lock.
	list, _ := st.StationAudit()
	var got []string
	for _, e := range list[len(list)-5:] {
		got = append(got, e.User+" "+e.Action)
	}
	want := "王主任 logout|王主任 login|王主任 logout|李录入 login"
	if strings.Join(got[1:], "|") != want {
		t.Errorf("audit log ends %v, want …%s", got, want)
	}
	if !strings.Contains(list[len(list)-4].Detail, "自动锁定") {
		t.Errorf("idle lock recorded as %+v", list[len(list)-4])
	}
}

// A 负责人 reads the log in the window, newest first, with its check.
func TestAuditLogInWindow(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	if err := u.st.Audit(store.AuditReveal, "rec-x", "原因：核对身份"); err != nil {
		t.Fatal(err)
	}
	u.showAudit()
	d := topDialog(u.win)
	if !hasText(d, "链条完整") {
		t.Error("no chain check shown")
	}
	l := find(d, func(o fyneObject) bool { _, ok := o.(*widget.List); return ok }).(*widget.List)
	first := l.CreateItem()
	l.UpdateItem(0, first)
	if text := first.(*widget.Label).Text; !strings.Contains(text, "查看完整信息") || !strings.Contains(text, "原因：核对身份") {
		t.Errorf("newest entry shown as %q", text)
	}
}

// The minutes are a setting within 1–60.
func TestIdleMinutesSetting(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	for _, bad := range []string{"0", "61", "十", ""} {
		if err := u.setIdleMinutes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if err := u.setIdleMinutes("3"); err != nil || u.idleMinutes() != 3 {
		t.Fatalf("3 minutes: %v, %d", err, u.idleMinutes())
	}
}

// A station whose every password is lost opens with the county's recovery
// file and code from the login page; a wrong code opens nothing.
func TestRecoveryFromTheLoginPage(t *testing.T) {
	cn, url, cred := county(t)
	path := filepath.Join(t.TempDir(), "station.db")
	st, err := store.Open(path, &store.Options{RegistryDir: "-", KDF: &crypt.FastKDF})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Protect(crypt.Standard, "王主任", "forgotten1"); err != nil {
		t.Fatal(err)
	}
	if _, err := csync.Enrol(st, mustRead(t, cred)); err != nil {
		t.Fatal(err)
	}
	n, err := csync.Open(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Sync(context.Background(), url, nil, nil); err != nil {
		t.Fatal(err)
	}
	file, code, err := cn.IssueRecovery("130131190201-01", "admin")
	if err != nil {
		t.Fatal(err)
	}
	st.Lock()
	var opened *store.Store
	g := testGate(t, func(s *store.Store) { opened = s })
	g.show(st)
	test.Tap(g.login.forgot)
	f := g.login.recovery
	f.file = file
	f.code.SetText("0000-0000-0000-0000")
	f.name.SetText("赵新")
	f.pass.SetText("zhaoxin2026")
	f.again.SetText("zhaoxin2026")
	f.submit()
	if opened != nil || st.Unlocked() || !hasText(topDialog(g.w), "恢复码不对") {
		t.Fatal("a wrong code opened the station")
	}
	f.code.SetText(code)
	f.submit()
	if opened != st || st.CurrentOperator() == nil || st.CurrentOperator().Name != "赵新" {
		t.Fatal("the recovery did not log the new 负责人 in")
	}
}

// A 负责人 re-keys from 设置 → 操作员: the records read as before, the
// other operator is marked for a new password; a 录入员 is not offered it.
func TestRekeyInWindow(t *testing.T) {
	st := openDemo(t)
	if err := st.AddOperator("李录入", store.RoleClerk, "lulu2025ok"); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st)
	u.showScreen(u.settings)
	c := u.settings.operators
	if c.rekey.Disabled() {
		t.Fatal("the 负责人 is not offered the re-key")
	}
	var before bytes.Buffer
	st.Dump(&before, true)
	f := u.askRekey()
	f.suite.SetSelected(crypt.National.Label())
	f.pass.SetText("wrong-pass1")
	f.submit()
	if st.Suite() == crypt.National || !hasText(topDialog(u.win), "没有更换") {
		t.Fatal("a wrong password re-keyed the station")
	}
	f.pass.SetText(demo.HeadPassword)
	f.submit()
	if st.Suite() != crypt.National {
		t.Fatal("not re-keyed")
	}
	var after bytes.Buffer
	st.Dump(&after, true)
	if before.String() != after.String() {
		t.Error("the records changed with the re-key")
	}
	if !hasText(c.list, "密码已失效") {
		t.Error("the other operator is not marked for a new password")
	}
	st.Lock()
	if _, err := st.Unlock("李录入", "lulu2025ok"); store.CodeOf(err) != store.CodePasswordReset {
		t.Fatalf("the other operator's old password: %v", err)
	}
	if _, err := st.Unlock(demo.HeadName, demo.HeadPassword); err != nil {
		t.Fatal(err)
	}
}

package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// An alarm the store holds is on the home page, in front of everything
// else, until a person marks it seen.
func TestAlarmShownUntilSeen(t *testing.T) {
	st := openDemo(t)
	if err := st.RaiseAlarm("本站数据文件曾从旧备份恢复（测试）"); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st)
	u.show(0)
	u.home.refresh()
	if !hasText(u.home.steps, "曾从旧备份恢复（测试）") {
		t.Fatal("the open alarm is not on the home page")
	}
	test.Tap(button(t, u.home.steps, "知道了"))
	if hasText(u.home.steps, "曾从旧备份恢复（测试）") {
		t.Error("the alarm is still shown after 知道了")
	}
	open, _ := st.Alarms(false)
	all, _ := st.Alarms(true)
	if len(open) != 0 || len(all) != 1 || all[0].Acked == "" {
		t.Errorf("after 知道了: open %v, all %v", open, all)
	}
}

// 设置 → 从备份恢复: the backup is put back, the window runs on it under a
// new origin, and the replaced file is kept.
func TestRestoreFromTheWindow(t *testing.T) {
	st := openDemo(t)
	path := st.Path()
	if err := st.SnapshotTo(filepath.Join(store.BackupDir(path), "2025-11-29.db")); err != nil {
		t.Fatal(err)
	}
	origin := st.Origin()
	u := newTestUI(t, st)
	var reopened *store.Store
	u.opts.Reopened = func(s *store.Store) { reopened = s; t.Cleanup(func() { s.Close() }) }
	u.chooseBackup()
	test.Tap(button(t, topDialog(u.win), "用这份恢复"))
	test.Tap(button(t, topDialog(u.win), "恢复"))
	if reopened == nil {
		t.Fatal("the window did not switch to the restored file")
	}
	// The file put back opens for an operator only.
	if u.locked == nil {
		t.Fatal("the restored file opened without a login")
	}
	u.locked.pass.SetText(demo.HeadPassword)
	test.Tap(u.locked.ok)
	if reopened.Origin() == origin {
		t.Error("the restored file writes under the old origin")
	}
	if !hasText(topDialog(u.win), "已用") {
		t.Error("the window does not say what the restore did")
	}
	bs, _ := store.Backups(path)
	kept := false
	for _, b := range bs {
		kept = kept || strings.HasPrefix(filepath.Base(b.Path), "恢复前-")
	}
	if !kept {
		t.Errorf("the replaced file is not kept: %v", bs)
	}
}

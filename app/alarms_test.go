package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
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

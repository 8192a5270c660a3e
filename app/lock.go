package app

import (
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"

	"github.com/cunzhan/cunzhan/store"
)

// The window locks itself after some minutes with nobody typing or
// clicking (activity.go), and on the operator's own request (the header's
// button, Ctrl+L): the page and any open dialog are hidden behind the
// login form, and whoever logs in next (the same operator, or another)
// finds them as they were. The data key stays in memory meanwhile, so a
// sync under way finishes; the file on disk stays sealed either way.

const (
	prefIdleMinutes    = "idle_lock_minutes"
	defaultIdleMinutes = 10
	maxIdleMinutes     = 60
)

// idleMinutes is the setting, within 1–60.
func (u *UI) idleMinutes() int {
	m := u.app.Preferences().IntWithFallback(prefIdleMinutes, defaultIdleMinutes)
	if m < 1 || m > maxIdleMinutes {
		return defaultIdleMinutes
	}
	return m
}

// setIdleMinutes changes the setting; text is what the person typed.
func (u *UI) setIdleMinutes(text string) error {
	m, err := strconv.Atoi(text)
	if err != nil || m < 1 || m > maxIdleMinutes {
		return &store.Error{Code: "IDLE_MINUTES", Message: fmt.Sprintf("自动锁定时间应为 1 至 %d 分钟", maxIdleMinutes)}
	}
	u.app.Preferences().SetInt(prefIdleMinutes, m)
	return nil
}

// watchIdle checks for idleness while the window is open (Run starts it;
// headless tests call checkIdle themselves).
func (u *UI) watchIdle() {
	u.watching = true
	noteActivity()
	go func() {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for range t.C {
			if u.st.Closed() {
				return
			}
			fyne.Do(func() { u.checkIdle(time.Now()) })
		}
	}()
}

// checkIdle locks the window when nothing was typed or clicked for the
// set minutes.
func (u *UI) checkIdle(now time.Time) {
	if u.locked == nil && idleSince(now) >= time.Duration(u.idleMinutes())*time.Minute {
		u.lock(fmt.Sprintf("%d 分钟没有操作，村站已自动锁定。", u.idleMinutes()))
	}
}

// lock hides the window behind the login form until an operator logs in.
func (u *UI) lock(why string) {
	if u.locked != nil {
		return
	}
	if u.st.Protected() && u.st.Unlocked() {
		// A lock must happen whatever the log says: a failure to write
		// the entry is shown, not obeyed.
		if err := u.st.Audit(store.AuditLogout, "", why); err != nil {
			u.setStatus("锁定已记入失败：%s", store.MessageOf(err))
		}
	}
	content := u.win.Content()
	ov := u.win.Canvas().Overlays()
	hidden := append([]fyne.CanvasObject(nil), ov.List()...)
	for _, o := range hidden {
		ov.Remove(o)
	}
	prev := u.operator
	f := newLoginForm(u.st, "村站已锁定", why+"请重新登录，也可以换另一位操作员登录。", prev, u.async, func(op *store.Operator) {
		u.locked = nil
		noteActivity()
		u.win.SetContent(content)
		if op.Name == prev {
			for _, o := range hidden {
				ov.Add(o)
			}
			u.refreshOperator()
			return
		}
		// Another person: what the previous one had open (a dialog,
		// unsaved edits, numbers revealed) is not theirs to see. Every
		// page is built afresh; the home page comes first.
		u.operator = op.Name
		u.dialogForm = nil
		for _, si := range u.screens {
			si.built = nil
		}
		u.show(0)
		u.refreshOperator()
		u.setStatus("%s已登录；上一位操作员没有保存的修改已放弃", op.Name)
	})
	u.locked = f
	u.win.SetContent(f.content)
	f.focus(u.win)
}

// Locked reports whether the window is behind its login form.
func (u *UI) Locked() bool { return u.locked != nil }

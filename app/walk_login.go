package app

import (
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/cunzhan/cunzhan/store/demo"
)

// walkCredentials are who the walkthrough logs in as: the operator the
// environment names, else the demo data's 负责人.
func walkCredentials() (string, string) {
	if n, p := os.Getenv("CUNZHAN_OPERATOR"), os.Getenv("CUNZHAN_PASSWORD"); n != "" && p != "" {
		return n, p
	}
	return demo.HeadName, demo.HeadPassword
}

// loginInFront is the login form the window shows now, if any.
func (w *walk) loginInFront() *loginForm {
	var f *loginForm
	w.ui(func() { f = w.loginNow() })
	return f
}

// loginNow is loginInFront on the window's goroutine.
func (w *walk) loginNow() *loginForm {
	switch {
	case w.u != nil && w.u.locked != nil:
		return w.u.locked
	case w.gate != nil && w.gate.login != nil && w.win.Content() == w.gate.login.content:
		return w.gate.login
	}
	return nil
}

// fill types text into a box as a person does: click into it, select what
// is there, type. Without a keyboard (tapdriver) it sets the text.
func (w *walk) fill(e fyne.CanvasObject, set func(string), text string) {
	if _, ok := w.drv.(*xdriver); !ok {
		w.ui(func() { set(text) })
		return
	}
	w.must(w.drv.click(w, e, nil))
	w.settle()
	w.must(w.drv.keys("ctrl+a", "BackSpace"))
	w.must(w.drv.typeText(text))
	w.settle()
}

// walkLogin logs in on the form in front: first with a wrong password,
// which must be refused in words and leave the form there, then with the
// right one, which must open the window. where names the step.
func (w *walk) walkLogin(where string) bool {
	f := w.loginInFront()
	if f == nil {
		return true
	}
	name, pw := walkCredentials()
	w.settle()
	w.shoot(where)
	w.fits(where)
	w.fill(f.name, f.name.SetText, name)
	w.fill(f.pass, f.pass.SetText, "wrong"+pw)
	w.must(w.drv.click(w, f.ok, nil))
	if !w.waitFor(func() bool { return strings.Contains(f.message.Text, "密码不对") }) {
		w.fail("%s：输错密码后没有说“姓名或密码不对”（%q）", where, f.message.Text)
	}
	w.shoot(where + " 密码错误")
	if f.forgot != nil {
		// The way in for a station whose passwords are all lost: its
		// dialog opens, fits, and closes with its own 取消.
		w.must(w.drv.click(w, f.forgot, nil))
		w.settle()
		w.shoot(where + " 忘记密码 对话框")
		w.fits(where + " 忘记密码")
		w.closeDialogs(where+" 忘记密码", true)
	}
	w.fill(f.pass, f.pass.SetText, pw)
	w.must(w.drv.click(w, f.ok, nil))
	if !w.waitFor(func() bool { return w.loginNow() != f }) {
		w.fail("%s：以%s登录后仍停在登录页（%q）", where, name, f.message.Text)
		return false
	}
	w.settle()
	return true
}

// waitFor waits up to ten seconds for a condition read on the window's
// goroutine.
func (w *walk) waitFor(cond func() bool) bool {
	for i := 0; i < 100; i++ {
		ok := false
		w.ui(func() { ok = cond() })
		if ok {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// checkLock locks the window with Ctrl+L, as an operator stepping away
// does, and logs in again: the page comes back as it was.
func (w *walk) checkLock() {
	if !w.fresh(0) {
		return
	}
	var page fyne.CanvasObject
	w.ui(func() { page = w.win.Content() })
	w.must(w.drv.keys("ctrl+l"))
	if !w.waitFor(func() bool { return w.u.locked != nil }) {
		w.fail("Ctrl+L 没有锁定窗口")
		return
	}
	if !w.walkLogin("锁定后") {
		return
	}
	var now fyne.CanvasObject
	w.ui(func() { now = w.win.Content() })
	if now != page {
		w.fail("锁定后重新登录：窗口没有回到锁定前的页面")
	}
}

package app

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/demo"
	csync "github.com/cunzhan/cunzhan/sync"
)

// Who is working. A station's file opens only for one of its operators
// (store/operators.go): the window asks for a name and password when it
// opens and after it locked itself (lock.go). A file without operators is
// set up first: a new one on the set-up page, an older unprotected one on
// the page that protects it.

// loginForm asks for an operator's name and password.
type loginForm struct {
	st      *store.Store
	name    *keySelectEntry
	pass    *keyEntry
	message *widget.Label
	ok      *widget.Button
	async   func(func())
	done    func(*store.Operator)
	content fyne.CanvasObject
	box     *fyne.Container
	// forgot opens the recovery dialog (the window's first login only);
	// recovery is the dialog last opened.
	forgot   *widget.Button
	recovery *recoveryForm
}

func newLoginForm(st *store.Store, title, intro, preset string, async func(func()), done func(*store.Operator)) *loginForm {
	f := &loginForm{st: st, async: async, done: done}
	var names []string
	if ops, err := st.Operators(); err == nil {
		for _, o := range ops {
			names = append(names, o.Name)
		}
	}
	f.name = newKeySelectEntry(names)
	f.name.SetPlaceHolder("操作员姓名")
	if preset == "" && len(names) == 1 {
		preset = names[0]
	}
	f.name.SetText(preset)
	f.pass = newKeyEntry()
	f.pass.Password = true
	f.pass.SetPlaceHolder("密码")
	f.pass.OnSubmitted = func(string) { f.submit() }
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapBreak
	f.ok = newButtonWithIcon("登录", theme.LoginIcon(), f.submit)
	f.ok.Importance = widget.HighImportance
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("操作员"), f.name,
		widget.NewLabel("密码"), f.pass)
	parts := []fyne.CanvasObject{para(intro), form, flow(f.ok), f.message}
	if demo.IsDemo(st) {
		parts = append(parts, para("演示数据的负责人："+demo.HeadName+"，密码："+demo.HeadPassword+"（全部为虚构测试数据）"))
	}
	f.box = container.NewVBox(parts...)
	f.content = centered(card(title, f.box), 440)
	return f
}

// offerRecovery adds the way in for a station whose every password is
// lost: the county's recovery file and its code (recoverdialog.go).
func (f *loginForm) offerRecovery(w fyne.Window) {
	f.forgot = newButton("忘记密码？用县里签发的恢复文件…", func() { f.recovery = showRecovery(w, f.st, f.async, f.done) })
	f.forgot.Importance = widget.LowImportance
	f.box.Add(flow(f.forgot))
}

// centered shows a page's one card in the middle of the window, width
// wide (or the window's width, if narrower).
func centered(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	w := canvas.NewRectangle(color.Transparent)
	w.SetMinSize(fyne.NewSize(width, 1))
	return container.NewCenter(container.NewStack(w, o))
}

// focus puts the keyboard where the person types next.
func (f *loginForm) focus(w fyne.Window) {
	if f.name.Text == "" {
		w.Canvas().Focus(f.name)
	} else {
		w.Canvas().Focus(f.pass)
	}
}

// submit checks the password off the window's goroutine: the key
// derivation takes up to a second on a slow PC.
func (f *loginForm) submit() {
	name, pw := strings.TrimSpace(f.name.Text), f.pass.Text
	if name == "" || pw == "" {
		f.message.SetText("请填写操作员姓名和密码")
		return
	}
	f.ok.Disable()
	f.message.SetText("正在验证…")
	f.async(func() {
		op, err := f.st.Unlock(name, pw)
		fyne.Do(func() {
			f.ok.Enable()
			f.pass.SetText("")
			if err != nil {
				f.message.SetText(plainError(err))
				return
			}
			f.message.SetText("")
			f.done(op)
		})
	})
}

// headFields are the first 负责人's name and password, asked when a
// station is set up or an older file is protected.
type headFields struct {
	name, pass, again *keyEntry
	form              fyne.CanvasObject
}

func newHeadFields() *headFields {
	h := &headFields{name: newKeyEntry(), pass: newKeyEntry(), again: newKeyEntry()}
	h.name.SetPlaceHolder("如：张红梅")
	h.pass.Password, h.again.Password = true, true
	h.pass.SetPlaceHolder("至少8位，含字母和数字")
	h.form = container.New(layout.NewFormLayout(),
		widget.NewLabel("负责人姓名"), h.name,
		widget.NewLabel("登录密码"), h.pass,
		widget.NewLabel("再输入一次"), h.again)
	return h
}

// check says what is wrong with the fields before anything is written.
func (h *headFields) check() string {
	name := strings.TrimSpace(h.name.Text)
	if msg := store.CheckOperatorName(name); msg != "" {
		return "负责人" + msg
	}
	if msg := store.CheckPasswordRule(h.pass.Text, name); msg != "" {
		return msg
	}
	if h.pass.Text != h.again.Text {
		return "两次输入的密码不一致"
	}
	return ""
}

// protect makes the store protected with this 负责人, logged in.
func (h *headFields) protect(st *store.Store) error {
	// Sealed under the county's suite once enrolled; today's otherwise.
	suite := csync.CountySuite(st)
	if suite == "" {
		suite = crypt.Standard
	}
	return st.Protect(suite, strings.TrimSpace(h.name.Text), h.pass.Text)
}

// gate shows what comes before the main window: the set-up page, the page
// that protects an older file, or the login.
type gate struct {
	a     fyne.App
	w     fyne.Window
	ready func(*store.Store)
	async func(func())

	// What it shows now (the walkthrough drives them).
	setup *setup
	login *loginForm
	guard *protectPage
}

func newGate(a fyne.App, w fyne.Window, ready func(*store.Store)) *gate {
	return &gate{a: a, w: w, ready: ready, async: func(f func()) { go f() }}
}

// show decides the page for a store just opened.
func (g *gate) show(st *store.Store) {
	current = st // closed when the window closes, logged in or not
	g.setup, g.login, g.guard = nil, nil, nil
	switch {
	case st.Protected() && st.CurrentOperator() != nil:
		// Just protected by its first 负责人, who is logged in.
		g.ready(st)
	case st.Protected():
		title := "村站"
		if si := st.Station(); si != nil {
			title = si.Name
		}
		g.login = newLoginForm(st, title, "请选择操作员并输入密码。", "", g.async, func(*store.Operator) { g.ready(st) })
		g.login.offerRecovery(g.w)
		g.w.SetContent(g.login.content)
		g.login.focus(g.w)
	case st.Station() == nil:
		g.setup = newSetup(g.a, g.w, st, g.show)
		g.setup.async = g.async
	default:
		g.guard = newProtectPage(g.w, st, g.async, func() { g.ready(st) })
	}
}

// protectPage protects an older file, which holds its personal data in the
// clear, before the window opens on it.
type protectPage struct {
	st      *store.Store
	head    *headFields
	message *widget.Label
	ok      *widget.Button
}

func newProtectPage(w fyne.Window, st *store.Store, async func(func()), done func()) *protectPage {
	p := &protectPage{st: st, head: newHeadFields(), message: widget.NewLabel("")}
	p.message.Wrapping = fyne.TextWrapBreak
	p.ok = newButtonWithIcon("设置负责人并加密", theme.ConfirmIcon(), func() {
		if msg := p.head.check(); msg != "" {
			p.message.SetText(msg)
			return
		}
		p.ok.Disable()
		p.message.SetText("正在加密本站数据，请稍候…")
		async(func() {
			err := p.head.protect(st)
			fyne.Do(func() {
				p.ok.Enable()
				if err != nil {
					p.message.SetText("没有完成：" + plainError(err))
					return
				}
				done()
			})
		})
	})
	p.ok.Importance = widget.HighImportance
	w.SetContent(container.NewPadded(container.NewVBox(
		heading("设置本站负责人"),
		para("本站数据还没有加密保护：拿到数据文件的人能读出身份证号、电话和银行账号。"+
			"请设置本站负责人的姓名和登录密码。设置后，身份证号、电话、银行账号、住址和健康信息加密保存，"+
			"每次打开村站都要登录；负责人可以再为其他工作人员建立账号。"),
		para("此前的自动备份含未加密的信息，将被删除，并重新备份一份加密的。请记住密码：忘记时可由本站另一位负责人重设；"+
			"只有一位负责人时，还没有同步到县里的数据将无法再打开。"),
		p.head.form, flow(p.ok), p.message)))
	return p
}

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// rekeyForm replaces the station's data key (store.Rekey), for a 负责人
// who gives their password again: when an operator leaves, or to follow
// a county of the other suite.
type rekeyForm struct {
	u     *UI
	suite *widget.RadioGroup
	pass  *keyEntry
}

func (u *UI) askRekey() *rekeyForm {
	f := &rekeyForm{u: u, pass: passwordEntry("您的登录密码")}
	labels := []string{crypt.Standard.Label(), crypt.National.Label()}
	f.suite = widget.NewRadioGroup(labels, nil)
	if u.st.Suite() == crypt.National {
		f.suite.SetSelected(labels[1])
	} else {
		f.suite.SetSelected(labels[0])
	}
	items := []*widget.FormItem{
		widget.NewFormItem("", para("用新的数据密钥重新加密本站全部个人信息。您的密码不变；其他操作员的密码随即失效，需要您逐一重设；旧密钥加密的自动备份将删除并重新备份。操作员离职后，或县里改用另一套密码算法时使用。")),
		widget.NewFormItem("密码算法", f.suite),
		widget.NewFormItem("您的密码", f.pass),
	}
	d := dialog.NewForm("更换数据密钥", "更换", "取消", items, func(ok bool) {
		if ok {
			f.submit()
		}
	}, u.win)
	showDialog(u.win, d, fyne.NewSize(560, d.MinSize().Height))
	return f
}

// submit re-keys off the window's goroutine: every sealed value is
// written again.
func (f *rekeyForm) submit() {
	u := f.u
	suite := crypt.Standard
	if f.suite.Selected == crypt.National.Label() {
		suite = crypt.National
	}
	pw := f.pass.Text
	u.setStatus("正在更换数据密钥……")
	u.async(func() {
		err := czsync.Rekey(u.st, suite, pw)
		fyne.Do(func() {
			if err != nil {
				u.showError("没有更换", err)
				u.setStatus("")
				return
			}
			u.setStatus("已更换数据密钥（%s）；其他操作员需要重设密码", suite.Label())
			if u.settings != nil && u.settings.operators != nil {
				u.settings.operators.refresh()
			}
		})
	})
}

// rekeyAllowed tells whether the button is offered: a 负责人 logged in.
func (u *UI) rekeyAllowed() bool {
	return u.st.Protected() && u.st.Require(store.PermEnrol) == nil && u.st.CurrentOperator() != nil
}

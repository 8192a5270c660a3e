package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// The operators of the station, on the settings page: everyone sees who
// they are and changes their own password; a 负责人 adds, removes and
// resets the others (the store refuses the rest, whatever the window
// shows).

func (u *UI) operatorCount() int {
	ops, _ := u.st.Operators()
	return len(ops)
}

// operatorMenu is what the header's operator button offers: lock the
// window (to step away, or to let someone else log in), change one's
// password.
func (u *UI) operatorMenu() {
	var d dialog.Dialog
	lock := newButtonWithIcon("锁定", theme.LogoutIcon(), func() { d.Hide(); u.lock("") })
	pw := newButton("修改我的密码…", func() { d.Hide(); u.changeOwnPassword() })
	d = dialog.NewCustom("操作员："+u.operator, "关闭", container.NewVBox(
		para("离开电脑时请锁定（Ctrl+L）；换另一位工作人员时，锁定后由其登录。"), flow(lock, pw)), u.win)
	d.Show()
}

// passwordEntry is a text box that does not show what is typed.
func passwordEntry(hint string) *keyEntry {
	e := newKeyEntry()
	e.Password = true
	e.SetPlaceHolder(hint)
	return e
}

// changeOwnPassword asks for the old password and a new one twice.
func (u *UI) changeOwnPassword() {
	if u.operator == "" {
		return
	}
	old := passwordEntry("现在的密码")
	u.askPassword("修改我的密码", "修改", "没有修改", "新密码", []*widget.FormItem{widget.NewFormItem("现在的密码", old)}, func(pw string) error {
		if err := u.st.SetPassword(u.operator, old.Text, pw); err != nil {
			return err
		}
		u.setStatus("%s的密码已修改", u.operator)
		return nil
	})
}

// askPassword shows a form of the extra fields and a new password typed
// twice; do runs once the two agree, and what it refuses is shown under
// failed.
func (u *UI) askPassword(title, confirm, failed, label string, extra []*widget.FormItem, do func(pw string) error) {
	pw, again := passwordEntry("至少8位，含字母和数字"), passwordEntry("")
	items := append(extra, widget.NewFormItem(label, pw), widget.NewFormItem("再输入一次", again))
	d := dialog.NewForm(title, confirm, "取消", items, func(ok bool) {
		if !ok {
			return
		}
		if pw.Text != again.Text {
			u.showError(failed, &store.Error{Code: store.CodePassword, Message: "两次输入的密码不一致"})
			return
		}
		if err := do(pw.Text); err != nil {
			u.showError(failed, err)
		}
	}, u.win)
	// Wide enough for the hint under the password box.
	showDialog(u.win, d, fyne.NewSize(460, d.MinSize().Height))
}

// operatorsCard lists the operators with what the person may do to each.
type operatorsCard struct {
	u       *UI
	list    *fyne.Container
	idle    *keyEntry
	rekey   *widget.Button
	content fyne.CanvasObject
}

func newOperatorsCard(u *UI) *operatorsCard {
	c := &operatorsCard{u: u, list: container.NewVBox(), idle: newKeyEntry()}
	add := newButtonWithIcon("添加操作员…", theme.ContentAddIcon(), c.add)
	own := newButton("修改我的密码…", u.changeOwnPassword)
	c.rekey = newButton("更换数据密钥…", func() { u.askRekey() })
	saveIdle := newButton("保存", func() {
		if err := u.setIdleMinutes(strings.TrimSpace(c.idle.Text)); err != nil {
			u.showError("没有保存", err)
			return
		}
		u.setStatus("无操作 %d 分钟后自动锁定", u.idleMinutes())
	})
	c.content = container.NewVBox(
		para("每位工作人员用自己的姓名和密码登录，录入的每条记录都记下是谁录的。负责人可以修改政策参数、打印或导出完整的个人信息、登记站点和管理操作员；录入员不能。"),
		c.list, flow(add, own, c.rekey),
		container.NewBorder(nil, nil, widget.NewLabel("无操作多少分钟后自动锁定"), saveIdle, c.idle))
	return c
}

func (c *operatorsCard) refresh() {
	u := c.u
	c.idle.SetText(fmt.Sprint(u.idleMinutes()))
	ops, err := u.st.Operators()
	if err != nil {
		c.list.Objects = []fyne.CanvasObject{para(plainError(err))}
		c.list.Refresh()
		return
	}
	head := u.st.Require(store.PermAccounts) == nil
	if u.rekeyAllowed() {
		c.rekey.Enable()
	} else {
		c.rekey.Disable()
	}
	var rows []fyne.CanvasObject
	for _, o := range ops {
		o := o
		text := o.Name + "　" + string(o.Role)
		if o.LastLogin != "" {
			text += "　最近登录 " + strings.Replace(o.LastLogin[:min(16, len(o.LastLogin))], "T", " ", 1)
		}
		if !o.LockedUntil.IsZero() {
			text += "　（连续输错密码，锁定至 " + o.LockedUntil.In(store.ChinaTZ).Format("15:04") + "）"
		}
		if o.NeedsPassword {
			text += "　（更换数据密钥后密码已失效，请重设）"
		}
		if o.Name == u.operator {
			text += "　← 当前"
		}
		label := para(text)
		if !head || o.Name == u.operator {
			rows = append(rows, label)
			continue
		}
		other := store.RoleHead
		if o.Role == store.RoleHead {
			other = store.RoleClerk
		}
		reset := newButton("重设密码…", func() { c.resetPassword(o.Name) })
		role := newButton("改为"+string(other), func() {
			if err := u.st.SetRole(o.Name, other); err != nil {
				u.showError("没有修改", err)
				return
			}
			c.refresh()
		})
		remove := newButton("删除", func() {
			u.confirmDanger("删除操作员", "删除操作员 "+o.Name+"？\n删除后其密码不再能打开本站数据；已录入的记录仍记着是其所录。", func() {
				if err := u.st.RemoveOperator(o.Name); err != nil {
					u.showError("没有删除", err)
					return
				}
				c.refresh()
			})
		})
		rows = append(rows, container.NewBorder(nil, nil, nil, flow(reset, role, remove), label))
	}
	c.list.Objects = rows
	c.list.Refresh()
}

// add asks for a new operator's name, role and first password.
func (c *operatorsCard) add() {
	u := c.u
	if err := u.st.Require(store.PermAccounts); err != nil {
		u.showError("不能添加", err)
		return
	}
	name := newKeyEntry()
	name.SetPlaceHolder("如：李建国")
	role := widget.NewRadioGroup([]string{string(store.RoleClerk), string(store.RoleHead)}, nil)
	role.SetSelected(string(store.RoleClerk))
	role.Horizontal = true
	u.askPassword("添加操作员", "添加", "没有添加", "初始密码", []*widget.FormItem{
		widget.NewFormItem("姓名", name), widget.NewFormItem("角色", role),
	}, func(pw string) error {
		if err := u.st.AddOperator(name.Text, store.Role(role.Selected), pw); err != nil {
			return err
		}
		u.setStatus("已添加操作员%s", strings.TrimSpace(name.Text))
		c.refresh()
		return nil
	})
}

// resetPassword gives another operator a new password (a 负责人's job,
// for someone who forgot theirs).
func (c *operatorsCard) resetPassword(name string) {
	u := c.u
	u.askPassword("重设 "+name+" 的密码", "重设", "没有重设", "新密码", nil, func(pw string) error {
		if err := u.st.SetPassword(name, "", pw); err != nil {
			return err
		}
		u.setStatus("已重设%s的密码", name)
		c.refresh()
		return nil
	})
}

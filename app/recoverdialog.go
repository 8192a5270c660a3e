package app

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// recoveryForm asks for the county's recovery file, the code the county
// told by telephone, and the name and new password of the 负责人 to be.
type recoveryForm struct {
	w                       fyne.Window
	st                      *store.Store
	async                   func(func())
	done                    func(*store.Operator)
	file                    []byte
	chosen                  *widget.Label
	code, name, pass, again *keyEntry
}

// showRecovery opens the form; on success the new 负责人 is logged in
// (done).
func showRecovery(w fyne.Window, st *store.Store, async func(func()), done func(*store.Operator)) *recoveryForm {
	f := &recoveryForm{w: w, st: st, async: async, done: done, chosen: widget.NewLabel("（未选择）"),
		code: newKeyEntry(), name: newKeyEntry(), pass: passwordEntry("至少8位，含字母和数字"), again: passwordEntry("")}
	choose := newButton("选择恢复文件…", func() { openFile(w, []string{".recovery", ".json"}, f.read) })
	f.code.SetPlaceHolder("16位数字，县里电话告知")
	f.name.SetPlaceHolder("新的负责人姓名")
	intro := para("本站所有操作员的密码都忘了时，请县级中心签发恢复文件：文件用U盘带来，恢复码由县里电话告知负责人本人。恢复后用下面的姓名和新密码登录；恢复记入审计日志。")
	items := []*widget.FormItem{
		widget.NewFormItem("", intro),
		widget.NewFormItem("恢复文件", choose), widget.NewFormItem("", f.chosen),
		widget.NewFormItem("恢复码", f.code), widget.NewFormItem("负责人", f.name),
		widget.NewFormItem("新密码", f.pass), widget.NewFormItem("再输入一次", f.again),
	}
	d := dialog.NewForm("用恢复文件打开本站数据", "恢复", "取消", items, func(ok bool) {
		if ok {
			f.submit()
		}
	}, w)
	showDialog(w, d, fyne.NewSize(520, d.MinSize().Height))
	return f
}

// read takes the chosen file.
func (f *recoveryForm) read(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		f.fail(&store.Error{Code: store.CodeNotFound, Message: "读不了恢复文件 " + path})
		return
	}
	f.file = b
	f.chosen.SetText(filepath.Base(path))
}

func (f *recoveryForm) fail(err error) {
	dialog.ShowError(&store.Error{Code: store.CodeOf(err), Message: plainError(err)}, f.w)
}

// submit recovers off the window's goroutine (argon2id takes a while).
func (f *recoveryForm) submit() {
	switch {
	case f.file == nil:
		f.fail(&store.Error{Code: czsync.CodeRecoveryFile, Message: "请先选择县里签发的恢复文件"})
		return
	case f.pass.Text != f.again.Text:
		f.fail(&store.Error{Code: store.CodePassword, Message: "两次输入的密码不一致"})
		return
	}
	file, code, name, pw := f.file, f.code.Text, strings.TrimSpace(f.name.Text), f.pass.Text
	f.async(func() {
		op, err := czsync.Recover(f.st, file, code, name, pw)
		fyne.Do(func() {
			if err != nil {
				f.fail(err)
				return
			}
			f.done(op)
		})
	})
}

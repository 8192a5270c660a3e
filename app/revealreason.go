package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// revealReasons are what a cadre most often needs a whole number for;
// 其他 asks for words.
var revealReasons = []string{"核对身份", "办理业务需要完整号码", "电话联系本人或家属", "其他"}

// askReveal asks why personal data is to be shown in full, writes the
// reveal with its reason to the station's audit log (domain §7.3.4), and
// only then calls show. Nothing is shown if the entry cannot be written.
func (u *UI) askReveal(target string, show func()) {
	why := widget.NewRadioGroup(revealReasons, nil)
	why.SetSelected(revealReasons[0])
	other := newKeyEntry()
	other.SetPlaceHolder("写明原因")
	items := []*widget.FormItem{widget.NewFormItem("原因", why), widget.NewFormItem("其他原因", other)}
	d := dialog.NewForm("显示完整信息", "显示", "取消", items, func(ok bool) {
		if !ok {
			return
		}
		reason := why.Selected
		if reason == "其他" || reason == "" {
			reason = strings.TrimSpace(other.Text)
		}
		if reason == "" {
			u.showError("没有显示", &store.Error{Code: "REVEAL_REASON", Message: "请选择或写明查看完整信息的原因"})
			return
		}
		if err := u.st.Audit(store.AuditReveal, target, "原因："+reason); err != nil {
			u.showError("没有显示", err)
			return
		}
		show()
	}, u.win)
	showDialog(u.win, d, fyne.NewSize(420, d.MinSize().Height))
}

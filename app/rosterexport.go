package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/roster"
)

// The roster goes back to Excel as the command line's export roster gives
// it: laid out so that it imports back, ID numbers as text, dates as
// dates, masked unless a 负责人 asks (then marked 含敏感个人信息). Every
// export is in the audit log.

// exportRoster asks whether to include full numbers, then where to save.
func (u *UI) exportRoster() {
	full := widget.NewCheck("包含完整的身份证号、电话、银行账号", nil)
	note := para("不勾选时号码只留部分数字，这样的文件不能再导入。完整版本属于敏感个人信息，须妥善保管。")
	if err := u.st.Require(store.PermUnmasked); err != nil {
		full.Disable()
		note.SetText("号码只留部分数字。只有负责人可以导出完整版本。")
	}
	content := container.NewVBox(para("把本站范围内的农户和人员导出为Excel花名册：户主在前、成员在后，身份证号按文本保存，日期按日期保存。"), full, note)
	d := dialog.NewCustomConfirm("导出花名册", "选择保存位置…", "取消", content, func(ok bool) {
		if !ok {
			return
		}
		name := "农户花名册.xlsx"
		if full.Checked {
			name = "农户花名册（含敏感个人信息）.xlsx"
		}
		saveFile(u.win, name, []string{".xlsx"}, func(path string) { u.writeRoster(path, full.Checked) })
	}, u.win)
	showDialog(u.win, d, fyne.NewSize(480, 320))
}

// writeRoster writes the roster off the window's goroutine.
func (u *UI) writeRoster(path string, unmasked bool) {
	title := "农户花名册"
	if st := u.st.Station(); st != nil {
		title = st.Name + title
	}
	title += "（" + u.now().In(store.ChinaTZ).Format("2006-01-02") + "）"
	scope := u.scope()
	u.runJob("导出花名册", func(_ context.Context, report func(string, int, int)) (any, error) {
		report("导出", 0, 0)
		if unmasked {
			if err := u.st.Require(store.PermUnmasked); err != nil {
				return nil, err
			}
		}
		var buf bytes.Buffer
		var n int
		err := u.st.View(func(r *store.Reader) error {
			var err error
			n, err = roster.Export(&buf, r, scope, unmasked, title)
			return err
		})
		if err != nil {
			return nil, err
		}
		how := "窗口，已遮盖"
		if unmasked {
			how = "窗口，未遮盖（含敏感个人信息）"
		}
		if err := u.st.Audit(store.AuditExport, "花名册 "+scope, how+"，"+filepath.Base(path)); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		return n, atomicfile.Write(path, buf.Bytes())
	}, func(v any, err error) {
		if err != nil {
			u.showError("花名册没有导出", err)
			return
		}
		u.setStatus("已导出花名册：%d 人，保存在 %s", v.(int), path)
	})
}

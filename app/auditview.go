package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// auditShown is how many of the newest entries the window lists; the
// county's console and `cunzhan audit` show the rest.
const auditShown = 300

// auditCard offers the station's audit log to a 负责人.
func (u *UI) auditCard() fyne.CanvasObject {
	return container.NewVBox(
		para("本机上的登录与登录失败、查看完整信息（及原因）、未遮盖打印与导出、操作员与政策参数的改动、登记与恢复，都记入审计日志。日志只增不改，每条含前一条的校验值，删改会在校验时显出；同步时交到县里，至少保存180天。只有负责人可以查看。"),
		flow(newButton("查看审计日志…", u.showAudit)))
}

// showAudit lists the newest entries, newest first, with the result of a
// check of the chain.
func (u *UI) showAudit() {
	list, err := u.st.AuditLog()
	if err != nil {
		u.showError("不能查看", err)
		return
	}
	rep, err := u.st.VerifyStationAudit()
	if err != nil {
		u.showError("不能查看", err)
		return
	}
	status := para(fmt.Sprintf("共 %d 条，链条完整，未发现删改。", rep.Entries))
	if !rep.OK() {
		var lines []string
		for _, p := range rep.Problems {
			lines = append(lines, p.Message)
		}
		status = para(fmt.Sprintf("发现 %d 处问题，审计日志被删改过：\n%s", len(rep.Problems), strings.Join(lines, "\n")))
		status.Importance = widget.DangerImportance
	}
	n := min(len(list), auditShown)
	rows := widget.NewList(func() int { return n }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		e := list[len(list)-1-i]
		name := store.StationAuditNames[e.Action]
		if name == "" {
			name = e.Action
		}
		text := strings.Replace(e.Time[:min(16, len(e.Time))], "T", " ", 1) + "　" + e.User + "　" + name
		for _, s := range []string{e.Target, e.Detail} {
			if s != "" {
				text += "　" + s
			}
		}
		o.(*widget.Label).SetText(text)
	})
	d := dialog.NewCustom("审计日志（最新的在前）", "关闭", container.NewBorder(status, nil, nil, nil, rows), u.win)
	showDialog(u.win, d, fyne.NewSize(860, 520))
}

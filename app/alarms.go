package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// maxAlarmCards is how many alarms the home page shows at once; the rest
// are counted.
const maxAlarmCards = 3

// alarmCards are the alarms nobody has marked seen yet (a station found
// restored from an old copy, checksums that disagree, today's backup
// failed), at the top of the home page in the error colour, each with
// 知道了. An alarm never only sits in the file.
func (u *UI) alarmCards() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	if err := u.st.BackupProblem(); err != nil {
		out = append(out, alarmCard("今天的自动备份没有完成："+store.MessageOf(err)+"。请检查磁盘空间；数据本身没有受影响。", nil))
	}
	if err := u.st.RegistryProblem(); err != nil {
		out = append(out, alarmCard("本机记不下已用过的数据编号（"+store.MessageOf(err)+"）：万一数据文件被旧备份覆盖，本机将无法自己发现。请检查磁盘和用户目录的权限。", nil))
	}
	list, err := u.st.Alarms(false)
	if err != nil {
		return append(out, alarmCard("读不出提醒："+store.MessageOf(err), nil))
	}
	for i, a := range list {
		if i == maxAlarmCards {
			out = append(out, para(fmt.Sprintf("还有 %d 条提醒（命令行：cunzhan alarms）", len(list)-maxAlarmCards)))
			break
		}
		a := a
		out = append(out, alarmCard(a.Time+"　"+a.What, func() {
			if err := u.st.AckAlarm(a.ID, u.operator); err != nil {
				u.showError("无法标记提醒", err)
				return
			}
			u.home.refresh()
		}))
	}
	return out
}

// alarmCard is one alarm: its text, and 知道了 when it can be marked seen.
func alarmCard(text string, ack func()) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameError))
	bg.CornerRadius = 6
	inner := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	inner.CornerRadius = 5
	msg := para("！" + text)
	msg.Importance = widget.DangerImportance
	var right fyne.CanvasObject
	if ack != nil {
		right = newButton("知道了", ack)
	}
	body := container.NewBorder(nil, nil, nil, right, msg)
	return container.NewStack(bg, container.New(insetLayout{2}, inner), container.NewPadded(body))
}

// insetLayout places its objects d inside its size (a border of the
// colour behind).
type insetLayout struct{ d float32 }

func (l insetLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(l.d, l.d))
		o.Resize(fyne.NewSize(size.Width-2*l.d, size.Height-2*l.d))
	}
}

func (l insetLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m.AddWidthHeight(2*l.d, 2*l.d)
}

// tellAlarms shows what a sync or an import raised, at once, over the
// window; the alarms also stay on the home page until marked seen.
func (u *UI) tellAlarms(alarms []string) {
	if len(alarms) == 0 {
		return
	}
	box := container.NewVBox()
	for _, a := range alarms {
		l := para("！" + a)
		l.Importance = widget.DangerImportance
		box.Add(l)
	}
	box.Add(para("这些提醒也会显示在首页，直到点“知道了”。"))
	d := dialog.NewCustom("需要注意", "关闭", container.NewVScroll(box), u.win)
	showDialog(u.win, d, fyne.NewSize(640, 360))
	u.home.refresh()
}

package app

import (
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// Putting an automatic backup back (store.Restore) from the window: from
// the settings page, and from the page a damaged file opens on. The
// replaced file is kept in the backup folder; the station takes a new
// origin and gets back from the county, at the next sync, what it had
// passed on after the backup was taken.

// backupList is the automatic backups of the file at path, newest first,
// each with a button that calls pick.
func backupList(path string, pick func(b store.Backup)) fyne.CanvasObject {
	bs, err := store.Backups(path)
	if err != nil {
		return para("读不出备份文件夹：" + store.MessageOf(err))
	}
	if len(bs) == 0 {
		return para("没有找到自动备份（" + store.BackupDir(path) + "）。村站每天第一次打开数据文件时自动备份一次，保留最近7天。")
	}
	box := container.NewVBox()
	for _, b := range bs {
		b := b
		sound := store.CheckFile(b.Path) == nil
		text := fmt.Sprintf("%s　%s　%.1f MB", b.Taken.In(store.ChinaTZ).Format("2006-01-02 15:04"), filepath.Base(b.Path), float64(b.Size)/(1<<20))
		btn := newButton("用这份恢复", func() { pick(b) })
		if !sound {
			text += "　（已损坏，不能使用）"
			btn.Disable()
		}
		box.Add(container.NewBorder(nil, nil, nil, btn, widget.NewLabel(text)))
	}
	return box
}

// restoreWarning is what a person must know before restoring.
func restoreWarning(b store.Backup) string {
	return fmt.Sprintf("用 %s 的备份恢复本站数据？\n\n备份之后录入、并且已经同步到县里的内容，下次同步时会从县里取回；"+
		"备份之后录入、但还没有同步的内容会丢失。\n现在的数据文件不会删除，保留在备份文件夹里。",
		b.Taken.In(store.ChinaTZ).Format("2006-01-02 15:04"))
}

// chooseBackup lists the backups over the window and restores the one
// picked, after the unsaved-edit guard and a confirmation.
func (u *UI) chooseBackup() {
	if err := u.st.Require(store.PermRestore); err != nil {
		u.showError("不能恢复", err)
		return
	}
	path := u.st.Path()
	var d dialog.Dialog
	list := backupList(path, func(b store.Backup) {
		d.Hide()
		u.guard("从备份恢复", func() {
			u.confirmDanger("恢复", restoreWarning(b), func() { u.restoreFrom(b.Path) })
		})
	})
	other := newButton("选择其他备份文件…（如县里从U盘加密备份恢复出的文件）", func() {
		d.Hide()
		openFile(u.win, []string{".db"}, func(path string) {
			u.guard("从备份恢复", func() {
				u.confirmDanger("恢复", "用这个文件恢复本站数据？\n"+path+"\n\n现在的数据文件不会删除，保留在备份文件夹里。", func() { u.restoreFrom(path) })
			})
		})
	})
	d = dialog.NewCustom("从备份恢复", "取消", container.NewBorder(nil, other, nil, nil, container.NewVScroll(list)), u.win)
	showDialog(u.win, d, fyne.NewSize(720, 420))
}

// restoreFrom closes the store, restores the backup, opens the restored
// file and rebuilds the window on it.
func (u *UI) restoreFrom(backup string) {
	path, opts := u.st.Path(), u.st.OpenOptions()
	u.st.Close()
	ro := *opts
	ro.RestoredBy = u.operator // the audit log names who put the copy back
	res, err := store.Restore(path, backup, &ro)
	st, oerr := store.Open(path, opts)
	if oerr != nil {
		showFatal(u.win, "无法打开数据文件", oerr)
		return
	}
	if u.opts.Reopened != nil {
		u.opts.Reopened(st)
	}
	reopen := func() {
		nu := New(u.app, u.win, st, u.opts)
		if u.watching {
			nu.watchIdle() // the old window's watch ends with its store
		}
		if err != nil {
			nu.showError("没有恢复", err)
			return
		}
		nu.tellRestored(res)
	}
	if !st.Protected() || st.CurrentOperator() != nil {
		reopen()
		return
	}
	// The file put back opens only for an operator, as at start.
	f := newLoginForm(st, "请重新登录", "数据文件已换成所选的备份，请重新登录。", u.operator, u.async, func(*store.Operator) { u.locked = nil; reopen() })
	u.locked = f
	u.win.SetContent(f.content)
	f.focus(u.win)
}

// tellRestored says what a restore did and what happens next.
func (u *UI) tellRestored(res *store.RestoreResult) {
	msg := fmt.Sprintf("已用 %s 的备份恢复。", res.Taken.In(store.ChinaTZ).Format("2006-01-02 15:04"))
	if res.Kept != "" {
		msg += "\n被替换的数据文件保留在：" + res.Kept
	}
	msg += "\n本站已改用新的来源编号。请尽快同步：县里会把本站在备份之后交过去的数据送回来。"
	d := dialog.NewCustom("已恢复", "知道了", para(msg), u.win)
	showDialog(u.win, d, fyne.NewSize(640, 300))
}

// showCorrupt is the page a damaged data file opens on: what is wrong,
// and the backups to restore from.
func showCorrupt(w fyne.Window, path string, err error, restored func(*store.Store, *store.RestoreResult)) {
	msg := para(store.MessageOf(err) + "\n\n错误代码：" + store.CodeOf(err))
	var list fyne.CanvasObject
	list = backupList(path, func(b store.Backup) {
		confirmDangerIn(w, "恢复", restoreWarning(b), func() {
			res, rerr := store.Restore(path, b.Path, nil)
			if rerr != nil {
				dialog.ShowError(fmt.Errorf("%s", store.MessageOf(rerr)), w)
				return
			}
			st, oerr := openForWindow(path)
			if oerr != nil {
				showCorrupt(w, path, oerr, restored)
				return
			}
			restored(st, res)
		})
	})
	w.SetContent(container.NewPadded(container.NewBorder(
		container.NewVBox(heading("数据文件已损坏"), msg, heading("自动备份")),
		container.NewHBox(layout.NewSpacer(), newButton("关闭", w.Close)), nil, nil,
		container.NewVScroll(list))))
}

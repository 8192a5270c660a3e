package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store/roster"
)

// job is long work shown in a small window with its stage, a progress bar
// and a cancel button, run off the UI goroutine.
type job struct {
	dlg    dialog.Dialog
	stage  *widget.Label
	bar    *widget.ProgressBar
	cancel *widget.Button
}

// runJob runs work in the background; report updates the window; done runs
// on the UI goroutine with work's result.
func (u *UI) runJob(title string, work func(ctx context.Context, report func(stage string, done, total int)) (any, error), done func(any, error)) {
	ctx, stop := context.WithCancel(context.Background())
	j := &job{stage: widget.NewLabel("准备中……"), bar: widget.NewProgressBar()}
	j.cancel = newButtonWithIcon("取消", theme.CancelIcon(), func() {
		stop()
		j.stage.SetText("正在取消……")
		j.cancel.Disable()
	})
	j.dlg = dialog.NewCustomWithoutButtons(title, container.NewVBox(j.stage, j.bar, container.NewCenter(j.cancel)), u.win)
	showDialog(u.win, j.dlg, fyne.NewSize(420, 170))
	u.async(func() {
		res, err := work(ctx, func(stage string, n, total int) {
			fyne.Do(func() {
				j.stage.SetText(fmt.Sprintf("%s：%d / %d", stage, n, total))
				if total > 0 {
					j.bar.SetValue(float64(n) / float64(total))
				}
			})
		})
		fyne.Do(func() {
			stop()
			j.dlg.Hide()
			done(res, err)
		})
	})
}

// importRoster asks for a village roster (CSV or XLSX) and imports it.
func (u *UI) importRoster() {
	openFile(u.win, []string{".csv", ".xlsx", ".CSV", ".XLSX"}, u.rosterFile)
}

// rosterFile checks a roster without writing, shows what would happen to
// each row, and imports the good rows when the user agrees. Rejected rows
// are never written; the rest goes in one transaction.
func (u *UI) rosterFile(path string) {
	rows, err := roster.Read(path)
	if err != nil {
		u.showError("花名册无法读取", err)
		return
	}
	var run func(dry bool)
	run = func(dry bool) {
		title := "检查花名册"
		if !dry {
			title = "导入花名册"
		}
		u.runJob(title, func(ctx context.Context, report func(string, int, int)) (any, error) {
			return roster.ImportWith(ctx, u.st, rows, u.author(), dry, report)
		}, func(v any, err error) {
			if err != nil {
				u.showError(title+"没有完成", err)
				return
			}
			res := v.(*roster.Result)
			if !dry {
				u.setStatus("花名册已导入：%d 人，新建 %d 户", res.Imported, res.Households)
				u.changed()
			}
			u.showRosterResult(res, func() { run(false) })
		})
	}
	run(true)
}

// showRosterResult lists the outcome per row: problems in full, with the ID
// number masked; after a check, a button imports the rows that passed.
func (u *UI) showRosterResult(res *roster.Result, importNow func()) {
	summary := fmt.Sprintf("可导入 %d 人（新建 %d 户），已有而跳过 %d 行，有问题 %d 行。", res.Imported, res.Households, res.Skipped, res.Rejected)
	if !res.DryRun {
		summary = fmt.Sprintf("已导入 %d 人，新建 %d 户；跳过 %d 行；有问题未导入 %d 行。", res.Imported, res.Households, res.Skipped, res.Rejected)
	}
	var lines []string
	for _, r := range res.Rows {
		if r.Outcome == roster.Imported && len(r.Warnings) == 0 {
			continue
		}
		var msgs []string
		for _, p := range r.Problems {
			msgs = append(msgs, p.Message)
		}
		for _, w := range r.Warnings {
			msgs = append(msgs, "提示："+w.Message)
		}
		lines = append(lines, fmt.Sprintf("第%d行 %s %s %s：%s", r.Row, r.Name, r.IDMasked, r.Outcome, strings.Join(msgs, "；")))
	}
	detail := para(strings.Join(lines, "\n"))
	detail.Wrapping = fyne.TextWrapBreak
	content := container.NewBorder(para(summary), nil, nil, nil, container.NewVScroll(detail))
	var d dialog.Dialog
	if res.DryRun && res.Imported > 0 {
		d = dialog.NewCustomConfirm("花名册检查结果", fmt.Sprintf("导入 %d 人", res.Imported), "关闭", content, func(ok bool) {
			if ok {
				importNow()
			}
		}, u.win)
	} else {
		d = dialog.NewCustom("花名册", "关闭", content, u.win)
	}
	showDialog(u.win, d, fyne.NewSize(760, 520))
	u.lastRoster = res
}

package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
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

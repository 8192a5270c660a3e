package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	csync "github.com/cunzhan/cunzhan/sync"
)

// syncScreen is 同步: enrolment with the county's credential file, network
// sync with progress and a cancel button, and the USB stick both ways, each
// ending with a result in plain words.
type syncScreen struct {
	u *UI

	identity *widget.Label
	enrolBtn *widget.Button

	server   *keyEntry
	syncBtn  *widget.Button
	cancel   *widget.Button
	progress *widget.ProgressBarInfinite
	stage    *widget.Label
	result   *widget.Label
	stop     context.CancelFunc
	running  bool

	exportBtn *widget.Button
	importBtn *widget.Button
	usbBar    *widget.ProgressBar
	usbCancel *widget.Button
	usbResult *widget.Label
	usbStop   context.CancelFunc

	last *widget.Label
	// stages records every progress report of the last network sync
	// (tests check that progress was reported).
	stages []csync.Progress
}

func newSyncScreen(u *UI) *syncScreen { return &syncScreen{u: u} }

func (s *syncScreen) dirty() bool { return false }

func (s *syncScreen) build() fyne.CanvasObject {
	s.identity = widget.NewLabel("")
	s.identity.Wrapping = fyne.TextWrapBreak
	s.enrolBtn = newButtonWithIcon("用县级中心的凭证文件登记…", theme.FileIcon(), func() {
		openFile(s.u.win, nil, s.enrolFrom)
	})

	s.server = newKeyEntry()
	s.server.SetPlaceHolder("县级中心地址，如 http://10.1.2.3:8787")
	s.syncBtn = newButtonWithIcon("立即同步", theme.ViewRefreshIcon(), s.startSync)
	s.syncBtn.Importance = widget.HighImportance
	s.cancel = newButtonWithIcon("取消", theme.CancelIcon(), func() {
		if s.stop != nil {
			s.stop()
		}
	})
	s.cancel.Disable()
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	s.stage = widget.NewLabel("")
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapBreak

	s.exportBtn = newButtonWithIcon("导出到U盘…", theme.UploadIcon(), func() {
		openFolder(s.u.win, s.exportTo)
	})
	s.importBtn = newButtonWithIcon("从U盘导入…", theme.DownloadIcon(), func() {
		openFile(s.u.win, nil, s.importFrom)
	})
	s.usbBar = widget.NewProgressBar()
	s.usbBar.Hide()
	s.usbCancel = newButtonWithIcon("取消导入", theme.CancelIcon(), func() {
		if s.usbStop != nil {
			s.usbStop()
		}
	})
	s.usbCancel.Hide()
	s.usbResult = widget.NewLabel("")
	s.usbResult.Wrapping = fyne.TextWrapBreak
	s.last = widget.NewLabel("")
	s.last.Wrapping = fyne.TextWrapBreak
	review := newButtonWithIcon("去审核并发修改", theme.WarningIcon(), func() { s.u.showScreen(s.u.conflicts) })

	network := container.NewVBox(
		labelled("县级中心", s.server),
		flow(s.syncBtn, s.cancel),
		s.progress, s.stage, s.result,
	)
	usb := container.NewVBox(
		para("没有网络时：导出同步文件，带U盘到乡镇或县级中心导入，再把回传的文件带回本站导入。"),
		flow(s.exportBtn, s.importBtn, s.usbCancel),
		s.usbBar, s.usbResult,
	)
	return scrolled(container.NewVBox(
		card("本站登记", container.NewVBox(s.identity, flow(s.enrolBtn))),
		card("网络同步", network),
		card("U盘同步", usb),
		card("上次同步", container.NewVBox(s.last, flow(review))),
	))
}

func (s *syncScreen) refresh() {
	si := s.u.st.Station()
	switch {
	case s.u.node != nil:
		county, _ := s.u.node.Peer(s.u.node.CountyID())
		name := ""
		if county != nil {
			name = county.Name
		}
		s.identity.SetText(fmt.Sprintf("本站已登记：%s（%s），同步对象：%s。", si.Name, si.Code, name))
		s.enrolBtn.Hide()
		s.setEnabled(true)
		if s.server.Text == "" {
			s.server.SetText(s.u.node.Server())
		}
		s.showLast(county)
	case si != nil:
		s.identity.SetText(fmt.Sprintf("本站（%s，%s）尚未在县级中心登记，登记后才能同步。请向县级中心索取本站的凭证文件。", si.Name, si.Code))
		s.enrolBtn.Show()
		s.setEnabled(false)
		s.last.SetText("尚未同步过。")
	}
}

func (s *syncScreen) setEnabled(on bool) {
	for _, b := range []*widget.Button{s.syncBtn, s.exportBtn, s.importBtn} {
		if on && !s.running {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func (s *syncScreen) showLast(county *csync.PeerState) {
	text := "尚未同步过。"
	if county != nil && county.LastSync != "" {
		text = fmt.Sprintf("%s：%s", county.LastSync, county.LastResult)
	}
	s.u.conflicts.recount()
	if n := s.u.conflicts.count; n > 0 {
		text += fmt.Sprintf("\n有%d处并发修改等待审核。", n)
	}
	s.last.SetText(text)
}

// enrolFrom reads a credential file and enrols the station with it.
func (s *syncScreen) enrolFrom(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		s.u.showError("读取凭证文件失败", &store.Error{Code: "READ_FILE", Message: "无法读取所选文件：" + filepath.Base(path), Err: err})
		return
	}
	if _, err := csync.Enrol(s.u.st, b); err != nil {
		s.u.showError("登记失败", err)
		return
	}
	n, err := csync.Open(s.u.st)
	if err != nil {
		s.u.showError("登记失败", err)
		return
	}
	s.u.node = n
	s.u.win.SetTitle(s.u.windowTitle())
	s.u.setStatus("本站已登记，可以同步")
	s.refresh()
	if suite, ok := csync.FollowsCounty(s.u.st); !ok && s.u.rekeyAllowed() {
		// The county uses the other suite: the file follows it, with
		// the 负责人's password.
		f := s.u.askRekey()
		f.suite.SetSelected(suite.Label())
		s.u.setStatus("本站已登记；县里使用%s，请输入您的密码，把本站数据改用同一套算法加密", suite.Label())
	}
}

// startSync runs a network sync off the UI goroutine, showing each stage.
func (s *syncScreen) startSync() {
	if s.u.node == nil || s.running {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.running = true
	s.stages = nil
	s.setEnabled(false)
	s.cancel.Enable()
	s.progress.Show()
	s.progress.Start()
	s.result.SetText("")
	server := strings.TrimSpace(s.server.Text)
	client := s.u.client
	s.u.async(func() {
		res, err := s.u.node.Sync(ctx, server, client, func(p csync.Progress) {
			fyne.Do(func() {
				s.stages = append(s.stages, p)
				s.stage.SetText(fmt.Sprintf("第%d轮 · %s：%s（已发出 %s，已收到 %s）", p.Round, p.Stage, p.Message, sizeText(p.BytesSent), sizeText(p.BytesReceived)))
			})
		})
		fyne.Do(func() {
			cancel()
			s.running = false
			s.stop = nil
			s.progress.Stop()
			s.progress.Hide()
			s.cancel.Disable()
			s.setEnabled(true)
			if err != nil {
				msg := store.MessageOf(err)
				if ctx.Err() != nil {
					msg = "同步已取消。已写入的数据保留，下次同步会接着进行。"
				}
				s.result.SetText("同步没有完成：" + msg + "（" + store.CodeOf(err) + "）")
				s.u.setStatus("同步没有完成")
			} else {
				s.result.SetText(res.Summary() + "。")
				for _, w := range res.Warnings {
					s.result.SetText(s.result.Text + "\n注意：" + w)
				}
				s.u.setStatus("%s", res.Summary())
				s.u.tellAlarms(res.Alarms)
			}
			s.u.changed()
			s.refresh()
		})
	})
}

// exportTo writes the bundles for the county into a folder (a USB stick).
func (s *syncScreen) exportTo(dir string) {
	if s.u.node == nil {
		return
	}
	s.u.async(func() {
		paths, err := s.u.node.ExportTo(dir, s.u.node.CountyID())
		snap := ""
		if err == nil {
			// The whole file, sealed for the county: if this computer is
			// lost, the county can give the station its data back.
			snap, err = s.u.node.ExportSnapshot(dir)
		}
		fyne.Do(func() {
			if err != nil {
				s.usbResult.SetText("导出失败：" + plainError(err))
				return
			}
			var names []string
			for _, p := range paths {
				names = append(names, filepath.Base(p))
			}
			s.usbResult.SetText(fmt.Sprintf("已导出 %d 个同步文件到 %s：\n%s\n另有本站数据的加密备份（只有县级中心能打开）：%s\n请把U盘带到乡镇或县级中心导入。", len(paths), dir, strings.Join(names, "\n"), filepath.Base(snap)))
			s.u.setStatus("已导出同步文件")
		})
	})
}

// importFrom brings in a bundle from the stick (copied into the station's
// inbox first), with a progress bar and a cancel button.
func (s *syncScreen) importFrom(path string) {
	if s.u.node == nil || s.running {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.usbStop = cancel
	s.running = true
	s.setEnabled(false)
	s.usbBar.SetValue(0)
	s.usbBar.Show()
	s.usbCancel.Show()
	s.usbResult.SetText("正在导入 " + filepath.Base(path) + " …")
	inbox := s.u.st.Path() + ".inbox"
	s.u.async(func() {
		res, err := s.u.node.ImportFileWith(ctx, path, inbox, func(done, total int) {
			fyne.Do(func() {
				if total > 0 {
					s.usbBar.SetValue(float64(done) / float64(total))
				}
			})
		})
		fyne.Do(func() {
			cancel()
			s.running = false
			s.usbBar.Hide()
			s.usbCancel.Hide()
			s.setEnabled(true)
			if err != nil {
				s.usbResult.SetText("导入没有完成：" + plainError(err))
				s.u.setStatus("导入没有完成")
			} else {
				s.usbResult.SetText(fmt.Sprintf("已导入（来自%s）：%s。", res.FromName, res.Summary()))
				s.u.setStatus("已导入同步文件")
				s.u.tellAlarms(res.Alarms)
			}
			s.u.changed()
			s.refresh()
		})
	})
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}

package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/roster"
)

// A station starts from the registers it keeps in Excel. The person says
// which register a file is, sees how its columns are read with the first
// rows under them (numbers masked), changes what is wrong, checks the
// whole file without writing, reads the per-row report (and saves it),
// and only then imports. Every rule is the roster package's; this file
// only asks and shows.

// registerExts are the files a register may come in.
var registerExts = []string{".xlsx", ".xls", ".csv", ".XLSX", ".XLS", ".CSV"}

// importExcel asks which register a file is, then for the file.
func (u *UI) importExcel() {
	var names []string
	for _, r := range roster.Registers {
		names = append(names, r.Name)
	}
	choice := widget.NewRadioGroup(names, nil)
	choice.SetSelected(names[0])
	content := container.NewVBox(
		para("要导入的是哪一种表？可以是 .xlsx、.xls 或 .csv 文件。导入前先显示各列的对应和前几行，检查整份表后再写入。"),
		choice)
	d := dialog.NewCustomConfirm("导入Excel表格", "选择文件…", "取消", content, func(ok bool) {
		if reg := roster.RegisterByCode(choice.Selected); ok && reg != nil {
			openFile(u.win, registerExts, func(path string) { u.registerFile(reg, path) })
		}
	}, u.win)
	showDialog(u.win, d, fyne.NewSize(480, 380))
}

// importRoster goes straight to a village roster (the first steps).
func (u *UI) importRoster() {
	openFile(u.win, registerExts, func(path string) { u.registerFile(roster.Registers[0], path) })
}

// registerFile reads a file off the window's goroutine and shows how its
// columns would be read.
func (u *UI) registerFile(reg *roster.Register, path string) {
	u.runJob("读取"+reg.Name, func(ctx context.Context, report func(string, int, int)) (any, error) {
		report("读取文件", 0, 0)
		return roster.Read(path)
	}, func(v any, err error) {
		if err != nil {
			u.showError(reg.Name+"无法读取", err)
			return
		}
		rows := v.([][]string)
		m, err := reg.Propose(rows, roster.Options{}, u.st)
		if err != nil {
			u.showError(reg.Name+"无法读取", err)
			return
		}
		u.showMapping(reg, rows, m)
	})
}

// showMapping shows each column of the file with what it is read as and
// its first values, and lets the person change what a column is.
func (u *UI) showMapping(reg *roster.Register, rows [][]string, m *roster.Mapping) {
	preview := roster.Preview(rows, m, 3)
	form := container.New(layout.NewFormLayout())
	selects := make([]*widget.Select, len(m.Headers))
	samples := make([]*widget.Label, len(m.Headers))
	missing := widget.NewLabel("")
	missing.Importance = widget.DangerImportance
	missing.Wrapping = fyne.TextWrapWord
	check := newButtonWithIcon("检查（不写入）", theme.ConfirmIcon(), nil)
	check.Importance = widget.HighImportance
	updating := false
	refresh := func() {
		preview = roster.Preview(rows, m, 3) // dates read as the new mapping reads them
		updating = true
		defer func() { updating = false }()
		for c, sel := range selects {
			if sel == nil {
				continue
			}
			sel.SetSelected(m.Label(c))
			var vals []string
			for _, line := range preview {
				if v := line[c]; v != "" {
					vals = append(vals, roster.MaskCell(m.Fields[c], v))
				}
			}
			samples[c].SetText(strings.Join(vals, "、"))
		}
		if lack := m.Missing(reg.Required...); len(lack) > 0 {
			missing.SetText("还缺：" + strings.Join(lack, "、") + "。请在左边的选择框里指明哪一列是它。")
			check.Disable()
		} else {
			missing.SetText("")
			check.Enable()
		}
	}
	for c, h := range m.Headers {
		empty := h == ""
		for _, line := range preview {
			empty = empty && line[c] == ""
		}
		if empty {
			continue
		}
		c := c
		label := h
		if label == "" {
			label = fmt.Sprintf("（第%d列）", c+1)
		}
		selects[c] = widget.NewSelect(m.Options(), func(choice string) {
			if updating {
				return
			}
			if err := m.SetColumn(c, choice); err != nil {
				u.showError("无法这样对应", err)
			}
			refresh()
		})
		samples[c] = widget.NewLabel("")
		samples[c].Truncation = fyne.TextTruncateEllipsis
		form.Add(widget.NewLabel(label))
		form.Add(container.NewBorder(nil, nil, selects[c], nil, samples[c]))
	}
	refresh()
	intro := para(fmt.Sprintf("表头在第%d行。请核对每一列读作什么，不需要的列选“不导入”；右边是前几行的内容（身份证号、电话已隐去）。下次导入同样表头的文件时，会按这次的对应。", m.HeaderRow+1))
	var d dialog.Dialog
	cancel := newButtonWithIcon("取消", theme.CancelIcon(), func() { d.Hide() })
	// Where the rows go, when the station cannot tell: the village of a
	// roster at a township or county station, the home of a resident
	// list at a station with several.
	place := u.importPlace(reg)
	top := fyne.CanvasObject(intro)
	if place.box != nil {
		top = container.NewVBox(intro, place.box)
	}
	check.OnTapped = func() {
		d.Hide()
		u.runRegister(reg, rows, m, place.options(), true)
	}
	buttons := container.NewHBox(layout.NewSpacer(), cancel, check)
	content := container.NewBorder(top, container.NewVBox(missing, buttons), nil, nil, container.NewVScroll(form))
	d = dialog.NewCustomWithoutButtons("核对各列："+reg.Name, content, u.win)
	showDialog(u.win, d, fyne.NewSize(760, 560))
	u.lastMapping = d
}

// runRegister checks (dry) or imports the rows with the settled mapping.
func (u *UI) runRegister(reg *roster.Register, rows [][]string, m *roster.Mapping, where roster.Options, dry bool) {
	title := "检查" + reg.Name
	if !dry {
		title = "导入" + reg.Name
	}
	u.runJob(title, func(ctx context.Context, report func(string, int, int)) (any, error) {
		opt := where
		opt.Author, opt.DryRun, opt.Mapping, opt.Progress = u.author(), dry, m, report
		return reg.Run(ctx, u.st, rows, opt)
	}, func(v any, err error) {
		if err != nil {
			u.showError(title+"没有完成", err)
			if !dry {
				u.changed() // whole households before a cancel are kept
			}
			return
		}
		res := v.(*roster.Result)
		if !dry {
			u.setStatus("%s已导入：%d %s", reg.Name, res.Imported, reg.Unit)
			u.changed()
		}
		u.showRegisterResult(reg, res, func() { u.runRegister(reg, rows, m, where, false) })
	})
}

// showRegisterResult lists the outcome per row: problems in full, with the
// ID number masked; after a check, a button imports the rows that passed.
func (u *UI) showRegisterResult(reg *roster.Register, res *roster.Result, importNow func()) {
	unit := reg.Unit
	summary := fmt.Sprintf("可导入 %d %s，已有而跳过 %d 行，有问题 %d 行。", res.Imported, unit, res.Skipped, res.Rejected)
	if !res.DryRun {
		summary = fmt.Sprintf("已导入 %d %s；跳过 %d 行；有问题未导入 %d 行。", res.Imported, unit, res.Skipped, res.Rejected)
	}
	if reg.Code == "roster" {
		summary = strings.Replace(summary, unit+"，", unit+"（新建 "+fmt.Sprint(res.Households)+" 户），", 1)
		summary = strings.Replace(summary, unit+"；", unit+"，新建 "+fmt.Sprint(res.Households)+" 户；", 1)
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
	if len(lines) == 0 {
		lines = append(lines, "每一行都没有问题。")
	}
	detail := para(strings.Join(lines, "\n"))
	detail.Wrapping = fyne.TextWrapBreak
	save := newButtonWithIcon("保存报告（Excel）…", theme.DocumentSaveIcon(), func() {
		saveFile(u.win, reg.Name+"导入报告.xlsx", []string{".xlsx"}, func(path string) { u.saveImportReport(reg, res, path) })
	})
	top := container.NewBorder(nil, nil, nil, save, para(summary))
	content := container.NewBorder(top, nil, nil, nil, container.NewVScroll(detail))
	var d dialog.Dialog
	if res.DryRun && res.Imported > 0 {
		d = dialog.NewCustomConfirm(reg.Name+"检查结果", fmt.Sprintf("导入 %d %s", res.Imported, unit), "关闭", content, func(ok bool) {
			if ok {
				importNow()
			}
		}, u.win)
	} else {
		d = dialog.NewCustom(reg.Name, "关闭", content, u.win)
	}
	showDialog(u.win, d, fyne.NewSize(760, 520))
	u.lastRoster = res
}

// saveImportReport writes the per-row report where the person chose.
func (u *UI) saveImportReport(reg *roster.Register, res *roster.Result, path string) {
	var buf bytes.Buffer
	err := roster.WriteReportXLSX(&buf, res, reg.Name)
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
			err = atomicfile.Write(path, buf.Bytes())
		}
	}
	if err != nil {
		u.showError("报告没有保存", err)
		return
	}
	u.setStatus("导入报告已保存到 %s", path)
}

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
)

// printScreen is 打印: choose a form or report, what it covers, and save
// the PDF or open it in the system's PDF viewer to print.
type printScreen struct {
	u *UI

	list     *focusList
	items    []print.Item // the catalog, then reports without a printed form (printItems)
	item     print.Item
	params   *fyne.Container
	right    *fyne.Container // the parameters and buttons, laid out again as a form is chosen
	picker   *refPicker
	record   uuid.UUID
	scope    *widget.Select
	scopes   map[string]string
	period   *keyEntry
	unmasked *widget.Check
	// unmaskedNote says what the box does, or why it cannot be ticked.
	unmaskedNote *widget.Label
	// purpose is what an unmasked copy is for, printed on every page
	// (仅供…使用) and kept in the audit log; asked only when unmasked.
	purpose    *keyEntry
	purposeRow fyne.CanvasObject
	// asOf is the day a record's form is computed for (C6 counts
	// overdue days and interest to it); periodic forms use the period.
	asOf *keyEntry
	// page shows the first page of the last document made, before it is
	// saved or printed (printpreview.go).
	page       *fyne.Container
	previewBtn *widget.Button
	saveBtn    *widget.Button
	xlsxBtn    *widget.Button // periodic forms: the report as a workbook
	openBtn    *widget.Button
	cancel     *widget.Button
	viewBtn    *widget.Button // a report without a printed form: on screen
	view       *fyne.Container
	bar        *widget.ProgressBar
	result     *widget.Label
	stop       context.CancelFunc
	running    bool
}

// unmaskedHint says what the unmasked box does, for those allowed it.
const unmaskedHint = "不勾选时，身份证号、电话、银行账号只印部分号码；勾选后须写明用途，每页标注“含敏感个人信息”和“仅供…使用”。"

func newPrintScreen(u *UI) *printScreen { return &printScreen{u: u} }

func (p *printScreen) dirty() bool { return false }

func (p *printScreen) build() fyne.CanvasObject {
	p.items = printItems()
	p.list = newFocusList(
		func() int { return len(p.items) },
		func() fyne.CanvasObject { return widget.NewLabel("C8 贴息资金申报表（按季度）") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := p.items[i]
			label := it.Title
			if len(it.Code) <= 2 {
				label = it.Code + " " + label
			}
			o.(*widget.Label).SetText(label)
		},
	)
	p.list.OnSelected = func(i widget.ListItemID) { p.choose(p.items[i]) }
	p.params = container.NewVBox()
	p.unmasked = widget.NewCheck("打印完整的身份证号、电话等", nil)
	unmaskedNote := para(unmaskedHint)
	p.unmaskedNote = unmaskedNote
	p.purpose = newKeyEntry()
	p.purpose.SetPlaceHolder("用途，如：报送县民政局核对")
	p.purposeRow = labelled("用途", p.purpose)
	p.purposeRow.Hide()
	p.unmasked.OnChanged = func(on bool) {
		if !on {
			p.purposeRow.Hide()
			return
		}
		p.purposeRow.Show()
		d := dialog.NewCustomConfirm("打印敏感个人信息", "打印完整版本", "取消",
			para("完整的身份证号、电话、银行账号属于敏感个人信息。只有确实需要时才打印完整版本，打印件须妥善保管。确定打印完整版本吗？"), func(ok bool) {
				if !ok {
					p.unmasked.SetChecked(false)
				}
			}, p.u.win)
		d.SetConfirmImportance(widget.DangerImportance)
		showDialog(p.u.win, d, fyne.NewSize(440, 220))
	}
	p.saveBtn = newButtonWithIcon("保存PDF…", theme.DocumentSaveIcon(), p.askSave)
	p.saveBtn.Importance = widget.HighImportance
	p.openBtn = newButtonWithIcon("生成并打开", theme.DocumentPrintIcon(), p.openPreview)
	p.xlsxBtn = newButtonWithIcon("导出Excel…", theme.DownloadIcon(), p.askXLSX)
	p.cancel = newButtonWithIcon("取消", theme.CancelIcon(), func() {
		if p.stop != nil {
			p.stop()
		}
	})
	p.cancel.Hide()
	p.bar = widget.NewProgressBar()
	p.bar.Hide()
	p.result = widget.NewLabel("")
	p.result.Wrapping = fyne.TextWrapBreak
	p.viewBtn = newButtonWithIcon("在屏幕上查看", theme.VisibilityIcon(), p.showReport)
	p.viewBtn.Hide()
	p.view = container.NewVBox()
	p.previewBtn = newButtonWithIcon("预览第一页", theme.VisibilityIcon(), p.showPreview)
	p.page = container.NewVBox()
	right := container.NewVBox(p.params, p.unmasked, unmaskedNote, p.purposeRow,
		flow(p.previewBtn, p.saveBtn, p.openBtn, p.viewBtn, p.xlsxBtn, p.cancel), p.bar, p.result, p.view, p.page)
	p.right = right
	split := container.NewHSplit(container.NewBorder(heading("表格与报表"), nil, nil, nil, p.list.box), scrolled(right))
	split.Offset = 0.32
	p.list.Select(0)
	return split
}

// refresh offers the unmasked print to those allowed it only (the
// print package refuses it to the others all the same).
func (p *printScreen) refresh() {
	if p.unmasked == nil || p.item.Code != "" && reportOnly(p.item) {
		return
	}
	if err := p.u.st.Require(store.PermUnmasked); err != nil {
		p.unmasked.SetChecked(false)
		p.unmasked.Disable()
		p.unmaskedNote.SetText("身份证号、电话、银行账号只印部分号码。只有负责人可以打印完整版本。")
		return
	}
	p.unmasked.Enable()
	p.unmaskedNote.SetText(unmaskedHint)
}

// choose shows the parameters an item needs.
func (p *printScreen) choose(it print.Item) {
	p.item = it
	if p.xlsxBtn != nil {
		if it.Report != "" {
			p.xlsxBtn.Show()
		} else {
			p.xlsxBtn.Hide()
		}
		p.onlyOnScreen(it)
	}
	p.record = uuid.Nil
	p.result.SetText("")
	p.clearPreview()
	p.params.Objects = []fyne.CanvasObject{heading(it.Title)}
	if it.Record != "" {
		spec := store.FieldSpec{Name: "record", Label: store.KindLabel(it.Record), Type: store.FieldRef, Ref: it.Record}
		p.picker = newRefPicker(p.u, spec, nil, nil, func(raw json.RawMessage) {
			var id string
			_ = json.Unmarshal(raw, &id)
			p.record, _ = uuid.Parse(id)
		})
		p.params.Add(labelled("要打印的"+spec.Label, p.picker.ctl().obj))
		p.asOf = newKeyEntry()
		p.asOf.SetText(string(p.u.today()))
		p.asOf.SetPlaceHolder("如 2025-11-30")
		p.params.Add(labelled("截至日期", p.asOf))
	} else {
		p.picker = nil
		p.scopes = map[string]string{}
		var labels []string
		add := func(code string) {
			l := ident.DivisionLabel(code)
			labels = append(labels, l)
			p.scopes[l] = code
		}
		own := p.u.scope()
		add(own)
		for _, n := range []int{9, 12} {
			if len(own) < n {
				for _, d := range ident.DivisionsUnder(own, n) {
					add(d.Code)
				}
			}
		}
		p.scope = widget.NewSelect(labels, nil)
		p.scope.SetSelectedIndex(0)
		p.period = newKeyEntry()
		today := p.u.today()
		label := "月份"
		switch it.Period {
		case "quarter":
			label = "季度"
			m, _ := strconv.Atoi(string(today)[5:7])
			p.period.SetText(fmt.Sprintf("%sQ%d", string(today)[:4], (m+2)/3))
			p.period.SetPlaceHolder("如 2025Q3")
		case "year":
			label = "年度"
			p.period.SetText(string(today)[:4])
		default:
			p.period.SetText(string(store.MonthOf(today)))
			p.period.SetPlaceHolder("如 2025-11")
		}
		p.params.Add(labelled("范围", p.scope))
		p.params.Add(labelled(label, p.period))
	}
	p.params.Refresh()
	if p.right != nil {
		// The Excel button came or went: the row of buttons, and what
		// is under the parameters, move.
		p.right.Refresh()
	}
}

// job reads the screen into a print job, or says what is missing.
func (p *printScreen) job() (print.Job, error) {
	j := print.Job{Code: p.item.Code}
	if p.item.Record != "" {
		if p.record == uuid.Nil {
			return j, &store.Error{Code: "PRINT_NEED_RECORD", Message: "请先选择要打印的" + store.KindLabel(p.item.Record)}
		}
		j.Record = p.record
		return j, nil
	}
	j.Params.Scope = p.scopes[p.scope.Selected]
	v := strings.TrimSpace(p.period.Text)
	switch p.item.Period {
	case "quarter":
		if _, _, err := report.ParseQuarter(v); err != nil {
			return j, &store.Error{Code: "BAD_QUARTER", Message: "季度应写成 年Q季，如 2025Q3"}
		}
		j.Params.Quarter = v
	case "year":
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return j, &store.Error{Code: "BAD_YEAR", Message: "年度应为四位数字，如 2025"}
		}
		j.Params.Year = y
	default:
		m, err := store.ParseMonth(v)
		if err != nil {
			return j, &store.Error{Code: "BAD_MONTH", Message: "月份应写成 年-月，如 2025-11"}
		}
		j.Params.Month = m
	}
	return j, nil
}

func (p *printScreen) askSave() {
	// What is missing is said before the file is asked for.
	if _, err := p.job(); err != nil {
		p.result.SetText(store.MessageOf(err))
		return
	}
	name := p.item.Code + "_" + strings.ReplaceAll(p.item.Title, "/", "_") + ".pdf"
	saveFile(p.u.win, name, []string{".pdf"}, func(path string) { p.generate(path, false) })
}

// openPreview writes the PDF into the station's print folder and opens it
// with the system's viewer, from which it is printed.
func (p *printScreen) openPreview() {
	dir := filepath.Join(filepath.Dir(p.u.st.Path()), "打印")
	name := fmt.Sprintf("%s_%s.pdf", p.item.Code, p.u.now().In(store.ChinaTZ).Format("20060102-150405"))
	p.generate(filepath.Join(dir, name), true)
}

// fileURL is a file:// URL for a local path, Windows drive letters too.
func fileURL(path string) *url.URL {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
}

// generate renders the job off the UI goroutine (batches report progress
// and can be cancelled) and writes the file atomically.
func (p *printScreen) generate(path string, open bool) {
	if p.running {
		return
	}
	if reportOnly(p.item) {
		p.result.SetText(p.item.Title + "暂无打印表样，请在屏幕上查看或导出Excel")
		return
	}
	job, opt, err := p.request()
	if err != nil {
		p.result.SetText(store.MessageOf(err))
		return
	}
	ctx, done := p.start("正在生成……")
	p.u.async(func() {
		doc, pdf, err := p.render(ctx, job, opt)
		if err == nil && opt.Unmasked {
			// Recorded before the file exists: an unmasked copy is
			// never made without its line in the audit log.
			err = p.u.st.Audit(store.AuditPrint, job.String(), "未遮盖，用途："+opt.Purpose+"，保存为 "+path)
		}
		if err == nil {
			if err = os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
				err = atomicfile.Write(path, pdf)
			}
		}
		fyne.Do(func() {
			done()
			if err != nil {
				p.result.SetText("没有生成：" + plainError(err))
				return
			}
			p.result.SetText(fmt.Sprintf("已生成 %s（共%d页，%s）。", path, doc.Pages(), sizeText(int64(len(pdf)))))
			p.setPreview(doc)
			p.u.setStatus("已生成%s", p.item.Title)
			if open {
				if err := p.u.app.OpenURL(fileURL(path)); err != nil {
					p.result.SetText(p.result.Text + "\n无法自动打开，请到该文件夹中打开它。")
				}
			}
		})
	})
}

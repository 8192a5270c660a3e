package app

import (
	"fyne.io/fyne/v2"

	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// printItems are what the 打印 screen offers: the print catalog, then each
// report (report.Names) that no printed form prints yet, which the screen
// shows on screen and exports to Excel. Once the catalog has a form for a
// report, the form takes its place.
func printItems() []print.Item {
	items := append([]print.Item(nil), print.Catalog...)
	for _, n := range report.Names {
		printed := false
		for _, it := range print.Catalog {
			printed = printed || it.Report == n.Name
		}
		if !printed {
			items = append(items, print.Item{Code: n.Name, Title: n.Title, Report: n.Name, Period: n.Period})
		}
	}
	return items
}

// reportOnly tells an item of printItems that has no printed form.
func reportOnly(it print.Item) bool {
	for _, c := range print.Catalog {
		if c.Code == it.Code {
			return false
		}
	}
	return true
}

// onlyOnScreen shows the buttons of a report without a printed form (on
// screen, Excel) instead of those that make a PDF.
func (p *printScreen) onlyOnScreen(it print.Item) {
	p.view.Objects = nil
	p.view.Refresh()
	if reportOnly(it) {
		p.saveBtn.Hide()
		p.openBtn.Hide()
		p.previewBtn.Hide()
		p.unmasked.Hide()
		p.purposeRow.Hide()
		p.unmaskedNote.SetText("此报表暂无打印表样：可在屏幕上查看，或导出Excel（身份证号只显示部分号码）。")
		p.viewBtn.Show()
		return
	}
	p.saveBtn.Show()
	p.openBtn.Show()
	p.previewBtn.Show()
	p.unmasked.Show()
	if p.unmasked.Checked {
		p.purposeRow.Show()
	}
	p.viewBtn.Hide()
	p.refresh()
}

// showReport computes the chosen report for the scope and period asked and
// lays out its tables below the buttons.
func (p *printScreen) showReport() {
	job, err := p.job()
	if err != nil {
		p.result.SetText(store.MessageOf(err))
		return
	}
	var rep *report.Report
	err = p.u.st.View(func(r *store.Reader) error {
		var err error
		rep, err = report.Run(r, p.item.Report, job.Params)
		return err
	})
	if err != nil {
		p.result.SetText("没有统计：" + plainError(err))
		return
	}
	p.result.SetText("")
	t := rep.Table
	objs := []fyne.CanvasObject{heading(t.Title), para(t.Subtitle), reportGrid(t.Columns, append(append([][]string{}, t.Rows...), t.Totals...))}
	for _, n := range t.Notes {
		objs = append(objs, para("注："+n))
	}
	for _, s := range rep.Sections {
		objs = append(objs, heading(s.Title))
		if len(s.Rows) > 0 {
			objs = append(objs, reportGrid(s.Columns, s.Rows))
		} else {
			objs = append(objs, para("（无）"))
		}
	}
	p.view.Objects = objs
	p.view.Refresh()
}

package app

import (
	"bytes"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/atomicfile"
	"github.com/cunzhan/cunzhan/store/report"
)

// A periodic form's report also goes to Excel: the same figures, counts,
// money and rates as numbers, dates as dates, the header frozen; masked as
// every report is. The export is in the audit log.

// askXLSX asks where to save the chosen report as a workbook.
func (p *printScreen) askXLSX() {
	if p.item.Report == "" {
		return
	}
	job, err := p.job()
	if err != nil {
		p.result.SetText(store.MessageOf(err))
		return
	}
	saveFile(p.u.win, p.item.Title+".xlsx", []string{".xlsx"}, func(path string) {
		p.exportXLSX(job.Params, path)
	})
}

// exportXLSX computes the report off the window's goroutine and writes it.
func (p *printScreen) exportXLSX(params report.Params, path string) {
	name, title := p.item.Report, p.item.Title
	p.result.SetText("正在导出……")
	p.u.async(func() {
		var buf bytes.Buffer
		err := p.u.st.View(func(r *store.Reader) error {
			rep, err := report.Run(r, name, params)
			if err != nil {
				return err
			}
			return rep.WriteXLSX(&buf)
		})
		if err == nil {
			err = p.u.st.Audit(store.AuditExport, name+" "+params.Scope+" "+string(params.Month)+params.Quarter, "窗口，Excel，保存为 "+filepath.Base(path))
		}
		if err == nil {
			if err = os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
				err = atomicfile.Write(path, buf.Bytes())
			}
		}
		fyne.Do(func() {
			if err != nil {
				p.result.SetText("没有导出：" + plainError(err))
				return
			}
			p.result.SetText("已导出 " + path)
			p.u.setStatus("已导出%s（Excel）", title)
		})
	})
}

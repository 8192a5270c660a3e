package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
)

// previewPxPerMM draws the preview of an A4 page about 520 px wide: the
// table lines and 9-point text stay readable on a 1366×768 screen.
const previewPxPerMM = 2.5

// options reads the masking choice, its purpose and the as-of day. The
// print package checks them again (a purpose for an unmasked copy, a
// real date); this only keeps the message next to the field.
func (p *printScreen) options() (print.Options, error) {
	opt := print.Options{Unmasked: p.unmasked.Checked, Operator: p.u.operator, Now: p.u.now()}
	if opt.Unmasked {
		opt.Purpose = strings.TrimSpace(p.purpose.Text)
	}
	if p.item.Record != "" && p.asOf != nil {
		v := strings.TrimSpace(p.asOf.Text)
		if v != "" {
			d, err := store.ParseDate(v)
			if err != nil {
				return opt, &store.Error{Code: "PRINT_BAD_DATE", Message: "截至日期应写成 年-月-日，如 2025-11-30"}
			}
			opt.AsOf = d
		}
	}
	return opt, nil
}

// render makes the document in one read transaction, reporting progress
// on the bar; the caller is off the UI goroutine.
func (p *printScreen) render(ctx context.Context, job print.Job, opt print.Options) (*print.Doc, []byte, error) {
	var doc *print.Doc
	var pdf []byte
	err := p.u.st.View(func(r *store.Reader) error {
		var err error
		doc, err = print.Build(ctx, r, job, opt, func(done, total int) {
			fyne.Do(func() { p.bar.SetValue(float64(done) / float64(total)) })
		})
		if err != nil {
			return err
		}
		pdf, err = doc.Bytes()
		return err
	})
	p.u.st.ReleaseMemory()
	return doc, pdf, err
}

// showPreview makes the document without saving it and shows its first
// page, so the clerk sees what will print before a file exists. An
// unmasked preview is not a copy: nothing leaves the screen, so it is not
// audited; saving it is.
func (p *printScreen) showPreview() {
	if p.running || reportOnly(p.item) {
		return
	}
	job, opt, err := p.request()
	if err != nil {
		p.result.SetText(store.MessageOf(err))
		return
	}
	ctx, done := p.start("正在生成预览……")
	p.u.async(func() {
		doc, _, err := p.render(ctx, job, opt)
		fyne.Do(func() {
			done()
			if err != nil {
				p.result.SetText("没有生成：" + plainError(err))
				return
			}
			p.result.SetText(fmt.Sprintf("预览：%s，共%d页。下面是第1页；确认无误后保存或打开打印。", p.item.Title, doc.Pages()))
			p.setPreview(doc)
		})
	})
}

// request reads the job and its options from the screen, or says what is
// missing or wrong.
func (p *printScreen) request() (print.Job, print.Options, error) {
	job, err := p.job()
	if err != nil {
		return job, print.Options{}, err
	}
	opt, err := p.options()
	return job, opt, err
}

// start shows a render under way (progress bar, cancel button, the other
// buttons off) and returns its context and what ends it, to call on the
// UI goroutine.
func (p *printScreen) start(msg string) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	p.stop, p.running = cancel, true
	p.saveBtn.Disable()
	p.openBtn.Disable()
	p.previewBtn.Disable()
	p.bar.SetValue(0)
	p.bar.Show()
	p.cancel.Show()
	p.result.SetText(msg)
	return ctx, func() {
		cancel()
		p.running, p.stop = false, nil
		p.saveBtn.Enable()
		p.openBtn.Enable()
		p.previewBtn.Enable()
		p.bar.Hide()
		p.cancel.Hide()
	}
}

// setPreview shows the first page of a made document.
func (p *printScreen) setPreview(doc *print.Doc) {
	img, err := doc.FirstPage().Image(previewPxPerMM)
	if err != nil {
		p.page.Objects = []fyne.CanvasObject{widget.NewLabel("无法显示预览：" + plainError(err))}
		p.page.Refresh()
		return
	}
	pic := canvas.NewImageFromImage(img)
	pic.FillMode = canvas.ImageFillContain
	b := img.Bounds()
	pic.SetMinSize(fyne.NewSize(float32(b.Dx()), float32(b.Dy())))
	p.page.Objects = []fyne.CanvasObject{widget.NewLabel("第1页预览"), pic}
	p.page.Refresh()
}

func (p *printScreen) clearPreview() {
	if p.page != nil {
		p.page.Objects = nil
		p.page.Refresh()
	}
}

package print

import (
	"context"
	"fmt"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// Pack appends a township's monthly report pack: a cover with the
// contents, then coverage (B4), home-care hours (B6), the 60-yuan roster
// (B7), the loan portfolio, the overdue list (C7), the assessments due, and
// the interest subsidy (C8) in a quarter's last month. The pack is filed
// as one document: its pages are numbered through, "第 X 页 共 Y 页" of
// the whole pack, and the cover says on which page each part begins.
func (d *Doc) Pack(ctx context.Context, r *store.Reader, p report.Params, progress func(done, total int)) error {
	codes := []string{"B4", "B6", "B7", "loan-portfolio", "C7", "assessment-due"}
	if mm := string(p.Month)[5:]; mm == "03" || mm == "06" || mm == "09" || mm == "12" {
		q := map[string]string{"03": "Q1", "06": "Q2", "09": "Q3", "12": "Q4"}[mm]
		p.Quarter = string(p.Month)[:4] + q
		codes = append(codes, "C8")
	}
	d.beginRun()
	defer d.endRun()
	aliases := d.packCover(r, p, codes)
	for i, c := range codes {
		if err := ctx.Err(); err != nil {
			return &store.Error{Code: "CANCELLED", Message: "批量打印已取消"}
		}
		item, _ := Lookup(c)
		first := d.pdf.PageNo() + 1
		if err := d.Periodic(r, item, p); err != nil {
			return err
		}
		d.alias(aliases[i], fmt.Sprint(first-d.run.firstPage+1))
		if progress != nil {
			progress(i+1, len(codes))
		}
	}
	return nil
}

// packCover writes the cover and contents of a pack; the page numbers of
// the parts are placeholders, one per part, filled in as they are written.
func (d *Doc) packCover(r *store.Reader, p report.Params, codes []string) []string {
	d.beginForm(form{title: "月度报表汇编"})
	d.gap(20)
	d.setSize(14)
	d.text("编制单位："+place(r, p.Scope), 0)
	d.gap(3)
	d.text("所属月份："+string(p.Month), 0)
	if p.Quarter != "" {
		d.gap(3)
		d.text("贴息季度："+p.Quarter, 0)
	}
	d.gap(10)
	d.setSize(fontSize)
	d.section("目　录")
	pw := d.pageWidth()
	d.row([]cell{{text: "序号", w: 16, align: "C", label: true}, {text: "报表", w: pw - 16 - 30, align: "C", label: true}, {text: "起始页", w: 30, align: "C", label: true}}, 8, nil)
	var aliases []string
	for i, c := range codes {
		item, _ := Lookup(c)
		alias := fmt.Sprintf("{pk%d}", i)
		aliases = append(aliases, alias)
		name := item.Title
		if item.Code != item.Report && len(item.Code) <= 3 {
			name = item.Code + "　" + name
		}
		d.row([]cell{{text: fmt.Sprint(i + 1), w: 16, align: "C"}, {text: name, w: pw - 16 - 30}, {text: "第 " + alias + " 页", w: 30, align: "L"}}, 8, nil)
	}
	d.gap(4)
	d.text("本汇编各表连续编页，页脚“第 X 页 共 Y 页”为全册页码。", 0)
	d.signatures([]string{"编制人", "审核人", "乡镇（盖章）"}, 3)
	return aliases
}

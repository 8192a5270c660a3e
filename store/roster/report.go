package roster

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteReport writes the per-row report a person reads, prints or saves:
// the mapping used, the totals, then every row that was not simply
// imported (refused with its reasons, skipped with why, imported with a
// note), in file order.
func WriteReport(w io.Writer, res *Result) error {
	title := "导入结果"
	if res.DryRun {
		title = "试导入结果（未写入任何数据）"
	}
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	if res.Mapping != nil {
		p("表头在第%d行；各列对应：\n", res.Mapping.HeaderRow+1)
		for _, line := range res.Mapping.Describe() {
			p("    %s\n", line)
		}
	}
	if res.Register != "" {
		unit := "行"
		for _, reg := range Registers {
			if strings.HasPrefix(res.Register, reg.Name) {
				unit = reg.Unit
			}
		}
		p("%s%s：导入 %d %s，跳过 %d 行，拒绝 %d 行\n", res.Register, title, res.Imported, unit, res.Skipped, res.Rejected)
	} else {
		p("%s：导入 %d 人，跳过 %d 行，拒绝 %d 行，新建农户 %d 户\n", title, res.Imported, res.Skipped, res.Rejected, res.Households)
	}
	for _, r := range res.Rows {
		if r.Outcome == Imported && len(r.Warnings) == 0 {
			continue
		}
		p("第%d行 %s %s %s\n", r.Row, r.Outcome, r.Name, r.IDMasked)
		for _, e := range r.Problems {
			p("    %s: %s\n", e.Code, e.Message)
		}
		for _, e := range r.Warnings {
			p("    提示 %s: %s\n", e.Code, e.Message)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteReportXLSX writes the per-row report as a workbook: what was
// imported and with which mapping at the top, then one line per row that
// was not simply imported, ID numbers masked as on the screen, the header
// frozen. A person prints it or hands it to whoever fixes the file.
func WriteReportXLSX(w io.Writer, res *Result, name string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "导入结果"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := name + "导入结果"
	if res.DryRun {
		title = name + "检查结果（未写入任何数据）"
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	var lines [][]any
	lines = append(lines, []any{title}, []any{fmt.Sprintf("导入 %d 行，跳过 %d 行，拒绝 %d 行", res.Imported, res.Skipped, res.Rejected)})
	if res.Mapping != nil {
		lines = append(lines, []any{fmt.Sprintf("表头在第%d行；各列对应：%s", res.Mapping.HeaderRow+1, strings.Join(res.Mapping.Describe(), "，"))})
	}
	lines = append(lines, []any{}, []any{"行号", "结果", "姓名", "身份证号", "原因与提示"})
	header := len(lines)
	for _, r := range res.Rows {
		if r.Outcome == Imported && len(r.Warnings) == 0 {
			continue
		}
		var msgs []string
		for _, e := range r.Problems {
			msgs = append(msgs, e.Message+"（"+e.Code+"）")
		}
		for _, e := range r.Warnings {
			msgs = append(msgs, "提示："+e.Message)
		}
		lines = append(lines, []any{r.Row, r.Outcome, r.Name, r.IDMasked, strings.Join(msgs, "\n")})
	}
	for i, l := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &l); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle(sheet, "A1", "A1", bold)
	hl, _ := excelize.CoordinatesToCellName(5, header)
	_ = f.SetCellStyle(sheet, "A"+fmt.Sprint(header), hl, bold)
	if len(lines) > header {
		last, _ := excelize.CoordinatesToCellName(5, len(lines))
		_ = f.SetCellStyle(sheet, "A"+fmt.Sprint(header+1), last, wrap)
	}
	for col, width := range map[string]float64{"A": 8, "B": 8, "C": 12, "D": 22, "E": 70} {
		_ = f.SetColWidth(sheet, col, col, width)
	}
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: header, TopLeftCell: "A" + fmt.Sprint(header+1), ActivePane: "bottomLeft"})
	return f.Write(w)
}

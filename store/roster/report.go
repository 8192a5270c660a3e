package roster

import (
	"fmt"
	"io"
	"strings"
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
		p("%s%s：导入 %d 人，跳过 %d 行，拒绝 %d 行\n", res.Register, title, res.Imported, res.Skipped, res.Rejected)
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

package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/app/print"
	"github.com/cunzhan/cunzhan/store"
)

func catalogIndex(t *testing.T, code string) int {
	t.Helper()
	for i, it := range print.Catalog {
		if it.Code == code {
			return i
		}
	}
	t.Fatalf("no %s in the catalog", code)
	return -1
}

// From the print screen: a monthly form for a township, a visit record
// chosen in the picker, and the month's visits as one batch; each becomes a
// PDF whose text holds what was asked for.
func TestPrintScreenMakesPDFs(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.prints))
	p := u.prints
	dir := t.TempDir()

	p.list.Select(catalogIndex(t, "B4"))
	for label, code := range p.scopes {
		if code == "130131190" {
			p.scope.SetSelected(label)
		}
	}
	typeInto(p.period, "2025-11")
	b4 := filepath.Join(dir, "b4.pdf")
	p.generate(b4, false)
	if !strings.Contains(pdfText(t, b4), "92.86%") {
		t.Fatalf("B4 from the screen lacks the township rate; result: %q", p.result.Text)
	}

	typeInto(p.period, "2025-13")
	p.generate(filepath.Join(dir, "bad.pdf"), false)
	if !strings.Contains(p.result.Text, "月份应写成") {
		t.Errorf("a 13th month gave %q", p.result.Text)
	}

	p.list.Select(catalogIndex(t, "B2"))
	p.generate(filepath.Join(dir, "none.pdf"), false)
	if !strings.Contains(p.result.Text, "请先选择") {
		t.Errorf("printing a visit without choosing one: %q", p.result.Text)
	}
	test.Tap(p.picker.choose)
	test.Type(p.picker.box.entry, "杨英")
	if len(p.picker.list.ids) == 0 {
		t.Fatal("no visits found for 杨英")
	}
	p.picker.list.list.Select(0)
	b2 := filepath.Join(dir, "b2.pdf")
	p.generate(b2, false)
	if txt := pdfText(t, b2); !strings.Contains(txt, "杨") || !strings.Contains(txt, "探访记录表") {
		t.Fatalf("B2 of the chosen visit: %q", p.result.Text)
	}

	p.list.Select(catalogIndex(t, "visits"))
	typeInto(p.period, "2025-11")
	batch := filepath.Join(dir, "visits.pdf")
	p.generate(batch, false)
	if _, err := os.Stat(batch); err != nil || !strings.Contains(p.result.Text, "已生成") {
		t.Fatalf("batch: %v %q", err, p.result.Text)
	}
	if p.bar.Visible() || p.running {
		t.Error("the progress bar stayed after the batch")
	}
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v %s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), "")
}

// A periodic form's report goes to Excel from the print screen: the same
// figures as numbers, in the audit log; a per-record form offers no
// workbook.
func TestPrintScreenExportsExcel(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.prints))
	p := u.prints
	p.list.Select(catalogIndex(t, "B4"))
	if !p.xlsxBtn.Visible() {
		t.Fatal("no Excel export for B4")
	}
	for label, code := range p.scopes {
		if code == "130131190" {
			p.scope.SetSelected(label)
		}
	}
	typeInto(p.period, "2025-11")
	job, err := p.job()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "b4.xlsx")
	p.exportXLSX(job.Params, path)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("%v (%s)", err, p.result.Text)
	}
	defer f.Close()
	rows, _ := f.GetRows(f.GetSheetList()[0])
	found := false
	for _, r := range rows {
		found = found || strings.Contains(strings.Join(r, " "), "92.86%")
	}
	if !found {
		t.Error("the workbook lacks the township rate")
	}
	list, _ := u.st.StationAudit()
	if last := list[len(list)-1]; last.Action != store.AuditExport || !strings.Contains(last.Detail, "Excel") {
		t.Errorf("export recorded as %+v", last)
	}
	p.list.Select(catalogIndex(t, "B2"))
	if p.xlsxBtn.Visible() {
		t.Error("a per-record form offers a workbook")
	}
}

// An unmasked copy from the window needs a purpose, which goes on every
// page and into the audit log; a record's form takes its as-of day from
// the screen; the first page is shown before anything is saved.
func TestPrintScreenPurposeAsOfAndPreview(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.prints))
	p := u.prints
	dir := t.TempDir()

	p.list.Select(catalogIndex(t, "C6"))
	test.Tap(p.picker.choose)
	test.Type(p.picker.box.entry, "PSXYS-2024-0101")
	if len(p.picker.list.ids) != 1 {
		t.Fatalf("loan PSXYS-2024-0101 found %d times", len(p.picker.list.ids))
	}
	p.picker.list.list.Select(0)
	typeInto(p.asOf, "2025-11-31")
	test.Tap(p.previewBtn)
	if !strings.Contains(p.result.Text, "截至日期应写成") || len(p.page.Objects) != 0 {
		t.Fatalf("a 31st of November: %q, %d objects shown", p.result.Text, len(p.page.Objects))
	}
	// Disbursed 2024-10-16, due 2025-10-16: 45 days overdue on the 30th.
	typeInto(p.asOf, "2025-11-30")
	test.Tap(p.previewBtn)
	if !strings.Contains(p.result.Text, "共1页") || len(p.page.Objects) != 2 {
		t.Fatalf("preview: %q, %d objects", p.result.Text, len(p.page.Objects))
	}
	files, _ := os.ReadDir(dir)
	if len(files) != 0 {
		t.Errorf("a preview wrote %d files", len(files))
	}
	c6 := filepath.Join(dir, "c6.pdf")
	p.generate(c6, false)
	if txt := pdfText(t, c6); !strings.Contains(txt, "已逾期45天") {
		t.Fatalf("C6 as of 2025-11-30 from the screen: %q", p.result.Text)
	}

	p.unmasked.SetChecked(true)
	if !p.purposeRow.Visible() {
		t.Fatal("ticking 完整 asks for no purpose")
	}
	before, _ := u.st.AuditLog()
	p.generate(filepath.Join(dir, "nopurpose.pdf"), false)
	if !strings.Contains(p.result.Text, "须写明用途") {
		t.Errorf("an unmasked copy without a purpose: %q", p.result.Text)
	}
	if _, err := os.Stat(filepath.Join(dir, "nopurpose.pdf")); err == nil {
		t.Error("the unmasked copy without a purpose was written")
	}
	typeInto(p.purpose, "报送县农商行核对")
	full := filepath.Join(dir, "full.pdf")
	p.generate(full, false)
	// The watermark is turned 25°: -raw reads it in drawing order.
	raw, err := exec.Command("pdftotext", "-raw", full, "-").CombinedOutput()
	if err != nil || !strings.Contains(string(raw), "仅供报送县农商行核对使用") {
		t.Fatalf("the purpose is not on the page: %q", p.result.Text)
	}
	after, _ := u.st.AuditLog()
	if len(after) != len(before)+1 || !strings.Contains(after[len(after)-1].Detail, "报送县农商行核对") {
		t.Errorf("audit: %d entries before, %d after, last %+v", len(before), len(after), after[len(after)-1])
	}
}

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

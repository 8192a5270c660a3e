package print

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/report"
)

// The §8 data set, generated once for the package; tests read it only.
var demoFile string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cunzhan-print-test")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	demoFile = filepath.Join(dir, "demo.db")
	if _, err := demo.Generate(demoFile, demo.Options{Seed: 1, Store: &store.Options{RegistryDir: "-"}}); err != nil {
		fmt.Println("demo data:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var printTime = time.Date(2025, 11, 30, 16, 5, 0, 0, store.ChinaTZ)

func openDemo(t testing.TB) *store.Store { return openStore(t, demoFile, true) }

// render prints a job from the demo data into a file and returns its path.
func render(t *testing.T, st *store.Store, job Job, opt Options) string {
	t.Helper()
	if opt.Now.IsZero() {
		opt.Now = printTime
	}
	if opt.Operator == "" {
		opt.Operator = "张红梅"
	}
	var pdf []byte
	err := st.View(func(r *store.Reader) error {
		var err error
		pdf, err = Render(context.Background(), r, job, opt, nil)
		return err
	})
	if err != nil {
		t.Fatalf("render %s: %v", job.Code, err)
	}
	path := filepath.Join(t.TempDir(), job.Code+".pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tool runs a poppler tool on a file.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is needed (Debian package poppler-utils; make test installs it)", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func text(t *testing.T, path string) string { return tool(t, "pdftotext", "-layout", path, "-") }

func pages(t *testing.T, path string) int {
	t.Helper()
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(tool(t, "pdfinfo", path))
	if m == nil {
		t.Fatalf("pdfinfo gives no page count for %s", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// squash removes the spaces pdftotext puts between characters of a line.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// firstOf finds a record of a kind in the demo data that satisfies keep.
func firstOf(t *testing.T, st *store.Store, k store.Kind, keep func(store.Entity) bool) store.Entity {
	t.Helper()
	var found store.Entity
	_ = st.View(func(r *store.Reader) error {
		return r.Each(k, "", func(e store.Entity) error {
			if found == nil && (keep == nil || keep(e)) {
				found = e
			}
			return nil
		})
	})
	if found == nil {
		t.Fatalf("no %s in the data set", k)
	}
	return found
}

var fullID = regexp.MustCompile(`\d{17}[\dX]`)
var maskedID = regexp.MustCompile(`\d{4}\*{10}[\dX]{4}`)

// Each per-record form prints its record: the title, the person's name,
// the ID number masked (never in full), page numbering, and the signature
// boxes; the font is embedded as a subset; the page renders.
func TestPerRecordForms(t *testing.T) {
	st := openDemo(t)
	visit := firstOf(t, st, store.KindVisit, func(e store.Entity) bool { return e.(*store.Visit).Status != "草稿" }).(*store.Visit)
	cases := []struct {
		code  string
		e     store.Entity
		want  []string
		pages int
	}{
		{"A2", firstOf(t, st, store.KindAdmission, func(e store.Entity) bool { return e.(*store.Admission).Status == "在住" }),
			[]string{"入住老人基本信息登记表", "一、基本信息", "赡养人", "幸福院负责人", "村委会（盖章）"}, 1},
		{"A6", firstOf(t, st, store.KindAssessment, nil), []string{"老年人能力评估报告", "二、条目评分", "最终等级", "评估员（签字）", "信息提供者（签字）"}, 1},
		{"B2", visit, []string{"特殊困难老年人探访记录表", visit.VisitNo, "身体状况", "安全隐患", "村负责人审核"}, 1},
		{"C1", firstOf(t, st, store.KindLoanApplication, nil), []string{"扶贫小额信贷申请及认定推荐表", "村服务点认定推荐意见", "乡镇工作站审核意见", "县金融服务中心推荐意见", "申请人承诺"}, 1},
		{"C6", firstOf(t, st, store.KindLoan, func(e store.Entity) bool { return e.(*store.Loan).BorrowerPersonID != "" }),
			[]string{"到期还款提醒通知书", "村服务点（盖章）", "借款人签收"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			path := render(t, st, Job{Code: tc.code, Record: store.MetaOf(tc.e).ID}, Options{})
			txt := text(t, path)
			flat := squash(txt)
			// The parts come in the order the paper form has them.
			last := -1
			for _, w := range tc.want {
				i := strings.Index(flat[max(last, 0):], squash(w))
				if i < 0 {
					t.Errorf("%s does not show %q after what precedes it", tc.code, w)
					continue
				}
				last = max(last, 0) + i
			}
			if fullID.MatchString(flat) {
				t.Errorf("%s shows a full ID number: %s", tc.code, fullID.FindString(flat))
			}
			if tc.code != "C6" && !maskedID.MatchString(flat) {
				t.Errorf("%s shows no masked ID number", tc.code)
			}
			if strings.Contains(flat, "含敏感个人信息") {
				t.Errorf("a masked print says it holds sensitive information")
			}
			if n := pages(t, path); n != tc.pages {
				t.Errorf("%s has %d pages, want %d", tc.code, n, tc.pages)
			}
			for p := 1; p <= tc.pages; p++ {
				if want := fmt.Sprintf("第%d页共%d页", p, tc.pages); !strings.Contains(flat, want) {
					t.Errorf("%s: page numbering %q missing", tc.code, want)
				}
			}
			if !strings.Contains(flat, "打印时间：2025-11-3016:05") || !strings.Contains(flat, "操作员：张红梅") {
				t.Errorf("%s: footer without print time and operator", tc.code)
			}
			checkFontAndRender(t, path)
		})
	}
}

// checkFontAndRender holds a file to: one font, embedded, subset; page 1
// renders to a PNG with ink on it.
func checkFontAndRender(t *testing.T, path string) {
	t.Helper()
	fonts := tool(t, "pdffonts", path)
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) != 3 {
		t.Fatalf("pdffonts lists %d fonts:\n%s", len(lines)-2, fonts)
	}
	f := strings.Fields(lines[2])
	// name type... emb sub uni object ID
	if len(f) < 7 || f[len(f)-5] != "yes" || f[len(f)-4] != "yes" || !strings.Contains(f[0], "+") {
		t.Errorf("font not embedded as a subset: %s", lines[2])
	}
	if st, _ := os.Stat(path); st.Size() > 60*1024 && pages(t, path) == 1 {
		t.Errorf("a one-page form is %d bytes (aim ≤ 60 KB)", st.Size())
	}
	dark, total := countPixels(t, path, 1, 40, func(r, g, b uint32) bool { return r+g+b < 3*0x80 })
	if frac := float64(dark) / float64(total); frac < 0.01 {
		t.Errorf("page 1 renders almost blank (%.3f%% dark)", frac*100)
	}
}

// An unmasked print is an explicit choice: the full number appears and
// every page says so.
func TestUnmaskedPrintSaysSo(t *testing.T) {
	st := openDemo(t)
	a := firstOf(t, st, store.KindAssessment, nil)
	path := render(t, st, Job{Code: "A6", Record: store.MetaOf(a).ID}, Options{Unmasked: true, Purpose: "报送县民政局审核"})
	flat := squash(text(t, path))
	if !fullID.MatchString(flat) {
		t.Error("unmasked print without the full ID number")
	}
	if n := strings.Count(flat, "含敏感个人信息"); n < 2*pages(t, path) {
		t.Errorf("含敏感个人信息 appears %d times on %d pages", n, pages(t, path))
	}
	// The watermark (§7.3) is drawn across every page in its own light
	// red; pdftotext cannot read text set at an angle, so the pixels are
	// counted, and the words checked in what the document drew.
	if n := tintedPixels(t, path, 1); n < 500 {
		t.Errorf("the 仅供…使用 watermark is not on the page (%d tinted pixels)", n)
	}
	masked := render(t, st, Job{Code: "A6", Record: store.MetaOf(a).ID}, Options{})
	if n := tintedPixels(t, masked, 1); n > 0 {
		t.Errorf("a masked print carries the watermark (%d tinted pixels)", n)
	}
	var d *Doc
	_ = st.View(func(r *store.Reader) error {
		var err error
		d, err = Build(context.Background(), r, Job{Code: "A6", Record: store.MetaOf(a).ID}, Options{Unmasked: true, Purpose: "报送县民政局审核", Now: printTime, Operator: "张红梅"}, nil)
		return err
	})
	if d == nil {
		t.Fatal("no document")
	}
	d.Bytes()
	marks := 0
	for _, op := range d.FirstPage().Ops {
		if op.Angle != 0 && op.Text == "仅供报送县民政局审核使用　张红梅　2025-11-30 16:05" {
			marks++
		}
	}
	if marks == 0 {
		t.Error("the watermark does not say whom, by whom and when")
	}
	// Without a purpose there is no unmasked copy.
	err := st.View(func(r *store.Reader) error {
		_, err := Render(context.Background(), r, Job{Code: "A6", Record: store.MetaOf(a).ID}, Options{Unmasked: true}, nil)
		return err
	})
	if store.CodeOf(err) != "PRINT_NEED_PURPOSE" {
		t.Errorf("unmasked print without a purpose: %v", err)
	}
}

// The periodic forms carry the golden figures of domain.md §8 and §6.2,
// and the finance forms their totals in capital numerals.
func TestPeriodicFormsShowGoldenFigures(t *testing.T) {
	st := openDemo(t)
	nov := report.Params{Scope: "130131190", Month: "2025-11"}
	cases := []struct {
		code   string
		params report.Params
		want   []string
	}{
		// R1: 甲村 8/8, 乙村 5/6, township 13/14 = 92.86% from summed counts.
		{"B4", nov, []string{"月度探访情况统计表", "甲村 8 8 100.00%", "乙村 6 5 83.33%", "小计 14 13 92.86%", "未探访名单", "林建秀", "乡镇民政助理（审核）"}},
		// R2: 1,200.00 + 830.00 + 600.00 = 2,630.00, 贰仟陆佰叁拾元整.
		{"B6", nov, []string{"1,200.00", "830.00", "600.00", "2,630.00", "合计金额（大写）：贰仟陆佰叁拾元整", "服务机构"}},
		// R4: 21 eligible × 60 = 1,260.00.
		{"B7", nov, []string{"养老服务补贴（60元）发放花名册", "合计 21人 1,260.00", "壹仟贰佰陆拾元整"}},
		// R6: two loans overdue, 30,000 at 120 days and 50,000 at 45.
		{"C7", nov, []string{"逾期贷款清单", "120", "45", "80,000.00"}},
		{"B1", nov, []string{"特殊困难老年人探访对象登记表（台账）", "林建秀", "合计14人", "乡镇审核"}},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			path := render(t, st, Job{Code: tc.code, Params: tc.params}, Options{})
			flat := squash(text(t, path))
			for _, w := range tc.want {
				if !strings.Contains(flat, squash(w)) {
					t.Errorf("%s does not show %q", tc.code, w)
				}
			}
			if fullID.MatchString(flat) {
				t.Errorf("%s shows a full ID number", tc.code)
			}
			checkFontAndRender(t, path)
		})
	}
	// C7 is landscape.
	path := render(t, st, Job{Code: "C7", Params: nov}, Options{})
	if info := tool(t, "pdfinfo", path); !strings.Contains(info, "841.89 x 595.28") {
		t.Errorf("C7 is not A4 landscape:\n%s", info)
	}
}

// R7 for 2025 Q3: each loan line rounded half up, then summed.
func TestInterestSubsidyForm(t *testing.T) {
	st := openDemo(t)
	path := render(t, st, Job{Code: "C8", Params: report.Params{Scope: "130131", Quarter: "2025Q3"}}, Options{})
	flat := squash(text(t, path))
	var rep *report.Report
	_ = st.View(func(r *store.Reader) error {
		var err error
		rep, err = report.InterestSubsidy(r, "130131", "2025Q3")
		return err
	})
	data := rep.Data.(*report.SubsidyData)
	for _, w := range []string{"贴息资金申报表", store.Yuan(data.SubsidyFen), "合计金额（大写）：" + store.ChineseYuan(data.SubsidyFen), "承贷银行"} {
		if !strings.Contains(flat, squash(w)) {
			t.Errorf("C8 does not show %q", w)
		}
	}
	// The report's own sum, re-added here from its lines.
	var sum int64
	for _, l := range data.Lines {
		sum += l.SubsidyFen
	}
	if sum != data.SubsidyFen {
		t.Errorf("lines sum to %d fen, total says %d", sum, data.SubsidyFen)
	}
}

// The public notice never carries ID or phone numbers, addresses, income
// or health, even on an unmasked print.
func TestPublicNoticeCarriesNoPersonalNumbers(t *testing.T) {
	st := openDemo(t)
	path := render(t, st, Job{Code: "C4", Params: report.Params{Scope: "130131", Month: "2024-12"}}, Options{Unmasked: true, Purpose: "核对"})
	flat := squash(text(t, path))
	if !strings.Contains(flat, "评级授信结果公示表") || !strings.Contains(flat, "公示期自2024-12-12至2024-12-19，共8天") {
		t.Fatalf("notice text missing:\n%s", flat)
	}
	if n := strings.Count(flat, "★"); n < 3 {
		t.Errorf("the notice lists %d grades", n)
	}
	for _, bad := range []*regexp.Regexp{fullID, maskedID, regexp.MustCompile(`1[3-9]\d\*{4}\d{4}|1[3-9]\d{9}`)} {
		if bad.MatchString(flat) {
			t.Errorf("the public notice shows %q", bad.FindString(flat))
		}
	}
	for _, word := range []string{"住址", "收入", "健康", "身份证"} {
		if strings.Contains(flat, word) {
			t.Errorf("the public notice mentions %s", word)
		}
	}
}

// All visit records of a month in one document, one page each, each with
// its own page numbering.
func TestMonthOfVisitsInOneDocument(t *testing.T) {
	st := openDemo(t)
	var want int
	_ = st.View(func(r *store.Reader) error {
		byProfile, _ := r.MonthVisits("2025-11")
		for _, vs := range byProfile {
			for _, v := range vs {
				if strings.HasPrefix(store.MetaOf(v).Scope, "130131190") && v.Status != "草稿" {
					want++
				}
			}
		}
		return nil
	})
	path := render(t, st, Job{Code: "visits", Params: report.Params{Scope: "130131190", Month: "2025-11"}}, Options{})
	if n := pages(t, path); n != want {
		t.Fatalf("%d pages for %d visits", n, want)
	}
	flat := squash(text(t, path))
	if n := strings.Count(flat, "第1页共1页"); n != want {
		t.Errorf("%d pages numbered 1 of 1, want %d", n, want)
	}
	if n := strings.Count(flat, "特殊困难老年人探访记录表"); n != want {
		t.Errorf("%d form titles for %d visits", n, want)
	}
}

// The township pack holds the month's forms in order, in one document.
func TestTownshipPack(t *testing.T) {
	st := openDemo(t)
	path := render(t, st, Job{Code: "pack", Params: report.Params{Scope: "130131190", Month: "2025-11"}}, Options{})
	flat := squash(text(t, path))
	last := -1
	for _, title := range []string{"月度探访情况统计表", "政府购买居家养老服务工时结算表", "养老服务补贴（60元）发放花名册", "贷款台账余额表", "逾期贷款清单", "能力评估到期名单"} {
		i := strings.Index(flat, squash(title))
		if i < 0 || i < last {
			t.Errorf("%s missing or out of order", title)
		}
		last = i
	}
}

// Long text wraps inside its box by the Chinese rules: no line of the
// printed cell starts with closing punctuation, nothing is lost.
func TestWrappedCellInThePDF(t *testing.T) {
	d := NewDoc(Options{Now: printTime})
	d.beginForm(form{title: "折行测试"})
	long := strings.Repeat("老人家中燃气管老化，已告知燃气公司；子女每月回来一次。", 4)
	d.row([]cell{{text: "发现问题", w: 30, label: true}, {text: long, w: 61}}, 7, nil)
	b, err := d.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "wrap.pdf")
	os.WriteFile(path, b, 0o644)
	raw := tool(t, "pdftotext", "-raw", path, "-")
	var cellLines []string
	for _, l := range strings.Split(raw, "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "发现问题"))
		if strings.ContainsAny(l, "燃公回次告") || strings.HasPrefix(l, "，") || strings.HasPrefix(l, "；") || strings.HasPrefix(l, "。") {
			cellLines = append(cellLines, l)
		}
	}
	if len(cellLines) < 4 {
		t.Fatalf("the cell did not wrap: %q", cellLines)
	}
	for _, l := range cellLines {
		if closing(l) {
			t.Errorf("a printed line starts with closing punctuation: %q", l)
		}
	}
	if got := squash(strings.Join(cellLines, "")); got != squash(long) {
		t.Errorf("printed text differs from the input:\n%s\n%s", got, long)
	}
}

// Asking for a form with the wrong kind of record, or a form that does not
// exist, is an error with a code, and prints nothing.
func TestPrintRefusals(t *testing.T) {
	st := openDemo(t)
	visit := firstOf(t, st, store.KindVisit, nil)
	tests := []struct {
		job  Job
		code string
	}{
		{Job{Code: "A2", Record: store.MetaOf(visit).ID}, "PRINT_WRONG_RECORD"},
		{Job{Code: "A2"}, "PRINT_NEED_RECORD"},
		{Job{Code: "Z9"}, "PRINT_UNKNOWN_FORM"},
		{Job{Code: "B2", Record: uuid.New()}, store.CodeNotFound},
		{Job{Code: "visits", Params: report.Params{Scope: "130131190", Month: "2019-01"}}, "PRINT_EMPTY"},
	}
	for _, tc := range tests {
		err := st.View(func(r *store.Reader) error {
			_, err := Render(context.Background(), r, tc.job, Options{}, nil)
			return err
		})
		if store.CodeOf(err) != tc.code {
			t.Errorf("%+v: err %v, want %s", tc.job, err, tc.code)
		}
	}
}

// A visit's health findings are health data: the masked record form says
// they are hidden, the unmasked one (a 负责人's) prints them.
func TestVisitHealthMaskedOnPrint(t *testing.T) {
	st := openDemo(t)
	visit := firstOf(t, st, store.KindVisit, func(e store.Entity) bool {
		v := e.(*store.Visit)
		return v.Status != "草稿" && v.HealthCheck.Mobility != ""
	}).(*store.Visit)
	mobility := visit.HealthCheck.Mobility
	masked := squash(text(t, render(t, st, Job{Code: "B2", Record: visit.ID}, Options{})))
	if strings.Contains(masked, "行动"+mobility) || !strings.Contains(masked, "已隐去") {
		t.Errorf("the masked form shows the health check (%s) or does not say it is hidden", mobility)
	}
	full := squash(text(t, render(t, st, Job{Code: "B2", Record: visit.ID}, Options{Unmasked: true, Purpose: "核对"})))
	if !strings.Contains(full, mobility) {
		t.Errorf("the unmasked form lacks the health check %q", mobility)
	}
}

// tintedPixels counts the pixels of a page in the watermark's light red
// (240,200,200), rendered at 30 dpi.
func tintedPixels(t *testing.T, path string, page int) int {
	t.Helper()
	n, _ := countPixels(t, path, page, 30, func(r, g, b uint32) bool { return r > 225 && g < 240 && r > g+12 && r > b+12 })
	return n
}

// countPixels renders a page at dpi and counts the pixels whose 8-bit
// colour keep accepts, of all the page's pixels.
func countPixels(t *testing.T, path string, page, dpi int, keep func(r, g, b uint32) bool) (n, total int) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	p := fmt.Sprint(page)
	tool(t, "pdftoppm", "-r", fmt.Sprint(dpi), "-png", "-f", p, "-l", p, path, out)
	matches, _ := filepath.Glob(out + "*.png")
	if len(matches) != 1 {
		t.Fatalf("pdftoppm wrote %v", matches)
	}
	b, _ := os.ReadFile(matches[0])
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if keep(r>>8, g>>8, bl>>8) {
				n++
			}
		}
	}
	return n, bounds.Dx() * bounds.Dy()
}

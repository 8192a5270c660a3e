package print

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

func loanNo(t *testing.T, st *store.Store, contract string) *store.Loan {
	t.Helper()
	return firstOf(t, st, store.KindLoan, func(e store.Entity) bool { return e.(*store.Loan).ContractNo == contract }).(*store.Loan)
}

// C6 for the ¥50,000 loan PSXYS-2024-0101 (4.35%, disbursed 2024-10-16,
// due 2025-10-16, nothing repaid) counts from the day it is printed for,
// whatever the computer's clock says. Interest = 50,000 × 4.35% × days /
// 360, the days running from disbursement to the day before payment.
func TestReminderCountsFromItsDate(t *testing.T) {
	st := openDemo(t)
	l := loanNo(t, st, "PSXYS-2024-0101")
	tests := []struct {
		asOf store.Date
		want []string
		not  []string
	}{
		// 2024-10-16 … 2025-11-29: 410 days → 2,477.083 → 2,477.08.
		{"2025-11-30", []string{"已逾期45天", "2,477.08", "自2025-10-16起"}, []string{"按期还款"}},
		// Before the due date: 365 days to 2025-10-15 → 2,205.208 →
		// 2,205.21, 15 days to go.
		{"2025-10-01", []string{"应于2025-10-16归还本金50,000.00", "2,205.21", "距2025-10-01还有15天", "按期还款"}, []string{"逾期"}},
	}
	for _, tc := range tests {
		path := render(t, st, Job{Code: "C6", Record: store.MetaOf(l).ID}, Options{AsOf: tc.asOf})
		flat := squash(text(t, path))
		for _, w := range tc.want {
			if !strings.Contains(flat, squash(w)) {
				t.Errorf("C6 as of %s lacks %q", tc.asOf, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(flat, w) {
				t.Errorf("C6 as of %s says %q", tc.asOf, w)
			}
		}
	}
	settled := loanNo(t, st, "PSXYS-2016-0031")
	err := st.View(func(r *store.Reader) error {
		_, err := Render(context.Background(), r, Job{Code: "C6", Record: store.MetaOf(settled).ID}, Options{AsOf: "2025-11-30"}, nil)
		return err
	})
	if store.CodeOf(err) != "PRINT_NOTHING_DUE" {
		t.Errorf("a reminder for a settled loan: %v", err)
	}
}

// A draft visit prints marked 草稿 in its title; a submitted one does not.
func TestDraftVisitPrintsMarked(t *testing.T) {
	st := openDemo(t)
	for _, draft := range []bool{true, false} {
		v := firstOf(t, st, store.KindVisit, func(e store.Entity) bool { return (e.(*store.Visit).Status == "草稿") == draft })
		flat := squash(text(t, render(t, st, Job{Code: "B2", Record: store.MetaOf(v).ID}, Options{})))
		if got := strings.Contains(flat, "探访记录表（草稿）"); got != draft {
			t.Errorf("draft %v: title marked %v", draft, got)
		}
	}
}

// A phone visit cannot have seen the person or their home: those lines
// print as not applicable, with no box ticked.
func TestPhoneVisitPrintsNotApplicable(t *testing.T) {
	st := openDemo(t)
	v := firstOf(t, st, store.KindVisit, func(e store.Entity) bool {
		return e.(*store.Visit).Method == "电话" && e.(*store.Visit).Status != "草稿"
	})
	flat := squash(text(t, render(t, st, Job{Code: "B2", Record: store.MetaOf(v).ID}, Options{})))
	i := strings.Index(flat, "是否见到本人")
	if i < 0 || !strings.HasPrefix(flat[i+len("是否见到本人"):], "不适用（电话）") {
		t.Errorf("是否见到本人 on a phone visit: %q", flat[max(i, 0):min(len(flat), max(i, 0)+60)])
	}
}

// An MZ/T 039 assessment lists all four of its domains: 感知觉与沟通 is
// what makes the demo's golden case 中度失能.
func TestMZAssessmentListsEveryDomain(t *testing.T) {
	st := openDemo(t)
	a := firstOf(t, st, store.KindAssessment, func(e store.Entity) bool { return e.(*store.Assessment).Instrument == store.InstrumentMZ })
	flat := squash(text(t, render(t, st, Job{Code: "A6", Record: store.MetaOf(a).ID}, Options{})))
	for _, d := range []string{"日常生活活动", "精神状态", "感知觉与沟通", "社会参与"} {
		if !strings.Contains(flat, d) {
			t.Errorf("A6 (MZ/T 039) lacks the domain %s", d)
		}
	}
}

var footerRE = regexp.MustCompile(`第(\d+)页共(\d+)页`)

// A pack opens with a cover listing its parts, and its pages are numbered
// through: the last footer is "第 N 页 共 N 页" with N the file's pages,
// and every footer counts up by one.
func TestPackIsNumberedThrough(t *testing.T) {
	st := openDemo(t)
	path := render(t, st, Job{Code: "pack", Params: report.Params{Scope: "130131190", Month: "2025-11"}}, Options{})
	n := pages(t, path)
	for p := 1; p <= n; p++ {
		page := squash(tool(t, "pdftotext", "-layout", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-"))
		if p == 1 && (!strings.Contains(page, "目录") || !strings.Contains(page, "逾期贷款清单")) {
			t.Errorf("page 1 is not a cover with contents")
		}
		m := footerRE.FindStringSubmatch(page)
		if m == nil || m[1] != strconv.Itoa(p) || m[2] != strconv.Itoa(n) {
			t.Errorf("page %d of %d has footer %v", p, n, m)
		}
	}
}

// The file's dates say which time zone they are in (China, +08'00').
func TestPDFDatesCarryTheirZone(t *testing.T) {
	st := openDemo(t)
	path := render(t, st, Job{Code: "B4", Params: report.Params{Scope: "130131190", Month: "2025-11"}}, Options{})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"/CreationDate (D:20251130160500+08'00')", "/ModDate (D:20251130160500+08'00')"} {
		if !strings.Contains(string(b), key) {
			t.Errorf("no %s", key)
		}
	}
	// The offsets were moved with the insertion: poppler reads the file
	// without repairing it.
	if info := tool(t, "pdfinfo", path); !strings.Contains(info, "Pages:") {
		t.Errorf("pdfinfo: %s", info)
	}
}

// The smaller faults a township clerk found, each read back from paper.
func TestSmallerFixesOnPaper(t *testing.T) {
	st := openDemo(t)
	shili := report.Params{Scope: "130131190", Month: "2025-11"}
	tests := []struct {
		name string
		job  Job
		want []string
		not  []string
	}{
		// R2 of §6.2: E 60+45+30 = 135, D 62+41.5+30 = 133.5, B 131.5,
		// unused 3.5 (中度), excess 2 (重度).
		{"B6 totals every hour column", Job{Code: "B6", Params: shili}, []string{"合计3人135133.5131.53.522,630.00"}, nil},
		{"home-subsidy has the county's box", Job{Code: "home-subsidy", Params: report.Params{Scope: "130131190", Year: 2025}}, []string{"县民政局审定（盖章）"}, nil},
		{"data-quality in Chinese, one line per duplicate number", Job{Code: "data-quality", Params: shili},
			[]string{"身份证号重复错误人员乙村何德霞", "登记了2次"}, []string{"ID_DUPLICATE", "LOAN_NO_RATING"}},
		{"C4 names its village and takes objections", Job{Code: "C4", Params: report.Params{Scope: "130131190", Month: "2025-10"}},
			[]string{"乙村评级授信结果公示表", "如有异议", "异议受理人", "联系电话"}, []string{"含敏感个人信息"}},
	}
	for _, tc := range tests {
		flat := squash(text(t, render(t, st, tc.job, Options{})))
		for _, w := range tc.want {
			if !strings.Contains(flat, squash(w)) {
				t.Errorf("%s: lacks %q", tc.name, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(flat, w) {
				t.Errorf("%s: says %q", tc.name, w)
			}
		}
		if tc.job.Code == "data-quality" && strings.Count(flat, "登记了2次") != 1 {
			t.Errorf("the duplicate ID is listed %d times", strings.Count(flat, "登记了2次"))
		}
	}
	// A public notice printed unmasked is still not stamped sensitive.
	c4 := squash(text(t, render(t, st, Job{Code: "C4", Params: report.Params{Scope: "130131190", Month: "2025-10"}}, Options{Unmasked: true, Purpose: "张贴"})))
	if strings.Contains(c4, "含敏感个人信息") {
		t.Error("the unmasked public notice is stamped 含敏感个人信息")
	}
	// A footer with nobody named says so.
	var pdf []byte
	st.View(func(r *store.Reader) error {
		pdf, _ = Render(context.Background(), r, Job{Code: "B4", Params: shili}, Options{Now: printTime}, nil)
		return nil
	})
	path := t.TempDir() + "/b4.pdf"
	os.WriteFile(path, pdf, 0o644)
	if !strings.Contains(squash(text(t, path)), "操作员：未填写") {
		t.Error("no operator: the footer does not say 未填写")
	}
}

package demo_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/report"
)

// The dividends of domain.md §8.4: ¥2,500 a year on each ¥50,000 户贷企用
// loan, one year (2018, the second household) under-paid at ¥2,000 and
// flagged ¥500 short; every other year of the agreements paid in full
// (2016 and 2019 by their days: ¥1,612.02 and ¥890.41).
func TestGoldenDividends(t *testing.T) {
	s := dataset(t)
	short := map[int]int64{}
	for year := 2015; year <= 2025; year++ {
		d := run(t, s, "dividend-check", report.Params{Scope: demo.County, Year: year}).Data.(*report.DividendData)
		short[year] = d.ShortFen
		switch year {
		case 2016:
			if d.ExpectedFen != 2*161_202 || d.PaidFen != d.ExpectedFen {
				t.Errorf("2016: expected %d paid %d", d.ExpectedFen, d.PaidFen)
			}
		case 2017:
			if d.ExpectedFen != 500_000 || d.PaidFen != 500_000 || len(d.Lines) != 2 {
				t.Errorf("2017: expected %d paid %d in %d lines", d.ExpectedFen, d.PaidFen, len(d.Lines))
			}
		case 2018:
			if d.ExpectedFen != 500_000 || d.PaidFen != 450_000 || d.ShortFen != 50_000 || d.ShortLinks != 1 {
				t.Errorf("2018: expected %d paid %d short %d in %d", d.ExpectedFen, d.PaidFen, d.ShortFen, d.ShortLinks)
			}
			for _, l := range d.Lines {
				if l.Short != (l.PaidFen == 200_000) || l.ExpectedFen != 250_000 {
					t.Errorf("2018 line %s: expected %d paid %d short %v", l.ContractNo, l.ExpectedFen, l.PaidFen, l.Short)
				}
			}
		case 2019:
			if d.ExpectedFen != 2*89_041 || d.PaidFen != d.ExpectedFen {
				t.Errorf("2019: expected %d paid %d", d.ExpectedFen, d.PaidFen)
			}
		default:
			if len(d.Lines) != 0 {
				t.Errorf("%d: %d lines outside the agreements", year, len(d.Lines))
			}
		}
	}
	for year, fen := range short {
		if fen != 0 && year != 2018 {
			t.Errorf("%d short %d", year, fen)
		}
	}
}

// The bank's claim for L2 as of 2025-11-20 (worked in payout.go): 110 days,
// ¥30,000 principal and ¥3,328.96 interest, 80% → ¥26,663.17; checked by
// the township, waiting for the county. A claim for L1 (45 days) was
// refused.
func TestDemoCompensationClaim(t *testing.T) {
	s := dataset(t)
	var claims []*store.CompensationClaim
	s.View(func(r *store.Reader) error {
		claims, _ = store.All[*store.CompensationClaim](r, store.KindCompensationClaim, "")
		return nil
	})
	if len(claims) != 1 {
		t.Fatalf("%d claims, want 1", len(claims))
	}
	c := claims[0]
	if c.DaysOverdue != 110 || c.OverduePrincipalFen != 3_000_000 || c.InterestFrom != "2023-08-02" || c.OverdueInterestFen != 332_896 ||
		c.SharePct != 80 || c.AmountFen != 2_666_317 || c.Status != "乡镇审核" || c.ClaimNo != "130131000000-02-D2025-0001" {
		t.Errorf("claim: %+v", c)
	}
	s.View(func(r *store.Reader) error {
		if l := loanByContract(t, r, "PSXYS-2023-0102"); l.ID.String() != c.LoanID || l.Status != "正常" {
			t.Errorf("the claim's loan: %s %s", l.ContractNo, l.Status)
		}
		return nil
	})
	refused := false
	for _, r := range result.Rejections {
		refused = refused || r.Want == "COMPENSATION_TOO_EARLY" && r.Code != ""
	}
	if !refused {
		t.Error("no claim refused for a loan overdue less than 90 days")
	}
}

// The county decides and pays the claim; a village's station cannot, a
// township's station can only check it (done) or send it back.
func TestCompensationStepsAtEachLevel(t *testing.T) {
	src := writable(t)
	var id string
	src.View(func(r *store.Reader) error {
		cs, _ := store.All[*store.CompensationClaim](r, store.KindCompensationClaim, "")
		id = cs[0].ID.String()
		return nil
	})
	for _, c := range []struct {
		station, scope string
		to             string
		set            map[string]string
		code           string
	}{
		{"130131190201-01", "甲村", "县审定", map[string]string{"county_opinion": "同意"}, "STEP_LEVEL"},
		{"130131190201-01", "甲村", "已退回", map[string]string{"reject_reason": "重算"}, "STEP_LEVEL"},
		{"130131190000-01", "示例镇", "县审定", map[string]string{"county_opinion": "同意"}, "STEP_LEVEL"},
		{"130131190000-01", "示例镇", "已退回", map[string]string{"reject_reason": "欠息有误，请重算"}, ""},
	} {
		s, err := store.Open(filepath.Join(t.TempDir(), "st.db"), &store.Options{RegistryDir: "-", Now: func() time.Time { return demo.AsOf }})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.SetStation(c.station, c.scope+"服务点"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ApplyAll(src); err != nil {
			t.Fatal(err)
		}
		if err := step(t, s, id, c.to, c.set); (err == nil) != (c.code == "") || err != nil && store.CodeOf(err) != c.code {
			t.Errorf("%s moving the claim to %s: %v, want %q", c.scope, c.to, err, c.code)
		}
	}
	// At the county: 审定 puts L2 in compensation, the payment marks it
	// compensated and takes it off the overdue list.
	if err := step(t, src, id, "县审定", map[string]string{"county_opinion": "审定同意代偿26663.17元"}); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		var st string
		src.View(func(r *store.Reader) error { st = loanByContract(t, r, "PSXYS-2023-0102").Status; return nil })
		return st
	}
	if st := status(); st != "风险补偿代偿中" {
		t.Errorf("after 审定 the loan is %s", st)
	}
	if err := step(t, src, id, "已代偿", nil); err != nil {
		t.Fatal(err)
	}
	if st := status(); st != "已代偿" {
		t.Errorf("after payment the loan is %s", st)
	}
	src.View(func(r *store.Reader) error {
		rows, _ := r.Overdue("", store.DateOf(demo.AsOf))
		for _, row := range rows {
			if row.Loan.ContractNo == "PSXYS-2023-0102" {
				t.Error("a compensated loan is still on the overdue list")
			}
		}
		return nil
	})
}

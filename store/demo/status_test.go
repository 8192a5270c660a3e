package demo_test

import (
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/report"
)

// loanByContract finds a demo loan by its contract number.
func loanByContract(t *testing.T, r *store.Reader, no string) *store.Loan {
	t.Helper()
	ids, _ := r.ByNumber(no)
	for _, id := range ids {
		if x, _ := r.Live(id, store.KindLoan); x != nil {
			return x.(*store.Loan)
		}
	}
	t.Fatalf("no loan %s", no)
	return nil
}

// As of the data set's day (2025-11-30) the two loans domain.md §8.4 makes
// overdue read 逾期 wherever a status is shown: L2 (¥30,000 due
// 2025-08-02, 120 days) and L1 (¥50,000 due 2025-10-16, 45 days); the
// entitlement that ended on 2025-10-31 reads 已到期.
func TestStatusesAsOfTheDataSet(t *testing.T) {
	s := dataset(t)
	on := store.DateOf(demo.AsOf)
	if on != "2025-11-30" {
		t.Fatalf("as of %s", on)
	}
	s.View(func(r *store.Reader) error {
		for no, want := range map[string]string{
			"PSXYS-2024-0101": "逾期", // L1, 45 days
			"PSXYS-2023-0102": "逾期", // L2, 120 days
			"PSXYS-2025-0103": "正常", // L3, due 2027
			"PSXYS-2024-0105": "正常", // L5, instalments paid on time
			"PSXYS-2016-0031": "已结清",
		} {
			l := loanByContract(t, r, no)
			if l.Status != "正常" && want != l.Status {
				t.Errorf("%s stored as %s", no, l.Status)
			}
			if got := r.StatusOn(l, on); got != want {
				t.Errorf("%s reads %s, want %s", no, got, want)
			}
		}
		// The overdue list and the status agree, loan by loan.
		rows, _ := r.Overdue("", on)
		overdue := map[string]bool{}
		for _, row := range rows {
			overdue[row.Loan.ContractNo] = true
			if row.Status != "逾期" {
				t.Errorf("overdue list shows %s as %s", row.Loan.ContractNo, row.Status)
			}
		}
		loans, _ := store.All[*store.Loan](r, store.KindLoan, "")
		for _, l := range loans {
			if (r.StatusOn(l, on) == "逾期") != overdue[l.ContractNo] {
				t.Errorf("%s: status %s, on the overdue list %v", l.ContractNo, r.StatusOn(l, on), overdue[l.ContractNo])
			}
		}
		if len(overdue) != 2 {
			t.Errorf("%d loans overdue, want 2", len(overdue))
		}
		ents, _ := store.All[*store.HomecareEntitlement](r, store.KindHomecareEntitlement, "")
		ended := 0
		for _, e := range ents {
			want := "有效"
			if e.ValidTo == "2025-10-31" {
				want = "已到期"
				ended++
			}
			if e.Status != "有效" || r.StatusOn(e, on) != want {
				t.Errorf("entitlement %s–%s stored %s reads %s, want %s", e.ValidFrom, e.ValidTo, e.Status, r.StatusOn(e, on), want)
			}
		}
		if ended != 1 || len(ents) != 4 {
			t.Errorf("%d entitlements, %d ended", len(ents), ended)
		}
		return nil
	})
	// The overdue report (C7) prints the same word.
	rep := run(t, s, "overdue", report.Params{Month: "2025-11"})
	for _, l := range rep.Data.(*report.OverdueData).Lines {
		if l.Status != "逾期" {
			t.Errorf("R6 line %s: %s", l.ContractNo, l.Status)
		}
	}
	hc := run(t, s, "homecare-hours", report.Params{Month: "2025-11"})
	for _, l := range hc.Data.(*report.HomecareData).Lines {
		if l.Status != "有效" {
			t.Errorf("R2 line %s: %s", l.Name, l.Status)
		}
	}
	oct := run(t, s, "homecare-hours", report.Params{Month: "2025-10"})
	n := 0
	for _, l := range oct.Data.(*report.HomecareData).Lines {
		if l.Status == "有效" {
			n++
		}
	}
	if n != len(oct.Data.(*report.HomecareData).Lines) {
		t.Errorf("October: an entitlement ending on its last day should read 有效: %+v", oct.Data)
	}
}

// Repayments prefilled on 2025-11-30, figures worked by hand from the data
// set's loans (interest = balance × rate × days ÷ 360, days from the last
// interest payment or disbursement to the day before):
//   - L1 ¥50,000 at 4.35% from 2024-10-16, due 2025-10-16, nothing paid:
//     principal 50,000.00; 410 days: 5,000,000 × 0.0435 × 410/360
//     = 247,708.3 → ¥2,477.08;
//   - L2 ¥30,000 at 4.75% from 2023-08-02, due 2025-08-02, nothing paid:
//     principal 30,000.00; 851 days (366 + 365 + 120): 3,000,000 × 0.0475
//     × 851/360 = 336,854.2 → ¥3,368.54;
//   - L3 ¥50,000 at 3.45% due 2027-03-10, interest last paid 2025-09-21:
//     nothing due, the next (only) instalment 50,000.00; 70 days:
//     5,000,000 × 0.0345 × 70/360 = 33,541.7 → ¥335.42;
//   - L5 ¥40,000 at 3.95%, ¥5,000 a quarter, three paid to 2025-09-20: the
//     next instalment 2025-12-20, 5,000.00; 71 days on ¥25,000:
//     2,500,000 × 0.0395 × 71/360 = 19,475.7 → ¥194.76.
func TestRepaymentPrefillOnTheDataSet(t *testing.T) {
	s := dataset(t)
	on := store.DateOf(demo.AsOf)
	cases := []struct {
		contract            string
		principal, interest int64
	}{
		{"PSXYS-2024-0101", 5_000_000, 247_708},
		{"PSXYS-2023-0102", 3_000_000, 336_854},
		{"PSXYS-2025-0103", 5_000_000, 33_542},
		{"PSXYS-2024-0105", 500_000, 19_476},
	}
	s.View(func(r *store.Reader) error {
		for _, c := range cases {
			l := loanByContract(t, r, c.contract)
			rp, err := r.NewRepayment(l.ID, on)
			if err != nil {
				t.Errorf("%s: %v", c.contract, err)
				continue
			}
			if rp.PrincipalFen != c.principal || rp.InterestFen != c.interest || rp.PaidDate != on || rp.Source != "本人" || rp.LoanID != l.ID.String() {
				t.Errorf("%s: 本金 %d 利息 %d, want %d %d", c.contract, rp.PrincipalFen, rp.InterestFen, c.principal, c.interest)
			}
		}
		settled := loanByContract(t, r, "PSXYS-2016-0031")
		if _, err := r.NewRepayment(settled.ID, on); store.CodeOf(err) != "LOAN_SETTLED" {
			t.Errorf("settled loan: %v", err)
		}
		return nil
	})
}

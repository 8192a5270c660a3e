package store

import "testing"

// A ¥40,000 loan at 4.00% from 2025-01-10 to 2026-01-10, principal in four
// quarterly instalments of ¥10,000 (2025-04-10, 07-10, 10-10, 2026-01-10).
// Expected figures worked by hand: interest = balance × 400 ÷ 10000 × days
// ÷ 360, days counted from the first day to the day before payment.
func TestNewRepayment(t *testing.T) {
	f := newLoanFixture(t)
	l := &Loan{ContractNo: "PSXYS-2025-0902", BankName: "平山县农村信用合作联社", HouseholdID: f.h.ID.String(), BorrowerPersonID: f.p.ID.String(),
		Mode: ModeHuDaiHuYong, Purpose: "养殖", DisbursedOn: "2025-01-10", DueOn: "2026-01-10", PrincipalFen: 4_000_000, AnnualRateBP: 400,
		RepayMethod: RepayInstalments, SubsidyRatioPct: 70}
	mustCreate(t, f.s, l)
	prefill := func(on Date) *Repayment {
		t.Helper()
		var rp *Repayment
		var err error
		f.s.View(func(r *Reader) error { rp, err = r.NewRepayment(l.ID, on); return nil })
		if err != nil {
			t.Fatalf("NewRepayment(%s): %v", on, err)
		}
		return rp
	}
	cases := []struct {
		on                  Date
		principal, interest int64
	}{
		// 90 days (Jan 10 – Apr 9) on ¥40,000: 4,000,000 × 0.04 × 90/360 = 40,000.
		{"2025-04-10", 1_000_000, 40_000},
		// Nothing due yet on 1 March: the first instalment is proposed;
		// 50 days (Jan 10 – Feb 28): 4,000,000 × 0.04 × 50/360 = 22,222.2 → 22,222.
		{"2025-03-01", 1_000_000, 22_222},
	}
	for _, c := range cases {
		rp := prefill(c.on)
		if rp.PaidDate != c.on || rp.Source != "本人" || rp.PrincipalFen != c.principal || rp.InterestFen != c.interest {
			t.Errorf("on %s: %s 本金 %d 利息 %d, want 本金 %d 利息 %d", c.on, rp.PaidDate, rp.PrincipalFen, rp.InterestFen, c.principal, c.interest)
		}
	}
	// The prefill of 10 April saves as it is.
	first := prefill("2025-04-10")
	mustCreate(t, f.s, first)

	cases = []struct {
		on                  Date
		principal, interest int64
	}{
		// Nothing due on 1 May: the next instalment (10 July); 21 days
		// (Apr 10 – Apr 30) on ¥30,000: 3,000,000 × 0.04 × 21/360 = 7,000.
		{"2025-05-01", 1_000_000, 7_000},
		// 10 July unpaid, 1 August: ¥10,000 overdue; 113 days
		// (Apr 10 – Jul 31): 3,000,000 × 0.04 × 113/360 = 37,666.7 → 37,667.
		{"2025-08-01", 1_000_000, 37_667},
		// 10 October: the overdue July instalment and October's, due that
		// day; 183 days: 3,000,000 × 0.04 × 183/360 = 61,000.
		{"2025-10-10", 2_000_000, 61_000},
	}
	for _, c := range cases {
		rp := prefill(c.on)
		if rp.PrincipalFen != c.principal || rp.InterestFen != c.interest {
			t.Errorf("on %s: 本金 %d 利息 %d, want 本金 %d 利息 %d", c.on, rp.PrincipalFen, rp.InterestFen, c.principal, c.interest)
		}
	}

	// A voided repayment does not count: on 1 May the April instalment is
	// due again, with interest from disbursement, 111 days on ¥40,000:
	// 4,000,000 × 0.04 × 111/360 = 49,333.3 → 49,333.
	void, _ := GetAs[*Repayment](f.s, first.ID)
	void.Voided, void.VoidReason = true, "录错"
	if _, err := f.s.Save(void, "x"); err != nil {
		t.Fatal(err)
	}
	if rp := prefill("2025-05-01"); rp.PrincipalFen != 1_000_000 || rp.InterestFen != 49_333 {
		t.Errorf("after voiding: 本金 %d 利息 %d, want 1000000 49333", rp.PrincipalFen, rp.InterestFen)
	}

	// Repaid in full: nothing to prefill.
	mustCreate(t, f.s, &Repayment{LoanID: l.ID.String(), PaidDate: "2025-11-01", PrincipalFen: 4_000_000, InterestFen: 100, Source: "本人"})
	var err error
	f.s.View(func(r *Reader) error { _, err = r.NewRepayment(l.ID, "2025-11-20"); return nil })
	if CodeOf(err) != "LOAN_SETTLED" {
		t.Errorf("settled loan: %v", err)
	}
}

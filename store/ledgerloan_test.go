package store

import (
	"testing"

	"github.com/google/uuid"
)

// ledgerLoan is a ¥40,000 loan at 4.35% from 2025-01-10 to 2026-01-10,
// principal in four quarterly instalments of ¥10,000 (2025-04-10, 07-10,
// 10-10, 2026-01-10), as a bank's ledger lists it.
func ledgerLoan(f *loanFixture, contract string) *Loan {
	return &Loan{ContractNo: contract, NoteNo: contract + "-01", BankName: "平山县农村信用合作联社", HouseholdID: f.h.ID.String(),
		BorrowerPersonID: f.p.ID.String(), Mode: ModeHuDaiHuYong, Purpose: "养殖", DisbursedOn: "2025-01-10", DueOn: "2026-01-10",
		PrincipalFen: 4_000_000, AnnualRateBP: 435, RepayMethod: RepayInstalments}
}

func repaymentsOf(t *testing.T, s *Store, loan uuid.UUID) []*Repayment {
	t.Helper()
	var out []*Repayment
	s.View(func(r *Reader) error {
		es, _ := r.RefEntities(loan, KindRepayment)
		out = repayments(es)
		return nil
	})
	return out
}

// The bank's balance on the ledger's date is what the store reads from
// then on: ¥30,000 repaid of ¥40,000 by 2025-10-31 covers the April, July
// and October instalments, so on 1 December the loan is 正常 with ¥10,000
// owed, due 2026-01-10; entered without the carry-over it would read 逾期.
func TestEnterLedgerLoan(t *testing.T) {
	f := newLoanFixture(t)
	l := ledgerLoan(f, "PSXYS-2025-0101")
	res, err := f.s.EnterLedgerLoan(l, LedgerBalance{AsOf: "2025-10-31", BalanceFen: 1_000_000}, "台账导入员")
	if err != nil {
		t.Fatal(err)
	}
	reps := repaymentsOf(t, f.s, res.ID)
	if len(reps) != 1 || reps[0].PrincipalFen != 3_000_000 || reps[0].InterestFen != 0 || reps[0].PaidDate != "2025-10-31" || reps[0].Source != RepayCarriedOver {
		t.Fatalf("carry-over: %+v", reps)
	}
	if reps[0].CreatedBy == "" {
		t.Error("the carry-over has no author")
	}
	stored, _ := GetAs[*Loan](f.s, res.ID)
	pos := PositionOn(stored, reps, "2025-12-01")
	if pos.BalanceFen != 1_000_000 || pos.DaysOverdue != 0 || pos.NextDue != "2026-01-10" || pos.NextDueFen != 1_000_000 {
		t.Errorf("position: %+v", pos)
	}
	f.s.View(func(r *Reader) error {
		if st := r.StatusOn(stored, "2025-12-01"); st != "正常" {
			t.Errorf("status %s", st)
		}
		if pos := PositionOn(stored, nil, "2025-12-01"); pos.DaysOverdue == 0 {
			t.Error("without the carry-over the loan should read overdue")
		}
		return nil
	})

	// Repaid in full by the ledger's date: entered as 已结清.
	paid := ledgerLoan(f, "PSXYS-2025-0102")
	if _, err := f.s.EnterLedgerLoan(paid, LedgerBalance{AsOf: "2025-10-31"}, "台账导入员"); err != nil {
		t.Fatal(err)
	}
	if got, _ := GetAs[*Loan](f.s, paid.ID); got.Status != "已结清" || len(repaymentsOf(t, f.s, paid.ID)) != 1 {
		t.Errorf("settled loan: %s", got.Status)
	}
	// Nothing repaid: no repayment is invented.
	whole := ledgerLoan(f, "PSXYS-2025-0103")
	if _, err := f.s.EnterLedgerLoan(whole, LedgerBalance{AsOf: "2025-10-31", BalanceFen: 4_000_000}, "台账导入员"); err != nil {
		t.Fatal(err)
	}
	if n := len(repaymentsOf(t, f.s, whole.ID)); n != 0 {
		t.Errorf("%d repayments on an unpaid loan", n)
	}
}

// A refusal says every reason, the ledger's and the loan's, and writes
// nothing, in a batch too.
func TestEnterLedgerLoanRefused(t *testing.T) {
	f := newLoanFixture(t)
	cases := []struct {
		name string
		edit func(*Loan)
		bal  LedgerBalance
		code string
	}{
		{"balance over principal", nil, LedgerBalance{AsOf: "2025-10-31", BalanceFen: 4_000_001}, "LEDGER_BALANCE"},
		{"negative balance", nil, LedgerBalance{AsOf: "2025-10-31", BalanceFen: -1}, "LEDGER_BALANCE"},
		{"ledger before disbursement", nil, LedgerBalance{AsOf: "2024-12-31", BalanceFen: 1_000_000}, "LEDGER_DATE"},
		{"ledger in the future", nil, LedgerBalance{AsOf: "2026-01-01", BalanceFen: 1_000_000}, "LEDGER_DATE"},
		{"settled with a balance", func(l *Loan) { l.Status = "已结清" }, LedgerBalance{AsOf: "2025-10-31", BalanceFen: 1}, "LOAN_BALANCE_OPEN"},
		{"has an application", func(l *Loan) { l.ApplicationID = f.app.ID.String() }, LedgerBalance{BalanceFen: 4_000_000}, "LEDGER_APPLICATION"},
		{"loan rule too", func(l *Loan) { l.ContractNo = "" }, LedgerBalance{AsOf: "2025-10-31", BalanceFen: 4_000_001}, "REQUIRED"},
	}
	for _, c := range cases {
		l := ledgerLoan(f, "PSXYS-2025-0201")
		if c.edit != nil {
			c.edit(l)
		}
		err := f.s.Batch(func(b *Batch) error {
			_, err := b.EnterLedgerLoan(l, c.bal, "台账导入员")
			wantCode(t, err, c.code)
			return nil // commit whatever the refusal left: nothing
		})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
	}
	var loans, reps int
	f.s.View(func(r *Reader) error {
		r.EachID(KindLoan, "", func(uuid.UUID, string) error { loans++; return nil })
		r.EachID(KindRepayment, "", func(uuid.UUID, string) error { reps++; return nil })
		return nil
	})
	if loans != 0 || reps != 0 {
		t.Errorf("%d loans, %d repayments written by refusals", loans, reps)
	}
	// Both reasons at once: the ledger's and the loan's.
	l := ledgerLoan(f, "")
	_, err := f.s.EnterLedgerLoan(l, LedgerBalance{AsOf: "2025-10-31", BalanceFen: 4_000_001}, "x")
	wantCode(t, err, "LEDGER_BALANCE")
	wantCode(t, err, "REQUIRED")
}

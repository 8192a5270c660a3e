package store

import (
	"bytes"
	"testing"
)

func (f *loanFixture) loan() *Loan {
	var app *LoanApplication
	f.s.View(func(r *Reader) error {
		x, _ := r.Live(f.app.ID, KindLoanApplication)
		app = x.(*LoanApplication)
		return nil
	})
	l := LoanFromApplication(app, "2025-11-25")
	l.ContractNo, l.AnnualRateBP, l.RepayMethod, l.SubsidyRatioPct = "PSXYS-2025-0301", 345, RepayBullet, 70
	return l
}

func dumpOf(t *testing.T, s *Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.Dump(&b, true); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDisburse(t *testing.T) {
	f := newLoanFixture(t)
	// Not yet approved: refused, nothing written.
	before := dumpOf(t, f.s)
	_, err := f.s.Disburse(f.loan(), "x")
	if CodeOf(err) != "APPLICATION_NOT_APPROVED" || !chinese(MessageOf(err)) {
		t.Errorf("draft application: %v", err)
	}
	noApp := f.loan()
	noApp.ApplicationID = ""
	if _, err := f.s.Disburse(noApp, "x"); CodeOf(err) != "APPLICATION_MISSING" {
		t.Errorf("no application: %v", err)
	}
	gone := f.loan()
	gone.ApplicationID = "0199aaaa-0000-7000-8000-000000000000"
	if _, err := f.s.Disburse(gone, "x"); CodeOf(err) != "APPLICATION_MISSING" {
		t.Errorf("unknown application: %v", err)
	}
	if !bytes.Equal(before, dumpOf(t, f.s)) {
		t.Fatal("a refused disbursement wrote something")
	}

	f.approve(t)
	// A loan the store refuses (no contract number) leaves the application
	// approved.
	bad := f.loan()
	bad.ContractNo = ""
	before = dumpOf(t, f.s)
	if _, err := f.s.Disburse(bad, "x"); CodeOf(err) != "REQUIRED" {
		t.Errorf("loan without contract: %v", err)
	}
	if !bytes.Equal(before, dumpOf(t, f.s)) {
		t.Fatal("a refused loan wrote something")
	}

	l := f.loan()
	res, err := f.s.Disburse(l, "信贷员")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := GetAs[*Loan](f.s, res.ID)
	app, _ := GetAs[*LoanApplication](f.s, f.app.ID)
	if app.Status != "已放款" || got.ApplicationID != f.app.ID.String() || got.PrincipalFen != 3_000_000 || got.DueOn != "2026-11-25" || got.Status != "正常" {
		t.Errorf("after disbursement: application %s, loan %+v", app.Status, got)
	}
	// The loan and the application's move are one change each, in the same
	// transaction: the application's update comes from the same author.
	if app.UpdatedBy != got.CreatedBy {
		t.Errorf("application updated by %q", app.UpdatedBy)
	}
	before = dumpOf(t, f.s)
	again := f.loan()
	again.ContractNo = "PSXYS-2025-0302"
	if _, err := f.s.Disburse(again, "x"); CodeOf(err) != "APPLICATION_DISBURSED" {
		t.Errorf("second disbursement: %v", err)
	}
	if !bytes.Equal(before, dumpOf(t, f.s)) {
		t.Fatal("a refused second disbursement wrote something")
	}
}

// In a batch, a refused disbursement leaves the batch usable and nothing
// of it written.
func TestBatchDisburse(t *testing.T) {
	f := newLoanFixture(t)
	f.approve(t)
	err := f.s.Batch(func(b *Batch) error {
		bad := f.loan()
		bad.PrincipalFen = 9_000_000 // over the ¥50,000 limit
		if _, err := b.Disburse(bad, "x"); CodeOf(err) != "AMOUNT_OVER_LIMIT" {
			t.Errorf("over the limit: %v", err)
		}
		x, _ := b.Reader().Live(f.app.ID, KindLoanApplication)
		if x.(*LoanApplication).Status != "已批准" {
			t.Error("the refused disbursement moved the application in the batch")
		}
		_, err := b.Disburse(f.loan(), "x")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if app, _ := GetAs[*LoanApplication](f.s, f.app.ID); app.Status != "已放款" {
		t.Errorf("application %s", app.Status)
	}
}

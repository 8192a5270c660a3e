package store

import (
	"reflect"
	"testing"
)

func TestValidityStatus(t *testing.T) {
	cases := []struct {
		status   string
		from, to Date
		on       Date
		ended    string
		want     string
	}{
		{"有效", "2025-05-01", "2025-10-31", "2025-10-31", StatusExpired, "有效"}, // the last day is still in force
		{"有效", "2025-05-01", "2025-10-31", "2025-11-01", StatusExpired, "已到期"},
		{"有效", "2025-05-01", "2025-10-31", "2025-11-30", StatusExpired, "已到期"},
		{"有效", "2025-05-01", "", "2030-01-01", StatusExpired, "有效"}, // open-ended
		{"有效", "2026-01-01", "", "2025-12-31", StatusExpired, "未生效"},
		{"有效", "2026-01-01", "", "2026-01-01", StatusExpired, "有效"},
		{"暂停", "2025-05-01", "2025-10-31", "2025-11-30", StatusExpired, "暂停"}, // a decision beats the calendar
		{"终止", "2025-05-01", "2025-10-31", "2025-11-30", StatusExpired, "终止"},
		{"有效", "2023-06-01", "2025-05-31", "2025-06-01", StatusRatingEnded, "到期"},
	}
	for _, c := range cases {
		if got := validityStatus(c.status, c.from, c.to, c.on, c.ended); got != c.want {
			t.Errorf("%s %s–%s on %s = %s, want %s", c.status, c.from, c.to, c.on, got, c.want)
		}
	}
}

// A loan reads 逾期 from the day after an instalment falls due unpaid, and
// 正常 again once it is repaid; statuses a person decided stay as stored.
func TestLoanStatusOn(t *testing.T) {
	f := newLoanFixture(t)
	l := &Loan{ContractNo: "PSXYS-2025-0901", BankName: "平山县农村信用合作联社", HouseholdID: f.h.ID.String(), BorrowerPersonID: f.p.ID.String(),
		Mode: ModeHuDaiHuYong, Purpose: "养殖", DisbursedOn: "2025-01-10", DueOn: "2025-10-10", PrincipalFen: 1_000_000, AnnualRateBP: 400,
		RepayMethod: RepayBullet, SubsidyRatioPct: 70}
	mustCreate(t, f.s, l)
	on := func(d Date) string {
		var s string
		f.s.View(func(r *Reader) error {
			x, _ := r.Live(l.ID, KindLoan)
			s = r.StatusOn(x, d)
			row, _ := r.LoanRowFor(x.(*Loan), d)
			if row.Status != s {
				t.Errorf("LoanRow.Status %s, StatusOn %s on %s", row.Status, s, d)
			}
			return nil
		})
		return s
	}
	if got := on("2025-10-10"); got != "正常" {
		t.Errorf("on the due date: %s, want 正常", got)
	}
	if got := on("2025-10-11"); got != "逾期" {
		t.Errorf("the day after: %s, want 逾期", got)
	}
	mustCreate(t, f.s, &Repayment{LoanID: l.ID.String(), PaidDate: "2025-11-05", PrincipalFen: 1_000_000, Source: "本人"})
	if got := on("2025-11-04"); got != "逾期" {
		t.Errorf("before the repayment: %s, want 逾期", got)
	}
	if got := on("2025-11-05"); got != "正常" {
		t.Errorf("repaid: %s, want 正常 (stored)", got)
	}
	if !reflect.DeepEqual(StatusesOn(KindLoan)[:2], []string{"正常", "逾期"}) {
		t.Errorf("StatusesOn(loan) = %v", StatusesOn(KindLoan))
	}
	for _, k := range []Kind{KindHomecareEntitlement, KindCreditRating} {
		if !oneOf("未生效", StatusesOn(k)) || !oneOf(validityEnded(k), StatusesOn(k)) {
			t.Errorf("StatusesOn(%s) = %v", k, StatusesOn(k))
		}
	}
	if StatusesOn(KindRepayment) != nil {
		t.Error("a kind without a workflow has statuses")
	}
}

func validityEnded(k Kind) string {
	if k == KindCreditRating {
		return "到期"
	}
	return "已到期"
}

// The fixture's entitlement (有效 from 2025-01-01, open) reads 有效; ended
// on 2025-10-31 it reads 已到期 in November; a bed held by an admission
// reads 占用.
func TestRecordStatusOn(t *testing.T) {
	f := newFixture(t)
	read := func(x Entity, d Date) string {
		var s string
		f.s.View(func(r *Reader) error {
			e, _ := r.Get(x.meta().ID)
			s = r.StatusOn(e, d)
			return nil
		})
		return s
	}
	if got := read(f.ent, "2025-11-30"); got != "有效" {
		t.Errorf("open entitlement: %s", got)
	}
	ent, _ := GetAs[*HomecareEntitlement](f.s, f.ent.ID)
	ent.ValidTo = "2025-10-31"
	if _, err := f.s.Save(ent, "x"); err != nil {
		t.Fatal(err)
	}
	if got := read(f.ent, "2025-11-30"); got != "已到期" {
		t.Errorf("ended entitlement on 2025-11-30: %s, want 已到期", got)
	}
	if got := read(f.ent, "2025-10-31"); got != "有效" {
		t.Errorf("on its last day: %s, want 有效", got)
	}
	if got := read(f.beds[0], "2025-11-30"); got != "占用" {
		t.Errorf("occupied bed: %s, want 占用", got)
	}
	if got := read(f.beds[1], "2025-11-30"); got != "空闲" {
		t.Errorf("free bed: %s, want 空闲", got)
	}
	if got := read(f.adm, "2025-11-30"); got != "在住" {
		t.Errorf("admission: %s", got)
	}
}

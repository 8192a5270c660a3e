package store

import (
	"testing"

	"github.com/google/uuid"
)

// payoutFixture is a county-level station (it may take every step) with
// one household of 甲村 and its borrower.
type payoutFixture struct {
	s *Store
	h *Household
	p *Person
}

func newPayoutFixture(t *testing.T) *payoutFixture {
	t.Helper()
	f := &payoutFixture{s: openTest(t, "130131000000-02")}
	f.h = newHousehold(t, f.s, "H201")
	f.p = newPerson(t, f.s, f.h, "钱秀英", "130131196406150372")
	f.h.HeadPersonID = f.p.ID.String()
	if _, err := f.s.Save(f.h, "测试员"); err != nil {
		t.Fatal(err)
	}
	return f
}

// overdueLoan is a ¥30,000 bullet loan at 4.75% from 2023-08-02 to
// 2025-08-02 whose interest was last paid on 2024-08-02 and whose
// principal was never repaid.
func (f *payoutFixture) overdueLoan(t *testing.T) *Loan {
	t.Helper()
	l := &Loan{ContractNo: "PSXYS-2023-0902", BankName: "平山县农村信用合作联社", HouseholdID: f.h.ID.String(), BorrowerPersonID: f.p.ID.String(),
		Mode: ModeHuDaiHuYong, Purpose: "养殖", DisbursedOn: "2023-08-02", DueOn: "2025-08-02", PrincipalFen: 3_000_000, AnnualRateBP: 475,
		RepayMethod: RepayBullet, SubsidyRatioPct: 100}
	mustCreate(t, f.s, l)
	mustCreate(t, f.s, &Repayment{LoanID: l.ID.String(), PaidDate: "2024-08-02", InterestFen: 144_479, Source: "本人"})
	return l
}

func newCompDraft(t *testing.T, s *Store, loan uuid.UUID, on Date) *CompensationClaim {
	t.Helper()
	var cl *CompensationClaim
	err := s.View(func(r *Reader) error {
		var err error
		cl, err = r.NewCompensationClaim(loan, on)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// The claim's figures, worked by hand from the loan:
//
//   - overdue since the due date 2025-08-02; on 2025-11-20 that is
//     31 + 30 + 31 + 18 = 110 days, the whole ¥30,000 past due;
//   - interest runs from the last payment of interest (2024-08-02) to the
//     day before the claim date: 365 + 110 = 475 days;
//     3,000,000 × 4.75% × 475 ÷ 360 = 188,020.83 → 188,021 fen;
//   - the fund's default share is 80% (fund : bank = 8 : 2, domain.md
//     §4.1): (3,000,000 + 188,021) × 80% = 2,550,416.8 → 2,550,417 fen.
func TestCompensationFigures(t *testing.T) {
	f := newPayoutFixture(t)
	l := f.overdueLoan(t)
	cl := newCompDraft(t, f.s, l.ID, "2025-11-20")
	check := func(cl *CompensationClaim) {
		t.Helper()
		if cl.OverdueSince != "2025-08-02" || cl.DaysOverdue != 110 || cl.BalanceFen != 3_000_000 || cl.OverduePrincipalFen != 3_000_000 {
			t.Errorf("position: since %s, %d days, balance %d, overdue %d", cl.OverdueSince, cl.DaysOverdue, cl.BalanceFen, cl.OverduePrincipalFen)
		}
		if cl.InterestFrom != "2024-08-02" || cl.OverdueInterestFen != 188_021 {
			t.Errorf("interest from %s: %d, want 2024-08-02: 188021", cl.InterestFrom, cl.OverdueInterestFen)
		}
		if cl.SharePct != 80 || cl.AmountFen != 2_550_417 || cl.BankName != "平山县农村信用合作联社" {
			t.Errorf("share %d%%, amount %d, bank %s; want 80%%, 2550417", cl.SharePct, cl.AmountFen, cl.BankName)
		}
	}
	check(cl)
	mustCreate(t, f.s, cl)
	saved, err := GetAs[*CompensationClaim](f.s, cl.ID)
	if err != nil {
		t.Fatal(err)
	}
	check(saved)
	if saved.ClaimNo != "130131000000-02-D2025-0001" || saved.Status != "草稿" {
		t.Errorf("saved as %s %s", saved.ClaimNo, saved.Status)
	}
	if got := CompensationAmount(3_000_000, 188_021, 70); got != 2_231_615 {
		// (3,000,000 + 188,021) × 70% = 2,231,614.7 → 2,231,615.
		t.Errorf("at 70%%: %d", got)
	}
}

// A loan qualifies once it is overdue by the policy's days (90 by default)
// on the claim date, and not before; a claim date in the future, or a
// loan not overdue at all, is refused.
func TestCompensationThreshold(t *testing.T) {
	f := newPayoutFixture(t)
	l := f.overdueLoan(t)
	for _, c := range []struct {
		on   Date
		code string
	}{
		{"2025-07-01", "COMPENSATION_NOT_OVERDUE"}, // not yet due
		{"2025-10-30", "COMPENSATION_TOO_EARLY"},   // 31 + 30 + 28 = 89 days
		{"2025-10-31", ""},                         // 90 days
		{"2025-12-05", "DATE_IN_FUTURE"},           // the test clock says 2025-12-01
	} {
		res, err := f.s.Check(newCompDraft(t, f.s, l.ID, c.on))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case c.code == "" && len(res.Problems) > 0:
			t.Errorf("%s: %v", c.on, res.Problems)
		case c.code != "" && !res.Problems.Has(c.code):
			t.Errorf("%s: %v, want %s", c.on, res.Problems, c.code)
		}
	}
	f.s.mu.Lock()
	f.s.policy.CompensationMinDays = 80
	f.s.mu.Unlock()
	if res, _ := f.s.Check(newCompDraft(t, f.s, l.ID, "2025-10-30")); len(res.Problems) > 0 {
		t.Errorf("89 days with the threshold at 80: %v", res.Problems)
	}
}

// The claim goes 草稿 → 已提交 → 乡镇审核 → 县审定 → 已代偿, each step with its
// opinion and date; what was claimed is fixed on submission, recomputed
// when it comes back; the county's decision puts the loan in compensation
// and the payment marks it compensated.
func TestCompensationWorkflow(t *testing.T) {
	f := newPayoutFixture(t)
	l := f.overdueLoan(t)
	if _, err := step(t, f.s, l, "风险补偿代偿中", "2025-11-20", nil); !hasProblem(err, "COMPENSATION_CLAIM_NEEDED") {
		t.Errorf("the loan put into compensation by hand: %v", err)
	}
	cl := newCompDraft(t, f.s, l.ID, "2025-11-20")
	mustCreate(t, f.s, cl)
	if _, err := f.s.Create(newCompDraft(t, f.s, l.ID, "2025-11-21"), "测试员"); CodeOf(err) != "COMPENSATION_EXISTS" && !hasProblem(err, "COMPENSATION_EXISTS") {
		t.Errorf("a second claim for the loan: %v", err)
	}
	if _, err := step(t, f.s, cl, "已提交", "2025-11-21", nil); !hasProblem(err, "REQUIRED") {
		t.Errorf("submitted without the bank's claim: %v", err)
	}
	if _, err := step(t, f.s, cl, "已提交", "2025-11-21", map[string]string{"bank_opinion": "借款人养殖亏损，经催收无力偿还，申请代偿"}); err != nil {
		t.Fatal(err)
	}
	got, _ := GetAs[*CompensationClaim](f.s, cl.ID)
	if got.BankDate != "2025-11-21" || got.AmountFen != 2_550_417 {
		t.Fatalf("submitted: %s %d", got.BankDate, got.AmountFen)
	}
	got.ClaimDate = "2025-11-10"
	if _, err := f.s.Save(got, "测试员"); CodeOf(err) != "FROZEN" {
		t.Errorf("the claim date of a submitted claim changed: %v", err)
	}
	if _, err := step(t, f.s, cl, "已退回", "2025-11-25", map[string]string{"reject_reason": "请按最新欠息重新计算"}); err != nil {
		t.Fatal(err)
	}
	// The borrower pays some interest on 11-25; the claim, sent back, is
	// recomputed as of 11-28: 118 days overdue; interest 11-25 … 11-27,
	// 3 days: 3,000,000 × 4.75% × 3 ÷ 360 = 1,187.5 → 1,188 fen; amount
	// (3,000,000 + 1,188) × 80% = 2,400,950.4 → 2,400,950 fen.
	mustCreate(t, f.s, &Repayment{LoanID: l.ID.String(), PaidDate: "2025-11-25", InterestFen: 200_000, Source: "本人"})
	got, _ = GetAs[*CompensationClaim](f.s, cl.ID)
	got.ClaimDate = "2025-11-28"
	if _, err := f.s.Save(got, "测试员"); err != nil {
		t.Fatal(err)
	}
	if _, err := step(t, f.s, cl, "已提交", "2025-11-28", map[string]string{"bank_opinion": "已按最新欠息重新计算"}); err != nil {
		t.Fatal(err)
	}
	got, _ = GetAs[*CompensationClaim](f.s, cl.ID)
	if got.DaysOverdue != 118 || got.InterestFrom != "2025-11-25" || got.OverdueInterestFen != 1_188 || got.AmountFen != 2_400_950 {
		t.Fatalf("resubmitted: %d days, interest from %s %d, amount %d", got.DaysOverdue, got.InterestFrom, got.OverdueInterestFen, got.AmountFen)
	}
	for _, s := range []struct {
		to  string
		set map[string]string
	}{
		{"乡镇审核", map[string]string{"township_opinion": "情况属实，同意上报"}},
		{"县审定", map[string]string{"county_opinion": "同意代偿"}},
	} {
		if _, err := step(t, f.s, cl, s.to, "2025-11-29", s.set); err != nil {
			t.Fatalf("%s: %v", s.to, err)
		}
	}
	if loan, _ := GetAs[*Loan](f.s, l.ID); loan.Status != "风险补偿代偿中" {
		t.Errorf("after the county's decision the loan is %s", loan.Status)
	}
	if _, err := step(t, f.s, l, "正常", "2025-11-29", nil); !hasProblem(err, "COMPENSATION_UNDER_WAY") {
		t.Errorf("the loan moved by hand while its claim is decided: %v", err)
	}
	if _, err := step(t, f.s, cl, "已代偿", "2025-11-30", nil); err != nil {
		t.Fatal(err)
	}
	got, _ = GetAs[*CompensationClaim](f.s, cl.ID)
	loan, _ := GetAs[*Loan](f.s, l.ID)
	if got.Status != "已代偿" || got.PaidDate != "2025-11-30" || loan.Status != "已代偿" {
		t.Errorf("paid: claim %s %s, loan %s", got.Status, got.PaidDate, loan.Status)
	}
	if _, err := f.s.Create(newCompDraft(t, f.s, l.ID, "2025-11-30"), "测试员"); !hasProblem(err, "COMPENSATION_LOAN_STATUS") {
		t.Errorf("a claim for a compensated loan: %v", err)
	}
}

// A village's station enters and submits its loan's claim; the township's
// check is not its to take.
func TestCompensationStepsBelongToTheirLevel(t *testing.T) {
	for _, c := range []struct {
		field, status string
		scope         string
		fault         bool
	}{
		{"status", "已提交", "130131190201", false},
		{"status", "乡镇审核", "130131190201", true},
		{"status", "已退回", "130131190201", true},
		{"status", "乡镇审核", "130131190", false},
		{"status", "县审定", "130131190", true},
		{"status", "已代偿", "130131190", true},
		{"status", "县审定", "130131", false},
		{"county_opinion", "同意", "130131190", true},
		{"county_opinion", "", "130131190", false},
	} {
		v := []byte(`"` + c.status + `"`)
		if got := LevelFault(KindCompensationClaim, c.field, v, c.scope); (got != nil) != c.fault {
			t.Errorf("%s=%s at %s: %v", c.field, c.status, c.scope, got)
		}
	}
	if e := LevelFault(KindCompensationClaim, "status", []byte(`"县审定"`), "130131190201"); e == nil || e.Message != "风险补偿金代偿申请的“县审定”须由县级中心办理" {
		t.Errorf("message: %v", e)
	}
}

func hasProblem(err error, code string) bool {
	if p, ok := err.(Problems); ok {
		return p.Has(code)
	}
	return CodeOf(err) == code
}

// A ¥50,000 户贷企用 loan of 2016 invested in a cooperative, agreed from
// 2016-05-10 to 2019-05-10, owes 5% a year: ¥2,500 for a whole year; the
// parts of 2016 and 2019 by their days, worked by hand:
//
//   - 2016: 05-10 … 12-31 = 22+30+31+31+30+31+30+31 = 236 of 366 days,
//     250,000 × 236 ÷ 366 = 161,202.19 → 161,202 fen;
//   - 2019: 01-01 … 05-10 = 31+28+31+30+10 = 130 of 365 days,
//     250,000 × 130 ÷ 365 = 89,041.10 → 89,041 fen;
//   - 2017 上半年: 181 of 365 days, 123,972.60 → 123,973 fen;
//   - 2016 第二季度: 05-10 … 06-30 = 52 of 366 days, 35,519.13 → 35,519 fen.
func TestDividendDue(t *testing.T) {
	link := &EnterpriseLink{LinkType: LinkDividend, AgreementFrom: "2016-05-10", AgreementTo: "2019-05-10"}
	for _, c := range []struct {
		year   int
		period string
		want   int64
	}{
		{2015, "全年", 0}, {2016, "全年", 161_202}, {2017, "全年", 250_000}, {2018, "全年", 250_000}, {2019, "全年", 89_041}, {2020, "全年", 0},
		{2017, "上半年", 123_973}, {2016, "第二季度", 35_519}, {2016, "第一季度", 0}, {2017, "十三月", 0},
	} {
		if got := DividendDue(link, 5_000_000, 500, c.year, c.period); got != c.want {
			t.Errorf("%d %s: %d, want %d", c.year, c.period, got, c.want)
		}
	}
	if AnnualDividend(5_000_000, 500) != 250_000 || AnnualDividend(3_000_000, 450) != 135_000 {
		t.Error("AnnualDividend")
	}
}

// Payments under a link: prefilled with what the year still owes and the
// household's account, refused outside the agreement or for a link that
// pays nothing, fixed once entered (voided with a reason).
func TestDividendPayment(t *testing.T) {
	f := newPayoutFixture(t)
	coop := &Enterprise{Name: "示例种养专业合作社", USCC: "93130131MA0F3K2L6F", Type: "合作社", VillageCode: "130131190201"}
	mustCreate(t, f.s, coop)
	l := &Loan{ContractNo: "PSXYS-2016-0931", BankName: "平山县农村信用合作联社", HouseholdID: f.h.ID.String(), BorrowerPersonID: f.p.ID.String(),
		EnterpriseID: coop.ID.String(), Mode: ModeHuDaiQiYong, Purpose: "养殖", DisbursedOn: "2016-05-10", DueOn: "2019-05-10",
		PrincipalFen: 5_000_000, AnnualRateBP: 435, RepayMethod: RepayBullet, SubsidyRatioPct: 100}
	mustCreate(t, f.s, l)
	link := &EnterpriseLink{EnterpriseID: coop.ID.String(), HouseholdID: f.h.ID.String(), LoanID: l.ID.String(), LinkType: LinkDividend,
		AgreementFrom: "2016-05-10", AgreementTo: "2019-05-10", AnnualDividendFen: 250_000, Status: "终止"}
	mustCreate(t, f.s, link)
	other := &EnterpriseLink{EnterpriseID: coop.ID.String(), HouseholdID: f.h.ID.String(), LinkType: "订单收购", AgreementFrom: "2020-01-01", Status: "有效"}
	mustCreate(t, f.s, other)

	prefill := func(link uuid.UUID, year int) (*DividendPayment, error) {
		var p *DividendPayment
		err := f.s.View(func(r *Reader) error {
			var err error
			p, err = r.NewDividendPayment(link, year, "2025-11-30")
			return err
		})
		return p, err
	}
	if _, err := prefill(other.ID, 0); CodeOf(err) != "PAYOUT_LINK_TYPE" {
		t.Errorf("a payment under 订单收购: %v", err)
	}
	p, err := prefill(link.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing paid yet: the first year of the agreement, its dividend.
	if p.Year != 2016 || p.Period != "全年" || p.PayType != "分红" || p.ExpectedFen != 161_202 || p.AmountFen != 161_202 || p.LoanID != l.ID.String() || p.EnterpriseID != coop.ID.String() {
		t.Fatalf("prefill: %+v", p)
	}
	if _, err := f.s.Create(p, "测试员"); !hasProblem(err, "REQUIRED") {
		t.Errorf("saved without who paid: %v", err)
	}
	p.PaidBy = "钱进"
	p.PaidDate = "2017-01-10"
	mustCreate(t, f.s, p)
	if p.PaymentNo != "130131000000-02-F2016-0001" {
		t.Errorf("number %s", p.PaymentNo)
	}
	// 2016 paid in full: the next prefill is for 2017, and a second 2016
	// payment is allowed with a warning.
	p2, _ := prefill(link.ID, 0)
	if p2.Year != 2017 || p2.AmountFen != 250_000 {
		t.Errorf("second prefill: %d %d", p2.Year, p2.AmountFen)
	}
	again, _ := prefill(link.ID, 2016)
	again.AmountFen, again.PaidBy = 10_000, "钱进"
	res, err := f.s.Create(again, "测试员")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 2 || res.Warnings[0].Code != "PAYOUT_AGAIN" || res.Warnings[1].Code != "PAYOUT_OVER_DUE" {
		t.Errorf("warnings %v", res.Warnings)
	}
	out, _ := prefill(link.ID, 2020)
	out.PaidBy = "钱进"
	if _, err := f.s.Create(out, "测试员"); !hasProblem(err, "PAYOUT_OUTSIDE_AGREEMENT") || !hasProblem(err, "AMOUNT_POSITIVE") {
		t.Errorf("2020, after the agreement ended, nothing owed: %v", err)
	}
	got, _ := GetAs[*DividendPayment](f.s, again.ID)
	got.AmountFen = 20_000
	if _, err := f.s.Save(got, "测试员"); CodeOf(err) != "FROZEN" {
		t.Errorf("an amount changed: %v", err)
	}
	got, _ = GetAs[*DividendPayment](f.s, again.ID)
	got.Voided = true
	if _, err := f.s.Save(got, "测试员"); !hasProblem(err, "REQUIRED") {
		t.Errorf("voided without a reason: %v", err)
	}
	got.VoidReason = "重复登记"
	if _, err := f.s.Save(got, "测试员"); err != nil {
		t.Fatal(err)
	}
	f.s.View(func(r *Reader) error {
		paid, n, last, _ := r.DividendPaid(link, 2016)
		if paid != 161_202 || n != 1 || last != "2017-01-10" {
			t.Errorf("2016 paid %d in %d, last %s", paid, n, last)
		}
		if got := r.Title(p); got != "钱秀英户 2016年全年分红 1,612.02元" {
			t.Errorf("title %q", got)
		}
		return nil
	})
}

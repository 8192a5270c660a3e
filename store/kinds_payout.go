package store

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/ident"
)

// The records of the forms C9 and C10 (model_payout.go): a loan's claim on
// the county's risk-compensation fund, and what an enterprise pays the
// households linked to it.

// The link types that pay a household: the dividend of a 户贷企用 loan
// invested in the enterprise, the wage of a household employed under
// 企贷户用 (LinkTypes).
const (
	LinkDividend = "户贷企用-入股分红"
	LinkWage     = "企贷户用-务工"
)

// The kinds of payment, by the link they are made under.
const (
	PayDividend = "分红"
	PayWage     = "工资"
)

// compDraft lists the statuses in which a compensation claim's figures
// follow the loan and may be edited; compDead those of a claim that is
// not going anywhere as it stands (it is not the loan's claim).
var (
	compDraft = []string{"草稿", "已退回"}
	compDead  = []string{"已退回", "作废"}
	// claimableLoan are the loan statuses a claim may be made and moved
	// on for: a loan still owed (正常, 展期中), or already in compensation
	// because the county decided this claim (风险补偿代偿中).
	claimableLoan = []string{"正常", "展期中", "风险补偿代偿中"}
)

// compensationLevel is the township's check and the county's decision
// and payment of a claim (LevelFault).
var compensationLevel = stepLevel{
	fields:   map[string]int{"township_opinion": 9, "township_date": 9, "county_opinion": 6, "county_date": 6, "paid_date": 6},
	statuses: map[string]int{"乡镇审核": 9, "已退回": 9, "县审定": 6, "已代偿": 6},
}

func init() {
	register(&kindSpec{
		kind:        KindCompensationClaim,
		label:       "风险补偿金代偿申请",
		new:         func() Entity { return &CompensationClaim{} },
		parent:      "loan_id",
		numberField: "claim_no",
		workflow: &workflow{
			initial: []string{"草稿"},
			next: map[string][]string{
				"草稿":   {"已提交", "作废"},
				"已提交":  {"乡镇审核", "已退回"},
				"乡镇审核": {"县审定", "已退回"},
				"县审定":  {"已代偿"},
				"已退回":  {"已提交", "作废"},
			},
		},
		// Once submitted, what was claimed stays as it was: the steps
		// only add their opinions and dates.
		frozen:      func(s string) bool { return !oneOf(s, compDraft) },
		mutable:     []string{"status", "township_opinion", "township_date", "county_opinion", "county_date", "paid_date", "reject_reason", "void_reason"},
		derive:      deriveCompensation,
		validate:    validateCompensation,
		sideEffects: compensationSideEffects,
	})
	register(&kindSpec{
		kind:        KindDividendPayment,
		label:       "分红/工资发放",
		new:         func() Entity { return &DividendPayment{} },
		parent:      "link_id",
		numberField: "payment_no",
		frozen:      func(string) bool { return true },
		mutable:     []string{"voided", "void_reason"},
		derive:      deriveDividend,
		validate:    validateDividend,
	})
}

// ---- risk compensation ----

// CompensationAmount is what the fund is asked for: (overdue principal +
// overdue interest) × the fund's share, rounded half up to the fen once.
// (¥30,000 + ¥3,328.96) × 80% = ¥26,663.17.
func CompensationAmount(principalFen, interestFen int64, sharePct int) int64 {
	return RoundDiv((principalFen+interestFen)*int64(sharePct), 100)
}

// fillCompensation computes a claim's figures from its loan as of the
// claim date: the balance and the principal past due with the days since
// the earliest unpaid instalment fell due (PositionOn, at the end of the
// claim date), the interest owed from the day interest was last paid (or
// disbursement) to the day before the claim date (AccruedInterest: Σ daily
// balance × annual rate ÷ 360, half up), the fund's share from the policy,
// and the amount. Penalty interest (罚息) is not claimed.
func fillCompensation(cl *CompensationClaim, l *Loan, reps []*Repayment, pol *Policy) {
	cl.BankName = l.BankName
	cl.BalanceFen, cl.OverdueSince, cl.DaysOverdue, cl.OverduePrincipalFen = 0, "", 0, 0
	cl.InterestFrom, cl.OverdueInterestFen = "", 0
	cl.SharePct = pol.CompensationSharePct
	if cl.ClaimDate.Valid() {
		pos := PositionOn(l, reps, cl.ClaimDate)
		cl.BalanceFen, cl.OverdueSince, cl.DaysOverdue, cl.OverduePrincipalFen = pos.BalanceFen, pos.OverdueSince, pos.DaysOverdue, pos.OverdueFen
		if pos.BalanceFen > 0 {
			cl.InterestFrom, cl.OverdueInterestFen = AccruedInterest(l, reps, cl.ClaimDate)
		}
	}
	cl.AmountFen = CompensationAmount(cl.OverduePrincipalFen, cl.OverdueInterestFen, cl.SharePct)
}

// NewCompensationClaim starts the risk-compensation claim of a loan as of
// a day, its figures computed as a draft's are: the store computes them
// again whenever the draft is saved. Whether the loan qualifies (overdue at
// least the policy's days, no other claim) is for saving to say.
func (r *Reader) NewCompensationClaim(loanID uuid.UUID, on Date) (*CompensationClaim, error) {
	x, err := r.Live(loanID, KindLoan)
	if err != nil {
		return nil, err
	}
	l, ok := x.(*Loan)
	if !ok {
		return nil, &Error{Code: CodeNotFound, Field: "loan_id", Message: "找不到该贷款"}
	}
	es, err := r.RefEntities(loanID, KindRepayment)
	if err != nil {
		return nil, err
	}
	cl := &CompensationClaim{LoanID: loanID.String(), ClaimDate: on, Status: "草稿"}
	cl.meta().kind = KindCompensationClaim
	fillCompensation(cl, l, repayments(es), r.Policy())
	return cl, nil
}

// RecountCompensation computes a claim's figures again from its loan's
// records as they are now, as of the claim's date, for a reviewer to weigh
// a submitted claim against (a repayment entered since, a correction of
// the schedule); same tells whether every figure agrees.
func (r *Reader) RecountCompensation(cl *CompensationClaim) (recount *CompensationClaim, same bool, err error) {
	id, err := uuid.Parse(cl.LoanID)
	if err != nil {
		return nil, false, &Error{Code: CodeNotFound, Field: "loan_id", Message: "找不到该贷款"}
	}
	if recount, err = r.NewCompensationClaim(id, cl.ClaimDate); err != nil {
		return nil, false, err
	}
	recount.SharePct = cl.SharePct // the share claimed stays the claim's
	recount.AmountFen = CompensationAmount(recount.OverduePrincipalFen, recount.OverdueInterestFen, recount.SharePct)
	same = recount.OverduePrincipalFen == cl.OverduePrincipalFen && recount.OverdueInterestFen == cl.OverdueInterestFen &&
		recount.DaysOverdue == cl.DaysOverdue && recount.AmountFen == cl.AmountFen
	return recount, same, nil
}

// compWasDraft: the claim being saved is new, or was a draft (or sent
// back) before this save, so its figures are being fixed now.
func compWasDraft(c *checker) bool { return c.old == nil || oneOf(statusOf(c.old), compDraft) }

func deriveCompensation(c *checker, e Entity) {
	cl := e.(*CompensationClaim)
	if cl.ClaimNo == "" && cl.ClaimDate.Valid() {
		cl.ClaimNo = c.nextNumber(fmt.Sprintf("%s-D%s-", c.stationCode(), cl.ClaimDate[:4]))
	}
	if c.old != nil && statusOf(c.old) == "已退回" && cl.Status == "已提交" {
		// Resubmitted: the township and the county check it afresh;
		// their earlier opinions stay in the record's history.
		cl.TownshipOpinion, cl.TownshipDate, cl.CountyOpinion, cl.CountyDate = "", "", "", ""
	}
	if !compWasDraft(c) {
		return
	}
	x, _ := c.r.LiveByString(cl.LoanID, KindLoan)
	l, ok := x.(*Loan)
	if !ok {
		return
	}
	reps, _ := c.r.RefEntities(l.ID, KindRepayment)
	fillCompensation(cl, l, repayments(reps), c.pol)
}

func validateCompensation(c *checker, e Entity) {
	cl := e.(*CompensationClaim)
	l, _ := c.ref("loan_id", cl.LoanID, KindLoan, true).(*Loan)
	c.unique("claim_no", cl.ClaimNo)
	c.claimLevel()
	if c.date("claim_date", cl.ClaimDate, true) {
		if c.changed("claim_date") {
			c.notFuture("claim_date", cl.ClaimDate)
		}
		if l != nil && cl.ClaimDate <= l.DisbursedOn {
			c.fail("claim_date", "DATE_ORDER", "代偿计算基准日应晚于放款日")
		}
	}
	live := !oneOf(cl.Status, compDead)
	if l != nil && live && (c.creating() || c.changed("loan_id") || c.changed("status")) {
		if !oneOf(l.Status, claimableLoan) {
			c.fail("loan_id", "COMPENSATION_LOAN_STATUS", "该贷款状态为“"+l.Status+"”，不能申请风险补偿代偿")
		}
		c.sameCompensation(cl, l)
	}
	if compWasDraft(c) && cl.Status != "作废" && l != nil && cl.ClaimDate.Valid() {
		// The figures are being fixed now: the loan must be overdue by
		// the policy's days on the claim date (domain.md §4.1: a loan
		// 90 days overdue enters compensation).
		minDays := c.pol.CompensationMinDays
		switch {
		case cl.DaysOverdue <= 0:
			c.fail("days_overdue", "COMPENSATION_NOT_OVERDUE", "该贷款在"+string(cl.ClaimDate)+"没有逾期，不能申请风险补偿代偿")
		case cl.DaysOverdue < minDays:
			c.fail("days_overdue", "COMPENSATION_TOO_EARLY", fmt.Sprintf("该贷款在%s逾期%d天，未满%d天，不能申请风险补偿代偿", cl.ClaimDate, cl.DaysOverdue, minDays))
		}
	}
	if live {
		// What a reviewer signs must add up (a claim from a tampered
		// station does not, and can still be sent back).
		if want := CompensationAmount(cl.OverduePrincipalFen, cl.OverdueInterestFen, cl.SharePct); want != cl.AmountFen {
			c.fail("amount_fen", "CLAIM_ARITHMETIC", fmt.Sprintf("申请代偿金额应为%s元（（逾期本金%s元＋欠息%s元）×%d%%）", yuan(want), yuan(cl.OverduePrincipalFen), yuan(cl.OverdueInterestFen), cl.SharePct))
		}
	}
	if cl.SharePct < 0 || cl.SharePct > 100 {
		c.fail("share_pct", "RATIO_RANGE", "分担比例应在0至100之间")
	}
	step := func(status, opinionF, opinion, dateF string, d Date) {
		if StepIndex(KindCompensationClaim, cl.Status) >= StepIndex(KindCompensationClaim, status) {
			c.required(opinionF, strings.TrimSpace(opinion) == "")
			if c.date(dateF, d, true) {
				if c.changed(dateF) {
					c.notFuture(dateF, d)
				}
			}
		}
		c.text(opinionF, opinion, 200)
	}
	step("已提交", "bank_opinion", cl.BankOpinion, "bank_date", cl.BankDate)
	step("乡镇审核", "township_opinion", cl.TownshipOpinion, "township_date", cl.TownshipDate)
	step("县审定", "county_opinion", cl.CountyOpinion, "county_date", cl.CountyDate)
	if StepIndex(KindCompensationClaim, cl.Status) >= 0 {
		// (A claim sent back may be re-dated before the bank claims
		// again.)
		c.order("claim_date", cl.ClaimDate, "bank_date", cl.BankDate)
		c.order("bank_date", cl.BankDate, "township_date", cl.TownshipDate)
		c.order("township_date", cl.TownshipDate, "county_date", cl.CountyDate)
	}
	if cl.Status == "已代偿" && c.date("paid_date", cl.PaidDate, true) {
		if c.changed("paid_date") {
			c.notFuture("paid_date", cl.PaidDate)
		}
		c.order("county_date", cl.CountyDate, "paid_date", cl.PaidDate)
	}
	if cl.Status == "已退回" {
		c.required("reject_reason", strings.TrimSpace(cl.RejectReason) == "")
	}
	c.text("reject_reason", cl.RejectReason, 200)
	if cl.Status == "作废" {
		c.required("void_reason", strings.TrimSpace(cl.VoidReason) == "")
	}
	c.text("void_reason", cl.VoidReason, 200)
}

// sameCompensation fails when the loan already has a claim that is going
// somewhere: checked when a claim is made and whenever it moves on, since
// two stations may each have drafted one offline.
func (c *checker) sameCompensation(cl *CompensationClaim, l *Loan) {
	others, _ := c.r.RefEntities(l.ID, KindCompensationClaim)
	for _, x := range others {
		if o := x.(*CompensationClaim); o.ID != cl.ID && !oneOf(o.Status, compDead) {
			c.fail("loan_id", "COMPENSATION_EXISTS", fmt.Sprintf("该贷款已有风险补偿代偿申请（%s，%s）", o.ClaimNo, o.Status))
			return
		}
	}
}

// compensationSideEffects moves the loan with its claim (domain.md §4.2:
// 逾期 → 风险补偿代偿中 → 已代偿): the county's decision puts the loan in
// compensation, the payment marks it compensated. A claim merely submitted
// leaves the loan as it is: it may still be sent back or voided.
func compensationSideEffects(w *writeTx, c *checker, old, e Entity) error {
	cl := e.(*CompensationClaim)
	if old != nil && statusOf(old) == cl.Status {
		return nil
	}
	to := map[string]string{"县审定": "风险补偿代偿中", "已代偿": "已代偿"}[cl.Status]
	if to == "" {
		return nil
	}
	x, err := w.LiveByString(cl.LoanID, KindLoan)
	if err != nil {
		return err
	}
	l, ok := x.(*Loan)
	if !ok || l.Status == to {
		return nil
	}
	return w.systemSave(l.ID, map[string]any{"status": to}, fmt.Sprintf("系统（风险补偿金代偿申请%s%s）", cl.ClaimNo, cl.Status))
}

// loanCompensation keeps a loan's status with its claim: the loan goes
// into compensation (风险补偿代偿中) when the county decides its claim
// (县审定) and is compensated (已代偿) with the claim's payment, so it is
// not moved by hand while a decided claim is under way, nor put into
// compensation without one. (A loan compensated before the program was
// used, with no claim entered, may still be marked 已代偿 by hand.)
func (c *checker) loanCompensation(l *Loan) {
	if c.creating() || !c.changed("status") {
		return
	}
	claims, _ := c.r.RefEntities(l.ID, KindCompensationClaim)
	decided := false
	for _, x := range claims {
		decided = decided || x.(*CompensationClaim).Status == "县审定"
	}
	switch {
	case decided:
		c.fail("status", "COMPENSATION_UNDER_WAY", "该贷款的风险补偿金代偿申请已经县级审定，贷款状态随代偿申请办理（登记代偿后自动转为“已代偿”）")
	case l.Status == "风险补偿代偿中":
		c.fail("status", "COMPENSATION_CLAIM_NEEDED", "贷款经风险补偿金代偿申请县级审定后自动转入代偿，请先在贷款页“风险补偿代偿”中申请")
	}
}

// ---- dividends and wages ----

// PayTypeOf is what a link pays: 分红 under 户贷企用-入股分红, 工资 under
// 企贷户用-务工, "" under the other link types, which pay nothing through
// the station.
func PayTypeOf(linkType string) string {
	switch linkType {
	case LinkDividend:
		return PayDividend
	case LinkWage:
		return PayWage
	}
	return ""
}

// AnnualDividend is the dividend a 户贷企用 loan earns its household in a
// whole year: the principal × the policy's rate, half up to the fen
// (domain.md §6.2 R8: 5万 × 5% = ¥2,500).
func AnnualDividend(principalFen int64, rateBP int) int64 {
	return RoundDiv(principalFen*int64(rateBP), 10000)
}

// PeriodRange is the first and last day of a period of a year (PayoutPeriods).
func PeriodRange(year int, period string) (Date, Date, bool) {
	quarter := map[string]int{"第一季度": 1, "第二季度": 2, "第三季度": 3, "第四季度": 4}
	first, last := 1, 12
	switch {
	case period == "全年":
	case period == "上半年":
		last = 6
	case period == "下半年":
		first = 7
	case quarter[period] > 0:
		first = 3*quarter[period] - 2
		last = first + 2
	default:
		return "", "", false
	}
	from := Month(fmt.Sprintf("%04d-%02d", year, first)).First()
	to := Month(fmt.Sprintf("%04d-%02d", year, last)).Last()
	return from, to, from.Valid() && to.Valid()
}

// AgreementDays is how many days of [from, to] a link's agreement is in
// force (an agreement without an end runs on).
func AgreementDays(link *EnterpriseLink, from, to Date) int {
	if !link.AgreementFrom.Valid() {
		return 0
	}
	if link.AgreementFrom > from {
		from = link.AgreementFrom
	}
	if link.AgreementTo.Valid() && link.AgreementTo < to {
		to = link.AgreementTo
	}
	if to < from {
		return 0
	}
	return from.DaysUntil(to) + 1
}

// DividendDue is the dividend owed for a period of a year under a
// 户贷企用 link: the annual dividend (AnnualDividend) × the days of the
// period the agreement is in force ÷ the days of the year, half up to the
// fen once. A whole year in force is the annual dividend exactly; a link
// agreed from 2016-05-10 owes for 2016 236/366 of it (¥1,612.02 on 5万).
func DividendDue(link *EnterpriseLink, principalFen int64, rateBP, year int, period string) int64 {
	from, to, ok := PeriodRange(year, period)
	if !ok {
		return 0
	}
	days := AgreementDays(link, from, to)
	yearDays := Date(fmt.Sprintf("%04d-01-01", year)).DaysUntil(Date(fmt.Sprintf("%04d-01-01", year+1)))
	if days == 0 || yearDays <= 0 {
		return 0
	}
	return RoundDiv(AnnualDividend(principalFen, rateBP)*int64(days), int64(yearDays))
}

// linkLoanPrincipal is the principal of the loan a link names, 0 without
// one.
func (r *Reader) linkLoanPrincipal(link *EnterpriseLink) int64 {
	if x, _ := r.LiveByString(link.LoanID, KindLoan); x != nil {
		return x.(*Loan).PrincipalFen
	}
	return 0
}

// DividendPaid sums the payments of a link's kind (分红 or 工资) for a
// year that are not voided, with the last day one was paid.
func (r *Reader) DividendPaid(link *EnterpriseLink, year int) (int64, int, Date, error) {
	ps, err := r.RefEntities(link.ID, KindDividendPayment)
	if err != nil {
		return 0, 0, "", err
	}
	var sum int64
	n := 0
	var last Date
	kind := PayTypeOf(link.LinkType)
	for _, x := range ps {
		p := x.(*DividendPayment)
		if p.Voided || p.Year != year || p.PayType != kind {
			continue
		}
		sum += p.AmountFen
		n++
		if p.PaidDate > last {
			last = p.PaidDate
		}
	}
	return sum, n, last, nil
}

// DividendYear is one year of a 户贷企用 link's agreement: what it owed
// (DividendDue) and what was paid for it.
type DividendYear struct {
	Year     int
	DueFen   int64
	PaidFen  int64
	Payments int
}

// ShortFen is what the year is short of, 0 when paid in full or more.
func (y DividendYear) ShortFen() int64 { return max(y.DueFen-y.PaidFen, 0) }

// DividendYears lists the years of a 户贷企用 link's agreement, up to the
// day's year, with what each owed and what was paid for it (R8 for one
// link); a link of another type has none.
func (r *Reader) DividendYears(link *EnterpriseLink, on Date) ([]DividendYear, error) {
	if link.LinkType != LinkDividend || !link.AgreementFrom.Valid() {
		return nil, nil
	}
	first, _ := strconv.Atoi(string(link.AgreementFrom)[:4])
	last, _ := strconv.Atoi(string(on)[:4])
	if link.AgreementTo.Valid() && link.AgreementTo < on {
		last, _ = strconv.Atoi(string(link.AgreementTo)[:4])
	}
	principal := r.linkLoanPrincipal(link)
	rate := r.Policy().DividendRateBP
	var out []DividendYear
	for y := first; y <= last; y++ {
		paid, n, _, err := r.DividendPaid(link, y)
		if err != nil {
			return nil, err
		}
		out = append(out, DividendYear{Year: y, DueFen: DividendDue(link, principal, rate, y, "全年"), PaidFen: paid, Payments: n})
	}
	return out, nil
}

// NewDividendPayment starts a payment under a link as of a day, as a
// clerk would enter it: for a year (0: the earliest year of the agreement
// up to the day's with a dividend not paid in full, else the latest), the
// whole year, what is still owed of the year's dividend (or the link's
// wage), paid on the day by bank card. (The account is not copied from
// the household: a prefill is shown and printed whole.) Links
// that pay nothing through the station are refused with PAYOUT_LINK_TYPE.
func (r *Reader) NewDividendPayment(linkID uuid.UUID, year int, on Date) (*DividendPayment, error) {
	x, err := r.Live(linkID, KindEnterpriseLink)
	if err != nil {
		return nil, err
	}
	link, ok := x.(*EnterpriseLink)
	if !ok {
		return nil, &Error{Code: CodeNotFound, Field: "link_id", Message: "找不到该带贫关系"}
	}
	kind := PayTypeOf(link.LinkType)
	if kind == "" {
		return nil, &Error{Code: "PAYOUT_LINK_TYPE", Field: "link_id", Message: "“" + link.LinkType + "”不登记分红或工资发放"}
	}
	pol := r.Policy()
	principal := r.linkLoanPrincipal(link)
	if year == 0 {
		year = r.dividendYear(link, on)
	}
	p := &DividendPayment{LinkID: linkID.String(), Year: year, Period: "全年", PaidDate: on, Method: "银行卡转账"}
	p.meta().kind = KindDividendPayment
	fillPayment(p, link, principal, pol)
	if kind == PayDividend {
		paid, _, _, err := r.DividendPaid(link, year)
		if err != nil {
			return nil, err
		}
		p.AmountFen = max(p.ExpectedFen-paid, 0)
	} else {
		p.AmountFen = link.WageFen
	}
	return p, nil
}

// dividendYear is the year a new payment under a link is most likely
// for: the earliest year of a dividend agreement, up to the day's, not
// paid in full, else the latest such year; for a wage, the day's year (or
// the agreement's last).
func (r *Reader) dividendYear(link *EnterpriseLink, on Date) int {
	years, _ := r.DividendYears(link, on)
	for _, y := range years {
		if y.ShortFen() > 0 {
			return y.Year
		}
	}
	if len(years) > 0 {
		return years[len(years)-1].Year
	}
	last, _ := strconv.Atoi(string(on)[:4])
	if link.AgreementTo.Valid() && link.AgreementTo < on {
		last, _ = strconv.Atoi(string(link.AgreementTo)[:4])
	}
	return last
}

// fillPayment copies what a payment's link says: the enterprise, the
// household, the loan, what it pays and, for a dividend, what the period
// owes.
func fillPayment(p *DividendPayment, link *EnterpriseLink, principal int64, pol *Policy) {
	p.EnterpriseID, p.HouseholdID, p.LoanID = link.EnterpriseID, link.HouseholdID, link.LoanID
	p.PayType = PayTypeOf(link.LinkType)
	p.ExpectedFen = 0
	if p.PayType == PayDividend {
		p.ExpectedFen = DividendDue(link, principal, pol.DividendRateBP, p.Year, p.Period)
	}
}

// deriveDividend numbers a new payment and fills in what its link says.
// A payment is an event: once entered, only its voiding changes.
func deriveDividend(c *checker, e Entity) {
	p := e.(*DividendPayment)
	if c.old != nil {
		return
	}
	if p.PaymentNo == "" && p.Year > 0 {
		p.PaymentNo = c.nextNumber(fmt.Sprintf("%s-F%d-", c.stationCode(), p.Year))
	}
	x, _ := c.r.LiveByString(p.LinkID, KindEnterpriseLink)
	link, ok := x.(*EnterpriseLink)
	if !ok {
		return
	}
	fillPayment(p, link, c.r.linkLoanPrincipal(link), c.pol)
}

func validateDividend(c *checker, e Entity) {
	p := e.(*DividendPayment)
	link, _ := c.ref("link_id", p.LinkID, KindEnterpriseLink, true).(*EnterpriseLink)
	c.unique("payment_no", p.PaymentNo)
	if link != nil && c.creating() && PayTypeOf(link.LinkType) == "" {
		c.fail("link_id", "PAYOUT_LINK_TYPE", "只有“"+LinkDividend+"”和“"+LinkWage+"”的带贫关系登记分红或工资发放，该关系为“"+link.LinkType+"”")
	}
	thisYear, _ := strconv.Atoi(string(c.today)[:4])
	yearOK := false
	switch {
	case p.Year == 0:
		c.required("year", true)
	case p.Year < minClaimYear || p.Year > thisYear && c.changed("year"):
		c.fail("year", "PAYOUT_YEAR", fmt.Sprintf("发放年度应在%d至%d年之间", minClaimYear, thisYear))
	default:
		yearOK = true
	}
	c.enum("period", p.Period, PayoutPeriods, true)
	if link != nil && c.creating() && yearOK && oneOf(p.Period, PayoutPeriods) {
		if from, to, _ := PeriodRange(p.Year, p.Period); AgreementDays(link, from, to) == 0 {
			c.fail("year", "PAYOUT_OUTSIDE_AGREEMENT", fmt.Sprintf("带贫协议期（%s至%s）不含%d年%s", link.AgreementFrom, orOpen(link.AgreementTo), p.Year, p.Period))
		}
	}
	if p.AmountFen <= 0 {
		c.fail("amount_fen", "AMOUNT_POSITIVE", "「"+c.label("amount_fen")+"」应大于0")
	}
	if c.date("paid_date", p.PaidDate, true) && c.changed("paid_date") {
		c.notFuture("paid_date", p.PaidDate)
		if link != nil && link.AgreementFrom.Valid() && p.PaidDate < link.AgreementFrom {
			c.fail("paid_date", "DATE_ORDER", "发放日期早于带贫协议开始日")
		}
	}
	if c.required("paid_by", strings.TrimSpace(p.PaidBy) == "") {
		c.text("paid_by", p.PaidBy, 30)
	}
	c.enum("method", p.Method, PayoutMethods, true)
	if p.Account != "" && c.changed("account") {
		n, w, err := ident.CheckBankCard(p.Account)
		c.identErr("account", err)
		if w != nil {
			c.warn("account", w.Code, w.Message)
		}
		if err == nil {
			p.Account = n
		}
	}
	c.text("note", p.Note, 200)
	if p.Voided {
		c.required("void_reason", strings.TrimSpace(p.VoidReason) == "")
	}
	c.text("void_reason", p.VoidReason, 200)
	if c.old != nil && c.old.(*DividendPayment).Voided && !p.Voided {
		c.fail("voided", "UNVOID", "已作废的发放记录不能恢复，请重新登记")
	}
	// Paying twice is possible (a dividend in two parts) but usually a
	// slip: the clerk is told, not stopped.
	if link != nil && c.creating() && yearOK && p.PayType == PayDividend {
		paid, n, _, _ := c.r.DividendPaid(link, p.Year)
		if n > 0 {
			c.warn("year", "PAYOUT_AGAIN", fmt.Sprintf("该户%d年度已登记分红%d笔，共%s元", p.Year, n, yuan(paid)))
		}
		if due := DividendDue(link, c.r.linkLoanPrincipal(link), c.pol.DividendRateBP, p.Year, "全年"); paid+p.AmountFen > due {
			c.warn("amount_fen", "PAYOUT_OVER_DUE", fmt.Sprintf("该户%d年度应发分红%s元，连同本次共发%s元", p.Year, yuan(due), yuan(paid+p.AmountFen)))
		}
	}
}

func orOpen(d Date) string {
	if d == "" {
		return "今"
	}
	return string(d)
}

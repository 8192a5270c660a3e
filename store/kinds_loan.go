package store

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/ident"
)

// LiveLoanStatus lists the loan statuses counted in the portfolio.
var LiveLoanStatus = []string{"正常", "展期中", "风险补偿代偿中"}

func init() {
	register(&kindSpec{
		kind:        KindCreditRating,
		label:       "评级授信",
		new:         func() Entity { return &CreditRating{} },
		parent:      "household_id",
		numberField: "rating_no",
		workflow: &workflow{
			// Ratings made before the program is used are entered as 有效.
			initial: []string{"草稿", "有效"},
			next: map[string][]string{
				"草稿":   {"村评议", "撤销"},
				"村评议":  {"公示中", "撤销"},
				"公示中":  {"乡镇审核", "有异议", "撤销"},
				"有异议":  {"复议", "撤销"},
				"复议":   {"公示中", "乡镇审核", "撤销"},
				"乡镇审核": {"银行审定", "撤销"},
				"银行审定": {"有效", "撤销"},
				"有效":   {"到期", "撤销"},
			},
		},
		derive:   deriveRating,
		validate: validateRating,
	})
	register(&kindSpec{
		kind:        KindLoanApplication,
		label:       "贷款申请",
		new:         func() Entity { return &LoanApplication{} },
		parent:      "household_id",
		numberField: "application_no",
		workflow: &workflow{
			initial: []string{"草稿"},
			next: map[string][]string{
				"草稿":   {"村推荐", "已拒绝"},
				"村推荐":  {"乡镇审核", "已拒绝"},
				"乡镇审核": {"县推荐", "已拒绝"},
				"县推荐":  {"银行受理", "已拒绝"},
				"银行受理": {"已批准", "已拒绝"},
				"已批准":  {"已放款"},
			},
		},
		derive:   deriveApplication,
		validate: validateApplication,
	})
	register(&kindSpec{
		kind:        KindLoan,
		label:       "贷款",
		new:         func() Entity { return &Loan{} },
		parent:      "household_id,enterprise_id",
		numberField: "contract_no",
		workflow: &workflow{
			// Loans disbursed before the program is used may already be
			// settled when entered.
			initial: []string{"正常", "已结清"},
			next: map[string][]string{
				"正常":      {"展期中", "已结清", "风险补偿代偿中"},
				"展期中":     {"正常", "已结清", "风险补偿代偿中"},
				"风险补偿代偿中": {"已代偿", "正常"},
				"已代偿":     {"已核销", "已结清"},
			},
		},
		derive:   deriveLoan,
		validate: validateLoan,
	})
	register(&kindSpec{
		kind:     KindRepayment,
		label:    "还款",
		new:      func() Entity { return &Repayment{} },
		parent:   "loan_id",
		frozen:   func(string) bool { return true },
		mutable:  []string{"voided", "void_reason"},
		validate: validateRepayment,
	})
	register(&kindSpec{
		kind:   KindInterestSubsidy,
		label:  "贴息",
		new:    func() Entity { return &InterestSubsidy{} },
		parent: "loan_id",
		workflow: &workflow{
			initial: []string{"申报"},
			next:    map[string][]string{"申报": {"审核"}, "审核": {"拨付"}},
		},
		frozen:   func(s string) bool { return s != "申报" },
		mutable:  []string{"status"},
		derive:   deriveSubsidy,
		validate: validateSubsidy,
	})
	register(&kindSpec{
		kind:        KindPostLoanVisit,
		label:       "贷后回访",
		new:         func() Entity { return &PostLoanVisit{} },
		parent:      "loan_id",
		numberField: "visit_no",
		frozen:      func(string) bool { return true },
		derive:      func(c *checker, e Entity) { v := e.(*PostLoanVisit); numberOnCreate(c, &v.VisitNo, "L", v.VisitDate) },
		validate:    validatePostLoanVisit,
	})
	register(&kindSpec{
		kind:       KindEnterprise,
		label:      "企业/合作社",
		new:        func() Entity { return &Enterprise{} },
		scopeField: "village_code",
		nameField:  "name",
		validate:   validateEnterprise,
	})
	register(&kindSpec{
		kind:   KindEnterpriseLink,
		label:  "带贫关系",
		new:    func() Entity { return &EnterpriseLink{} },
		parent: "household_id",
		workflow: &workflow{
			initial: []string{"有效", "终止"},
			next:    map[string][]string{"有效": {"终止"}},
		},
		validate: validateLink,
	})
}

func deriveRating(c *checker, e Entity) {
	r := e.(*CreditRating)
	scheme := &c.pol.RatingScheme
	if r.SchemeID == "" {
		r.SchemeID = scheme.ID
	}
	if r.RatingNo == "" {
		year := c.today[:4]
		if r.ValidFrom.Valid() {
			year = r.ValidFrom[:4]
		}
		r.RatingNo = c.nextNumber(fmt.Sprintf("%s-R%s-", c.stationCode(), year))
	}
	if r.SchemeID != scheme.ID {
		return // a rating made under another scheme keeps its figures
	}
	total := 0
	for _, it := range scheme.Items {
		total += r.ItemScores[it.Code]
	}
	r.TotalScore = total
	t := scheme.Grade(total)
	r.Grade, r.CreditLimitFen = t.Grade, t.LimitFen
	if r.ValidFrom.Valid() && r.ValidTo == "" && scheme.ValidityMonths > 0 {
		r.ValidTo = r.ValidFrom.AddMonths(scheme.ValidityMonths).AddDays(-1)
	}
}

var ratingAfterNotice = []string{"乡镇审核", "银行审定", "有效", "到期"}

func validateRating(c *checker, e Entity) {
	r := e.(*CreditRating)
	h, _ := c.ref("household_id", r.HouseholdID, KindHousehold, true).(*Household)
	if h != nil && c.creating() && !oneOf(h.HouseholdType, c.pol.RatingHouseholdTypes) {
		c.fail("household_id", "RATING_HOUSEHOLD_TYPE", "该户类型为“"+h.HouseholdType+"”，不属于扶贫小额信贷评级对象（"+strings.Join(c.pol.RatingHouseholdTypes, "、")+"）")
	}
	c.unique("rating_no", r.RatingNo)
	validateSurvey(c, r)
	scheme := &c.pol.RatingScheme
	if r.SchemeID == scheme.ID {
		for _, it := range scheme.Items {
			v, ok := r.ItemScores[it.Code]
			if !ok && r.Status != "草稿" {
				c.fail("item_scores", "RATING_ITEM_MISSING", "评分项“"+it.Name+"”未评分")
			}
			if v < 0 || v > it.Max {
				c.fail("item_scores", "RATING_ITEM_RANGE", fmt.Sprintf("评分项“%s”应在0至%d分之间", it.Name, it.Max))
			}
		}
		for k := range r.ItemScores {
			found := false
			for _, it := range scheme.Items {
				found = found || it.Code == k
			}
			if !found {
				c.fail("item_scores", "RATING_ITEM_UNKNOWN", "评定方案中没有评分项“"+k+"”")
			}
		}
	}
	if r.CreditLimitFen > c.pol.LoanMaxFen {
		c.fail("credit_limit_fen", "AMOUNT_OVER_LIMIT", fmt.Sprintf("授信额度不能超过%s元", yuan(c.pol.LoanMaxFen)))
	}
	if c.date("valid_from", r.ValidFrom, r.Status == "有效") {
		c.date("valid_to", r.ValidTo, true)
		c.order("valid_from", r.ValidFrom, "valid_to", r.ValidTo)
	}
	if r.Status != "草稿" {
		n := 0
		for _, m := range r.Panel {
			if strings.TrimSpace(m) != "" {
				n++
			}
		}
		if n < 3 || n%2 == 0 {
			c.fail("panel", "PANEL_ODD", "评议小组应为不少于3人的奇数")
		}
	}
	noticeNeeded := r.Status == "公示中" || oneOf(r.Status, ratingAfterNotice) && c.changed("status")
	okFrom := c.date("notice_from", r.NoticeFrom, noticeNeeded)
	okTo := c.date("notice_to", r.NoticeTo, noticeNeeded)
	if okFrom && okTo {
		c.order("notice_from", r.NoticeFrom, "notice_to", r.NoticeTo)
		if days := r.NoticeFrom.DaysUntil(r.NoticeTo) + 1; days < c.pol.NoticeMinDays {
			c.fail("notice_to", "NOTICE_TOO_SHORT", fmt.Sprintf("评级结果公示不少于%d天（现为%d天）", c.pol.NoticeMinDays, days))
		}
		if oneOf(r.Status, ratingAfterNotice) && c.changed("status") && r.NoticeTo >= c.today && r.Status == "乡镇审核" {
			c.fail("status", "NOTICE_NOT_OVER", "公示期尚未结束（至"+string(r.NoticeTo)+"），不能提交乡镇审核")
		}
	}
	c.enum("objection", r.Objection, Objections, false)
	if r.Objection == "有异议" && r.Status == "乡镇审核" && c.changed("status") {
		c.fail("status", "OBJECTION_OPEN", "公示有异议，须先复议")
	}
	if r.Status == "有效" && c.changed("status") && !c.creating() {
		c.required("bank_name", r.BankName == "")
		if c.date("approved_at", r.ApprovedAt, true) {
			c.notFuture("approved_at", r.ApprovedAt)
		}
	}
}

// ValidRating returns the household's rating in force on a date (status
// 有效 and the date within its validity), the highest credit line first.
func ValidRating(r *Reader, household uuid.UUID, on Date) *CreditRating {
	rs, _ := r.RefEntities(household, KindCreditRating)
	var best *CreditRating
	for _, x := range rs {
		cr := x.(*CreditRating)
		if (cr.Status == "有效" || cr.Status == "到期" && cr.ValidTo >= on) && activeOn(cr.ValidFrom, cr.ValidTo, on) {
			if best == nil || cr.CreditLimitFen > best.CreditLimitFen {
				best = cr
			}
		}
	}
	return best
}

func deriveApplication(c *checker, e Entity) {
	a := e.(*LoanApplication)
	if a.ApplicationNo == "" && a.ApplyDate.Valid() {
		a.ApplicationNo = c.nextNumber(fmt.Sprintf("%s-A%s-", c.stationCode(), a.ApplyDate[:4]))
	}
}

// loanRules are the policy-product rules shared by applications and loans:
// purpose, the 户贷企用 legacy rule, amount, term and borrower age.
func (c *checker) loanRules(mode string, on Date, amountField string, amount int64, termField string, term int, borrowerField string, borrower *Person) {
	c.enum("mode", mode, LoanModes, true)
	household := mode != ModeQiDaiHuYong
	if mode == ModeHuDaiQiYong && on.Valid() && c.pol.HuDaiQiYongCutoff != "" && on >= c.pol.HuDaiQiYongCutoff && c.changed("mode") {
		c.fail("mode", "MODE_LEGACY_ONLY", "“户贷企用”模式自"+string(c.pol.HuDaiQiYongCutoff)+"起不再新增，只保留存量；请选择“户贷户用”")
	}
	if amount <= 0 {
		c.fail(amountField, "AMOUNT_POSITIVE", "「"+c.label(amountField)+"」应大于0")
	} else if household && amount > c.pol.LoanMaxFen {
		c.fail(amountField, "AMOUNT_OVER_LIMIT", fmt.Sprintf("「%s」不能超过%s元", c.label(amountField), yuan(c.pol.LoanMaxFen)))
	}
	if term != -1 && (term < 1 || household && term > c.pol.LoanMaxMonths) {
		c.fail(termField, "TERM_OVER_LIMIT", fmt.Sprintf("贷款期限应在1至%d个月之间", c.pol.LoanMaxMonths))
	}
	if borrower != nil && household && on.Valid() && (c.creating() || c.changed(borrowerField)) {
		if n := age(borrower, on); n >= 0 && (n < c.pol.BorrowerMinAge || n > c.pol.BorrowerMaxAge) {
			c.fail(borrowerField, "BORROWER_AGE", fmt.Sprintf("借款人年龄应在%d至%d周岁之间（现为%d周岁）", c.pol.BorrowerMinAge, c.pol.BorrowerMaxAge, n))
		}
		if borrower.Status != "在册" {
			c.fail(borrowerField, "PERSON_NOT_ACTIVE", "借款人状态为“"+borrower.Status+"”")
		}
	}
}

func validateApplication(c *checker, e Entity) {
	a := e.(*LoanApplication)
	h, _ := c.ref("household_id", a.HouseholdID, KindHousehold, true).(*Household)
	p, _ := c.ref("applicant_person_id", a.ApplicantPersonID, KindPerson, true).(*Person)
	if p != nil && p.HouseholdID != a.HouseholdID {
		c.fail("applicant_person_id", "APPLICANT_NOT_MEMBER", "申请人须是该户成员")
	}
	c.unique("application_no", a.ApplicationNo)
	if c.date("apply_date", a.ApplyDate, true) {
		c.notFuture("apply_date", a.ApplyDate)
	}
	c.loanRules(a.Mode, a.ApplyDate, "amount_fen", a.AmountFen, "term_months", a.TermMonths, "applicant_person_id", p)
	if !oneOf(a.Purpose, LoanPurposes) {
		if a.Purpose == "" {
			c.required("purpose", true)
		} else {
			c.fail("purpose", "PURPOSE_NOT_PRODUCTION", "扶贫小额信贷只能用于生产经营（"+strings.Join(LoanPurposes, "、")+"），不能用于结婚、建房、消费等")
		}
	}
	if a.Mode == ModeHuDaiHuYong {
		c.required("project_desc", strings.TrimSpace(a.ProjectDesc) == "")
	}
	c.text("project_desc", a.ProjectDesc, 300)
	if a.Mode != "" && a.Mode != ModeHuDaiHuYong {
		c.ref("enterprise_id", a.EnterpriseID, KindEnterprise, true)
	} else if a.EnterpriseID != "" {
		c.fail("enterprise_id", "ENTERPRISE_NOT_ALLOWED", "“户贷户用”不关联合作企业")
	}
	if h != nil && a.ApplyDate.Valid() && a.AmountFen > 0 {
		if r := ValidRating(c.r, h.ID, a.ApplyDate); r == nil {
			if c.pol.RatingRequired {
				c.fail("household_id", "NO_VALID_RATING", "该户在申请日没有有效的评级授信")
			} else {
				c.warn("household_id", "NO_VALID_RATING", "该户在申请日没有有效的评级授信")
			}
		} else if a.AmountFen > r.CreditLimitFen {
			c.fail("amount_fen", "AMOUNT_OVER_CREDIT", fmt.Sprintf("申请金额超过该户授信额度（%s元）", yuan(r.CreditLimitFen)))
		}
	}
	if a.Status != "草稿" && a.Status != "已拒绝" && !a.CapacityDeclared {
		c.fail("capacity_declared", "CAPACITY_DECLARED", "申请人须声明具有完全民事行为能力")
	}
	step := func(status, opinionF, opinion, dateF string, d Date, signers bool) {
		reached := map[string]int{"草稿": 0, "村推荐": 1, "乡镇审核": 2, "县推荐": 3, "银行受理": 4, "已批准": 5, "已放款": 6, "已拒绝": -1}
		if reached[a.Status] >= reached[status] {
			c.required(opinionF, strings.TrimSpace(opinion) == "")
			if c.date(dateF, d, true) {
				c.notFuture(dateF, d)
				c.order("apply_date", a.ApplyDate, dateF, d)
			}
			if signers && len(a.VillageSigners) == 0 {
				c.fail("village_signers", "REQUIRED", "请填写村推荐签字人")
			}
		}
	}
	step("村推荐", "village_opinion", a.VillageOpinion, "village_date", a.VillageDate, true)
	step("乡镇审核", "township_opinion", a.TownshipOpinion, "township_date", a.TownshipDate, false)
	step("县推荐", "county_opinion", a.CountyOpinion, "county_date", a.CountyDate, false)
	c.order("village_date", a.VillageDate, "township_date", a.TownshipDate)
	c.order("township_date", a.TownshipDate, "county_date", a.CountyDate)
	if a.Status == "银行受理" || a.Status == "已批准" || a.Status == "已放款" {
		c.required("bank_name", a.BankName == "")
	}
	if a.Status == "已拒绝" {
		c.required("reject_reason", strings.TrimSpace(a.RejectReason) == "")
	}
}

func deriveLoan(c *checker, e Entity) {
	l := e.(*Loan)
	if len(l.Schedule) == 0 {
		l.Schedule = GenerateSchedule(l)
	}
	if l.Status == "" {
		l.Status = "正常"
	}
}

func validateLoan(c *checker, e Entity) {
	l := e.(*Loan)
	household := l.Mode != ModeQiDaiHuYong
	if c.required("contract_no", l.ContractNo == "") {
		c.text("contract_no", l.ContractNo, 40)
		c.unique("contract_no", l.ContractNo)
	}
	c.required("bank_name", l.BankName == "")
	h, _ := c.ref("household_id", l.HouseholdID, KindHousehold, household).(*Household)
	var borrower *Person
	if household {
		borrower, _ = c.ref("borrower_person_id", l.BorrowerPersonID, KindPerson, true).(*Person)
		if borrower != nil && h != nil && borrower.HouseholdID != l.HouseholdID {
			c.fail("borrower_person_id", "APPLICANT_NOT_MEMBER", "借款人须是该户成员")
		}
	}
	if l.Mode != "" && l.Mode != ModeHuDaiHuYong {
		c.ref("enterprise_id", l.EnterpriseID, KindEnterprise, true)
	}
	if l.ApplicationID != "" {
		if a, ok := c.ref("application_id", l.ApplicationID, KindLoanApplication, false).(*LoanApplication); ok && a.HouseholdID != l.HouseholdID {
			c.fail("application_id", "APPLICATION_OTHER", "贷款申请不是该户的")
		}
	}
	okD := c.date("disbursed_on", l.DisbursedOn, true)
	okDue := c.date("due_on", l.DueOn, true)
	if okD {
		c.notFuture("disbursed_on", l.DisbursedOn)
	}
	term := -1
	if okD && okDue {
		if l.DueOn <= l.DisbursedOn {
			c.fail("due_on", "DATE_ORDER", "到期日应晚于放款日")
		} else if household && l.DueOn > l.DisbursedOn.AddMonths(c.pol.LoanMaxMonths) {
			c.fail("due_on", "TERM_OVER_LIMIT", fmt.Sprintf("贷款期限不能超过%d个月", c.pol.LoanMaxMonths))
		}
	}
	c.loanRules(l.Mode, l.DisbursedOn, "principal_fen", l.PrincipalFen, "due_on", term, "borrower_person_id", borrower)
	if l.Purpose != "" && !oneOf(l.Purpose, LoanPurposes) {
		c.fail("purpose", "PURPOSE_NOT_PRODUCTION", "扶贫小额信贷只能用于生产经营")
	}
	if l.AnnualRateBP <= 0 || l.AnnualRateBP > 2400 {
		c.fail("annual_rate_bp", "RATE_RANGE", "年利率应在0.01%至24%之间（以基点计，435即4.35%）")
	}
	c.enum("rate_basis", l.RateBasis, RateBases, false)
	c.enum("repay_method", l.RepayMethod, RepayMethods, true)
	if l.SubsidyRatioPct < 0 || l.SubsidyRatioPct > 100 {
		c.fail("subsidy_ratio_pct", "RATIO_RANGE", "贴息比例应在0至100之间")
	}
	c.enum("risk_class", l.RiskClass, RiskClasses, false)
	var sum int64
	for _, in := range l.Schedule {
		sum += in.PrincipalFen
		if !in.DueDate.Valid() || in.PrincipalFen < 0 || okD && in.DueDate <= l.DisbursedOn || okDue && in.DueDate > l.DueOn {
			c.fail("schedule", "SCHEDULE_DATES", "还款计划的日期应在放款日之后、到期日之前，金额不能为负")
			break
		}
	}
	if len(l.Schedule) > 0 && sum != l.PrincipalFen {
		c.fail("schedule", "SCHEDULE_SUM", "还款计划的本金合计应等于贷款本金")
	}
	if l.PreviousLoanID != "" {
		c.ref("previous_loan_id", l.PreviousLoanID, KindLoan, false)
	}
	c.loanCompensation(l)
	if l.Status == "已结清" && c.changed("status") && !c.creating() {
		reps, _ := c.r.RefEntities(l.ID, KindRepayment)
		if pos := PositionOn(l, repayments(reps), c.today); pos.BalanceFen > 0 {
			c.fail("status", "LOAN_BALANCE_OPEN", "尚有贷款余额"+yuan(pos.BalanceFen)+"元，不能结清")
		}
	}
}

func repayments(es []Entity) []*Repayment {
	out := make([]*Repayment, len(es))
	for i, e := range es {
		out[i] = e.(*Repayment)
	}
	return out
}

func validateRepayment(c *checker, e Entity) {
	r := e.(*Repayment)
	l, _ := c.ref("loan_id", r.LoanID, KindLoan, true).(*Loan)
	if c.date("paid_date", r.PaidDate, true) {
		c.notFuture("paid_date", r.PaidDate)
		if l != nil && r.PaidDate < l.DisbursedOn {
			c.fail("paid_date", "DATE_ORDER", "还款日期早于放款日")
		}
	}
	c.nonNegative("principal_fen", r.PrincipalFen)
	c.nonNegative("interest_fen", r.InterestFen)
	if r.PrincipalFen+r.InterestFen <= 0 {
		c.fail("principal_fen", "AMOUNT_POSITIVE", "还款本金和利息不能都为0")
	}
	c.enum("source", r.Source, RepaySources, true)
	if l != nil && c.creating() {
		reps, _ := c.r.RefEntities(l.ID, KindRepayment)
		if pos := PositionOn(l, repayments(reps), "9999-12-31"); r.PrincipalFen > pos.BalanceFen {
			c.fail("principal_fen", "REPAY_OVER_BALANCE", "归还本金超过贷款余额（"+yuan(pos.BalanceFen)+"元）")
		}
	}
	if r.Voided {
		c.required("void_reason", strings.TrimSpace(r.VoidReason) == "")
	}
	if c.old != nil && c.old.(*Repayment).Voided && !r.Voided {
		c.fail("voided", "UNVOID", "已作废的还款不能恢复，请重新登记")
	}
}

func deriveSubsidy(c *checker, e Entity) {
	s := e.(*InterestSubsidy)
	x, _ := c.r.LiveByString(s.LoanID, KindLoan)
	l, _ := x.(*Loan)
	if l == nil || !s.PeriodStart.Valid() || !s.PeriodEnd.Valid() {
		return
	}
	reps, _ := c.r.RefEntities(l.ID, KindRepayment)
	if s.RatioPct == 0 {
		s.RatioPct = l.SubsidyRatioPct
	}
	line := InterestFor(l, repayments(reps), s.PeriodStart, s.PeriodEnd, s.RatioPct, c.pol.LoanMaxFen)
	s.InterestFen, s.SubsidyFen = line.InterestFen, line.SubsidyFen
}

func validateSubsidy(c *checker, e Entity) {
	s := e.(*InterestSubsidy)
	c.ref("loan_id", s.LoanID, KindLoan, true)
	okA, okB := c.date("period_start", s.PeriodStart, true), c.date("period_end", s.PeriodEnd, true)
	if okA && okB {
		c.order("period_start", s.PeriodStart, "period_end", s.PeriodEnd)
	}
	if s.RatioPct < 0 || s.RatioPct > 100 {
		c.fail("ratio_pct", "RATIO_RANGE", "贴息比例应在0至100之间")
	}
	if c.creating() {
		x, _ := c.r.LiveByString(s.LoanID, KindLoan)
		if l, ok := x.(*Loan); ok {
			others, _ := c.r.RefEntities(l.ID, KindInterestSubsidy)
			for _, o := range others {
				os := o.(*InterestSubsidy)
				if os.PeriodStart <= s.PeriodEnd && s.PeriodStart <= os.PeriodEnd {
					c.fail("period_start", "SUBSIDY_OVERLAP", "该贷款在此期间已申报过贴息")
					break
				}
			}
		}
	}
}

func validatePostLoanVisit(c *checker, e Entity) {
	v := e.(*PostLoanVisit)
	c.unique("visit_no", v.VisitNo)
	c.ref("loan_id", v.LoanID, KindLoan, true)
	if c.date("visit_date", v.VisitDate, true) {
		c.notFuture("visit_date", v.VisitDate)
	}
	c.required("visitor", strings.TrimSpace(v.Visitor) == "")
	c.enum("method", v.Method, PostVisitMethods, true)
	c.enum("risk_flag", v.RiskFlag, PostVisitRisk, true)
	c.text("project_status", v.ProjectStatus, 200)
	c.text("result", v.Result, 200)
	c.text("notes", v.Notes, 500)
}

func validateEnterprise(c *checker, e Entity) {
	en := e.(*Enterprise)
	c.villageCode("village_code", en.VillageCode)
	if c.required("name", strings.TrimSpace(en.Name) == "") {
		c.text("name", en.Name, 60)
	}
	if c.required("uscc", en.USCC == "") {
		n, err := ident.CheckUSCC(en.USCC)
		c.identErr("uscc", err)
		if err == nil {
			en.USCC = n
		}
	}
	c.enum("type", en.Type, EnterpriseTypes, true)
	c.text("legal_rep", en.LegalRep, 30)
	c.phone("phone", &en.Phone, false)
}

func validateLink(c *checker, e Entity) {
	l := e.(*EnterpriseLink)
	c.ref("enterprise_id", l.EnterpriseID, KindEnterprise, true)
	c.ref("household_id", l.HouseholdID, KindHousehold, true)
	c.enum("link_type", l.LinkType, LinkTypes, true)
	if l.LinkType == "户贷企用-入股分红" {
		c.ref("loan_id", l.LoanID, KindLoan, true)
	} else if l.LoanID != "" {
		c.ref("loan_id", l.LoanID, KindLoan, false)
	}
	if c.date("agreement_from", l.AgreementFrom, true) {
		c.date("agreement_to", l.AgreementTo, false)
		c.order("agreement_from", l.AgreementFrom, "agreement_to", l.AgreementTo)
	}
	c.nonNegative("annual_dividend_fen", l.AnnualDividendFen)
	c.nonNegative("wage_fen", l.WageFen)
	c.enum("status", l.Status, LinkStatus, true)
}

package store

// The records behind the printed forms C9 and C10 (domain.md §6.1): what the
// county's risk-compensation fund pays a bank for a loan gone bad, and what
// an enterprise pays the households linked to it (the dividend of a
// 户贷企用 loan, the wage of a household employed under 企贷户用). Their
// workflows and rules are in kinds_payout.go.

// CompensationClaim is a lending bank's claim on the county's risk
// compensation fund for one long-overdue loan (风险补偿金代偿申请, form C10,
// domain.md §4.2 RiskCompensationClaim). The station enters it with the
// bank's claim; the township checks it and the county decides (审定) and
// pays. While a draft (or sent back) its figures follow the loan: the store
// computes them from the loan's schedule and repayments as of the claim
// date (PositionOn, AccruedInterest) and the fund's share from the policy;
// once submitted they are what was claimed.
type CompensationClaim struct {
	Meta
	ClaimNo   string `json:"claim_no,omitempty" zh:"申请编号" auto:"y"`
	LoanID    string `json:"loan_id,omitempty" zh:"贷款" ref:"loan"`
	ClaimDate Date   `json:"claim_date,omitempty" zh:"代偿计算基准日"`
	BankName  string `json:"bank_name,omitempty" zh:"承贷银行" auto:"y"`
	// What the loan stands at on the claim date (at the end of the day
	// before it for the interest, which runs 算头不算尾).
	BalanceFen          int64 `json:"balance_fen,omitempty" zh:"贷款余额" auto:"y"`
	OverdueSince        Date  `json:"overdue_since,omitempty" zh:"逾期起始日" auto:"y"`
	DaysOverdue         int   `json:"days_overdue,omitempty" zh:"逾期天数" auto:"y"`
	OverduePrincipalFen int64 `json:"overdue_principal_fen,omitempty" zh:"逾期本金" auto:"y"`
	InterestFrom        Date  `json:"interest_from,omitempty" zh:"欠息起算日" auto:"y"`
	OverdueInterestFen  int64 `json:"overdue_interest_fen,omitempty" zh:"欠息" auto:"y"`
	// SharePct is the fund's share of the loss, AmountFen what the fund is
	// asked for: (overdue principal + interest) × share, half up to the fen.
	SharePct        int    `json:"share_pct,omitempty" zh:"风险补偿金分担比例（%）" auto:"y"`
	AmountFen       int64  `json:"amount_fen,omitempty" zh:"申请代偿金额" auto:"y"`
	BankOpinion     string `json:"bank_opinion,omitempty" zh:"承贷银行申请意见"`
	BankDate        Date   `json:"bank_date,omitempty" zh:"银行申请日期"`
	TownshipOpinion string `json:"township_opinion,omitempty" zh:"乡镇审核意见"`
	TownshipDate    Date   `json:"township_date,omitempty" zh:"乡镇审核日期"`
	CountyOpinion   string `json:"county_opinion,omitempty" zh:"县审定意见"`
	CountyDate      Date   `json:"county_date,omitempty" zh:"县审定日期"`
	PaidDate        Date   `json:"paid_date,omitempty" zh:"代偿日期"`
	RejectReason    string `json:"reject_reason,omitempty" zh:"退回理由"`
	VoidReason      string `json:"void_reason,omitempty" zh:"作废原因"`
	Status          string `json:"status,omitempty" zh:"状态"`
}

// DividendPayment is money an enterprise paid a household it is linked to
// (分红发放, form C9): the yearly dividend of a household's 户贷企用 loan
// invested in the enterprise, or the wage of a household the enterprise
// employs under 企贷户用. It is entered per link and year (or part of a
// year); what the link, its household, loan and enterprise are and what
// the dividend should have been are filled in by the store. Payments are
// events: a wrong one is voided with a reason and entered again.
type DividendPayment struct {
	Meta
	PaymentNo    string `json:"payment_no,omitempty" zh:"发放编号" auto:"y"`
	LinkID       string `json:"link_id,omitempty" zh:"带贫关系" ref:"enterprise_link"`
	EnterpriseID string `json:"enterprise_id,omitempty" zh:"企业" ref:"enterprise" auto:"y"`
	HouseholdID  string `json:"household_id,omitempty" zh:"农户" ref:"household" auto:"y"`
	LoanID       string `json:"loan_id,omitempty" zh:"关联贷款" ref:"loan" auto:"y"`
	PayType      string `json:"pay_type,omitempty" zh:"发放类型" auto:"y"`
	Year         int    `json:"year,omitempty" zh:"年度"`
	Period       string `json:"period,omitempty" zh:"期间" enum:"PayoutPeriods"`
	ExpectedFen  int64  `json:"expected_fen,omitempty" zh:"应发分红" auto:"y"`
	AmountFen    int64  `json:"amount_fen,omitempty" zh:"实发金额"`
	PaidDate     Date   `json:"paid_date,omitempty" zh:"发放日期"`
	PaidBy       string `json:"paid_by,omitempty" zh:"发放经办人"`
	Method       string `json:"method,omitempty" zh:"发放方式" enum:"PayoutMethods"`
	Account      string `json:"account,omitempty" zh:"收款账号" mask:"account"`
	Note         string `json:"note,omitempty" zh:"备注"`
	Voided       bool   `json:"voided,omitempty" zh:"已作废"`
	VoidReason   string `json:"void_reason,omitempty" zh:"作废理由"`
}

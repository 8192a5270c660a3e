package store

import (
	"fmt"
	"math"
	"reflect"
	"strings"
)

// The household survey of a rating: what the 农户评级授信信息采集表
// (domain.md §6.1 C3) collects at the farmer's home besides the family,
// which the household register holds. Amounts are fen, entered in yuan.
// The station's own loans are liabilities it already knows (C3 lists them
// from the loan records); OtherDebts are the rest.

// SurveyAssets are the household's assets at their present value.
type SurveyAssets struct {
	HouseFen      int64 `json:"house_fen,omitempty" zh:"房产"`
	ApplianceFen  int64 `json:"appliance_fen,omitempty" zh:"家电"`
	FurnitureFen  int64 `json:"furniture_fen,omitempty" zh:"家具"`
	VehicleFen    int64 `json:"vehicle_fen,omitempty" zh:"交通工具"`
	MachineryFen  int64 `json:"machinery_fen,omitempty" zh:"农机具"`
	DepositFen    int64 `json:"deposit_fen,omitempty" zh:"存款"`
	SharesFen     int64 `json:"shares_fen,omitempty" zh:"信用社股金"`
	ReceivableFen int64 `json:"receivable_fen,omitempty" zh:"应收款"`
}

// SurveyIncome is net income by line of work: last year's as it was,
// this year's as expected.
type SurveyIncome struct {
	CropsLastFen     int64 `json:"crops_last_fen,omitempty" zh:"种植（上年实际）"`
	CropsNextFen     int64 `json:"crops_next_fen,omitempty" zh:"种植（本年预计）"`
	LivestockLastFen int64 `json:"livestock_last_fen,omitempty" zh:"养殖（上年实际）"`
	LivestockNextFen int64 `json:"livestock_next_fen,omitempty" zh:"养殖（本年预计）"`
	TradeLastFen     int64 `json:"trade_last_fen,omitempty" zh:"商业（上年实际）"`
	TradeNextFen     int64 `json:"trade_next_fen,omitempty" zh:"商业（本年预计）"`
	LabourLastFen    int64 `json:"labour_last_fen,omitempty" zh:"劳务（上年实际）"`
	LabourNextFen    int64 `json:"labour_next_fen,omitempty" zh:"劳务（本年预计）"`
	OtherLastFen     int64 `json:"other_last_fen,omitempty" zh:"其他（上年实际）"`
	OtherNextFen     int64 `json:"other_next_fen,omitempty" zh:"其他（本年预计）"`
}

// SurveyExpenses are the household's yearly expenses.
type SurveyExpenses struct {
	LivingFen  int64 `json:"living_fen,omitempty" zh:"生活支出"`
	SocialFen  int64 `json:"social_fen,omitempty" zh:"人情支出"`
	SchoolFen  int64 `json:"school_fen,omitempty" zh:"子女学费"`
	MedicalFen int64 `json:"medical_fen,omitempty" zh:"医疗支出"`
	OtherFen   int64 `json:"other_fen,omitempty" zh:"其他支出"`
}

// OtherDebt is a liability besides the station's own loans.
type OtherDebt struct {
	Kind       string `json:"kind,omitempty" zh:"负债类别" enum:"DebtKinds"`
	Creditor   string `json:"creditor,omitempty" zh:"债权人"`
	BalanceFen int64  `json:"balance_fen,omitempty" zh:"余额"`
	DueOn      Date   `json:"due_on,omitempty" zh:"到期日"`
}

// DebtKinds are the kinds of OtherDebt, in the form's order.
var DebtKinds = []string{"其他贷款", "社会融资", "其他欠款"}

// surveyMaxFen bounds one survey amount: ¥100,000,000, far above any
// farming household's figure, so that a slip of the keyboard (extra
// zeros) is caught at entry.
const surveyMaxFen = 100_000_000 * 100

// amounts calls fn with each amount of a survey group (its fields are all
// int64 fen), its Go name and its label.
func amounts(group any, fn func(name, label string, fen int64)) {
	rv, rt := reflect.ValueOf(group), reflect.TypeOf(group)
	for i := 0; i < rv.NumField(); i++ {
		fn(rt.Field(i).Name, rt.Field(i).Tag.Get("zh"), rv.Field(i).Int())
	}
}

// surveyTotal is the sum of a survey group's amounts. Validation bounds
// each, but a total is also printed from whatever a record holds, so the
// sum stops at the largest amount rather than wrapping round to a
// negative one.
func surveyTotal(group any) int64 {
	var sum int64
	amounts(group, func(_, _ string, fen int64) { sum = addAmounts(sum, fen) })
	return sum
}

// addAmounts adds two amounts, holding the sum within int64.
func addAmounts(a, b int64) int64 {
	switch s := a + b; {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	default:
		return s
	}
}

// Total is the household's assets in all.
func (a SurveyAssets) Total() int64 { return surveyTotal(a) }

// Total is the household's yearly expenses in all.
func (e SurveyExpenses) Total() int64 { return surveyTotal(e) }

// Totals are net income in all, last year's and this year's expected.
func (in SurveyIncome) Totals() (last, next int64) {
	amounts(in, func(name, _ string, fen int64) {
		if strings.HasSuffix(name, "LastFen") {
			last = addAmounts(last, fen)
		} else {
			next = addAmounts(next, fen)
		}
	})
	return last, next
}

// validateSurvey holds each amount of the survey to 0 … surveyMaxFen and
// each other debt to a kind, a creditor and a balance.
func validateSurvey(c *checker, r *CreditRating) {
	for _, g := range []struct {
		field string
		group any
	}{{"assets", r.Assets}, {"income", r.Income}, {"expenses", r.Expenses}} {
		field := g.field
		amounts(g.group, func(_, label string, v int64) {
			switch {
			case v < 0:
				c.fail(field, "NEGATIVE", fmt.Sprintf("「%s」的“%s”不能为负数", c.label(field), label))
			case v > surveyMaxFen:
				c.fail(field, "AMOUNT_TOO_LARGE", fmt.Sprintf("「%s」的“%s”超过%s元，请核对", c.label(field), label, yuan(surveyMaxFen)))
			}
		})
	}
	for i, d := range r.OtherDebts {
		at := fmt.Sprintf("「其他负债」第%d项", i+1)
		if !oneOf(d.Kind, DebtKinds) {
			c.fail("other_debts", "INVALID_CHOICE", at+"的负债类别应为"+strings.Join(DebtKinds, "、")+"之一")
		}
		switch n := len([]rune(d.Creditor)); {
		case strings.TrimSpace(d.Creditor) == "":
			c.fail("other_debts", "REQUIRED", at+"未填债权人")
		case n > 60:
			c.fail("other_debts", "TOO_LONG", fmt.Sprintf("%s的债权人过长（%d字，最多60字）", at, n))
		case HasControl(d.Creditor) || strings.ContainsAny(d.Creditor, "\n\r\t"):
			c.fail("other_debts", "TEXT_CONTROL", at+"的债权人不能含控制字符或换行")
		}
		if d.BalanceFen <= 0 || d.BalanceFen > surveyMaxFen {
			c.fail("other_debts", "AMOUNT_RANGE", fmt.Sprintf("%s的余额应大于0且不超过%s元", at, yuan(surveyMaxFen)))
		}
		if d.DueOn != "" && !d.DueOn.Valid() {
			c.fail("other_debts", "INVALID_DATE", at+"的到期日应为“年-月-日”")
		}
	}
	if len(r.OtherDebts) > 20 {
		c.fail("other_debts", "TOO_MANY", "「其他负债」最多20项")
	}
}

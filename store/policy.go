package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Policy holds every figure domain.md calls "config": limits, rates and
// report rules, with the documented defaults. It is per station and shown on
// the settings screen.
type Policy struct {
	// Micro-loans (扶贫小额信贷).
	LoanMaxFen           int64        `json:"loan_max_fen" zh:"单户贷款上限（元）"`
	LoanMaxMonths        int          `json:"loan_max_months" zh:"贷款期限上限（月）"`
	BorrowerMinAge       int          `json:"borrower_min_age" zh:"借款人最低年龄"`
	BorrowerMaxAge       int          `json:"borrower_max_age" zh:"借款人最高年龄"`
	HuDaiQiYongCutoff    Date         `json:"hudaiqiyong_cutoff" zh:"户贷企用停止新增日期"`
	RatingRequired       bool         `json:"rating_required" zh:"申请须有有效评级"`
	RatingHouseholdTypes []string     `json:"rating_household_types" zh:"可评级授信的户类型" enum:"HouseholdTypes"`
	NoticeMinDays        int          `json:"notice_min_days" zh:"评级公示最少天数"`
	NPLVillageBP         int          `json:"npl_village_bp" zh:"村不良率停贷线（基点）"`
	NPLTownshipBP        int          `json:"npl_township_bp" zh:"乡镇不良率停贷线（基点）"`
	RatingScheme         RatingScheme `json:"rating_scheme" zh:"评级授信方案"`
	// Risk compensation (风险补偿金代偿, C10) and 户贷企用 dividends (R8).
	CompensationMinDays  int `json:"compensation_min_days" zh:"风险补偿代偿最低逾期天数"`
	CompensationSharePct int `json:"compensation_share_pct" zh:"风险补偿金分担比例（%）"`
	DividendRateBP       int `json:"dividend_rate_bp" zh:"户贷企用年分红率（基点）"`

	// Elderly care.
	ElderlyMinAge       int            `json:"elderly_min_age" zh:"探访对象最低年龄"`
	AdmissionMinAge     int            `json:"admission_min_age" zh:"幸福院入住最低年龄"`
	DisabledMinLevel    int            `json:"disabled_min_level" zh:"视为失能的最低能力等级"`
	ReassessGBMonths    int            `json:"reassess_gb_months" zh:"GB/T 42195复评间隔（月）"`
	ReassessMZMonths    int            `json:"reassess_mz_months" zh:"MZ/T 039复评间隔（月）"`
	VisitGraceDays      int            `json:"visit_grace_days" zh:"新入册宽限天数"`
	VisitDeathCutoffDay int            `json:"visit_death_cutoff_day" zh:"月内死亡/退出计入分母的日期（之后）"`
	VisitCountedMethods []string       `json:"visit_counted_methods" zh:"计入探访率的方式" enum:"VisitMethods"`
	HomecareHours       map[string]int `json:"homecare_hours" zh:"购买服务每月工时"`
	HomecarePriceFen    int64          `json:"homecare_price_fen" zh:"居家服务单价（元/小时）"`
	HomeSubsidyYearFen  int64          `json:"home_subsidy_year_fen" zh:"幸福院运营补贴（元/人/年）"`
	DisabledMultiplier  int            `json:"disabled_multiplier" zh:"失能老人补贴倍数"`
	HomeSubsidyDay      int            `json:"home_subsidy_day" zh:"运营补贴按月计入的在住日"`
	ServiceSubsidyFen   int64          `json:"service_subsidy_fen" zh:"养老服务补贴（元/人/月）"`
	// ServiceSubsidyTurn60 decides the month a person turning 60 is first
	// paid: "birthday_month" or "next_month".
	ServiceSubsidyTurn60 string `json:"service_subsidy_turn60" zh:"满60周岁当月是否发放"`
}

// RatingScheme is a configurable credit-rating template: scored items, tiers
// of total score with a grade and credit line, and how long a rating lasts.
type RatingScheme struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	Items          []RatingItem `json:"items"`
	Tiers          []RatingTier `json:"tiers"` // any order; evaluated from the highest MinScore
	ValidityMonths int          `json:"validity_months"`
}

// RatingItem is one scored line of the rating form.
type RatingItem struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Max  int    `json:"max"`
}

// RatingTier maps a minimum total score to a grade and a credit line.
type RatingTier struct {
	MinScore int    `json:"min_score"`
	Grade    string `json:"grade"`
	LimitFen int64  `json:"limit_fen"`
}

// Grade returns the tier a total score falls in.
func (r *RatingScheme) Grade(total int) RatingTier {
	tiers := append([]RatingTier(nil), r.Tiers...)
	sort.Slice(tiers, func(i, j int) bool { return tiers[i].MinScore > tiers[j].MinScore })
	for _, t := range tiers {
		if total >= t.MinScore {
			return t
		}
	}
	return RatingTier{Grade: "不授信"}
}

// DefaultPolicy returns the defaults documented in domain.md.
func DefaultPolicy() Policy {
	return Policy{
		LoanMaxFen:           5_000_000,
		LoanMaxMonths:        36,
		BorrowerMinAge:       18,
		BorrowerMaxAge:       65,
		HuDaiQiYongCutoff:    "2017-07-01",
		RatingRequired:       true,
		RatingHouseholdTypes: []string{"建档立卡脱贫户", "防止返贫监测对象"},
		NoticeMinDays:        5,
		NPLVillageBP:         500,
		NPLTownshipBP:        300,
		RatingScheme:         DefaultRatingScheme(),
		CompensationMinDays:  90,
		CompensationSharePct: 80,
		DividendRateBP:       500,

		ElderlyMinAge:        60,
		AdmissionMinAge:      60,
		DisabledMinLevel:     2,
		ReassessGBMonths:     12,
		ReassessMZMonths:     6,
		VisitGraceDays:       7,
		VisitDeathCutoffDay:  15,
		VisitCountedMethods:  []string{"上门入户", "电话", "视频", "委托第三方"},
		HomecareHours:        map[string]int{"重度失能": 60, "中度失能": 45, "特定群体": 30},
		HomecarePriceFen:     2000,
		HomeSubsidyYearFen:   60000,
		DisabledMultiplier:   2,
		HomeSubsidyDay:       15,
		ServiceSubsidyFen:    6000,
		ServiceSubsidyTurn60: "birthday_month",
	}
}

// DefaultRatingScheme combines the 100-point items of a 农信社 rating form
// with the star tiers of a county 扶贫小额信贷 scheme (domain.md §4.1).
func DefaultRatingScheme() RatingScheme {
	return RatingScheme{
		ID:   "default-2015",
		Name: "贫困农户评级授信（百分制，五星）",
		Items: []RatingItem{
			{"population", "人口数", 8},
			{"labor", "劳动力人数", 8},
			{"assets", "家庭资产总值", 13},
			{"net_assets", "家庭净资产", 13},
			{"shares", "信用社股金", 4},
			{"income", "家庭纯收入", 14},
			{"overall", "综合评价", 30},
			{"record", "履约情况", 10},
		},
		Tiers: []RatingTier{
			{90, "★★★★★", 5_000_000},
			{80, "★★★★", 4_000_000},
			{70, "★★★", 3_000_000},
			{60, "★★", 2_000_000},
			{0, "不授信", 0},
		},
		ValidityMonths: 24,
	}
}

// Policy returns the station's policy settings.
func (s *Store) Policy() Policy {
	s.mu.Lock()
	defer s.mu.Unlock()
	return clonePolicy(s.policy)
}

func clonePolicy(p Policy) Policy {
	b, _ := json.Marshal(p)
	var q Policy
	_ = json.Unmarshal(b, &q)
	return q
}

// Check validates policy settings before they are saved.
func (p *Policy) Check() error {
	var probs Problems
	bad := func(field, msg string) {
		probs = append(probs, &Error{Code: "POLICY_INVALID", Field: field, Message: msg})
	}
	if p.LoanMaxFen <= 0 {
		bad("loan_max_fen", "贷款上限应大于0")
	}
	if p.LoanMaxMonths < 1 || p.LoanMaxMonths > 120 {
		bad("loan_max_months", "贷款期限上限应在1至120个月之间")
	}
	if p.BorrowerMinAge < 16 || p.BorrowerMaxAge > 100 || p.BorrowerMinAge >= p.BorrowerMaxAge {
		bad("borrower_max_age", "借款人年龄范围不合理")
	}
	if p.HuDaiQiYongCutoff != "" && !p.HuDaiQiYongCutoff.Valid() {
		bad("hudaiqiyong_cutoff", "户贷企用停止日期不是有效日期")
	}
	if p.NoticeMinDays < 1 {
		bad("notice_min_days", "公示天数至少1天")
	}
	if p.CompensationMinDays < 1 || p.CompensationMinDays > 3650 {
		bad("compensation_min_days", "代偿最低逾期天数应在1至3650之间")
	}
	if p.CompensationSharePct < 1 || p.CompensationSharePct > 100 {
		bad("compensation_share_pct", "风险补偿金分担比例应在1%至100%之间")
	}
	if p.DividendRateBP < 0 || p.DividendRateBP > 10000 {
		bad("dividend_rate_bp", "年分红率应在0至100%之间")
	}
	if p.ElderlyMinAge < 0 || p.AdmissionMinAge < 0 {
		bad("elderly_min_age", "年龄不能为负")
	}
	if p.DisabledMinLevel < 1 || p.DisabledMinLevel > 4 {
		bad("disabled_min_level", "失能等级应在1至4之间")
	}
	if p.VisitGraceDays < 0 || p.VisitGraceDays > 31 {
		bad("visit_grace_days", "宽限天数应在0至31之间")
	}
	if p.VisitDeathCutoffDay < 1 || p.VisitDeathCutoffDay > 31 {
		bad("visit_death_cutoff_day", "日期应在1至31之间")
	}
	for _, m := range p.VisitCountedMethods {
		if !oneOf(m, VisitMethods) {
			bad("visit_counted_methods", "未知的探访方式："+m)
		}
	}
	if p.HomecarePriceFen <= 0 || p.HomeSubsidyYearFen < 0 || p.ServiceSubsidyFen < 0 || p.DisabledMultiplier < 1 {
		bad("homecare_price_fen", "补贴和单价不能为负")
	}
	if p.HomeSubsidyDay < 1 || p.HomeSubsidyDay > 28 {
		bad("home_subsidy_day", "在住日应在1至28之间")
	}
	if p.ServiceSubsidyTurn60 != "birthday_month" && p.ServiceSubsidyTurn60 != "next_month" {
		bad("service_subsidy_turn60", "只能是 birthday_month 或 next_month")
	}
	if strings.TrimSpace(p.RatingScheme.ID) == "" || strings.TrimSpace(p.RatingScheme.Name) == "" {
		bad("rating_scheme", "评级授信方案须有编号（id）和名称（name）")
	}
	if len(p.RatingScheme.Tiers) == 0 {
		bad("rating_scheme", "评级授信方案须有信用等级档次（tiers）")
	}
	if p.RatingScheme.ValidityMonths < 0 {
		bad("rating_scheme", "评级有效期（月）不能为负")
	}
	sum := 0
	codes := map[string]bool{}
	for _, it := range p.RatingScheme.Items {
		if it.Code == "" || it.Max <= 0 {
			bad("rating_scheme", "评级项目须有代码和正的满分")
		}
		if codes[it.Code] {
			bad("rating_scheme", "评级项目代码“"+it.Code+"”重复")
		}
		codes[it.Code] = true
		sum += it.Max
	}
	if sum != 100 {
		bad("rating_scheme", fmt.Sprintf("评级项目满分合计应为100，现为%d", sum))
	}
	for _, t := range p.RatingScheme.Tiers {
		if t.LimitFen > p.LoanMaxFen {
			bad("rating_scheme", "授信额度不能超过单户贷款上限")
		}
	}
	if len(probs) > 0 {
		return probs
	}
	return nil
}

// SetPolicy validates and saves policy settings.
func (s *Store) SetPolicy(p Policy) error {
	if err := s.Require(PermPolicy); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode policy: %w", err)
	}
	changed := policyChanges(s.Policy(), p)
	return s.update(func(w *writeTx) error {
		if err := w.KV.Bucket(bMeta).Put(mPolicy, b); err != nil {
			return err
		}
		if err := s.appendAudit(w.KV, AuditEntry{Action: AuditPolicy, Detail: changed}); err != nil {
			return err
		}
		w.policy = clonePolicy(p)
		w.after = append(w.after, func() { s.policy = clonePolicy(p) })
		return nil
	})
}

// policyChanges names the figures that differ between two policies, for
// the audit log: "修改：单户贷款上限（元）、…" (the values are the station's
// settings, not personal data, but the names say enough).
func policyChanges(old, cur Policy) string {
	ov, nv := reflect.ValueOf(old), reflect.ValueOf(cur)
	var names []string
	for i := 0; i < ov.NumField(); i++ {
		if !reflect.DeepEqual(ov.Field(i).Interface(), nv.Field(i).Interface()) {
			name := ov.Type().Field(i).Tag.Get("zh")
			if name == "" {
				name = ov.Type().Field(i).Name
			}
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return "保存（无改动）"
	}
	return "修改：" + strings.Join(names, "、")
}

package store

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Step is one move of a record along its workflow as a person does it: the
// status it moves to, who acts, the fields that person fills in, and the
// date field the step stamps with the day it is done. The chains of
// recommendation and approval (an application from the village to the
// bank) are listed in order by StepsOf; the other moves (a rejection, a
// discharge, a pause) are steps too, found by StepFields and PrepareStep.
type Step struct {
	Status    string
	Who       string
	Fields    []string
	DateField string
}

// StepOff is the StepIndex of a status that has left its chain: a refused
// application (已拒绝), an admission found ineligible or cancelled, a
// revoked rating. How far the record got before is in its fields (the
// opinions and dates each step filled in), not in its status.
const StepOff = -2

// chains are the workflows whose statuses are steps of one procedure done
// by different people in turn (domain.md §2.2, §4.2).
var chains = map[Kind][]Step{
	KindLoanApplication: {
		{"村推荐", "村服务点认定推荐", []string{"capacity_declared", "village_opinion", "village_signers", "village_date"}, "village_date"},
		{"乡镇审核", "乡镇工作站审核", []string{"township_opinion", "township_date"}, "township_date"},
		{"县推荐", "县金融服务中心推荐", []string{"county_opinion", "county_date"}, "county_date"},
		{"银行受理", "承贷银行受理", []string{"bank_name"}, ""},
		{"已批准", "银行审批", []string{"bank_decision_date"}, "bank_decision_date"},
		// Disbursement enters the loan itself (Disburse), which moves the
		// application on in the same transaction.
		{"已放款", "承贷银行放款", nil, ""},
	},
	KindCreditRating: {
		{"村评议", "村评议小组评议", []string{"item_scores", "panel"}, ""},
		{"公示中", "村委会公示", []string{"notice_from", "notice_to"}, "notice_from"},
		{"乡镇审核", "乡镇工作站审核", []string{"objection"}, ""},
		{"银行审定", "承贷银行审定", []string{"bank_name"}, ""},
		{"有效", "银行审定通过", []string{"bank_name", "approved_at", "approver"}, "approved_at"},
	},
	KindSubsidyClaim: {
		{"村审核", "村委会审核", []string{"village_opinion", "village_date"}, "village_date"},
		{"乡镇审核", "乡镇审核", []string{"township_opinion", "township_date"}, "township_date"},
		{"县民政审定", "县民政局审定", []string{"county_opinion", "county_date"}, "county_date"},
		{"已拨付", "拨付补贴", []string{"paid_date"}, "paid_date"},
	},
	KindCompensationClaim: {
		{"已提交", "承贷银行申请代偿", []string{"bank_opinion", "bank_date"}, "bank_date"},
		{"乡镇审核", "乡镇审核", []string{"township_opinion", "township_date"}, "township_date"},
		{"县审定", "县级审定", []string{"county_opinion", "county_date"}, "county_date"},
		{"已代偿", "风险补偿金代偿", []string{"paid_date"}, "paid_date"},
	},
	KindAdmission: {
		{"已申请", "提交入住申请", []string{"apply_date", "supporters", "emergency_contact"}, ""},
		{"待评估", "村委会受理，安排能力评估", []string{"assessment_id"}, ""},
		{"已批准", "村委会审批", []string{"bed_id"}, ""},
		{"在住", "办理入住", []string{"checkin_date", "bed_id", "assessment_id"}, "checkin_date"},
		{"已退住", "办理退住", []string{"checkout_date", "checkout_reason", "note"}, "checkout_date"},
	},
}

// atStep places statuses that are not steps themselves on the chain: an
// elder on leave is still resident; a rating under objection or being
// reconsidered is back with the village panel (a new notice follows); an
// expired rating was valid.
var atStep = map[Kind]map[string]string{
	KindAdmission:    {"请假外出": "在住"},
	KindCreditRating: {"有异议": "村评议", "复议": "村评议", "到期": "有效"},
}

// offChain lists the statuses that end a chain without completing it.
var offChain = map[Kind][]string{
	KindLoanApplication:   {"已拒绝"},
	KindAdmission:         {"不符合条件", "已取消"},
	KindCreditRating:      {"撤销"},
	KindSubsidyClaim:      {"已退回", "作废"},
	KindCompensationClaim: {"已退回", "作废"},
}

// moves are the steps that are not an advance along a chain, by the
// status they move to: what each asks for and stamps is what the kind's
// validation requires for that status.
var moves = map[Kind]map[string]Step{
	KindLoanApplication: {"已拒绝": {"已拒绝", "拒绝申请", []string{"reject_reason"}, ""}},
	KindAdmission: {
		"不符合条件": {"不符合条件", "认定不符合入住条件", []string{"note"}, ""},
		"已取消":   {"已取消", "取消入住申请", []string{"note"}, ""},
		"请假外出":  {"请假外出", "请假外出", []string{"note"}, ""},
		"在住":    {"在住", "返院", nil, ""},
	},
	KindCreditRating: {
		"有异议": {"有异议", "公示有异议", []string{"objection"}, ""},
		"复议":  {"复议", "村评议小组复议", []string{"item_scores", "panel"}, ""},
		"撤销":  {"撤销", "撤销评级", nil, ""},
		"到期":  {"到期", "评级到期", nil, ""},
	},
	KindElderlyProfile: {
		"暂停": {"暂停", "暂停探访", []string{"pause_reason", "expected_return"}, ""},
		"退出": {"退出", "退出探访名册", []string{"exit_date", "exit_reason"}, "exit_date"},
		"在册": {"在册", "恢复探访", nil, ""},
	},
	KindVisit: {
		"已提交": {"已提交", "提交探访记录", []string{"start_time", "end_time", "mental_check", "safety_action", "risk_after_visit", "confirmation", "confirmation_note"}, ""},
		"已审核": {"已审核", "乡镇审核", nil, ""},
		"已锁定": {"已锁定", "月末锁定", nil, ""},
	},
	KindReferral: {
		"处理中":  {"处理中", "开始办理", nil, ""},
		"已办结":  {"已办结", "办结", []string{"outcome", "closed_at"}, "closed_at"},
		"无法办理": {"无法办理", "无法办理", []string{"outcome", "closed_at"}, "closed_at"},
	},
	KindAssessment: {
		"已完成": {"已完成", "完成评估", []string{"item_scores", "informant"}, ""},
		"作废":  {"作废", "作废评估", nil, ""},
	},
	KindHomecareEntitlement: {
		"有效": {"有效", "审核通过", []string{"valid_from", "valid_to"}, ""},
		"暂停": {"暂停", "暂停服务", nil, ""},
		"终止": {"终止", "终止服务", []string{"valid_to"}, "valid_to"},
	},
	KindServiceRecord: {
		"已确认": {"已确认", "确认服务", []string{"confirmation"}, ""},
		"有异议": {"有异议", "服务有异议", nil, ""},
		"作废":  {"作废", "作废服务记录", nil, ""},
	},
	KindLoan: {
		"展期中":     {"展期中", "办理展期", []string{"due_on", "risk_class", "officer"}, ""},
		"正常":      {"正常", "恢复正常", []string{"risk_class", "officer"}, ""},
		"风险补偿代偿中": {"风险补偿代偿中", "转入风险补偿代偿", []string{"risk_class", "officer"}, ""},
		"已代偿":     {"已代偿", "风险补偿金已代偿", []string{"officer"}, ""},
		"已核销":     {"已核销", "核销", []string{"officer"}, ""},
		"已结清":     {"已结清", "结清", nil, ""},
	},
	KindHome: {"已升级": {"已升级", "升级为养老机构", []string{"successor_home_id"}, ""}},
	KindSubsidyClaim: {
		"已退回": {"已退回", "退回修改", []string{"reject_reason"}, ""},
		"作废":  {"作废", "作废申报", []string{"void_reason"}, ""},
	},
	KindCompensationClaim: {
		"已退回": {"已退回", "退回修改", []string{"reject_reason"}, ""},
		"作废":  {"作废", "作废代偿申请", []string{"void_reason"}, ""},
	},
	KindPerson: {
		"迁出": {"迁出", "迁出", []string{"status_date"}, "status_date"},
		"死亡": {"死亡", "死亡登记", []string{"status_date"}, "status_date"},
		"注销": {"注销", "注销", []string{"status_date"}, "status_date"},
		"在册": {"在册", "恢复在册", nil, ""},
	},
	KindEnterpriseLink: {"终止": {"终止", "终止带贫关系", []string{"agreement_to"}, "agreement_to"}},
}

// StepsOf lists the chain of a kind in order: LoanApplication (village →
// township → county → bank → disbursement), CreditRating (panel → notice →
// township → bank) and Admission (application → assessment → approval →
// move-in → discharge). Other kinds have no chain and return nil.
func StepsOf(k Kind) []Step {
	var out []Step
	for _, s := range chains[k] {
		s.Fields = append([]string(nil), s.Fields...)
		out = append(out, s)
	}
	return out
}

// StepIndex is how far along its kind's chain a status is: the index in
// StepsOf of the step it has reached, -1 before the first step (草稿 and
// other statuses before the chain, or a kind without a chain) and StepOff
// for a status that left the chain unfinished (已拒绝, 不符合条件, 已取消,
// 撤销). A status that sits at a step without being it counts as that step
// (请假外出 as 在住, 有异议 and 复议 as 村评议, 到期 as 有效).
func StepIndex(k Kind, status string) int {
	if oneOf(status, offChain[k]) {
		return StepOff
	}
	if at, ok := atStep[k][status]; ok {
		status = at
	}
	for i, s := range chains[k] {
		if s.Status == status {
			return i
		}
	}
	return -1
}

// stepFor finds the step a move from one status to another is: the chain's
// step when the move advances along the chain, otherwise the kind's move to
// that status (a rejection, a pause, a return from leave). ok is false when
// the workflow does not allow the move.
func stepFor(k Kind, from, to string) (Step, bool) {
	s := specs[k]
	if s == nil || s.workflow == nil || from == to || !s.workflow.allowed(from, to) {
		return Step{}, false
	}
	if i, j := StepIndex(k, from), StepIndex(k, to); j >= 0 && j > i {
		return chains[k][j], true
	}
	if m, ok := moves[k][to]; ok {
		if k == KindLoanApplication && to == "已拒绝" && from == "银行受理" {
			// The bank refusing is its decision: it has a date.
			m.Fields = append(append([]string(nil), m.Fields...), "bank_decision_date")
			m.DateField = "bank_decision_date"
		}
		return m, true
	}
	return Step{Status: to}, true
}

// StepFields lists the fields to ask for when a record moves from one
// status to another: a step's opinion, signers and date; a rejection's
// reason; a discharge's date, reason and note; a pause's reason and
// expected return. They are the fields the kind's validation requires for
// the new status (and the ones that belong with them), so a form or the
// command line asks for what saving will check. A move the workflow does
// not allow has none.
func StepFields(k Kind, from, to string) []string {
	st, ok := stepFor(k, from, to)
	if !ok {
		return nil
	}
	return append([]string(nil), st.Fields...)
}

// PrepareStep returns a copy of a record moved to status to, with the
// step's date field set to on and other defaults a person would write:
// the village signers default to the operator, a notice runs for the
// policy's minimum days, a move to 有异议 records the objection, an
// entitlement or link that ends gets its end date unless it already ends
// earlier. The record is not saved: the caller shows the copy for the
// step's fields (StepFields) and saves it with Save, which validates
// everything. A move the workflow does not allow is refused with
// STATUS_TRANSITION; disbursing an application is refused with
// USE_DISBURSE (it is Disburse, which also enters the loan).
func (r *Reader) PrepareStep(e Entity, to string, on Date, operator string) (Entity, error) {
	k := kindOf(e)
	spec, err := specOf(k)
	if err != nil {
		return nil, err
	}
	if spec.workflow == nil {
		return nil, &Error{Code: "NO_WORKFLOW", Field: "status", Message: spec.label + "没有办理流程"}
	}
	if !on.Valid() {
		return nil, &Error{Code: "INVALID_DATE", Message: "办理日期不是有效日期"}
	}
	from := statusOf(e)
	if from == to {
		return nil, &Error{Code: "STEP_SAME", Field: "status", Message: fmt.Sprintf("%s已经是“%s”", spec.label, to)}
	}
	if k == KindLoanApplication && to == "已放款" {
		return nil, &Error{Code: "USE_DISBURSE", Field: "status", Message: "放款须同时登记贷款：请用“登记放款”，申请随之改为“已放款”"}
	}
	st, ok := stepFor(k, from, to)
	if !ok {
		next := NextStatuses(k, from)
		msg := fmt.Sprintf("%s不能从“%s”改为“%s”", spec.label, from, to)
		if len(next) > 0 {
			msg += "；可以改为：" + strings.Join(next, "、")
		}
		return nil, &Error{Code: "STATUS_TRANSITION", Field: "status", Message: msg}
	}
	cp, err := cloneEntity(e)
	if err != nil {
		return nil, err
	}
	fields, err := fieldsOf(cp)
	if err != nil {
		return nil, err
	}
	set := func(name string, v any) {
		b, _ := json.Marshal(v)
		fields[name] = b
	}
	empty := func(name string) bool { return fields[name] == nil }
	set("status", to)
	advance := StepIndex(k, to) > StepIndex(k, from) && StepIndex(k, to) >= 0
	if st.DateField != "" {
		switch {
		case advance:
			// A chain step is done on the day given, even if a date was
			// planned (a check-in date agreed before moving in).
			set(st.DateField, on)
		case st.DateField == "valid_to" || st.DateField == "agreement_to":
			// Ending something that already ends earlier keeps that end.
			var cur Date
			_ = json.Unmarshal(fields[st.DateField], &cur)
			if cur == "" || cur > on {
				set(st.DateField, on)
			}
		case empty(st.DateField):
			set(st.DateField, on)
		}
	}
	switch {
	case k == KindLoanApplication && to == "村推荐" && empty("village_signers") && strings.TrimSpace(operator) != "":
		set("village_signers", []string{strings.TrimSpace(operator)})
	case k == KindCreditRating && to == "公示中" && advance:
		set("notice_to", on.AddDays(max(r.Policy().NoticeMinDays, 1)-1))
	case k == KindCreditRating && to == "有异议":
		set("objection", "有异议")
	}
	if err := replaceFields(cp, fields); err != nil {
		return nil, err
	}
	return cp, nil
}

// StepOf is the step a move from one status to another is (the chain's
// step, or the kind's move to that status, with who acts and what it asks
// for); ok is false when the workflow does not allow the move.
func StepOf(k Kind, from, to string) (Step, bool) {
	st, ok := stepFor(k, from, to)
	st.Fields = append([]string(nil), st.Fields...)
	return st, ok
}

// Ending tells the statuses that end a record's course without completing
// it: a refusal, a cancellation, a voiding, a revocation, a termination. A
// window shows such a move as dangerous and asks before making it.
func Ending(status string) bool {
	return oneOf(status, []string{"已拒绝", "作废", "撤销", "已取消", "终止", "不符合条件", "退出", "已核销", "注销", SigningEnded})
}

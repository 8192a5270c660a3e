package print

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
)

// Masking on paper (domain.md §7.4): identifiers are masked unless the job
// is an explicit unmasked print. Health and assessment content that is the
// subject of a form (the checks of a visit, the scores of an assessment) is
// printed; health notes on other forms are hidden like identifiers.

func (d *Doc) id(s string) string {
	if d.opt.Unmasked || s == "" {
		return s
	}
	return ident.MaskID(s)
}

func (d *Doc) phone(s string) string {
	if d.opt.Unmasked || s == "" {
		return s
	}
	return ident.MaskPhone(s)
}

func (d *Doc) healthNote(s string) string {
	if d.opt.Unmasked || s == "" {
		return s
	}
	return "（已隐去，需打印含敏感信息的版本）"
}

func yuanText(fen int64) string {
	if fen == 0 {
		return ""
	}
	return store.Yuan(fen) + " 元"
}

func yesNo(b bool) string {
	if b {
		return "■是　□否"
	}
	return "□是　■否"
}

func ageText(n int) string {
	if n < 0 {
		return ""
	}
	return fmt.Sprintf("%d岁", n)
}

func person(r *store.Reader, id string) *store.Person {
	if x, _ := r.LiveByString(id, store.KindPerson); x != nil {
		return x.(*store.Person)
	}
	return &store.Person{}
}

func household(r *store.Reader, id string) *store.Household {
	if x, _ := r.LiveByString(id, store.KindHousehold); x != nil {
		return x.(*store.Household)
	}
	return &store.Household{}
}

// formA2 is 入住老人基本信息登记表, the admission registration of domain.md
// §6.1a.
func (d *Doc) formA2(r *store.Reader, a *store.Admission) {
	p := person(r, a.PersonID)
	home := &store.Home{}
	if x, _ := r.LiveByString(a.HomeID, store.KindHome); x != nil {
		home = x.(*store.Home)
	}
	on := a.CheckinDate
	if on == "" {
		on = a.ApplyDate
	}
	hh := household(r, p.HouseholdID)
	local := "■是　□否"
	hukou := place(store.MetaOf(hh).Scope) + " " + hh.GroupName
	if p.HukouCode != "" && p.HukouCode != store.MetaOf(hh).Scope {
		local = "□是　■否"
		hukou = place(p.HukouCode)
	}
	d.beginForm("入住老人基本信息登记表", a.AdmissionNo, false)
	d.placeLine(store.MetaOf(a).Scope, a.AdmissionNo)
	d.text("幸福院名称："+home.Name, 0)

	d.section("一、基本信息")
	d.kv([][2]string{
		{"姓名", p.Name}, {"性别", p.Sex}, {"出生日期", string(p.BirthDate)},
		{"年龄", ageText(p.Age(on))}, {"民族", ident.EthnicityName(p.Ethnicity)}, {"婚姻状况", p.MaritalStatus},
	}, 3)
	d.kv([][2]string{
		{"公民身份号码", d.id(p.IDNumber)}, {"联系电话", d.phone(p.Mobile)},
		{"户籍地（村/组）", hukou}, {"是否本地户籍", local},
	}, 2)

	d.section("二、家庭与赡养")
	d.kv([][2]string{{"入住前居住情况", a.LivingBefore}}, 1)
	var sup []string
	for _, s := range a.Supporters {
		sup = append(sup, strings.TrimSpace(fmt.Sprintf("%s（%s）%s", s.Name, s.Relation, d.phone(s.Mobile))))
	}
	if len(sup) == 0 {
		sup = []string{"无（特困供养）"}
	}
	ec := a.EmergencyContact
	d.kv([][2]string{
		{"赡养人", strings.Join(sup, "；")},
		{"紧急联系人", strings.TrimSpace(fmt.Sprintf("%s（%s）%s", ec.Name, ec.Relation, d.phone(ec.Mobile)))},
	}, 1)

	d.section("三、身体与能力")
	var as *store.Assessment
	if x, _ := r.LiveByString(a.AssessmentID, store.KindAssessment); x != nil {
		as = x.(*store.Assessment)
	}
	pol := r.Policy()
	instrument, date, level, disabled := "", "", "", "□是　□否"
	if as != nil {
		instrument, date, level = as.Instrument, string(as.AssessDate), as.LevelName
		disabled = yesNo(store.Disabled(as, pol))
	}
	d.kv([][2]string{{"健康概况（主要疾病、过敏史、长期用药）", d.healthNote(a.HealthSummary)}}, 1)
	d.kv([][2]string{
		{"能力评估标准", instrument}, {"评估日期", date},
		{"能力等级", level}, {"是否失能", disabled},
	}, 2)

	d.section("四、入住安排")
	bed := ""
	if x, _ := r.LiveByString(a.BedID, store.KindBed); x != nil {
		bed = r.Title(x)
	}
	fees := []string{}
	if a.MealFeeFen > 0 {
		fees = append(fees, "伙食费每月"+yuanText(a.MealFeeFen))
	}
	if a.UtilityFeeFen > 0 {
		fees = append(fees, "水电分摊每月"+yuanText(a.UtilityFeeFen))
	}
	fees = append(fees, "自带口粮："+yesNo(a.OwnGrain))
	if a.FeeTerms != "" {
		fees = append(fees, a.FeeTerms)
	}
	d.kv([][2]string{
		{"入住类型", a.StayType}, {"房间号/床位号", bed},
		{"申请日期", string(a.ApplyDate)}, {"入住日期", string(a.CheckinDate)},
		{"协议签订日期", string(a.AgreementSignedDate)}, {"状态", r.StatusOn(a, store.DateOf(d.opt.Now))},
	}, 2)
	d.kv([][2]string{{"费用约定", strings.Join(fees, "；")}}, 1)

	d.section("五、特殊身份")
	d.kv([][2]string{{"享受政策", checks([]string{"低保", "特困", "重点优抚", "计生特殊家庭"}, p.Statuses(on))}}, 1)

	d.section("六、签字")
	d.signatures([]string{"入住老人（或代理人）", "赡养人", "登记人", "幸福院负责人", "村委会（盖章）"}, 3)
}

// formA6 is 老年人能力评估报告: item scores, domain scores, the preliminary
// level, the adjustments and the final level, signed by two assessors and
// the informant.
func (d *Doc) formA6(r *store.Reader, a *store.Assessment) {
	p := person(r, a.PersonID)
	d.beginForm("老年人能力评估报告", "", false)
	d.placeLine(store.MetaOf(a).Scope, "")
	d.section("一、评估对象")
	d.kv([][2]string{{"姓名", p.Name}, {"性别", p.Sex}, {"年龄", ageText(p.Age(a.AssessDate))}}, 3)
	d.kv([][2]string{
		{"公民身份号码", d.id(p.IDNumber)}, {"评估日期", string(a.AssessDate)},
		{"评估原因", a.Reason}, {"评估标准", a.Instrument},
	}, 2)
	d.kv([][2]string{
		{"评估员", strings.Join(a.Assessors, "、")},
		{"信息提供者", strings.TrimSpace(a.Informant.Name + "（" + a.Informant.Relation + "）")},
	}, 1)

	d.section("二、条目评分")
	pw := d.pageWidth()
	head := func() {
		d.row([]cell{{text: "一级指标", w: pw * 0.25, label: true, align: "C"}, {text: "评估条目", w: pw * 0.45, label: true, align: "C"},
			{text: "得分", w: pw * 0.12, label: true, align: "C"}, {text: "可选分值", w: pw * 0.18, label: true, align: "C"}}, 7, nil)
	}
	head()
	for _, it := range store.AssessItems(a.Instrument) {
		score := ""
		if v, ok := a.ItemScores[it.Code]; ok {
			score = fmt.Sprint(v)
		}
		d.row([]cell{{text: it.Domain, w: pw * 0.25}, {text: it.Name, w: pw * 0.45},
			{text: score, w: pw * 0.12, align: "R"}, {text: allowed(it.Scores), w: pw * 0.18, align: "C"}}, 6, head)
	}

	d.section("三、评估结果")
	var domains []string
	for k := range a.DomainScores {
		domains = append(domains, k)
	}
	sort.Strings(domains)
	var ds []string
	for _, k := range domains {
		s := fmt.Sprintf("%s %d分", k, a.DomainScores[k])
		if g, ok := a.DomainGrades[k]; ok {
			s += fmt.Sprintf("（%d级）", g)
		}
		ds = append(ds, s)
	}
	var adj []string
	if a.Adjustments.Coma {
		adj = append(adj, "昏迷")
	}
	if a.Adjustments.Dementia {
		adj = append(adj, "痴呆")
	}
	if a.Adjustments.MentalDisorder {
		adj = append(adj, "其他精神和行为障碍")
	}
	for _, k := range store.RiskEventKinds {
		if n := a.Adjustments.RiskEvents[k]; n > 0 {
			adj = append(adj, fmt.Sprintf("近30天%s%d次", k, n))
		}
	}
	if len(adj) == 0 {
		adj = []string{"无"}
	}
	d.kv([][2]string{
		{"总分", fmt.Sprint(a.TotalScore)},
		{"一级指标得分", strings.Join(ds, "；")},
		{"初步等级", fmt.Sprint(a.PreliminaryLevel)},
		{"等级变更依据", strings.Join(adj, "、")},
		{"最终等级", fmt.Sprintf("%d　%s", a.FinalLevel, a.LevelName)},
		{"下次评估", string(a.NextDue)},
	}, 1)
	d.signatures([]string{"评估员（签字）", "评估员（签字）", "信息提供者（签字）"}, 3)
}

func allowed(scores []int) string {
	parts := make([]string, len(scores))
	for i, s := range scores {
		parts[i] = fmt.Sprint(s)
	}
	if len(parts) > 4 {
		return parts[0] + "–" + parts[len(parts)-1]
	}
	return strings.Join(parts, "/")
}

// formB2 is 特殊困难老年人探访记录表, one per visit, laid out as §6.1a.
func (d *Doc) formB2(r *store.Reader, v *store.Visit) {
	ep := &store.ElderlyProfile{}
	if x, _ := r.LiveByString(v.ElderlyID, store.KindElderlyProfile); x != nil {
		ep = x.(*store.ElderlyProfile)
	}
	p := person(r, ep.PersonID)
	d.beginForm("特殊困难老年人探访记录表", v.VisitNo, false)
	d.placeLine(store.MetaOf(v).Scope, v.VisitNo)
	times := strings.Trim(v.StartTime+"–"+v.EndTime, "–")
	d.kv([][2]string{{"探访日期", string(v.VisitDate)}, {"起止时间", times}, {"探访方式", v.Method}}, 3)
	if v.CorrectsVisitID != "" {
		old := ""
		if x, _ := r.LiveByString(v.CorrectsVisitID, store.KindVisit); x != nil {
			old = x.(*store.Visit).VisitNo
		}
		d.kv([][2]string{{"更正记录", "本表更正 " + old + "，理由：" + v.CorrectionReason}}, 1)
	}

	d.section("一、探访对象")
	d.kv([][2]string{{"姓名", p.Name}, {"性别", p.Sex}, {"年龄", ageText(p.Age(v.VisitDate))}}, 3)
	d.kv([][2]string{
		{"身份证号", d.id(p.IDNumber)}, {"风险分级", ep.RiskTier},
		{"居住情况", ep.LivingArrangement}, {"困难类型", strings.Join(ep.HardshipTypes, "、")},
	}, 2)

	d.section("二、探访情况")
	seen := yesNo(v.SawElder)
	if !v.SawElder {
		seen += "　未见原因：" + v.NotSeenReason
	}
	hc := v.HealthCheck
	health := fmt.Sprintf("表达 %s；行动 %s；反应 %s；疾病 %s", checks(store.CheckResults, []string{hc.Expression}),
		checks(store.CheckResults, []string{hc.Mobility}), checks(store.CheckResults, []string{hc.Reaction}), checks(store.CheckResults, []string{hc.Disease}))
	if hc.Note != "" {
		health += "。说明：" + hc.Note
	}
	// Health is masked like an ID number (domain.md §7.2): the masked
	// copy says so instead.
	health = d.healthNote(health)
	mental := checks(store.MentalStates, []string{v.MentalCheck})
	if v.MentalNote != "" {
		mental += "。" + d.healthNote(v.MentalNote)
	}
	support := checks(store.SupportStates, []string{v.SupportCheck})
	if v.SupportNote != "" {
		support += "。" + v.SupportNote
	}
	safety := checks(store.SafetyItems, v.SafetyHazards)
	if v.SafetyAction != "" {
		safety += "。处理：" + v.SafetyAction
	}
	d.kv([][2]string{
		{"是否见到本人", seen},
		{"身体状况", health},
		{"精神状态", mental},
		{"生活困难（有困难的打■）", checks(store.LivingNeeds, v.LivingDifficulty)},
		{"政策享受", checks(store.BenefitTypes, v.Benefits)},
		{"赡养情况", support},
		{"安全隐患", safety},
		{"卫生与居住环境", checks(store.HygieneStates, []string{v.HygieneCheck})},
		{"服务需求", checks(store.ServiceNeeds, v.Needs)},
	}, 1)

	d.section("三、问题与处置")
	d.kv([][2]string{
		{"发现问题", v.Issues},
		{"处置与转介", v.Actions},
		{"风险研判", checks(store.RiskAfterVisit, []string{v.RiskAfterVisit})},
		{"下次探访日期", string(v.NextVisitDate)},
		{"确认方式", strings.TrimSpace(v.Confirmation + " " + v.ConfirmationNote)},
	}, 1)

	var labels []string
	for _, who := range v.Visitors {
		labels = append(labels, "探访人 "+who+"（签字）")
	}
	if len(labels) == 0 {
		labels = []string{"探访人（签字）"}
	}
	labels = append(labels, "老人或家属确认", "村负责人审核")
	d.signatures(labels, 3)
}

// formC1 is 扶贫小额信贷申请及认定推荐表 (C1 with C2's recommendation chain).
func (d *Doc) formC1(r *store.Reader, a *store.LoanApplication) {
	p := person(r, a.ApplicantPersonID)
	hh := household(r, a.HouseholdID)
	members, _ := r.RefEntities(store.MetaOf(hh).ID, store.KindPerson)
	labour := 0
	living := 0
	for _, m := range members {
		mp := m.(*store.Person)
		if mp.Status != "在册" {
			continue
		}
		living++
		switch mp.Labor {
		case "普通劳动力", "技能劳动力", "弱劳动力或半劳动力":
			labour++
		}
	}
	d.beginForm("扶贫小额信贷申请及认定推荐表", a.ApplicationNo, false)
	d.placeLine(store.MetaOf(a).Scope, a.ApplicationNo)

	d.section("一、申请人")
	d.kv([][2]string{
		{"姓名", p.Name}, {"年龄", ageText(p.Age(a.ApplyDate))}, {"联系电话", d.phone(p.Mobile)},
	}, 3)
	d.kv([][2]string{
		{"身份证号", d.id(p.IDNumber)}, {"户编号", hh.HouseholdNo},
	}, 2)
	d.kv([][2]string{
		{"户类型", hh.HouseholdType}, {"家庭人口", fmt.Sprintf("%d人", living)}, {"劳动力数", fmt.Sprintf("%d人", labour)},
	}, 3)
	d.kv([][2]string{{"申请日期", string(a.ApplyDate)}}, 1)

	d.section("二、申请")
	enterprise := "无"
	if x, _ := r.LiveByString(a.EnterpriseID, store.KindEnterprise); x != nil {
		enterprise = x.(*store.Enterprise).Name
	}
	d.kv([][2]string{
		{"申请金额", fmt.Sprintf("%s（大写：%s）", yuanText(a.AmountFen), store.ChineseYuan(a.AmountFen))},
		{"申请期限", fmt.Sprintf("%d个月", a.TermMonths)},
		{"用途类别", checks(store.LoanPurposes, []string{a.Purpose})},
		{"项目简介", strings.TrimSpace(a.ProjectDesc + " " + a.PurposeText)},
		{"贷款模式", checks(store.LoanModes, []string{a.Mode})},
		{"合作企业", enterprise},
	}, 1)

	d.section("三、评级授信")
	grade, limit, valid := "", "", ""
	if rt := store.ValidRating(r, store.MetaOf(hh).ID, a.ApplyDate); rt != nil {
		grade, limit, valid = rt.Grade, yuanText(rt.CreditLimitFen), string(rt.ValidFrom)+" 至 "+string(rt.ValidTo)
	}
	d.kv([][2]string{{"信用等级", grade}, {"授信额度", limit}, {"有效期", valid}}, 3)

	d.section("四、认定推荐意见")
	opinion := func(text, signers string, date store.Date, seal string) string {
		if text == "" {
			return "\n\n" + seal + "　　　　年　　月　　日"
		}
		s := text
		if signers != "" {
			s += "\n签字：" + signers
		}
		return s + "\n" + seal + "　" + string(date)
	}
	pw := d.pageWidth()
	rows := []struct{ label, body string }{
		{"村服务点认定推荐意见", opinion(a.VillageOpinion, strings.Join(a.VillageSigners, "、"), a.VillageDate, "（村委会盖章）")},
		{"乡镇工作站审核意见", opinion(a.TownshipOpinion, "", a.TownshipDate, "（乡镇工作站盖章）")},
		{"县金融服务中心推荐意见", opinion(a.CountyOpinion, "", a.CountyDate, "（盖章）")},
		{"承贷银行受理", opinion(a.BankName, "", a.BankDecisionDate, "（盖章）")},
	}
	for _, row := range rows {
		d.row([]cell{{text: row.label, w: 46, label: true}, {text: row.body, w: pw - 46}}, 20, nil)
	}

	d.section("五、申请人承诺")
	d.text("本人自愿申请扶贫小额信贷，承诺所填信息真实；贷款坚持户借、户用、户还，用于生产经营，不用于结婚、建房、理财、购置家庭用品等非生产性支出，按期还本付息。", 0)
	d.signatures([]string{"申请人（签字）"}, 3)
}

// formA7 is 农村互助幸福院运营补贴申报表: the home, the residents' lines as
// claimed, the total in capitals, and the review chain's opinions.
func (d *Doc) formA7(r *store.Reader, c *store.OperatingSubsidyClaim) {
	home := &store.Home{}
	if x, _ := r.LiveByString(c.HomeID, store.KindHome); x != nil {
		home = x.(*store.Home)
	}
	d.beginForm("农村互助幸福院运营补贴申报表", c.ClaimNo, false)
	d.placeLine(store.MetaOf(c).Scope, c.ClaimNo)
	d.section("一、幸福院")
	d.kv([][2]string{{"名称", home.Name}, {"编号", home.HomeCode}}, 2)
	d.kv([][2]string{{"类型", home.HomeType}, {"运营方式", home.OperationMode}, {"设计床位", fmt.Sprintf("%d张", home.DesignBeds)}}, 3)
	d.kv([][2]string{{"负责人", home.ManagerName}, {"联系电话", d.phone(home.ManagerPhone)}, {"申报年度", fmt.Sprintf("%d年", c.Year)}}, 3)
	d.section("二、补贴明细")
	d.table(report.ClaimTable(c))
	d.text("申报金额（大写）："+store.ChineseYuan(c.TotalFen), 0)
	d.text(store.SubsidyRule(r.Policy())+"；非本地户籍老人列出，不享受补贴。", 0)
	d.section("三、审核意见")
	opinion := func(text string, date store.Date, seal string) string {
		if text == "" {
			return "\n\n" + seal + "　　　　年　　月　　日"
		}
		return text + "\n" + seal + "　" + string(date)
	}
	pw := d.pageWidth()
	rows := []struct{ label, body string }{
		{"村委会审核意见", opinion(c.VillageOpinion, c.VillageDate, "（村委会盖章）")},
		{"乡镇审核意见", opinion(c.TownshipOpinion, c.TownshipDate, "（乡镇人民政府盖章）")},
		{"县民政局审定意见", opinion(c.CountyOpinion, c.CountyDate, "（县民政局盖章）")},
	}
	for _, row := range rows {
		d.row([]cell{{text: row.label, w: 46, label: true}, {text: row.body, w: pw - 46}}, 20, nil)
	}
	if c.PaidDate != "" {
		d.text("拨付日期："+string(c.PaidDate), 0)
	}
	d.signatures([]string{"幸福院负责人（签字）", "填表人（签字）"}, 2)
}

// formC6 is 到期还款提醒通知书, a letter to the borrower.
func (d *Doc) formC6(r *store.Reader, l *store.Loan) {
	on := store.DateOf(d.opt.Now)
	row, _ := r.LoanRowFor(l, on)
	pos := row.Position
	reps, _ := r.RefEntities(store.MetaOf(l).ID, store.KindRepayment)
	var rs []*store.Repayment
	for _, x := range reps {
		rs = append(rs, x.(*store.Repayment))
	}
	due := pos.NextDue
	dueFen := pos.NextDueFen
	if pos.DaysOverdue > 0 {
		due, dueFen = pos.OverdueSince, pos.OverdueFen
	}
	if due == "" {
		due = l.DueOn
	}
	// The interest owed when paying on the due date, by the same rule as a
	// repayment entered that day (store.NewRepayment).
	_, interest := store.AccruedInterest(l, rs, due)
	d.beginForm("到期还款提醒通知书", l.ContractNo, false)
	d.placeLine(store.MetaOf(l).Scope, l.ContractNo)
	d.pdf.Ln(4)
	size := d.fontSize
	d.setSize(12)
	d.text(row.Borrower+"：", 0)
	d.pdf.Ln(2)
	d.text(fmt.Sprintf("　　您于%s在%s办理的扶贫小额信贷（借款合同号%s），借款本金%s，应于%s归还本金%s（大写：%s），并结清利息约%s（以银行结算为准）。",
		l.DisbursedOn, l.BankName, l.ContractNo, yuanText(l.PrincipalFen), due, yuanText(dueFen), store.ChineseYuan(dueFen), yuanText(interest)), 0)
	if pos.DaysOverdue > 0 {
		d.text(fmt.Sprintf("　　截至%s，该笔贷款已逾期%d天。逾期将影响您家的信用记录和今后贷款，请尽快归还。", on, pos.DaysOverdue), 0)
	}
	d.text("　　请提前筹措资金，按期还款。如有困难，请及时与村服务点或承贷银行联系，协商办理。", 0)
	d.pdf.Ln(2)
	d.text("　　特此提醒。", 0)
	d.setSize(size)
	d.pdf.Ln(6)
	d.kv([][2]string{{"借款合同号", l.ContractNo}, {"承贷银行", l.BankName}, {"贷款余额", yuanText(pos.BalanceFen)}, {"到期日", string(l.DueOn)}}, 2)
	d.signatures([]string{"村服务点（盖章）", "借款人签收"}, 2)
}

// Form appends the form with the given code for one record.
func (d *Doc) Form(r *store.Reader, code string, id uuid.UUID) error {
	e, err := r.Get(id)
	if err != nil {
		return err
	}
	if store.MetaOf(e).Deleted {
		return &store.Error{Code: store.CodeDeleted, Message: "该记录已删除，不能打印"}
	}
	item, ok := Lookup(code)
	if !ok || item.Record == "" {
		return &store.Error{Code: "PRINT_UNKNOWN_FORM", Message: "没有按单条记录打印的表“" + code + "”"}
	}
	if store.MetaOf(e).Kind() != item.Record {
		return &store.Error{Code: "PRINT_WRONG_RECORD", Message: fmt.Sprintf("%s要打印的是%s，所选记录是%s", item.Code, store.KindLabel(item.Record), store.KindLabel(store.MetaOf(e).Kind()))}
	}
	switch x := e.(type) {
	case *store.Admission:
		d.formA2(r, x)
	case *store.Assessment:
		d.formA6(r, x)
	case *store.Visit:
		d.formB2(r, x)
	case *store.LoanApplication:
		d.formC1(r, x)
	case *store.Loan:
		d.formC6(r, x)
	case *store.OperatingSubsidyClaim:
		d.formA7(r, x)
	}
	return d.Err()
}

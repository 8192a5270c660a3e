package print

import (
	"fmt"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
)

// The admission's other papers (domain.md §6.1): the application (A1), the
// agreement (A3) and the discharge (A5). A2, the registration, is in
// forms_home.go. What an admission does not record (the reason for
// applying, the belongings handed back, the settlement of fees) is printed
// as a blank to fill in by hand, never made up.

// fillBlank is a run of full-width underscores to write on.
func fillBlank(n int) string { return strings.Repeat("＿", n) }

// fillDate is a date to write in by hand.
const fillDate = "＿＿＿＿年＿＿月＿＿日"

// zhDate writes a date the way an agreement or a letter does (2024年4月8
// 日), or a blank to fill in when there is none.
func zhDate(d store.Date) string {
	if !d.Valid() {
		return fillDate
	}
	t := d.Time()
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// bedTitleOf names a bed as the window does (101室 101-1床), or "" without one.
func bedTitleOf(r *store.Reader, id string) string {
	if x, _ := r.LiveByString(id, store.KindBed); x != nil {
		return r.Title(x)
	}
	return ""
}

// committeeOf is the village (or community) committee of a village code.
func committeeOf(r *store.Reader, village string) string {
	name := r.PlaceName(village)
	if name == "" {
		return "村民委员会"
	}
	if strings.HasSuffix(name, "社区") {
		return name + "居民委员会"
	}
	return name + "村民委员会"
}

// admissionFees is an admission's agreed fees in a sentence fragment, or "" when
// none were agreed.
func admissionFees(a *store.Admission) string {
	var fees []string
	if a.MealFeeFen > 0 {
		fees = append(fees, "伙食费每月"+yuanText(a.MealFeeFen))
	}
	if a.UtilityFeeFen > 0 {
		fees = append(fees, "水电分摊每月"+yuanText(a.UtilityFeeFen))
	}
	if a.OwnGrain {
		fees = append(fees, "自带口粮")
	}
	if a.FeeTerms != "" {
		fees = append(fees, a.FeeTerms)
	}
	return strings.Join(fees, "；")
}

// supportersText lists the supporters with masked phones, or says there is
// none (a 特困 elder supported by the state).
func (d *Doc) supportersText(ss []store.Supporter) string {
	var out []string
	for _, s := range ss {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s（%s）%s", s.Name, s.Relation, d.phone(s.Mobile))))
	}
	if len(out) == 0 {
		return "无（特困供养）"
	}
	return strings.Join(out, "；")
}

// contactLine is an emergency contact with a masked phone.
func (d *Doc) contactLine(c store.Contact) string {
	if c.Name == "" && c.Mobile == "" {
		return ""
	}
	return strings.TrimSpace(fmt.Sprintf("%s（%s）%s", c.Name, c.Relation, d.phone(c.Mobile)))
}

// hukouPlace is where a person is registered: the household's village and
// group, or the other village the person's hukou is in.
func hukouPlace(r *store.Reader, p *store.Person, hh *store.Household) string {
	if p.HukouCode != "" && p.HukouCode != store.MetaOf(hh).Scope {
		return place(r, p.HukouCode)
	}
	return strings.TrimSpace(place(r, store.MetaOf(hh).Scope) + " " + hh.GroupName)
}

// handBox writes a labelled box of at least h mm for an opinion or for text
// written by hand.
func (d *Doc) handBox(label, body string, h float64) {
	pw := d.pageWidth()
	d.row([]cell{{text: label, w: 30, label: true}, {text: body, w: pw - 30}}, h, nil)
}

// formA1 is 农村互助幸福院入住申请表: who applies, the household and the
// supporters, how the elder lives and their health, the reason (written by
// hand), the signatures of the applicant and the supporter, and the
// village committee's opinion and seal.
func (d *Doc) formA1(r *store.Reader, a *store.Admission) {
	p := person(r, a.PersonID)
	hh := household(r, p.HouseholdID)
	home := live[store.Home](r, a.HomeID, store.KindHome)
	on := a.ApplyDate
	if !on.Valid() {
		on = d.opt.AsOf
	}
	d.beginForm(form{title: "农村互助幸福院入住申请表", number: a.AdmissionNo, draft: isDraft(a.Status)})
	d.placeLine(r, store.MetaOf(a).Scope, a.AdmissionNo)
	d.kv([][2]string{{"申请入住", home.Name}, {"申请日期", zhDate(a.ApplyDate)}}, 2)
	d.kv([][2]string{{"入住类型", checks(store.StayTypes, []string{a.StayType})}}, 1)

	d.section("一、申请人基本情况")
	d.kv([][2]string{
		{"姓名", p.Name}, {"性别", p.Sex}, {"年龄", ageText(p.Age(on))},
		{"出生日期", string(p.BirthDate)}, {"民族", ident.EthnicityName(p.Ethnicity)}, {"婚姻状况", p.MaritalStatus},
	}, 3)
	d.kv([][2]string{{"公民身份号码", d.id(p.IDNumber)}, {"联系电话", d.phone(p.Mobile)}}, 2)
	living := 0
	members, _ := r.RefEntities(store.MetaOf(hh).ID, store.KindPerson)
	for _, m := range members {
		if m.(*store.Person).Status == "在册" {
			living++
		}
	}
	headName := ""
	if hh.HeadPersonID != "" {
		headName = person(r, hh.HeadPersonID).Name
	} else {
		// A household entered without its head named: the member whose
		// relation is 户主 is the head.
		for _, m := range members {
			if mp := m.(*store.Person); mp.Relation == "户主" {
				headName = mp.Name
			}
		}
	}
	d.kv([][2]string{{"户籍地（村/组）", hukouPlace(r, p, hh)}, {"户编号", hh.HouseholdNo}}, 2)
	d.kv([][2]string{{"户主", headName}, {"与户主关系", p.Relation}, {"家庭在册人口", fmt.Sprintf("%d人", living)}}, 3)
	d.kv([][2]string{{"享受政策", checks([]string{"低保", "特困", "重点优抚", "计生特殊家庭"}, p.Statuses(on))}}, 1)

	d.section("二、赡养人情况")
	t := report.Table{Columns: []report.Column{{Name: "姓名"}, {Name: "与老人关系"},
		{Name: "联系电话"}, {Name: "公民身份号码"}, {Name: "是否分开居住"}}}
	for _, s := range a.Supporters {
		apart := "否"
		if s.LivesApart {
			apart = "是"
		}
		t.Rows = append(t.Rows, []string{s.Name, s.Relation, d.phone(s.Mobile), d.id(s.IDNumber), apart})
	}
	if len(a.Supporters) == 0 {
		t.Rows = [][]string{{"无（特困供养）"}}
	}
	d.table(t)
	d.kv([][2]string{{"紧急联系人", d.contactLine(a.EmergencyContact)}}, 1)

	d.section("三、居住与健康状况")
	d.kv([][2]string{{"入住前居住情况", checks(store.LivingStates, []string{a.LivingBefore})}}, 1)
	d.kv([][2]string{{"健康概况", d.healthNote(a.HealthSummary)}}, 1)
	assessed := "尚未评估（受理后安排能力评估）"
	if x, _ := r.LiveByString(a.AssessmentID, store.KindAssessment); x != nil {
		as := x.(*store.Assessment)
		assessed = fmt.Sprintf("%s　%s评估　%s", as.Instrument, as.AssessDate, as.LevelName)
	}
	d.kv([][2]string{{"能力评估", assessed}}, 1)

	d.section("四、申请理由")
	d.handBox("申请理由\n（申请人填写）", "", 20)
	d.gap(1.5)
	d.text("　　本人自愿申请入住"+orFill(home.Name, 12)+"，所填情况属实。入住后遵守幸福院管理制度，与其他老人互助共处；赡养人的赡养义务不因入住而改变。", 0)
	d.signatures([]string{"申请人（或代理人）签字", "赡养人签字"}, 2)

	d.section("五、村委会意见")
	d.handBox("村委会意见", "□同意入住　　□不同意入住\n理由："+fillBlank(24)+"\n\n经办人："+fillBlank(6)+"　　（村委会盖章）　　年　　月　　日", 30)
}

// orFill is s, or a blank of n characters to fill in.
func orFill(s string, n int) string {
	if strings.TrimSpace(s) == "" {
		return fillBlank(n)
	}
	return s
}

// formA3 is 入住协议书, the agreement of the four parties (domain.md §6.1
// A3): the home (甲方), the elder (乙方), the supporters (丙方) and the
// village committee (丁方). Its clauses are written from the admission's
// own terms: the bed and stay, the fees, the emergency contact; the duties
// of each party, leave (请假) and the conditions of leaving (退住) follow
// the home's rules and the reasons the store knows for a discharge.
func (d *Doc) formA3(r *store.Reader, a *store.Admission) {
	p := person(r, a.PersonID)
	home := live[store.Home](r, a.HomeID, store.KindHome)
	on := a.AgreementSignedDate
	if !on.Valid() {
		on = a.CheckinDate
	}
	if !on.Valid() {
		on = d.opt.AsOf
	}
	d.beginForm(form{title: "农村互助幸福院入住协议书", number: a.AdmissionNo, draft: isDraft(a.Status)})
	d.placeLine(r, store.MetaOf(a).Scope, a.AdmissionNo)
	manager := home.ManagerName
	if home.ManagerPhone != "" {
		manager += "　电话：" + d.phone(home.ManagerPhone)
	}
	d.kv([][2]string{
		{"甲方（幸福院）", strings.TrimSpace(home.Name + "　负责人：" + manager)},
		{"乙方（入住老人）", fmt.Sprintf("%s　%s　%s　公民身份号码：%s", p.Name, p.Sex, ageText(p.Age(on)), d.id(p.IDNumber))},
		{"丙方（赡养人）", d.supportersText(a.Supporters)},
		{"丁方（村委会）", committeeOf(r, home.VillageCode)},
	}, 1)
	d.gap(2)
	para := func(s string) {
		d.text("　　"+s, 0)
		d.gap(1)
	}
	para("为保障入住老人的合法权益，明确各方的权利和义务，根据《中华人民共和国老年人权益保障法》等有关规定，经甲、乙、丙、丁四方平等协商，就乙方入住甲方互助养老事宜订立本协议。")

	bed := bedTitleOf(r, a.BedID)
	stay := "自" + zhDate(a.CheckinDate) + "起入住甲方"
	if bed != "" {
		stay += "（床位：" + bed + "）"
	}
	term := "本协议期限自签订之日起，至乙方办理退住手续之日止。"
	if a.StayType == "临时托养" {
		term = "托养期限自" + zhDate(a.CheckinDate) + "至" + fillDate + "，期满需继续入住的，另行约定。"
	}
	para(fmt.Sprintf("第一条　入住安排。乙方%s，入住类型为%s。%s", stay, orFill(a.StayType, 6), term))

	fees := admissionFees(a)
	if fees == "" {
		fees = "费用约定：" + fillBlank(20)
	} else {
		fees = "乙方入住期间的费用为：" + fees
	}
	grain := "乙方不自带口粮。"
	if a.OwnGrain {
		grain = ""
	}
	para("第二条　费用。" + fees + "。" + grain + "上述费用由乙方或丙方按月交纳，于每月" + fillBlank(3) + "日前交清；甲方收费出具收据，收支账目定期公开。")
	para("第三条　甲方的责任。甲方为乙方提供床位和公共活动、就餐场所，组织入住老人互助服务；建立安全、卫生、值班等管理制度，定期检查水、电、燃气和消防设施；尊重乙方的人格尊严，妥善保管乙方的个人信息。")
	para("第四条　乙方的义务。乙方遵守甲方的管理制度，爱护公共设施，与其他老人团结互助；如实告知自身健康状况，身体状况发生变化时及时告知甲方。")
	ec := d.contactLine(a.EmergencyContact)
	if ec == "" {
		ec = fillBlank(16)
	}
	para("第五条　安全。乙方不在居室内使用明火、私拉乱接电线或使用大功率电器，不存放易燃易爆物品；外出应告知甲方。乙方突发疾病或发生意外时，甲方及时采取必要措施、拨打急救电话，并通知丙方和紧急联系人" + ec + "；就医费用由乙方和丙方承担。")
	para("第六条　丙方的义务。乙方入住后，丙方对乙方的赡养义务不因入住而改变。丙方应按约定交纳或协助交纳费用，保障乙方的生活用品和医疗费用；经常看望、问候乙方；乙方患病需就医或住院时，负责送医、陪护；联系方式变化时及时告知甲方。")
	para("第七条　请假外出。乙方离院外出或回家居住，应事先向甲方请假，说明去向和预计返回时间，一般由丙方或亲属接送；返院后及时销假。请假外出期间乙方的床位予以保留；请假期间伙食费的处理：" + fillBlank(10) + "。")
	para("第八条　退住。有下列情形之一的，办理退住：（一）乙方或丙方申请回家居住的；（二）乙方转入养老机构或需长期住院的；（三）乙方身体状况发生变化，经能力评估不再适合互助养老的；（四）乙方严重违反甲方管理制度，经劝阻仍不改正的；（五）乙方去世的。退住时，甲方与乙方、丙方清点归还乙方的个人物品，结清费用，办理退住（离院）登记。")
	para("第九条　丁方的职责。丁方负责监督甲方的管理和服务，督促丙方履行赡养义务，协调处理各方之间的纠纷。")
	para("第十条　其他。本协议未尽事宜，由各方协商补充；发生争议的，由丁方调解，调解不成的，可依法向人民法院起诉。本协议一式四份，甲、乙、丙、丁各执一份，自各方签字（盖章）之日起生效。")
	para("第十一条　其他约定：" + fillBlank(28))
	d.text("协议签订日期："+zhDate(a.AgreementSignedDate), 0)
	d.signatures([]string{"甲方：幸福院负责人（签字）", "乙方：入住老人（签字）", "丙方：赡养人（签字）", "丁方：村委会（盖章）"}, 2)
}

// checkA5 refuses the discharge form of an admission that has not been
// discharged, or not yet on the day the form is printed for.
func checkA5(r *store.Reader, e store.Entity, on store.Date) error {
	a := e.(*store.Admission)
	if a.Status != "已退住" || !a.CheckoutDate.Valid() {
		return &store.Error{Code: "PRINT_NOT_DISCHARGED", Message: fmt.Sprintf("该老人的入住状态为“%s”，尚未办理退住，不能打印退住（离院）登记表", a.Status)}
	}
	if on.Valid() && a.CheckoutDate > on {
		return &store.Error{Code: "PRINT_NOT_DISCHARGED", Message: fmt.Sprintf("该老人%s退住，截至%s尚未退住，不能打印退住（离院）登记表", a.CheckoutDate, on)}
	}
	return nil
}

// formA5 is 退住（离院）登记表: the resident, the day and reason of
// leaving, the belongings returned and the settlement of fees (written by
// hand: the store keeps neither), signed by the home's manager and the
// supporter.
func (d *Doc) formA5(r *store.Reader, a *store.Admission) {
	p := person(r, a.PersonID)
	hh := household(r, p.HouseholdID)
	home := live[store.Home](r, a.HomeID, store.KindHome)
	d.beginForm(form{title: "退住（离院）登记表", number: a.AdmissionNo, draft: isDraft(a.Status)})
	d.placeLine(r, store.MetaOf(a).Scope, a.AdmissionNo)
	d.kv([][2]string{{"幸福院名称", home.Name}, {"房间号/床位号", bedTitleOf(r, a.BedID)}}, 2)

	d.section("一、退住老人")
	d.kv([][2]string{{"姓名", p.Name}, {"性别", p.Sex}, {"年龄", ageText(p.Age(a.CheckoutDate))}}, 3)
	d.kv([][2]string{{"公民身份号码", d.id(p.IDNumber)}, {"户籍地（村/组）", hukouPlace(r, p, hh)}}, 2)
	d.kv([][2]string{{"入住类型", a.StayType}, {"入住日期", string(a.CheckinDate)}}, 2)
	d.kv([][2]string{{"赡养人", d.supportersText(a.Supporters)}}, 1)

	d.section("二、退住情况")
	days := ""
	if a.CheckinDate.Valid() && a.CheckoutDate.Valid() {
		days = fmt.Sprintf("%d天（%s至%s）", a.CheckinDate.DaysUntil(a.CheckoutDate), a.CheckinDate, a.CheckoutDate)
	}
	d.kv([][2]string{{"退住日期", string(a.CheckoutDate)}, {"在院时间", days}}, 2)
	d.kv([][2]string{
		{"退住原因", checks(store.CheckoutReason, []string{a.CheckoutReason})},
		{"情况说明", a.Note},
		{"接回人", "姓名：" + fillBlank(6) + "　与老人关系：" + fillBlank(4) + "　联系电话：" + fillBlank(8)},
	}, 1)

	d.section("三、物品归还与费用结算")
	fees := admissionFees(a)
	if fees == "" {
		fees = "无"
	}
	d.kv([][2]string{
		{"个人物品", "□已清点，全部归还本人或家属　　□有未归还物品（说明：" + fillBlank(8) + "）"},
		{"收回床位", bedTitleOf(r, a.BedID)},
		{"费用约定", fees},
	}, 1)
	d.handBox("费用结算", "结算至"+fillDate+"\n应收"+fillBlank(5)+"元，已收"+fillBlank(5)+"元，□应退　□应补"+fillBlank(5)+"元\n□已当面结清　　□未结清（说明："+fillBlank(12)+"）", 22)
	d.handBox("其他事项", "", 22)

	d.section("四、签字")
	d.signatures([]string{"幸福院负责人（签字）", "赡养人（或接回人）签字"}, 2)
}

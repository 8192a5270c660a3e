package print

import (
	"fmt"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
)

// formA2 is 入住老人基本信息登记表, the admission registration of domain.md
// §6.1a.
func (d *Doc) formA2(r *store.Reader, a *store.Admission) {
	p := person(r, a.PersonID)
	home := live[store.Home](r, a.HomeID, store.KindHome)
	on := a.CheckinDate
	if on == "" {
		on = a.ApplyDate
	}
	hh := household(r, p.HouseholdID)
	local := "■是　□否"
	hukou := place(r, store.MetaOf(hh).Scope) + " " + hh.GroupName
	if p.HukouCode != "" && p.HukouCode != store.MetaOf(hh).Scope {
		local = "□是　■否"
		hukou = place(r, p.HukouCode)
	}
	d.beginForm(form{title: "入住老人基本信息登记表", number: a.AdmissionNo, draft: isDraft(a.Status)})
	d.placeLine(r, store.MetaOf(a).Scope, a.AdmissionNo)
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
		{"协议签订日期", string(a.AgreementSignedDate)}, {"状态", r.StatusOn(a, d.opt.AsOf)},
	}, 2)
	d.kv([][2]string{{"费用约定", strings.Join(fees, "；")}}, 1)

	d.section("五、特殊身份")
	d.kv([][2]string{{"享受政策", checks([]string{"低保", "特困", "重点优抚", "计生特殊家庭"}, p.Statuses(on))}}, 1)

	d.section("六、签字")
	d.signatures([]string{"入住老人（或代理人）", "赡养人", "登记人", "幸福院负责人", "村委会（盖章）"}, 3)
}

// formA7 is 农村互助幸福院运营补贴申报表: the home, the residents' lines as
// claimed, the total in capitals, and the review chain's opinions.
func (d *Doc) formA7(r *store.Reader, c *store.OperatingSubsidyClaim) {
	home := live[store.Home](r, c.HomeID, store.KindHome)
	d.beginForm(form{title: "农村互助幸福院运营补贴申报表", number: c.ClaimNo, draft: isDraft(c.Status)})
	d.placeLine(r, store.MetaOf(c).Scope, c.ClaimNo)
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

package print

import (
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// villageAndGroup is where a person lives, as far as a paper that leaves the
// station may say (domain.md §7.4): the village and the group.
func villageAndGroup(r *store.Reader, hh *store.Household) string {
	return strings.TrimSpace(villageName(r, store.MetaOf(hh).Scope) + " " + hh.GroupName)
}

// formB3 is 探访发现问题转介单: the elder, the visit that found the need,
// what is referred to whom and by when, signed by the referrer and the
// receiving unit; the lower part is the receiving unit's report of what
// was done, filled in from the record when it has been closed.
func (d *Doc) formB3(r *store.Reader, ref *store.Referral) {
	ep := live[store.ElderlyProfile](r, ref.ElderlyID, store.KindElderlyProfile)
	v := live[store.Visit](r, ref.VisitID, store.KindVisit)
	if ep.PersonID == "" {
		ep = live[store.ElderlyProfile](r, v.ElderlyID, store.KindElderlyProfile)
	}
	p := person(r, ep.PersonID)
	hh := household(r, p.HouseholdID)
	on := v.VisitDate
	if !on.Valid() {
		on = d.opt.AsOf
	}
	d.beginForm(form{title: "探访发现问题转介单", number: ref.ReferralNo, draft: isDraft(ref.Status)})
	d.placeLine(r, store.MetaOf(ref).Scope, ref.ReferralNo)

	d.section("一、老人情况")
	d.kv([][2]string{{"姓名", p.Name}, {"性别", p.Sex}, {"年龄", ageText(p.Age(on))}}, 3)
	d.kv([][2]string{{"公民身份号码", d.id(p.IDNumber)}, {"村/组", villageAndGroup(r, hh)}}, 2)
	d.kv([][2]string{{"困难类型", strings.Join(ep.HardshipTypes, "、")}, {"风险分级", ep.RiskTier}}, 2)
	d.kv([][2]string{{"紧急联系人", d.contactLine(ep.EmergencyContact)}}, 1)

	d.section("二、探访发现的问题")
	d.kv([][2]string{{"探访日期", string(v.VisitDate)}, {"探访方式", v.Method}, {"探访人", strings.Join(v.Visitors, "、")}}, 3)
	d.kv([][2]string{{"探访记录编号", v.VisitNo}}, 1)
	d.handBox("发现问题", v.Issues, 16)
	d.handBox("已作处置", v.Actions, 12)

	d.section("三、转介事项")
	due := string(ref.DueDate)
	if due != "" {
		due += "前办理"
	}
	d.kv([][2]string{
		{"需求类型", checks(store.ServiceNeeds, []string{ref.NeedType})},
		{"转介至", checks(store.ReferralTo, []string{ref.ReferredTo})},
	}, 1)
	d.kv([][2]string{{"紧急程度", checks(store.Urgencies, []string{ref.Urgency})}, {"办理期限", due}}, 2)
	d.signatures([]string{"转介人（签字）", "接收单位签收（签字）"}, 2)

	d.section("四、办理情况（接收单位填写后交回村服务点）")
	closed := string(ref.ClosedAt)
	if closed == "" {
		closed = fillDate
	}
	d.kv([][2]string{{"办理状态", checks([]string{"待处理", "处理中", "已办结", "无法办理"}, []string{ref.Status})}}, 1)
	d.handBox("办理结果", ref.Outcome, 26)
	d.kv([][2]string{{"办结日期", closed}}, 1)
	d.signatures([]string{"接收单位经办人（签字）", "接收单位（盖章）"}, 2)
}

// formB5 is 居家养老服务记录单（工时确认单）, one per service: the elder and
// their entitlement, the day, times, hours and items of the service, the
// caregiver, and the elder's or family's confirmation.
func (d *Doc) formB5(r *store.Reader, s *store.ServiceRecord) {
	ent := live[store.HomecareEntitlement](r, s.EntitlementID, store.KindHomecareEntitlement)
	pid := s.PersonID
	if pid == "" {
		pid = ent.PersonID
	}
	p := person(r, pid)
	hh := household(r, p.HouseholdID)
	d.beginForm(form{title: "居家养老服务记录单（工时确认单）", number: s.ServiceNo, draft: isDraft(s.Status)})
	d.placeLine(r, store.MetaOf(s).Scope, s.ServiceNo)

	d.section("一、服务对象")
	d.kv([][2]string{{"姓名", p.Name}, {"性别", p.Sex}, {"年龄", ageText(p.Age(s.ServiceDate))}}, 3)
	d.kv([][2]string{{"公民身份号码", d.id(p.IDNumber)}, {"村/组", villageAndGroup(r, hh)}}, 2)
	valid := strings.TrimSpace(string(ent.ValidFrom) + " 至 " + textOr(string(ent.ValidTo), "长期"))
	hours := ""
	if ent.HoursPerMonth > 0 {
		hours = fmt.Sprintf("%d小时", ent.HoursPerMonth)
	}
	d.kv([][2]string{{"服务等级", ent.Class}, {"每月应享工时", hours}}, 2)
	d.kv([][2]string{{"服务机构", ent.ProviderOrg}, {"资格有效期", valid}}, 2)

	d.section("二、服务情况")
	times := strings.Trim(s.StartTime+"–"+s.EndTime, "–")
	d.kv([][2]string{{"服务日期", string(s.ServiceDate)}, {"起止时间", times}, {"服务工时", halfHoursText(s.HalfHours)}}, 3)
	d.kv([][2]string{{"服务项目", checks(store.ServiceItems, s.Items)}}, 1)
	price := ""
	if ent.UnitPriceFen > 0 {
		price = store.Yuan(ent.UnitPriceFen) + " 元/小时"
	}
	d.kv([][2]string{{"服务人员", s.Caregiver}, {"服务单价", price}}, 2)
	d.kv([][2]string{{"本月累计工时", serviceMonthHours(r, s)}}, 1)
	d.handBox("服务情况说明", "", 16)

	d.section("三、服务确认")
	d.kv([][2]string{
		{"确认方式", checks(store.ServiceConfirmations, []string{s.Confirmation})},
		{"服务评价", "□满意　　□基本满意　　□不满意（原因：" + fillBlank(10) + "）"},
		{"记录状态", r.StatusOn(s, d.opt.AsOf)},
	}, 1)
	d.signatures([]string{"服务人员（签字）", "老人或家属（签字确认）"}, 2)
	d.gap(1.5)
	d.text("注：工时按实际服务起止时间计算，不足半小时的部分不计；本单一式两份，服务机构和老人（家属）各执一份。", 0)
}

// textOr is s, or alt when s is empty.
func textOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// halfHoursText writes half-hours as hours: 2小时, 1.5小时.
func halfHoursText(half int) string {
	if half%2 == 0 {
		return fmt.Sprintf("%d小时", half/2)
	}
	return fmt.Sprintf("%d.5小时", half/2)
}

// serviceMonthHours adds up the hours of the entitlement's services in the
// record's month up to and including it, leaving out voided records.
func serviceMonthHours(r *store.Reader, s *store.ServiceRecord) string {
	if s.Status == "作废" {
		return "本记录已作废，不计工时"
	}
	id, err := uuid.Parse(s.EntitlementID)
	if err != nil {
		return ""
	}
	xs, _ := r.RefEntities(id, store.KindServiceRecord)
	half := 0
	for _, x := range xs {
		o := x.(*store.ServiceRecord)
		if o.Status == "作废" || o.ServiceDate.Month() != s.ServiceDate.Month() {
			continue
		}
		if o.ServiceDate < s.ServiceDate || o.ServiceDate == s.ServiceDate && store.ClockMinutes(o.StartTime) <= store.ClockMinutes(s.StartTime) {
			half += o.HalfHours
		}
	}
	return halfHoursText(half) + "（截至本次，不含作废记录）"
}

package print

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// formB2 is 特殊困难老年人探访记录表, one per visit, laid out as §6.1a.
func (d *Doc) formB2(r *store.Reader, v *store.Visit) {
	ep := live[store.ElderlyProfile](r, v.ElderlyID, store.KindElderlyProfile)
	p := person(r, ep.PersonID)
	d.beginForm(form{title: "特殊困难老年人探访记录表", number: v.VisitNo, draft: isDraft(v.Status)})
	d.placeLine(r, store.MetaOf(v).Scope, v.VisitNo)
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
	// Over the telephone nobody is seen and no home inspected: those
	// lines say so instead of a tick either way.
	remote := notInPerson(v.Method)
	seen := yesNo(v.SawElder)
	if remote {
		seen = "不适用（" + v.Method + "）"
	} else if !v.SawElder {
		seen += "　未见原因：" + v.NotSeenReason
	}
	hygiene := checks(store.HygieneStates, []string{v.HygieneCheck})
	if remote && v.HygieneCheck == "" {
		hygiene = "不适用（" + v.Method + "）"
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
		{"卫生与居住环境", hygiene},
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

// notInPerson reports whether a visit method sees neither the elder nor
// the home: a telephone call or a hotline answer.
func notInPerson(method string) bool { return method == "电话" || method == "热线响应" }

// MonthVisits appends the visit record form (B2) of every visit of a month
// in scope, oldest first, in one document; it returns how many.
func (d *Doc) MonthVisits(ctx context.Context, r *store.Reader, scope string, m store.Month, progress func(done, total int)) (int, error) {
	byProfile, err := r.MonthVisits(m)
	if err != nil {
		return 0, err
	}
	var vs []*store.Visit
	for _, list := range byProfile {
		for _, v := range list {
			if strings.HasPrefix(store.MetaOf(v).Scope, scope) && v.Status != "草稿" {
				vs = append(vs, v)
			}
		}
	}
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].VisitDate != vs[j].VisitDate {
			return vs[i].VisitDate < vs[j].VisitDate
		}
		return vs[i].VisitNo < vs[j].VisitNo
	})
	if len(vs) == 0 {
		return 0, &store.Error{Code: "PRINT_EMPTY", Message: fmt.Sprintf("%s在%s没有已提交的探访记录", place(r, scope), m)}
	}
	for i, v := range vs {
		if err := ctx.Err(); err != nil {
			return i, &store.Error{Code: "CANCELLED", Message: "批量打印已取消"}
		}
		d.formB2(r, v)
		if progress != nil {
			progress(i+1, len(vs))
		}
	}
	return len(vs), d.Err()
}

// formB1 is the register of elderly to visit (台账) of a scope, as of the
// month's last day, by village.
func (d *Doc) formB1(r *store.Reader, item Item, p report.Params) {
	type line struct {
		village string
		cells   []string
	}
	on := p.Month.Last()
	var lines []line
	_ = r.Each(store.KindElderlyProfile, p.Scope, func(e store.Entity) error {
		ep := e.(*store.ElderlyProfile)
		if ep.Status == "退出" || ep.EnrolDate > on {
			return nil
		}
		ps := person(r, ep.PersonID)
		hh := household(r, ps.HouseholdID)
		var sup []string
		for _, s := range ep.Supporters {
			sup = append(sup, s.Name+"（"+s.Relation+"）")
		}
		ec := ep.EmergencyContact
		village := store.MetaOf(ep).Scope
		lines = append(lines, line{village: village, cells: []string{
			ps.Name, ps.Sex, ageText(ps.Age(on)), d.id(ps.IDNumber),
			villageIn(r, village, p.Scope) + hh.GroupName,
			strings.Join(ep.HardshipTypes, "、"), ep.RiskTier, ep.RequiredFreq,
			strings.Join(ep.AssignedVisitors, "、"), strings.Join(sup, "、"),
			strings.TrimSpace(ec.Name + " " + d.phone(ec.Mobile)),
		}})
		return nil
	})
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].village != lines[j].village {
			return lines[i].village < lines[j].village
		}
		return lines[i].cells[0] < lines[j].cells[0]
	})
	t := report.Table{Columns: []report.Column{{Name: "序号", Align: report.Right}, {Name: "姓名"}, {Name: "性别"}, {Name: "年龄", Align: report.Right},
		{Name: "身份证号"}, {Name: "村/组"}, {Name: "困难类型"}, {Name: "风险分级"}, {Name: "探访频次"}, {Name: "责任探访人"}, {Name: "赡养人"}, {Name: "紧急联系人"}}}
	for i, l := range lines {
		t.Rows = append(t.Rows, append([]string{fmt.Sprint(i + 1)}, l.cells...))
	}
	t.Totals = [][]string{{"", fmt.Sprintf("合计%d人", len(lines))}}
	d.beginForm(form{title: item.Title})
	d.placeLine(r, p.Scope, "")
	d.text(fmt.Sprintf("截至：%s", on), 0)
	d.table(t)
	d.signatures(item.Signers, 2)
}

// villageIn names a village inside a form whose header already names the
// township: "示例镇203村" under 示例镇 prints as 203村, so the column
// holds what tells the rows apart.
func villageIn(r *store.Reader, code, scope string) string {
	name := villageName(r, code)
	if len(scope) == 9 && strings.HasPrefix(code, scope) {
		if t := r.PlaceName(scope); t != "" {
			if rest, ok := strings.CutPrefix(name, t); ok && rest != "" {
				return rest
			}
		}
	}
	return name
}

// villageName is a village's name for a cell: its name, or its code in
// brackets when nobody has named it (a county table without the village
// and no station of its own yet).
func villageName(r *store.Reader, code string) string {
	if n := r.PlaceName(code); n != "" {
		return n
	}
	return "（" + code + "）"
}

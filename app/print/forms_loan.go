package print

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

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
	d.beginForm(form{title: "扶贫小额信贷申请及认定推荐表", number: a.ApplicationNo, draft: isDraft(a.Status)})
	d.placeLine(r, store.MetaOf(a).Scope, a.ApplicationNo)

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

// checkC6 refuses a reminder for a loan with nothing left to pay, or not
// yet disbursed, on the day the letter is for.
func checkC6(r *store.Reader, e store.Entity, on store.Date) error {
	l := e.(*store.Loan)
	if l.DisbursedOn > on {
		return &store.Error{Code: "PRINT_NOTHING_DUE", Message: fmt.Sprintf("该笔贷款%s才放款，%s还没有应还的款项", l.DisbursedOn, on)}
	}
	row, err := r.LoanRowFor(l, on)
	if err != nil {
		return err
	}
	if row.Position.BalanceFen == 0 {
		return &store.Error{Code: "PRINT_NOTHING_DUE", Message: fmt.Sprintf("截至%s该笔贷款已还清，不需要还款提醒", on)}
	}
	return nil
}

// formC6 is 到期还款提醒通知书, a letter to the borrower, as of a day: what
// falls due next and the interest to that day, or, when an instalment is
// already past due, how long it has been overdue and the interest to the
// letter's date. Figures come from the same loan arithmetic as the reports
// (store.PositionOn, store.AccruedInterest).
func (d *Doc) formC6(r *store.Reader, l *store.Loan) {
	on := d.opt.AsOf
	row, _ := r.LoanRowFor(l, on)
	pos := row.Position
	reps, _ := r.RefEntities(store.MetaOf(l).ID, store.KindRepayment)
	var rs []*store.Repayment
	for _, x := range reps {
		rs = append(rs, x.(*store.Repayment))
	}
	d.beginForm(form{title: "到期还款提醒通知书", number: l.ContractNo})
	d.placeLine(r, store.MetaOf(l).Scope, l.ContractNo)
	d.gap(4)
	size := d.fontSize
	d.setSize(12)
	d.text(row.Borrower+"：", 0)
	d.gap(2)
	d.text(fmt.Sprintf("　　您于%s在%s办理的扶贫小额信贷（借款合同号%s），借款本金%s，截至%s贷款余额%s。",
		l.DisbursedOn, l.BankName, l.ContractNo, yuanText(l.PrincipalFen), on, yuanText(pos.BalanceFen)), 0)
	if pos.DaysOverdue > 0 {
		// Paying on the letter's date: interest for every day before it,
		// the rule of a repayment entered that day (store.AccruedInterest).
		_, interest := store.AccruedInterest(l, rs, on)
		d.text(fmt.Sprintf("　　按借款合同，您应于%s归还本金%s（大写：%s），截至%s仍未归还，已逾期%d天。如于%s还款，应付利息约%s（以银行结算为准）。",
			pos.OverdueSince, yuanText(pos.OverdueFen), store.ChineseYuan(pos.OverdueFen), on, pos.DaysOverdue, on, yuanText(interest)), 0)
		d.text("　　逾期将影响您家的信用记录和今后贷款，请尽快归还逾期本金和利息。如有困难，请及时与村服务点或承贷银行联系，协商办理。", 0)
		if pos.NextDue != "" {
			d.text(fmt.Sprintf("　　此外，下一期本金%s应于%s归还。", yuanText(pos.NextDueFen), pos.NextDue), 0)
		}
	} else {
		// Paying on the due date: interest to the day before it, the rule
		// of a repayment entered that day (store.NewRepayment).
		_, interest := store.AccruedInterest(l, rs, pos.NextDue)
		d.text(fmt.Sprintf("　　按借款合同，您应于%s归还本金%s（大写：%s），并结清利息约%s（以银行结算为准），距%s还有%d天。",
			pos.NextDue, yuanText(pos.NextDueFen), store.ChineseYuan(pos.NextDueFen), yuanText(interest), on, on.DaysUntil(pos.NextDue)), 0)
		d.text("　　请提前筹措资金，按期还款。如有困难，请及时与村服务点或承贷银行联系，协商办理。", 0)
	}
	d.gap(2)
	d.text("　　特此提醒。", 0)
	d.setSize(size)
	d.gap(6)
	pairs := [][2]string{{"借款合同号", l.ContractNo}, {"承贷银行", l.BankName}, {"截至日期", string(on)}, {"贷款余额", yuanText(pos.BalanceFen)}}
	if pos.DaysOverdue > 0 {
		pairs = append(pairs, [2]string{"逾期本金", yuanText(pos.OverdueFen)}, [2]string{"逾期天数", fmt.Sprintf("%d天（自%s起）", pos.DaysOverdue, pos.OverdueSince)})
	}
	if pos.NextDue != "" {
		pairs = append(pairs, [2]string{"下期应还日", string(pos.NextDue)}, [2]string{"下期应还本金", yuanText(pos.NextDueFen)})
	}
	pairs = append(pairs, [2]string{"合同到期日", string(l.DueOn)})
	d.kv(pairs, 2)
	d.signatures([]string{"村服务点（盖章）", "借款人签收"}, 2)
}

// formC4 is the public notice of credit ratings, one notice per village:
// the 村委会 that seals it answers for its own village. It never carries
// ID or phone numbers, addresses, income or health, masked or not (§6.1
// C4): only the name, the group, the grade, the credit line and the dates.
func (d *Doc) formC4(r *store.Reader, item Item, p report.Params) {
	type line struct {
		no, name, group, grade, limit string
		from, to                      store.Date
	}
	byVillage := map[string][]line{}
	first, last := p.Month.First(), p.Month.Last()
	_ = r.Each(store.KindCreditRating, p.Scope, func(e store.Entity) error {
		cr := e.(*store.CreditRating)
		inMonth := cr.NoticeFrom != "" && cr.NoticeFrom <= last && (cr.NoticeTo == "" || cr.NoticeTo >= first)
		if cr.Status != "公示中" && !inMonth {
			return nil
		}
		hh := household(r, cr.HouseholdID)
		head := person(r, hh.HeadPersonID)
		v := store.MetaOf(hh).Scope
		byVillage[v] = append(byVillage[v], line{no: hh.HouseholdNo, name: head.Name, group: hh.GroupName,
			grade: cr.Grade, limit: store.Yuan(cr.CreditLimitFen), from: cr.NoticeFrom, to: cr.NoticeTo})
		return nil
	})
	if len(byVillage) == 0 {
		d.beginForm(form{title: item.Title, public: true})
		d.placeLine(r, p.Scope, "")
		d.text(fmt.Sprintf("%s没有处于公示期的评级授信结果。", p.Month), 0)
		return
	}
	villages := make([]string, 0, len(byVillage))
	for v := range byVillage {
		villages = append(villages, v)
	}
	sort.Strings(villages)
	for _, v := range villages {
		lines := byVillage[v]
		sort.Slice(lines, func(i, j int) bool { return lines[i].no < lines[j].no })
		t := report.Table{Columns: []report.Column{{Name: "序号", Align: report.Right}, {Name: "户主姓名"}, {Name: "村民小组"}, {Name: "信用等级"},
			{Name: "授信额度（元）", Align: report.Right}, {Name: "公示期"}}}
		var from, to store.Date
		for i, l := range lines {
			t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), l.name, l.group, l.grade, l.limit, string(l.from) + "至" + string(l.to)})
			if from == "" || l.from < from {
				from = l.from
			}
			if l.to > to {
				to = l.to
			}
		}
		d.beginForm(form{title: villageName(r, v) + item.Title, public: true})
		d.placeLine(r, v, "")
		days := from.DaysUntil(to) + 1
		d.text(fmt.Sprintf("　　经农户申请、村评议小组评议，以下%d户的评级授信结果予以公示。公示期自%s至%s，共%d天（不少于%d天）。",
			len(lines), from, to, days, r.Policy().NoticeMinDays), 0)
		d.text("　　如有异议，请在公示期内向村委会或村服务点书面或当面反映，也可向乡镇工作站反映。", 0)
		d.gap(1)
		d.table(t)
		d.gap(3)
		d.text("异议受理人：＿＿＿＿＿＿＿＿　　联系电话：＿＿＿＿＿＿＿＿＿＿　　乡镇工作站电话：＿＿＿＿＿＿＿＿＿＿", 0)
		d.signatures(item.Signers, 2)
	}
}

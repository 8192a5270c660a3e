package print

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// ratingDay is the day a rating's information speaks for: the first day
// of its public notice (the panel had rated by then), else the first day
// it was valid, else the day printed for.
func ratingDay(cr *store.CreditRating, asOf store.Date) store.Date {
	switch {
	case cr.NoticeFrom.Valid():
		return cr.NoticeFrom
	case cr.ValidFrom.Valid():
		return cr.ValidFrom
	}
	return asOf
}

// checkC3 refuses a rating that was withdrawn (撤销): it no longer rates
// anybody.
func checkC3(r *store.Reader, e store.Entity, _ store.Date) error {
	if cr := e.(*store.CreditRating); cr.Status == "撤销" {
		return &store.Error{Code: "PRINT_WITHDRAWN", Message: "该评级授信已撤销（" + cr.RatingNo + "），不能打印采集表和评分表"}
	}
	return nil
}

// formC3 is 农户评级授信信息采集表 and 评级授信评分表 (domain.md §6.1 C3), two
// sheets filed together, each numbered on its own: the household, its
// members, assets, liabilities, income and expenses, signed by the farmer,
// the loan officer (包收人) and the investigators; then the scores item by
// item, the grade and credit line, the notice and the bank's approval,
// signed by each member of the village panel (an odd number, at least
// three). Assets, other debts, income from each line of work and expenses
// come from the rating's survey, with their totals; a rating entered
// without one leaves those boxes to fill in by hand. The liabilities list
// first the household's loans the station holds, with their balances on
// the day the rating speaks for (ratingDay).
func (d *Doc) formC3(r *store.Reader, cr *store.CreditRating) {
	hh := household(r, cr.HouseholdID)
	head := person(r, hh.HeadPersonID)
	on := ratingDay(cr, d.opt.AsOf)
	draft := isDraft(cr.Status)

	// ---- 信息采集表 ----
	d.beginForm(form{title: "农户评级授信信息采集表", number: cr.RatingNo, draft: draft})
	d.placeLine(r, store.MetaOf(cr).Scope, cr.RatingNo)
	d.section("一、农户基本情况")
	account := d.maskAccount(hh.BankAccount)
	d.kv3([][2]string{{"户主", head.Name}, {"户编号", hh.HouseholdNo}, {"村民小组", hh.GroupName}})
	d.kv3([][2]string{{"户类型", hh.HouseholdType}, {"监测对象类型", orDash(hh.MonitorType)}, {"联系电话", d.phone(orPhone(hh.Phone, head.Mobile))}})
	d.kvn([][2]string{{"开户银行", hh.BankName}, {"银行账号", account}}, 2)

	d.section("二、家庭成员")
	members := loanMembers(r, hh, on)
	t := report.Table{Columns: []report.Column{{Name: "与户主关系"}, {Name: "姓名"}, {Name: "性别"}, {Name: "年龄", Align: report.Right},
		{Name: "身份证号"}, {Name: "文化程度"}, {Name: "劳动能力"}, {Name: "联系电话"}}}
	labour := 0
	for _, m := range members {
		rel := m.Relation
		if store.MetaOf(m).ID.String() == hh.HeadPersonID {
			rel = "户主"
		}
		if loanLabour(m.Labor) {
			labour++
		}
		t.Rows = append(t.Rows, []string{rel, m.Name, m.Sex, fmt.Sprint(max(m.Age(on), 0)), d.id(m.IDNumber), m.Education, m.Labor, d.phone(m.Mobile)})
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d人", len(members)), "", "", "", "", fmt.Sprintf("劳动力%d人", labour), ""}}
	d.table(t)

	surveyed := surveyEntered(cr)
	amount := func(fen int64) string { return surveyAmount(fen, surveyed) }
	a := cr.Assets
	d.section("三、家庭资产（元）")
	d.loanGrid([][2]string{{"房产", amount(a.HouseFen)}, {"家电", amount(a.ApplianceFen)}, {"家具", amount(a.FurnitureFen)},
		{"交通工具", amount(a.VehicleFen)}, {"农机具", amount(a.MachineryFen)}, {"存款", amount(a.DepositFen)},
		{"信用社股金", amount(a.SharesFen)}, {"应收款", amount(a.ReceivableFen)}, {"资产合计", amount(a.Total())}}, 3, 24, 8)

	d.section(fmt.Sprintf("四、负债情况（截至%s，公示开始日）", on))
	lt := report.Table{Columns: []report.Column{{Name: "负债类别"}, {Name: "债权人（贷款机构）"}, {Name: "借款合同号"}, {Name: "余额（元）", Align: report.Right}, {Name: "到期日"}}}
	for _, row := range householdLoans(r, hh, on) {
		lt.Rows = append(lt.Rows, []string{"扶贫小额信贷", row.Loan.BankName, row.Loan.ContractNo, store.Yuan(row.Position.BalanceFen), string(row.Loan.DueOn)})
	}
	for _, debt := range cr.OtherDebts {
		lt.Rows = append(lt.Rows, []string{debt.Kind, debt.Creditor, "", store.Yuan(debt.BalanceFen), string(debt.DueOn)})
	}
	switch {
	case len(cr.OtherDebts) == 0 && surveyed:
		lt.Rows = append(lt.Rows, []string{"其他负债", "无", "", "", ""})
	case len(cr.OtherDebts) == 0:
		for _, kind := range store.DebtKinds { // to fill in by hand
			lt.Rows = append(lt.Rows, []string{kind, "", "", "", ""})
		}
	}
	d.tableOf(lt, 8, nil)

	d.section("五、生产经营与收入（纯收入，元）")
	pw := d.pageWidth()
	half := pw / 2
	w := []float64{half * 0.3, half * 0.35, half * 0.35}
	head2 := func() {
		var cells []cell
		for i := 0; i < 2; i++ {
			cells = append(cells, cell{text: "项目", w: w[0], label: true, align: "C"}, cell{text: "上年实际", w: w[1], label: true, align: "C"}, cell{text: "本年预计", w: w[2], label: true, align: "C"})
		}
		d.row(cells, 7, nil)
	}
	head2()
	in := cr.Income
	lastAll, nextAll := in.Totals()
	lines := []struct {
		name       string
		last, next int64
	}{{"种植", in.CropsLastFen, in.CropsNextFen}, {"养殖", in.LivestockLastFen, in.LivestockNextFen},
		{"商业", in.TradeLastFen, in.TradeNextFen}, {"劳务", in.LabourLastFen, in.LabourNextFen},
		{"其他", in.OtherLastFen, in.OtherNextFen}, {"合计", lastAll, nextAll}}
	for i := 0; i < len(lines); i += 2 {
		var cells []cell
		for _, l := range lines[i : i+2] {
			cells = append(cells, cell{text: l.name, w: w[0], label: true}, cell{text: amount(l.last), w: w[1], align: "R"}, cell{text: amount(l.next), w: w[2], align: "R"})
		}
		d.row(cells, 8, head2)
	}
	income := ""
	if hh.IncomePerCapitaFen > 0 {
		income = yuanText(hh.IncomePerCapitaFen) + "（户档案）"
	}
	d.kvn([][2]string{{"家庭人口", fmt.Sprintf("%d人", len(members))}, {"人均纯收入", income}}, 2)

	d.section("六、家庭支出（年，元）")
	x := cr.Expenses
	d.loanGrid([][2]string{{"生活支出", amount(x.LivingFen)}, {"人情支出", amount(x.SocialFen)}, {"子女学费", amount(x.SchoolFen)},
		{"医疗支出", amount(x.MedicalFen)}, {"其他支出", amount(x.OtherFen)}, {"支出合计", amount(x.Total())}}, 3, 24, 8)

	d.signatures([]string{"农户（签字）", "包收人（签字）", "调查人（签字）", "调查人（签字）"}, 4)

	// ---- 评分表 ----
	d.beginForm(form{title: "农户评级授信评分表", number: cr.RatingNo, draft: draft})
	d.placeLine(r, store.MetaOf(cr).Scope, cr.RatingNo)
	scheme := r.Policy().RatingScheme
	same := cr.SchemeID == "" || cr.SchemeID == scheme.ID
	schemeName := scheme.Name
	if !same {
		schemeName = cr.SchemeID + "（原评定方案）"
	}
	d.section("一、评定对象")
	d.kv3([][2]string{{"户主", head.Name}, {"户编号", hh.HouseholdNo}, {"户类型", hh.HouseholdType}})
	d.kvn([][2]string{{"评定方案", schemeName}}, 1)

	d.section("二、评分明细")
	st := report.Table{Columns: []report.Column{{Name: "序号", Align: report.Right}, {Name: "评分项目"}, {Name: "满分", Align: report.Right}, {Name: "得分", Align: report.Right}}}
	maxTotal := 0
	if same {
		for i, it := range scheme.Items {
			score := ""
			if v, ok := cr.ItemScores[it.Code]; ok {
				score = fmt.Sprint(v)
			}
			st.Rows = append(st.Rows, []string{fmt.Sprint(i + 1), it.Name, fmt.Sprint(it.Max), score})
			maxTotal += it.Max
		}
	} else {
		codes := make([]string, 0, len(cr.ItemScores))
		for c := range cr.ItemScores {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for i, c := range codes {
			st.Rows = append(st.Rows, []string{fmt.Sprint(i + 1), c, "—", fmt.Sprint(cr.ItemScores[c])})
		}
	}
	total := "—"
	if maxTotal > 0 {
		total = fmt.Sprint(maxTotal)
	}
	st.Totals = [][]string{{"", "总分", total, fmt.Sprint(cr.TotalScore)}}
	d.table(st)

	d.section("三、评定结果")
	limit := "不授信"
	if cr.CreditLimitFen > 0 {
		limit = fmt.Sprintf("%s（大写：%s）", yuanText(cr.CreditLimitFen), store.ChineseYuan(cr.CreditLimitFen))
	}
	valid := ""
	if cr.ValidFrom != "" || cr.ValidTo != "" {
		valid = string(cr.ValidFrom) + " 至 " + string(cr.ValidTo)
	}
	d.kvn([][2]string{{"总分", fmt.Sprintf("%d分", cr.TotalScore)}, {"信用等级", cr.Grade}, {"授信额度", limit}, {"有效期", valid}}, 2)
	if same && len(scheme.Tiers) > 0 {
		tiers := append([]store.RatingTier(nil), scheme.Tiers...)
		sort.Slice(tiers, func(i, j int) bool { return tiers[i].MinScore > tiers[j].MinScore })
		var parts []string
		for i, tr := range tiers {
			span := fmt.Sprintf("%d分及以上", tr.MinScore)
			if i > 0 {
				span = fmt.Sprintf("%d–%d分", tr.MinScore, tiers[i-1].MinScore-1)
			}
			if tr.MinScore == 0 && i > 0 {
				span = fmt.Sprintf("%d分以下", tiers[i-1].MinScore)
			}
			lim := "不授信"
			if tr.LimitFen > 0 {
				lim = "授信" + yuanWan(tr.LimitFen)
			}
			if tr.Grade == "不授信" {
				parts = append(parts, span+"不授信")
			} else {
				parts = append(parts, span+tr.Grade+lim)
			}
		}
		size := d.fontSize
		d.setSize(8.5)
		d.gap(1)
		d.text("等级标准："+strings.Join(parts, "；")+"。", 0)
		d.setSize(size)
	}

	d.section("四、评议与公示")
	panel := nonEmpty(cr.Panel)
	notice := ""
	if cr.NoticeFrom.Valid() && cr.NoticeTo.Valid() {
		notice = fmt.Sprintf("%s 至 %s（%d天）", cr.NoticeFrom, cr.NoticeTo, cr.NoticeFrom.DaysUntil(cr.NoticeTo)+1)
	}
	d.kvn([][2]string{{"评议小组", fmt.Sprintf("%s（%d人）", strings.Join(panel, "、"), len(panel))}}, 1)
	d.kvn([][2]string{{"公示期", notice}, {"公示异议", cr.Objection}}, 2)
	d.kvn([][2]string{{"审定银行", cr.BankName}, {"审定日期", string(cr.ApprovedAt)}, {"审定人", cr.Approver}, {"状态", cr.Status}}, 2)

	var labels []string
	for _, m := range panel {
		labels = append(labels, "评议小组 "+m+"（签字）")
	}
	for len(labels) < 3 {
		labels = append(labels, "评议小组成员（签字）")
	}
	d.signatures(labels, 3)
	d.signatures([]string{"村委会（盖章）", "承贷银行审定（盖章）"}, 2)
}

// surveyEntered reports whether the rating holds a survey: any asset,
// income, expense or other debt entered.
func surveyEntered(cr *store.CreditRating) bool {
	last, next := cr.Income.Totals()
	return cr.Assets.Total() > 0 || last > 0 || next > 0 || cr.Expenses.Total() > 0 || len(cr.OtherDebts) > 0
}

// surveyAmount is an amount of the survey in yuan; with no survey entered
// the box is left to fill in by hand, with one entered a nil amount is 0.
func surveyAmount(fen int64, surveyed bool) string {
	if !surveyed {
		return ""
	}
	return store.Yuan(fen)
}

// orPhone is the household's phone, else its head's mobile.
func orPhone(household, head string) string {
	if household != "" {
		return household
	}
	return head
}

package print

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// The micro-loan forms of one household's way to a loan and after it
// (domain.md §6.1): C2 贷款户认定推荐表 and C5 贷后回访记录表 here, C3
// 农户评级授信信息采集表 and 评分表 in forms_rating.go. What the records do
// not hold (the amount the village writes in, a survey never entered)
// prints as an empty box to fill in by hand, never a figure made up here.

// blankAmount is a money box left to be written in by hand.
const blankAmount = "　　　　　　　　元（大写：　　　　　　　　　　　　　　）"

// loanLabour is whether a labour state counts as labour (劳动力) for a
// loan: ordinary, skilled, or weak / half labour.
func loanLabour(s string) bool {
	switch s {
	case "普通劳动力", "技能劳动力", "弱劳动力或半劳动力":
		return true
	}
	return false
}

// loanMembers are a household's members on the register on a day (those
// who died or moved away later count), the head first, then in the order
// of store.Relations and by birth.
func loanMembers(r *store.Reader, hh *store.Household, on store.Date) []*store.Person {
	if store.MetaOf(hh).ID == uuid.Nil {
		return nil
	}
	es, _ := r.RefEntities(store.MetaOf(hh).ID, store.KindPerson)
	var out []*store.Person
	for _, e := range es {
		p := e.(*store.Person)
		if p.HouseholdID != store.MetaOf(hh).ID.String() || p.BirthDate > on && on != "" {
			continue
		}
		if p.Status == "在册" || p.StatusDate.Valid() && p.StatusDate > on {
			out = append(out, p)
		}
	}
	rank := func(p *store.Person) int {
		if store.MetaOf(p).ID.String() == hh.HeadPersonID {
			return -1
		}
		for i, r := range store.Relations {
			if r == p.Relation {
				return i
			}
		}
		return len(store.Relations)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := rank(out[i]), rank(out[j]); a != b {
			return a < b
		}
		return out[i].BirthDate < out[j].BirthDate
	})
	return out
}

// loanGrid writes label/value pairs as a ruled grid with labels of the
// given width and rows at least minH high (room to write in by hand).
func (d *Doc) loanGrid(pairs [][2]string, perLine int, labelW, minH float64) {
	pw := d.pageWidth()
	for i := 0; i < len(pairs); i += perLine {
		n := min(perLine, len(pairs)-i)
		vw := (pw - labelW*float64(n)) / float64(n)
		var cells []cell
		for j := i; j < i+n; j++ {
			cells = append(cells, cell{text: pairs[j][0], w: labelW, label: true}, cell{text: pairs[j][1], w: vw})
		}
		d.row(cells, minH, nil)
	}
}

// kv3 writes pairs three to a line with narrower labels than kv, so that
// a household number or a date fits its box on one line.
func (d *Doc) kv3(pairs [][2]string) { d.loanGrid(pairs, 3, 24, 7) }

// kvn is kv with kv3's labels, so that the rows of a form line up on the
// left.
func (d *Doc) kvn(pairs [][2]string, perLine int) { d.loanGrid(pairs, perLine, 24, 7) }

// loanOpinion is one box of a review chain: who, what they said, who
// signed, the seal and the date.
type loanOpinion struct {
	label, text, signers, seal string
	date                       store.Date
}

// loanOpinions writes a review chain as ruled rows, the label on the
// left; an opinion not given yet leaves room for a hand, its seal and a
// date to fill in.
func (d *Doc) loanOpinions(rows []loanOpinion) {
	pw := d.pageWidth()
	for _, o := range rows {
		body := "\n\n" + o.seal + "　　　　年　　月　　日"
		if strings.TrimSpace(o.text) != "" {
			body = o.text
			if o.signers != "" {
				body += "\n" + o.signers
			}
			body += "\n" + o.seal + "　" + string(o.date)
		} else if o.signers != "" {
			body = "\n" + o.signers + "\n" + o.seal + "　　　　年　　月　　日"
		}
		d.row([]cell{{text: o.label, w: 46, label: true}, {text: body, w: pw - 46}}, 20, nil)
	}
}

// checkC2 refuses the recommendation of an application turned down
// before the village recommended it: nobody recommended anything.
func checkC2(r *store.Reader, e store.Entity, _ store.Date) error {
	a := e.(*store.LoanApplication)
	if a.Status == "已拒绝" && strings.TrimSpace(a.VillageOpinion) == "" {
		return &store.Error{Code: "PRINT_NOT_RECOMMENDED", Message: "该申请在村服务点认定前已被拒绝，没有认定推荐可打印（理由：" + a.RejectReason + "）"}
	}
	return nil
}

// formC2 is 贷款户认定推荐表 (domain.md §6.1 C2): whether the household is
// one the product is for (household type, labour, willingness, a project,
// the borrower's age, a rating in force) and what it asks for, with the
// chain that recommends it: the village service point's head and the 村两委
// (sealed), the township workstation (sealed), the county centre. The
// amount the village recommends and whether the household wants to get
// ahead are not in the record: they are boxes to fill in.
func (d *Doc) formC2(r *store.Reader, a *store.LoanApplication) {
	p := person(r, a.ApplicantPersonID)
	hh := household(r, a.HouseholdID)
	head := person(r, hh.HeadPersonID)
	on := a.ApplyDate
	pol := r.Policy()
	members := loanMembers(r, hh, on)
	labour := 0
	for _, m := range members {
		if loanLabour(m.Labor) {
			labour++
		}
	}
	d.beginForm(form{title: "贷款户认定推荐表", number: a.ApplicationNo, draft: isDraft(a.Status)})
	d.placeLine(r, store.MetaOf(a).Scope, a.ApplicationNo)

	d.section("一、农户基本情况")
	exit := ""
	if hh.ExitYear > 0 {
		exit = fmt.Sprintf("%d年", hh.ExitYear)
	}
	d.kv3([][2]string{{"户主", head.Name}, {"户编号", hh.HouseholdNo}, {"村民小组", hh.GroupName}})
	d.kvn([][2]string{{"户类型", checks(store.HouseholdTypes, []string{hh.HouseholdType})}}, 1)
	d.kv3([][2]string{{"监测对象类型", orDash(hh.MonitorType)}, {"脱贫年度", orDash(exit)}, {"人均纯收入", yuanText(hh.IncomePerCapitaFen)}})
	d.kv3([][2]string{{"申请人", p.Name}, {"与户主关系", p.Relation}, {"年龄", ageText(p.Age(on))}})
	d.kvn([][2]string{{"身份证号", d.id(p.IDNumber)}, {"联系电话", d.phone(p.Mobile)}}, 2)
	t := report.Table{Columns: []report.Column{{Name: "序号", Align: report.Right}, {Name: "姓名"}, {Name: "与户主关系"}, {Name: "性别"},
		{Name: "年龄", Align: report.Right}, {Name: "劳动能力"}, {Name: "文化程度"}}}
	for i, m := range members {
		rel := m.Relation
		if store.MetaOf(m).ID.String() == hh.HeadPersonID {
			rel = "户主"
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), m.Name, rel, m.Sex, fmt.Sprint(max(m.Age(on), 0)), m.Labor, m.Education})
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d人", len(members)), "", "", "", fmt.Sprintf("劳动力%d人", labour), ""}}
	d.gap(1)
	d.table(t)

	d.section("二、认定条件")
	project := strings.TrimSpace(a.ProjectDesc + " " + a.PurposeText)
	age := p.Age(on)
	ageOK := age >= pol.BorrowerMinAge && age <= pol.BorrowerMaxAge
	rating := "无有效评级"
	if rt := store.ValidRating(r, store.MetaOf(hh).ID, on); rt != nil {
		rating = fmt.Sprintf("%s（%d分）　授信额度%s　有效期%s至%s　评定编号%s", rt.Grade, rt.TotalScore, yuanText(rt.CreditLimitFen), rt.ValidFrom, rt.ValidTo, rt.RatingNo)
	}
	d.loanGrid([][2]string{
		{"有劳动能力", fmt.Sprintf("%s　（劳动力%d人）", yesNo(labour > 0), labour)},
		{"有致富愿望", "□是　□否　（村服务点入户核实后勾选）"},
		{"有致富项目", strings.TrimSpace(yesNo(project != "") + "　" + project)},
		{"借款人年龄", fmt.Sprintf("%s，在%d至%d周岁之间：%s", ageText(age), pol.BorrowerMinAge, pol.BorrowerMaxAge, yesNo(ageOK))},
		{"信用评级", rating},
	}, 1, 24, 7)

	d.section("三、贷款需求与推荐")
	enterprise := live[store.Enterprise](r, a.EnterpriseID, store.KindEnterprise).Name
	d.kvn([][2]string{
		{"贷款模式", checks(store.LoanModes, []string{a.Mode})},
		{"用途类别", checks(store.LoanPurposes, []string{a.Purpose})},
	}, 1)
	if enterprise != "" {
		d.kvn([][2]string{{"合作企业", enterprise}}, 1)
	}
	d.kvn([][2]string{
		{"申请金额", fmt.Sprintf("%s（大写：%s）", yuanText(a.AmountFen), store.ChineseYuan(a.AmountFen))},
		{"申请期限", fmt.Sprintf("%d个月", a.TermMonths)},
	}, 2)
	d.loanGrid([][2]string{{"推荐金额", blankAmount}}, 1, 24, 9)

	d.section("四、认定推荐意见")
	signers := "村服务点负责人（签字）："
	if len(a.VillageSigners) > 0 {
		signers += strings.Join(a.VillageSigners, "、")
	}
	d.loanOpinions([]loanOpinion{
		{label: "村服务点认定意见\n村两委推荐意见", text: a.VillageOpinion, signers: signers, seal: "（村两委盖章）", date: a.VillageDate},
		{label: "乡镇工作站审核意见", text: a.TownshipOpinion, seal: "（乡镇工作站盖章）", date: a.TownshipDate},
		{label: "县金融服务中心推荐意见", text: a.CountyOpinion, seal: "（县金融服务中心盖章）", date: a.CountyDate},
	})
	if a.Status == "已拒绝" {
		d.kvn([][2]string{{"未予推荐理由", a.RejectReason}}, 1)
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			out = append(out, strings.TrimSpace(x))
		}
	}
	return out
}

// yuanWan writes a credit line in 万元 when it is whole ten-thousands
// (5万元), else in yuan.
func yuanWan(fen int64) string {
	if fen%1_000_000 == 0 {
		return fmt.Sprintf("%d万元", fen/1_000_000)
	}
	return yuanText(fen)
}

// householdLoans are a household's loans disbursed by a day with money
// still owed on it, as the loan arithmetic has them then.
func householdLoans(r *store.Reader, hh *store.Household, on store.Date) []store.LoanRow {
	if store.MetaOf(hh).ID == uuid.Nil {
		return nil
	}
	es, _ := r.RefEntities(store.MetaOf(hh).ID, store.KindLoan)
	var out []store.LoanRow
	for _, e := range es {
		l := e.(*store.Loan)
		if store.MetaOf(l).Deleted || l.DisbursedOn == "" || l.DisbursedOn > on {
			continue
		}
		row, err := r.LoanRowFor(l, on)
		if err != nil || row.Position.BalanceFen <= 0 {
			continue
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Loan.DisbursedOn < out[j].Loan.DisbursedOn })
	return out
}

// formC5 is 贷后回访记录表 (domain.md §6.1 C5): the loan as it stood on the
// day of the visit (balance and days overdue from the loan arithmetic),
// the visit, whether the money went where the contract says, the
// project, the risk judged, signed by the visitor(s) and the borrower. A
// telephone visit has nobody to sign on the spot: the borrower's box says
// so.
func (d *Doc) formC5(r *store.Reader, v *store.PostLoanVisit) {
	l := live[store.Loan](r, v.LoanID, store.KindLoan)
	var row store.LoanRow
	if l.ContractNo != "" {
		row, _ = r.LoanRowFor(l, v.VisitDate)
	}
	b := person(r, l.BorrowerPersonID)
	hh := household(r, l.HouseholdID)
	d.beginForm(form{title: "贷后回访记录表", number: v.VisitNo})
	d.placeLine(r, store.MetaOf(v).Scope, v.VisitNo)

	d.section("一、借款人与贷款")
	borrower := b.Name
	if borrower == "" {
		borrower = row.Borrower
	}
	d.kvn([][2]string{{"借款人", borrower}, {"身份证号", d.id(b.IDNumber)}}, 2)
	d.kv3([][2]string{{"户编号", hh.HouseholdNo}, {"村民小组", hh.GroupName}, {"联系电话", d.phone(b.Mobile)}})
	bank := l.BankName
	if l.Branch != "" {
		bank += "（" + l.Branch + "）"
	}
	d.kvn([][2]string{{"承贷银行", bank}}, 1)
	d.kv3([][2]string{{"借款合同号", l.ContractNo}, {"贷款模式", l.Mode}, {"贷款用途", l.Purpose},
		{"贷款本金", yuanText(l.PrincipalFen)}, {"年利率", rateText(l.AnnualRateBP)}, {"五级分类", l.RiskClass},
		{"放款日", string(l.DisbursedOn)}, {"到期日", string(l.DueOn)}, {"回访日余额", yuanText(row.Position.BalanceFen)}})
	overdue := "未逾期"
	if row.Position.DaysOverdue > 0 {
		overdue = fmt.Sprintf("逾期%d天（自%s起，逾期本金%s）", row.Position.DaysOverdue, row.Position.OverdueSince, yuanText(row.Position.OverdueFen))
	}
	d.kvn([][2]string{{"逾期情况", overdue}}, 1)

	d.section("二、回访情况")
	d.kvn([][2]string{{"回访日期", string(v.VisitDate)}, {"回访人", v.Visitor}}, 2)
	d.kvn([][2]string{{"回访方式", checks(store.PostVisitMethods, []string{v.Method})}}, 1)
	d.loanGrid([][2]string{
		{"资金用途是否与合同相符", yesNo(v.FundUseMatches)},
		{"项目状况", v.ProjectStatus},
		{"风险判断", checks(store.PostVisitRisk, []string{v.RiskFlag})},
		{"联系结果", v.Result},
		{"备注", v.Notes},
	}, 1, 46, 9)

	var labels []string
	for _, who := range splitNames(v.Visitor) {
		labels = append(labels, "回访人 "+who+"（签字）")
	}
	if len(labels) == 0 {
		labels = []string{"回访人（签字）"}
	}
	if v.Method == "电话" {
		labels = append(labels, "借款人确认（电话回访，不在场签字）")
	} else {
		labels = append(labels, "借款人（签字）")
	}
	d.signatures(labels, min(len(labels), 3))
}

// splitNames splits a list of names written with 、，, or spaces.
func splitNames(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == '、' || r == '，' || r == ',' || r == ' ' || r == '　' || r == ';' || r == '；'
	})
	return f
}

// rateText writes basis points as a yearly rate: 475 → 4.75%.
func rateText(bp int) string {
	if bp == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%02d%%", bp/100, bp%100)
}

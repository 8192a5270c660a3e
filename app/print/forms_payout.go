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

// The forms of what is paid out on the loans (domain.md §6.1): C9, what
// an enterprise paid the households linked to it in a year (the dividends
// of 户贷企用 loans, the households a 企贷户用 loan drives and their
// wages), and C10, a bank's claim on the county's risk-compensation fund.
// Every figure is the store's: the dividend owed is R8's, a claim's
// amounts are the claim record's.

// signedTable writes a table each row at least minH high, its column to
// sign in widened: a roster to be signed by hand needs room for the hand.
func (d *Doc) signedTable(t report.Table, minH float64) {
	d.tableOf(t, minH, func(widths []float64) { d.widenSignColumn(t, widths) })
}

// signColumn is the column a household signs in.
const signColumn = "领取人签字"

// widenSignColumn gives the column to sign in room for a hand (it holds
// nothing, so its content asks for no more than its heading): the width
// is taken from the other columns' room beyond what their content needs.
func (d *Doc) widenSignColumn(t report.Table, widths []float64) {
	const want = 26.0
	at := -1
	for i, c := range t.Columns {
		if c.Name == signColumn {
			at = i
		}
	}
	if at < 0 || widths[at] >= want {
		return
	}
	natural, _, _ := d.columnNeeds(t)
	spare := 0.0
	for i := range widths {
		if i != at {
			spare += max(widths[i]-natural[i], 0)
		}
	}
	need := min(want-widths[at], spare)
	if need <= 0 {
		return
	}
	for i := range widths {
		if i != at {
			widths[i] -= max(widths[i]-natural[i], 0) * need / spare
		}
	}
	widths[at] += need
}

// payoutsOf are the payments under a link for a year, of the kind the
// link pays, not voided, by date.
func payoutsOf(r *store.Reader, link *store.EnterpriseLink, year int) []*store.DividendPayment {
	es, _ := r.RefEntities(link.ID, store.KindDividendPayment)
	kind := store.PayTypeOf(link.LinkType)
	var out []*store.DividendPayment
	for _, e := range es {
		p := e.(*store.DividendPayment)
		if p.Voided || p.Year != year || p.PayType != kind {
			continue
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PaidDate < out[j].PaidDate })
	return out
}

// payoutCells are the dates, methods and accounts of payments, each
// listed once, the accounts masked (last four digits) unless unmasked.
func (d *Doc) payoutCells(ps []*store.DividendPayment) (dates, methods, accounts string) {
	var ds, ms, as []string
	seen := map[string]bool{}
	for _, p := range ps {
		ds = append(ds, string(p.PaidDate))
		if !seen["m"+p.Method] && p.Method != "" {
			seen["m"+p.Method] = true
			ms = append(ms, p.Method)
		}
		acc := p.Account
		if acc != "" && !d.opt.Unmasked {
			acc = "****" + acc[max(len(acc)-4, 0):]
		}
		if !seen["a"+acc] && acc != "" {
			seen["a"+acc] = true
			as = append(as, acc)
		}
	}
	return strings.Join(ds, "、"), strings.Join(ms, "、"), strings.Join(as, "、")
}

// formC9 is 户贷企用分红发放表 and 企贷户用带贫户名单 of a year (domain.md
// §6.1 C9), one sheet per enterprise and village, for the enterprise, the
// 村委会 and the township to sign and seal:
//   - the 户贷企用 dividends: every household whose dividend agreement was
//     in force in the year, the dividend it was owed and what was paid,
//     exactly R8's figures (report.DividendCheck), and when and how;
//   - the households the enterprise drives under its other links (务工,
//     订单收购, 土地流转, 托养托管), with the wages paid in the year to
//     those it employs.
//
// Each line has a box for the household to sign for what it received.
func (d *Doc) formC9(r *store.Reader, item Item, p report.Params) {
	year := p.Year
	type group struct {
		enterprise string // its id
		village    string
		div, other [][]string
		divDue     int64
		divPaid    int64
		divShort   int64
		shortN     int
		wagePaid   int64
	}
	from, to, _ := store.PeriodRange(year, "全年")
	links, _ := store.All[*store.EnterpriseLink](r, store.KindEnterpriseLink, p.Scope)
	r8 := map[uuid.UUID]report.DividendLine{}
	if rep, err := report.DividendCheck(r, p.Scope, year); err == nil {
		for _, l := range rep.Data.(*report.DividendData).Lines {
			r8[l.LinkID] = l
		}
	}
	groups := map[[2]string]*group{}
	type keyed struct {
		key   [2]string
		order string
		row   []string
		link  *store.EnterpriseLink
	}
	var lines []keyed
	for _, link := range links {
		if store.AgreementDays(link, from, to) == 0 {
			continue
		}
		key := [2]string{link.Scope, link.EnterpriseID}
		g := groups[key]
		if g == nil {
			g = &group{enterprise: link.EnterpriseID, village: link.Scope}
			groups[key] = g
		}
		hh := household(r, link.HouseholdID)
		head := person(r, hh.HeadPersonID)
		contract := ""
		var loan *store.Loan
		if x, _ := r.LiveByString(link.LoanID, store.KindLoan); x != nil {
			loan = x.(*store.Loan)
			contract = loan.ContractNo
		}
		ps := payoutsOf(r, link, year)
		dates, methods, accounts := d.payoutCells(ps)
		if link.LinkType == store.LinkDividend {
			l := r8[link.ID]
			borrower := l.Borrower
			if borrower == "" && loan != nil {
				borrower = person(r, loan.BorrowerPersonID).Name
			}
			row := []string{"", hh.GroupName, head.Name, hh.HouseholdNo, borrower, contract, store.Yuan(l.PrincipalFen), fmt.Sprint(l.Days),
				store.Yuan(l.ExpectedFen), store.Yuan(l.PaidFen), dates, methods, accounts, ""}
			lines = append(lines, keyed{key, "0" + hh.HouseholdNo, row, link})
			g.divDue += l.ExpectedFen
			g.divPaid += l.PaidFen
			g.divShort += l.ShortFen
			if l.Short {
				g.shortN++
			}
			continue
		}
		wage, paid := "", ""
		if store.PayTypeOf(link.LinkType) == store.PayWage {
			wage = store.Yuan(link.WageFen)
			fen, _, _, _ := r.DividendPaid(link, year)
			paid = store.Yuan(fen)
			g.wagePaid += fen
		}
		row := []string{"", hh.GroupName, head.Name, hh.HouseholdNo, hh.HouseholdType, link.LinkType, contract,
			string(link.AgreementFrom) + "至" + agreementTo(link.AgreementTo), wage, paid, dates, methods, ""}
		lines = append(lines, keyed{key, "1" + hh.HouseholdNo, row, link})
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].order < lines[j].order })
	for _, l := range lines {
		g := groups[l.key]
		if l.order[0] == '0' {
			l.row[0] = fmt.Sprint(len(g.div) + 1)
			g.div = append(g.div, l.row)
		} else {
			l.row[0] = fmt.Sprint(len(g.other) + 1)
			g.other = append(g.other, l.row)
		}
	}
	if len(groups) == 0 {
		d.beginForm(form{title: item.Title, landscape: item.Landscape})
		d.placeLine(r, p.Scope, "")
		d.text(fmt.Sprintf("%d年没有在期的户贷企用分红协议或企贷户用带贫关系。", year), 0)
		return
	}
	keys := make([][2]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	enterprises := map[string]*store.Enterprise{}
	for _, k := range keys {
		en := live[store.Enterprise](r, k[1], store.KindEnterprise)
		enterprises[k[1]] = en
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return enterprises[keys[i][1]].Name < enterprises[keys[j][1]].Name
	})
	pol := r.Policy()
	for _, k := range keys {
		g := groups[k]
		en := enterprises[k[1]]
		title := "户贷企用分红发放表"
		switch {
		case len(g.div) == 0:
			title = "企贷户用带贫户名单"
		case len(g.other) > 0:
			title = "户贷企用分红发放表及企贷户用带贫户名单"
		}
		d.beginForm(form{title: title, landscape: item.Landscape})
		d.placeLine(r, g.village, "")
		d.kv([][2]string{{"企业（合作社）", en.Name}, {"统一社会信用代码", en.USCC}, {"年度", fmt.Sprintf("%d年", year)}}, 3)
		d.kv([][2]string{{"企业类型", en.Type}, {"法定代表人", en.LegalRep}, {"联系电话", d.phone(en.Phone)}}, 3)
		both := len(g.div) > 0 && len(g.other) > 0
		if len(g.div) > 0 {
			if both {
				d.section("一、户贷企用分红发放")
			} else {
				d.gap(2)
			}
			t := report.Table{Columns: []report.Column{{Name: "序号", Align: report.Right}, {Name: "村民小组"}, {Name: "户主"}, {Name: "户编号"},
				{Name: "借款人"}, {Name: "借款合同号"}, {Name: "贷款本金", Align: report.Right}, {Name: "在期天数", Align: report.Right},
				{Name: "应发分红", Align: report.Right}, {Name: "实发分红", Align: report.Right}, {Name: "发放日期"}, {Name: "发放方式"},
				{Name: "收款账号"}, {Name: "领取人签字"}}}
			t.Rows = g.div
			t.Totals = [][]string{{"", "合计", fmt.Sprintf("%d户", len(g.div)), "", "", "", "", "", store.Yuan(g.divDue), store.Yuan(g.divPaid), "", "", "", ""}}
			t.Notes = []string{fmt.Sprintf("金额单位：元。应发分红＝贷款本金×年分红率%s×协议在期天数÷全年天数，四舍五入到分（与户贷企用分红核对表一致）；实发为%d年度登记的分红发放（不含已作废）。",
				rateText(pol.DividendRateBP), year)}
			d.signedTable(t, 9)
			d.text("实发分红合计（大写）："+store.ChineseYuan(g.divPaid), 0)
			if g.shortN > 0 {
				d.text(fmt.Sprintf("其中%d户少发，少发合计%s元，请企业补发或说明原因。", g.shortN, store.Yuan(g.divShort)), 0)
			}
		}
		if len(g.other) > 0 {
			if both {
				d.section("二、企贷户用带贫户名单")
			} else {
				d.gap(2)
			}
			t := report.Table{Columns: []report.Column{{Name: "序号", Align: report.Right}, {Name: "村民小组"}, {Name: "户主"}, {Name: "户编号"},
				{Name: "户类型"}, {Name: "带贫方式"}, {Name: "企业贷款合同号"}, {Name: "协议期"}, {Name: "约定工资", Align: report.Right},
				{Name: "本年实发", Align: report.Right}, {Name: "发放日期"}, {Name: "发放方式"}, {Name: "领取人签字"}}}
			t.Rows = g.other
			t.Totals = [][]string{{"", "合计", fmt.Sprintf("%d户", len(g.other)), "", "", "", "", "", "", store.Yuan(g.wagePaid), "", "", ""}}
			t.Notes = []string{fmt.Sprintf("金额单位：元。本年实发为%d年度登记的工资发放（不含已作废）；订单收购、土地流转、托养托管不经村服务点发放，只列户。", year)}
			d.signedTable(t, 9)
			if g.wagePaid > 0 {
				d.text("实发工资合计（大写）："+store.ChineseYuan(g.wagePaid), 0)
			}
		}
		d.signatures(item.Signers, len(item.Signers))
	}
}

func agreementTo(d store.Date) string {
	if d == "" {
		return "今"
	}
	return string(d)
}

// compDraft: a claim whose figures still follow the loan (a draft, or one
// sent back to be claimed again) prints marked 草稿.
func compDraft(status string) bool { return status == "草稿" || status == "已退回" }

// checkC10 refuses a voided claim: it claims nothing.
func checkC10(r *store.Reader, e store.Entity, _ store.Date) error {
	if cl := e.(*store.CompensationClaim); cl.Status == "作废" {
		return &store.Error{Code: "PRINT_VOIDED", Message: "该代偿申请已作废（" + cl.ClaimNo + "），不能打印"}
	}
	return nil
}

// formC10 is 风险补偿金代偿申请表 (domain.md §6.1 C10): the borrower and the
// loan, what the loan stood at on the claim date (balance, the principal
// past due and since when, the interest owed), the fund's share and the
// amount claimed in figures and capitals, all as the claim record has them
// (the store computed them from the loan: kinds_payout.go), the follow-up
// visits and collection calls on the loan before the claim, and the
// chain's opinions: the bank claims, the township checks, the county
// decides.
func (d *Doc) formC10(r *store.Reader, cl *store.CompensationClaim) {
	l := live[store.Loan](r, cl.LoanID, store.KindLoan)
	b := person(r, l.BorrowerPersonID)
	hh := household(r, l.HouseholdID)
	d.beginForm(form{title: "风险补偿金代偿申请表", number: cl.ClaimNo, draft: compDraft(cl.Status)})
	d.placeLine(r, store.MetaOf(cl).Scope, cl.ClaimNo)

	d.section("一、借款人及贷款")
	borrower := b.Name
	if borrower == "" {
		if x, _ := r.LiveByString(l.EnterpriseID, store.KindEnterprise); x != nil {
			borrower = x.(*store.Enterprise).Name
		}
	}
	d.kvn([][2]string{{"借款人", borrower}, {"身份证号", d.id(b.IDNumber)}}, 2)
	d.kv3([][2]string{{"户编号", hh.HouseholdNo}, {"村民小组", hh.GroupName}, {"户类型", hh.HouseholdType}})
	bank := cl.BankName
	if l.Branch != "" {
		bank += "（" + l.Branch + "）"
	}
	d.kvn([][2]string{{"承贷银行", bank}}, 1)
	d.kv3([][2]string{{"借款合同号", l.ContractNo}, {"借据号", l.NoteNo}, {"贷款本金", yuanText(l.PrincipalFen)},
		{"放款日", string(l.DisbursedOn)}, {"到期日", string(l.DueOn)}, {"年利率", rateText(l.AnnualRateBP)},
		{"贷款模式", l.Mode}, {"贷款用途", l.Purpose}, {"五级分类", l.RiskClass}})
	d.kvn([][2]string{{"还款方式", l.RepayMethod}}, 1)

	d.section(fmt.Sprintf("二、逾期及申请代偿金额（代偿计算基准日：%s）", cl.ClaimDate))
	interestSpan := ""
	if cl.InterestFrom != "" && cl.ClaimDate.Valid() {
		interestSpan = fmt.Sprintf("（计息期%s至%s，共%d天）", cl.InterestFrom, cl.ClaimDate.AddDays(-1), cl.InterestFrom.DaysUntil(cl.ClaimDate))
	}
	d.kv3([][2]string{{"贷款余额", yuanText(cl.BalanceFen)}, {"逾期起始日", string(cl.OverdueSince)}, {"逾期天数", fmt.Sprintf("%d天", cl.DaysOverdue)}})
	d.kvn([][2]string{{"逾期本金", yuanText(cl.OverduePrincipalFen)}, {"分担比例", fmt.Sprintf("风险补偿金%d%%，承贷银行%d%%", cl.SharePct, 100-cl.SharePct)}}, 2)
	d.kvn([][2]string{{"欠息", yuanText(cl.OverdueInterestFen) + interestSpan}}, 1)
	d.kvn([][2]string{{"申请代偿金额", fmt.Sprintf("%s（大写：%s）", yuanText(cl.AmountFen), store.ChineseYuan(cl.AmountFen))}}, 1)
	size := d.fontSize
	d.setSize(8.5)
	d.gap(1)
	d.text(fmt.Sprintf("申请代偿金额＝（逾期本金%s元＋欠息%s元）×%d%%＝%s元，四舍五入到分。欠息按日计算（每日余额×年利率÷360），自上次结息日（或放款日）至基准日前一日；不含罚息、复利。",
		store.Yuan(cl.OverduePrincipalFen), store.Yuan(cl.OverdueInterestFen), cl.SharePct, store.Yuan(cl.AmountFen)), 0)
	d.setSize(size)

	d.section("三、贷后回访与催收")
	var visits []*store.PostLoanVisit
	if l.ContractNo != "" {
		es, _ := r.RefEntities(l.ID, store.KindPostLoanVisit)
		for _, e := range es {
			if v := e.(*store.PostLoanVisit); !cl.ClaimDate.Valid() || v.VisitDate <= cl.ClaimDate {
				visits = append(visits, v)
			}
		}
	}
	sort.Slice(visits, func(i, j int) bool { return visits[i].VisitDate < visits[j].VisitDate })
	if len(visits) == 0 {
		d.text("无贷后回访或催收记录。", 0)
	} else {
		t := report.Table{Columns: []report.Column{{Name: "日期"}, {Name: "方式"}, {Name: "回访人"}, {Name: "风险判断"}, {Name: "联系结果"}}}
		for _, v := range visits {
			t.Rows = append(t.Rows, []string{string(v.VisitDate), v.Method, v.Visitor, v.RiskFlag, strings.TrimSpace(v.Result + " " + v.Notes)})
		}
		d.table(t)
	}

	d.section("四、审核意见")
	d.loanOpinions([]loanOpinion{
		{label: "承贷银行申请意见", text: cl.BankOpinion, seal: "（承贷银行盖章）", date: cl.BankDate},
		{label: "乡镇审核意见", text: cl.TownshipOpinion, seal: "（乡镇人民政府盖章）", date: cl.TownshipDate},
		{label: "县级审定意见", text: cl.CountyOpinion, seal: "（县风险补偿金管理部门盖章）", date: cl.CountyDate},
	})
	switch {
	case cl.Status == "已退回":
		d.kvn([][2]string{{"退回理由", cl.RejectReason}}, 1)
	case cl.PaidDate != "":
		d.kvn([][2]string{{"代偿日期", string(cl.PaidDate)}, {"状态", cl.Status}}, 2)
	}
	d.signatures([]string{"银行经办人（签字）", "村服务点经办人（签字）"}, 2)
}

// maskAccount is an account on paper: the last four digits unless the
// copy is unmasked.
func (d *Doc) maskAccount(s string) string {
	if d.opt.Unmasked || s == "" {
		return s
	}
	return ident.MaskAccount(s)
}

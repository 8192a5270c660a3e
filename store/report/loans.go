package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// PortfolioRow is one village, township or total of R5. Amounts in fen.
type PortfolioRow struct {
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	Loans        int      `json:"loans"`
	Outstanding  int      `json:"outstanding_loans"`
	Households   int      `json:"households"`
	PrincipalFen int64    `json:"principal_fen"`
	BalanceFen   int64    `json:"balance_fen"`
	Due30Fen     int64    `json:"due30_fen"`
	Due60Fen     int64    `json:"due60_fen"`
	Due90Fen     int64    `json:"due90_fen"`
	BucketFen    [5]int64 `json:"bucket_fen"`
	OverdueFen   int64    `json:"overdue_fen"`
	NPLFen       int64    `json:"npl_fen"`
	OverdueRatio Rate     `json:"overdue_ratio"`
	NPLRatio     Rate     `json:"npl_ratio"`
	StopLending  bool     `json:"stop_lending"`
	households   map[string]bool
}

// PortfolioData is R5.
type PortfolioData struct {
	AsOf      store.Date     `json:"as_of"`
	Villages  []PortfolioRow `json:"villages"`
	Townships []PortfolioRow `json:"townships"`
	Total     PortfolioRow   `json:"total"`
	ByBank    []PortfolioRow `json:"by_bank"`
	ByMode    []PortfolioRow `json:"by_mode"`
}

func (p *PortfolioRow) add(row store.LoanRow, asOf store.Date) {
	l := row.Loan
	pos := row.Position
	p.Loans++
	p.PrincipalFen += l.PrincipalFen
	if l.Status == "已核销" || pos.BalanceFen == 0 {
		return
	}
	p.Outstanding++
	if p.households == nil {
		p.households = map[string]bool{}
	}
	key := l.HouseholdID
	if key == "" {
		key = "e:" + l.EnterpriseID
	}
	p.households[key] = true
	p.Households = len(p.households)
	p.BalanceFen += pos.BalanceFen
	if pos.NextDue != "" {
		// What falls due is the next instalment, not the whole balance.
		d := asOf.DaysUntil(pos.NextDue)
		if d <= 30 {
			p.Due30Fen += pos.NextDueFen
		}
		if d <= 60 {
			p.Due60Fen += pos.NextDueFen
		}
		if d <= 90 {
			p.Due90Fen += pos.NextDueFen
		}
	}
	if b := store.BucketOf(pos.DaysOverdue); b >= 0 {
		// The whole balance of an overdue loan counts as overdue, as the
		// overdue ratio of domain.md §6.2 R5 does.
		p.BucketFen[b] += pos.BalanceFen
		p.OverdueFen += pos.BalanceFen
		if pos.DaysOverdue >= 90 {
			p.NPLFen += pos.BalanceFen
		}
	}
}

func (p *PortfolioRow) merge(o *PortfolioRow) {
	p.Loans += o.Loans
	p.Outstanding += o.Outstanding
	p.PrincipalFen += o.PrincipalFen
	p.BalanceFen += o.BalanceFen
	p.Due30Fen += o.Due30Fen
	p.Due60Fen += o.Due60Fen
	p.Due90Fen += o.Due90Fen
	for i := range p.BucketFen {
		p.BucketFen[i] += o.BucketFen[i]
	}
	p.OverdueFen += o.OverdueFen
	p.NPLFen += o.NPLFen
	if p.households == nil {
		p.households = map[string]bool{}
	}
	for k := range o.households {
		p.households[k] = true
	}
	p.Households = len(p.households)
}

func (p *PortfolioRow) finish(stopBP int) {
	p.OverdueRatio = MoneyRate(p.OverdueFen, p.BalanceFen)
	p.NPLRatio = MoneyRate(p.NPLFen, p.BalanceFen)
	p.StopLending = stopBP > 0 && p.NPLRatio.Valid && p.NPLRatio.BP > int64(stopBP)
}

// portfolioRows loads every loan in scope with its position at a date.
func portfolioRows(r *store.Reader, scope string, asOf store.Date) ([]store.LoanRow, error) {
	loans, err := store.All[*store.Loan](r, store.KindLoan, scope)
	if err != nil {
		return nil, err
	}
	var out []store.LoanRow
	for _, l := range loans {
		if l.DisbursedOn > asOf {
			continue
		}
		row, err := r.LoanRowFor(l, asOf)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// LoanPortfolio computes R5 at the end of a month: count, households,
// principal, balance, amounts falling due within 30/60/90 days, overdue
// balance by bucket, the overdue ratio and the NPL proxy (balance of loans
// 90 days or more overdue ÷ balance), with the stop-lending flags of the
// policy (village > 5%, township > 3% by default).
func LoanPortfolio(r *store.Reader, scope string, m store.Month) (*Report, error) {
	pol := r.Policy()
	asOf := m.Last()
	rows, err := portfolioRows(r, scope, asOf)
	if err != nil {
		return nil, err
	}
	villages := map[string]*PortfolioRow{}
	banks := map[string]*PortfolioRow{}
	modes := map[string]*PortfolioRow{}
	data := &PortfolioData{AsOf: asOf}
	for _, row := range rows {
		for _, g := range []struct {
			m   map[string]*PortfolioRow
			key string
		}{{villages, row.Loan.Scope}, {banks, row.Loan.BankName}, {modes, row.Loan.Mode}} {
			p := g.m[g.key]
			if p == nil {
				p = &PortfolioRow{Code: g.key, Name: g.key}
				g.m[g.key] = p
			}
			p.add(row, asOf)
		}
	}
	// The non-performing threshold differs by level; the total takes the
	// scope's own.
	threshold := map[int]int{12: pol.NPLVillageBP, 9: pol.NPLTownshipBP}
	data.Villages, data.Townships, data.Total = rollUp(villages,
		func(code string) *PortfolioRow { return &PortfolioRow{Code: code, Name: placeName(code)} },
		(*PortfolioRow).merge,
		func(r *PortfolioRow, level int) {
			if level == 12 {
				r.Name = placeName(r.Code)
			}
			if level == 0 {
				level = len(scope)
			}
			r.finish(threshold[level])
		})
	data.Total.Code, data.Total.Name = scope, "合计"
	for _, k := range sortedKeys(banks) {
		banks[k].finish(0)
		data.ByBank = append(data.ByBank, *banks[k])
	}
	for _, k := range sortedKeys(modes) {
		modes[k].finish(0)
		data.ByMode = append(data.ByMode, *modes[k])
	}

	rep := &Report{Name: "loan-portfolio", Scope: scope, Period: string(m), Data: data}
	header := cols("名称", ">笔数", ">在贷笔数", ">户数", ">放款本金", ">贷款余额", ">30天内到期本金", ">逾期余额", ">逾期率", ">不良余额(≥90天)", ">不良率", "停贷警示")
	line := func(p PortfolioRow) []string {
		flag := ""
		if p.StopLending {
			flag = "超过停贷线"
		}
		return []string{p.Name, fmt.Sprint(p.Loans), fmt.Sprint(p.Outstanding), fmt.Sprint(p.Households), store.Yuan(p.PrincipalFen), store.Yuan(p.BalanceFen), store.Yuan(p.Due30Fen), store.Yuan(p.OverdueFen), p.OverdueRatio.Text, store.Yuan(p.NPLFen), p.NPLRatio.Text, flag}
	}
	t := &rep.Table
	t.Title = "扶贫小额信贷贷款台账余额表"
	t.Subtitle = fmt.Sprintf("范围：%s　截至：%s　金额单位：元", ScopeTitle(scope), asOf)
	t.Columns = header
	for _, tw := range data.Townships {
		for _, v := range data.Villages {
			if strings.HasPrefix(v.Code, tw.Code) {
				t.Rows = append(t.Rows, line(v))
			}
		}
		sub := tw
		sub.Name = tw.Name + "小计"
		t.Rows = append(t.Rows, line(sub))
	}
	t.Totals = [][]string{line(data.Total)}
	t.Notes = []string{
		fmt.Sprintf("逾期率＝逾期贷款余额÷贷款余额；不良率按逾期90天以上贷款余额估算；村不良率超过%s、乡镇超过%s提示停止新增贷款。", bpText(pol.NPLVillageBP), bpText(pol.NPLTownshipBP)),
	}
	buckets := Table{Title: "逾期余额分段", Subtitle: t.Subtitle, Columns: cols("名称")}
	for _, b := range store.OverdueBuckets {
		buckets.Columns = append(buckets.Columns, Column{Name: b.Label, Align: Right})
	}
	for _, v := range append(append([]PortfolioRow{}, data.Villages...), data.Total) {
		row := []string{v.Name}
		for _, f := range v.BucketFen {
			row = append(row, store.Yuan(f))
		}
		buckets.Rows = append(buckets.Rows, row)
	}
	byBank := Table{Title: "按承贷银行", Subtitle: t.Subtitle, Columns: header}
	for _, b := range data.ByBank {
		byBank.Rows = append(byBank.Rows, line(b))
	}
	byMode := Table{Title: "按贷款模式", Subtitle: t.Subtitle, Columns: header}
	for _, b := range data.ByMode {
		byMode.Rows = append(byMode.Rows, line(b))
	}
	rep.Sections = []Table{buckets, byBank, byMode}
	return rep, nil
}

func bpText(bp int) string { return fmt.Sprintf("%d.%02d%%", bp/100, bp%100) }

// OverdueLine is one row of R6.
type OverdueLine struct {
	Village      string     `json:"village"`
	LoanID       uuid.UUID  `json:"loan_id"`
	HouseholdNo  string     `json:"household_no"`
	Borrower     string     `json:"borrower"`
	IDMasked     string     `json:"id_masked"`
	ContractNo   string     `json:"contract_no"`
	Bank         string     `json:"bank"`
	PrincipalFen int64      `json:"principal_fen"`
	BalanceFen   int64      `json:"balance_fen"`
	OverdueFen   int64      `json:"overdue_fen"`
	DueDate      store.Date `json:"due_date"`
	DaysOverdue  int        `json:"days_overdue"`
	Bucket       string     `json:"bucket"`
	Status       string     `json:"status"` // as read on the day (store.Reader.StatusOn)
	LastContact  store.Date `json:"last_contact"`
	LastResult   string     `json:"last_result"`
	Officer      string     `json:"officer"`
}

// OverdueData is R6.
type OverdueData struct {
	AsOf       store.Date    `json:"as_of"`
	Lines      []OverdueLine `json:"lines"`
	BalanceFen int64         `json:"balance_fen"`
}

// OverdueList computes R6 at the end of a month, longest overdue first.
func OverdueList(r *store.Reader, scope string, m store.Month) (*Report, error) {
	asOf := m.Last()
	rows, err := r.Overdue(scope, asOf)
	if err != nil {
		return nil, err
	}
	data := &OverdueData{AsOf: asOf}
	for _, row := range rows {
		l := row.Loan
		line := OverdueLine{Village: placeName(l.Scope), LoanID: l.ID, Borrower: row.Borrower, ContractNo: l.ContractNo, Bank: l.BankName,
			PrincipalFen: l.PrincipalFen, BalanceFen: row.Position.BalanceFen, OverdueFen: row.Position.OverdueFen,
			DueDate: row.Position.OverdueSince, DaysOverdue: row.Position.DaysOverdue, Status: row.Status, Officer: l.Officer}
		if b := store.BucketOf(line.DaysOverdue); b >= 0 {
			line.Bucket = store.OverdueBuckets[b].Label
		}
		if hx, _ := r.LiveByString(l.HouseholdID, store.KindHousehold); hx != nil {
			line.HouseholdNo = hx.(*store.Household).HouseholdNo
		}
		if px, _ := r.LiveByString(l.BorrowerPersonID, store.KindPerson); px != nil {
			line.IDMasked = ident.MaskID(px.(*store.Person).IDNumber)
		}
		visits, err := r.RefEntities(l.ID, store.KindPostLoanVisit)
		if err != nil {
			return nil, err
		}
		for _, x := range visits {
			v := x.(*store.PostLoanVisit)
			if v.VisitDate <= asOf && v.VisitDate > line.LastContact {
				line.LastContact, line.LastResult = v.VisitDate, v.Result
			}
		}
		data.Lines = append(data.Lines, line)
		data.BalanceFen += line.BalanceFen
	}
	rep := &Report{Name: "overdue", Scope: scope, Period: string(m), Data: data}
	t := &rep.Table
	t.Title = "逾期贷款清单"
	t.Subtitle = fmt.Sprintf("范围：%s　截至：%s　金额单位：元", ScopeTitle(scope), asOf)
	t.Columns = cols("村", "户编号", "借款人", "身份证号", "合同号", "承贷银行", ">本金", ">余额", ">逾期本金", "应还日期", ">逾期天数", "状态", "最近联系", "联系结果", "责任人")
	for _, l := range data.Lines {
		t.Rows = append(t.Rows, []string{l.Village, l.HouseholdNo, l.Borrower, l.IDMasked, l.ContractNo, l.Bank, store.Yuan(l.PrincipalFen), store.Yuan(l.BalanceFen), store.Yuan(l.OverdueFen), string(l.DueDate), fmt.Sprint(l.DaysOverdue), l.Status, string(l.LastContact), l.LastResult, l.Officer})
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d笔", len(data.Lines)), "", "", "", "", "", store.Yuan(data.BalanceFen)}}
	return rep, nil
}

// SubsidyLine is one loan's quarter in R7.
type SubsidyLine struct {
	Village     string     `json:"village"`
	LoanID      uuid.UUID  `json:"loan_id"`
	Borrower    string     `json:"borrower"`
	ContractNo  string     `json:"contract_no"`
	Bank        string     `json:"bank"`
	From        store.Date `json:"from"`
	To          store.Date `json:"to"`
	Days        int        `json:"days"`
	BalanceDays int64      `json:"balance_days_fen"`
	RateBP      int        `json:"rate_bp"`
	InterestFen int64      `json:"interest_fen"`
	RatioPct    int        `json:"ratio_pct"`
	SubsidyFen  int64      `json:"subsidy_fen"`
}

// SubsidyData is R7.
type SubsidyData struct {
	Quarter     string        `json:"quarter"`
	From        store.Date    `json:"from"`
	To          store.Date    `json:"to"`
	Lines       []SubsidyLine `json:"lines"`
	InterestFen int64         `json:"interest_fen"`
	SubsidyFen  int64         `json:"subsidy_fen"`
}

// ParseQuarter turns "2025Q2" (or "2025-Q2") into its first and last day.
func ParseQuarter(q string) (store.Date, store.Date, error) {
	s := strings.ToUpper(strings.ReplaceAll(q, "-", ""))
	bad := &store.Error{Code: "BAD_QUARTER", Message: "季度应写成“2025Q2”的形式"}
	if len(s) != 6 || s[4] != 'Q' {
		return "", "", bad
	}
	y, err := strconv.Atoi(s[:4])
	n := int(s[5] - '0')
	if err != nil || n < 1 || n > 4 || y < 2000 || y > 2100 {
		return "", "", bad
	}
	first := store.Month(fmt.Sprintf("%04d-%02d", y, 3*n-2))
	return first.First(), first.Add(2).Last(), nil
}

// InterestSubsidy computes R7 for a quarter: per loan, interest = Σ daily
// balance × annual rate ÷ 360 and subsidy = interest on the part up to the
// policy limit × the loan's subsidy ratio, each line rounded half up to the
// fen before summing.
func InterestSubsidy(r *store.Reader, scope, quarter string) (*Report, error) {
	from, to, err := ParseQuarter(quarter)
	if err != nil {
		return nil, err
	}
	pol := r.Policy()
	loans, err := store.All[*store.Loan](r, store.KindLoan, scope)
	if err != nil {
		return nil, err
	}
	data := &SubsidyData{Quarter: quarter, From: from, To: to}
	for _, l := range loans {
		if l.Status == "已核销" || l.DisbursedOn > to {
			continue
		}
		reps, err := r.RefEntities(l.ID, store.KindRepayment)
		if err != nil {
			return nil, err
		}
		rs := make([]*store.Repayment, len(reps))
		for i, x := range reps {
			rs[i] = x.(*store.Repayment)
		}
		line := store.InterestFor(l, rs, from, to, l.SubsidyRatioPct, pol.LoanMaxFen)
		if line.InterestFen == 0 {
			continue
		}
		sl := SubsidyLine{Village: placeName(l.Scope), LoanID: l.ID, ContractNo: l.ContractNo, Bank: l.BankName, From: from, To: to,
			Days: line.Days, BalanceDays: line.BalanceDays, RateBP: l.AnnualRateBP, InterestFen: line.InterestFen, RatioPct: l.SubsidyRatioPct, SubsidyFen: line.SubsidyFen}
		if l.DisbursedOn > from {
			sl.From = l.DisbursedOn
		}
		row, _ := r.LoanRowFor(l, to)
		sl.Borrower = row.Borrower
		data.Lines = append(data.Lines, sl)
		data.InterestFen += sl.InterestFen
		data.SubsidyFen += sl.SubsidyFen
	}
	sort.SliceStable(data.Lines, func(i, j int) bool {
		if data.Lines[i].Village != data.Lines[j].Village {
			return data.Lines[i].Village < data.Lines[j].Village
		}
		return data.Lines[i].ContractNo < data.Lines[j].ContractNo
	})
	rep := &Report{Name: "interest-subsidy", Scope: scope, Period: quarter, Data: data}
	t := &rep.Table
	t.Title = "扶贫小额信贷贴息资金申报表"
	t.Subtitle = fmt.Sprintf("范围：%s　期间：%s至%s　金额单位：元", ScopeTitle(scope), from, to)
	t.Columns = cols("村", "借款人", "合同号", "承贷银行", "计息起", "计息止", ">天数", ">日均余额", ">年利率", ">利息", ">贴息比例", ">贴息金额")
	for _, l := range data.Lines {
		avg := store.RoundDiv(l.BalanceDays, int64(max(l.Days, 1)))
		t.Rows = append(t.Rows, []string{l.Village, l.Borrower, l.ContractNo, l.Bank, string(l.From), string(l.To), fmt.Sprint(l.Days), store.Yuan(avg), bpText(l.RateBP), store.Yuan(l.InterestFen), fmt.Sprintf("%d%%", l.RatioPct), store.Yuan(l.SubsidyFen)})
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d笔", len(data.Lines)), "", "", "", "", "", "", "", store.Yuan(data.InterestFen), "", store.Yuan(data.SubsidyFen)}}
	t.Notes = []string{fmt.Sprintf("利息＝Σ每日余额×年利率÷360，逐笔四舍五入到分后合计；贴息以每户%s元以内部分为限。", store.Yuan(pol.LoanMaxFen))}
	return rep, nil
}

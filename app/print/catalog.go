package print

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
)

// Item is one thing the station prints: a form of one record, a form or
// report of a scope and period, or a batch.
type Item struct {
	Code  string // A2, B4, …, or a report or batch name
	Title string
	// Record is the kind of record a per-record form prints.
	Record store.Kind
	// Report is the report (domain.md §6.2) a periodic form prints.
	Report string
	// Period is what a periodic form covers: month, quarter or year.
	Period    string
	Landscape bool
	// Signers are the signature boxes under a periodic form.
	Signers []string
	// Capitals names the money total written in capital numerals.
	Capitals bool
}

// Catalog lists everything that prints, in the order the print screen
// offers it.
var Catalog = []Item{
	{Code: "A2", Title: "入住老人基本信息登记表", Record: store.KindAdmission},
	{Code: "A6", Title: "老年人能力评估报告", Record: store.KindAssessment},
	{Code: "A7", Title: "农村互助幸福院运营补贴申报表", Record: store.KindSubsidyClaim},
	{Code: "B1", Title: "特殊困难老年人探访对象登记表（台账）", Period: "month", Signers: []string{"村负责人", "乡镇审核"}},
	{Code: "B2", Title: "特殊困难老年人探访记录表", Record: store.KindVisit},
	{Code: "B4", Title: "月度探访情况统计表", Report: "visit-coverage", Period: "month", Signers: []string{"村负责人", "乡镇民政助理（审核）"}},
	{Code: "B6", Title: "政府购买居家养老服务工时结算表", Report: "homecare-hours", Period: "month", Signers: []string{"服务机构", "乡镇（盖章）", "县民政局"}, Capitals: true},
	{Code: "B7", Title: "养老服务补贴（60元）发放花名册", Report: "subsidy-roster", Period: "month", Signers: []string{"村", "乡镇", "县"}, Capitals: true},
	{Code: "C1", Title: "扶贫小额信贷申请及认定推荐表", Record: store.KindLoanApplication},
	{Code: "C4", Title: "评级授信结果公示表", Period: "month", Signers: []string{"村委会（盖章）"}},
	{Code: "C6", Title: "到期还款提醒通知书", Record: store.KindLoan},
	{Code: "C7", Title: "逾期贷款清单", Report: "overdue", Period: "month", Landscape: true, Signers: []string{"村服务点", "乡镇工作站"}},
	{Code: "C8", Title: "贴息资金申报表", Report: "interest-subsidy", Period: "quarter", Signers: []string{"乡镇工作站（盖章）", "县乡村振兴部门", "县财政局", "承贷银行"}, Capitals: true},
	{Code: "home-subsidy", Title: "幸福院运营补贴申报明细", Report: "home-subsidy", Period: "year", Signers: []string{"幸福院负责人", "村委会（盖章）", "乡镇审核（盖章）"}, Capitals: true},
	{Code: "loan-portfolio", Title: "贷款台账余额表", Report: "loan-portfolio", Period: "month", Signers: []string{"制表人", "审核人"}},
	{Code: "assessment-due", Title: "能力评估到期名单", Report: "assessment-due", Period: "month", Signers: []string{"制表人"}},
	{Code: "data-quality", Title: "数据质量检查", Report: "data-quality", Period: "month", Signers: []string{"制表人"}},
	{Code: "visits", Title: "本月全部探访记录（批量）", Period: "month"},
	{Code: "pack", Title: "月度报表汇编（乡镇）", Period: "month"},
}

// C2 is printed together with C1; the C1+C2 name of domain.md is accepted.
var aliases = map[string]string{"C1+C2": "C1", "C2": "C1", "visit-coverage": "B4", "homecare-hours": "B6", "subsidy-roster": "B7", "overdue": "C7", "interest-subsidy": "C8"}

// Lookup finds an item by code or report name (case does not matter).
func Lookup(name string) (Item, bool) {
	if a, ok := aliases[strings.ToUpper(name)]; ok {
		name = a
	} else if a, ok := aliases[name]; ok {
		name = a
	}
	for _, it := range Catalog {
		if strings.EqualFold(it.Code, name) {
			return it, true
		}
	}
	return Item{}, false
}

// Job is one print request.
type Job struct {
	Code   string
	Record uuid.UUID     // per-record forms
	Params report.Params // periodic forms: scope and month, quarter or year
}

// String names the job for the audit log: the form and its record, or
// the report and its scope and period.
func (j Job) String() string {
	if j.Record != uuid.Nil {
		return j.Code + " " + j.Record.String()
	}
	out := j.Code
	for _, p := range []string{j.Params.Scope, j.Params.Quarter} {
		if p != "" {
			out += " " + p
		}
	}
	if j.Params.Year != 0 {
		out += " " + strconv.Itoa(j.Params.Year)
	}
	if j.Params.Month != "" {
		out += " " + string(j.Params.Month)
	}
	return out
}

// Render makes the PDF of a job. progress, if set, is told how many forms of
// a batch are done; ctx stops a batch between forms.
func Render(ctx context.Context, r *store.Reader, job Job, opt Options, progress func(done, total int)) ([]byte, error) {
	item, ok := Lookup(job.Code)
	if !ok {
		var codes []string
		for _, it := range Catalog {
			codes = append(codes, it.Code)
		}
		return nil, &store.Error{Code: "PRINT_UNKNOWN_FORM", Message: "没有这张表，可选：" + strings.Join(codes, "、")}
	}
	if opt.Unmasked {
		// The window, the command line and the console all print here.
		if err := r.Require(store.PermUnmasked); err != nil {
			return nil, err
		}
	}
	d := NewDoc(opt)
	var err error
	switch {
	case item.Record != "":
		if job.Record == uuid.Nil {
			return nil, &store.Error{Code: "PRINT_NEED_RECORD", Message: item.Code + " " + item.Title + "按单条记录打印，请指定记录（--record ID）"}
		}
		err = d.Form(r, item.Code, job.Record)
	case item.Code == "visits":
		_, err = d.MonthVisits(ctx, r, job.Params.Scope, job.Params.Month, progress)
	case item.Code == "pack":
		err = d.Pack(ctx, r, job.Params, progress)
	default:
		err = d.Periodic(r, item, job.Params)
	}
	if err != nil {
		return nil, err
	}
	return d.Bytes()
}

// Periodic appends a form or report of a scope and period.
func (d *Doc) Periodic(r *store.Reader, item Item, p report.Params) error {
	switch item.Code {
	case "B1":
		d.formB1(r, item, p)
		return d.Err()
	case "C4":
		d.formC4(r, item, p)
		return d.Err()
	}
	rep, err := report.Run(r, item.Report, p)
	if err != nil {
		return err
	}
	d.beginForm(item.Title, "", item.Landscape)
	d.placeLine(rep.Scope, "")
	if rep.Table.Subtitle != "" {
		d.text(rep.Table.Subtitle, 0)
		d.pdf.Ln(1)
	}
	d.table(rep.Table)
	if item.Capitals {
		if fen, ok := totalFen(rep); ok {
			d.text("合计金额（大写）："+store.ChineseYuan(fen), 0)
		}
	}
	for _, s := range rep.Sections {
		d.section(s.Title)
		d.table(s)
	}
	d.signatures(item.Signers, min(len(item.Signers), 4))
	return d.Err()
}

// totalFen is the money total of a report that has one.
func totalFen(rep *report.Report) (int64, bool) {
	switch x := rep.Data.(type) {
	case *report.HomecareData:
		return x.TotalFen, true
	case *report.RosterData:
		return x.TotalFen, true
	case *report.SubsidyData:
		return x.SubsidyFen, true
	case *report.HomeSubsidyData:
		return x.TotalFen, true
	}
	return 0, false
}

// formB1 is the register of elderly to visit (台账) of a scope.
func (d *Doc) formB1(r *store.Reader, item Item, p report.Params) {
	type line struct {
		village string
		cells   []string
	}
	var lines []line
	_ = r.Each(store.KindElderlyProfile, p.Scope, func(e store.Entity) error {
		ep := e.(*store.ElderlyProfile)
		if ep.Status == "退出" {
			return nil
		}
		ps := person(r, ep.PersonID)
		hh := household(r, ps.HouseholdID)
		var sup []string
		for _, s := range ep.Supporters {
			sup = append(sup, s.Name+"（"+s.Relation+"）")
		}
		ec := ep.EmergencyContact
		lines = append(lines, line{village: store.MetaOf(ep).Scope, cells: []string{
			ps.Name, ps.Sex, ageText(ps.Age(p.Month.Last())), d.id(ps.IDNumber),
			ident.DivisionName(store.MetaOf(ep).Scope) + hh.GroupName,
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
	d.beginForm(item.Title, "", false)
	d.placeLine(p.Scope, "")
	d.text(fmt.Sprintf("截至：%s", p.Month.Last()), 0)
	d.table(t)
	d.signatures(item.Signers, 2)
}

// formC4 is the public notice of credit ratings. It never carries ID or
// phone numbers, addresses, income or health, masked or not (§6.1 C4):
// only the name, the group, the grade, the credit line and the dates.
func (d *Doc) formC4(r *store.Reader, item Item, p report.Params) {
	type line struct {
		no, name, group, grade, limit string
		from, to                      store.Date
	}
	var lines []line
	first, last := p.Month.First(), p.Month.Last()
	_ = r.Each(store.KindCreditRating, p.Scope, func(e store.Entity) error {
		cr := e.(*store.CreditRating)
		inMonth := cr.NoticeFrom != "" && cr.NoticeFrom <= last && (cr.NoticeTo == "" || cr.NoticeTo >= first)
		if cr.Status != "公示中" && !inMonth {
			return nil
		}
		hh := household(r, cr.HouseholdID)
		head := person(r, hh.HeadPersonID)
		lines = append(lines, line{no: hh.HouseholdNo, name: head.Name, group: ident.DivisionName(store.MetaOf(hh).Scope) + hh.GroupName,
			grade: cr.Grade, limit: store.Yuan(cr.CreditLimitFen), from: cr.NoticeFrom, to: cr.NoticeTo})
		return nil
	})
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
	d.beginForm(item.Title, "", false)
	d.placeLine(p.Scope, "")
	if len(lines) == 0 {
		d.text(fmt.Sprintf("%s没有处于公示期的评级授信结果。", p.Month), 0)
	} else {
		days := from.DaysUntil(to) + 1
		d.text(fmt.Sprintf("　　经农户申请、村评议小组评议，以下%d户的评级授信结果予以公示。公示期自%s至%s，共%d天（不少于%d天）。如有异议，请在公示期内向村委会或村服务点书面或当面反映。",
			len(lines), from, to, days, r.Policy().NoticeMinDays), 0)
		d.pdf.Ln(1)
		d.table(t)
	}
	d.signatures(item.Signers, 2)
}

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
		return 0, &store.Error{Code: "PRINT_EMPTY", Message: fmt.Sprintf("%s在%s没有已提交的探访记录", place(scope), m)}
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

// Pack appends a township's monthly report pack: coverage (B4), home-care
// hours (B6), the 60-yuan roster (B7), the loan portfolio, the overdue list
// (C7) and the assessments due, and the interest subsidy (C8) in a
// quarter's last month.
func (d *Doc) Pack(ctx context.Context, r *store.Reader, p report.Params, progress func(done, total int)) error {
	codes := []string{"B4", "B6", "B7", "loan-portfolio", "C7", "assessment-due"}
	if mm := string(p.Month)[5:]; mm == "03" || mm == "06" || mm == "09" || mm == "12" {
		q := map[string]string{"03": "Q1", "06": "Q2", "09": "Q3", "12": "Q4"}[mm]
		p.Quarter = string(p.Month)[:4] + q
		codes = append(codes, "C8")
	}
	for i, c := range codes {
		if err := ctx.Err(); err != nil {
			return &store.Error{Code: "CANCELLED", Message: "批量打印已取消"}
		}
		item, _ := Lookup(c)
		if err := d.Periodic(r, item, p); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, len(codes))
		}
	}
	return nil
}

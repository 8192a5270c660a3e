package print

import (
	"context"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
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
	// Public marks a notice posted for all to read: it never carries
	// personal numbers, so it is never marked sensitive either.
	Public bool
	// Check refuses a record this form cannot be printed for (a discharge
	// form of someone still living in the home), as of a date.
	Check func(r *store.Reader, e store.Entity, asOf store.Date) error
}

// Catalog lists everything that prints, in the order the print screen
// offers it.
var Catalog = []Item{
	{Code: "A1", Title: "农村互助幸福院入住申请表", Record: store.KindAdmission},
	{Code: "A2", Title: "入住老人基本信息登记表", Record: store.KindAdmission},
	{Code: "A3", Title: "入住协议书", Record: store.KindAdmission},
	{Code: "A4", Title: "入住老人花名册（床位使用一览表）", Period: "month", Signers: []string{"幸福院负责人", "村（盖章）"}},
	{Code: "A5", Title: "退住（离院）登记表", Record: store.KindAdmission, Check: checkA5},
	{Code: "A6", Title: "老年人能力评估报告", Record: store.KindAssessment},
	{Code: "A7", Title: "农村互助幸福院运营补贴申报表", Record: store.KindSubsidyClaim},
	{Code: "B1", Title: "特殊困难老年人探访对象登记表（台账）", Period: "month", Signers: []string{"村负责人", "乡镇审核"}},
	{Code: "B2", Title: "特殊困难老年人探访记录表", Record: store.KindVisit},
	{Code: "B3", Title: "探访发现问题转介单", Record: store.KindReferral},
	{Code: "B4", Title: "月度探访情况统计表", Report: "visit-coverage", Period: "month", Signers: []string{"村负责人", "乡镇民政助理（审核）"}},
	{Code: "B5", Title: "居家养老服务记录单（工时确认单）", Record: store.KindServiceRecord},
	{Code: "B6", Title: "政府购买居家养老服务工时结算表", Report: "homecare-hours", Period: "month", Signers: []string{"服务机构", "乡镇（盖章）", "县民政局"}, Capitals: true},
	{Code: "B7", Title: "养老服务补贴（60元）发放花名册", Report: "subsidy-roster", Period: "month", Signers: []string{"村", "乡镇", "县"}, Capitals: true},
	{Code: "doctor-signing", Title: "家庭医生签约服务率统计表", Report: "doctor-signing", Period: "month", Signers: []string{"制表人", "乡镇卫生院（审核）"}},
	{Code: "C1", Title: "扶贫小额信贷申请及认定推荐表", Record: store.KindLoanApplication},
	{Code: "C2", Title: "贷款户认定推荐表", Record: store.KindLoanApplication, Check: checkC2},
	{Code: "C3", Title: "农户评级授信信息采集表及评分表", Record: store.KindCreditRating, Check: checkC3},
	{Code: "C4", Title: "评级授信结果公示表", Period: "month", Signers: []string{"村委会（盖章）"}, Public: true},
	{Code: "C5", Title: "贷后回访记录表", Record: store.KindPostLoanVisit},
	{Code: "C6", Title: "到期还款提醒通知书", Record: store.KindLoan, Check: checkC6},
	{Code: "C7", Title: "逾期贷款清单", Report: "overdue", Period: "month", Landscape: true, Signers: []string{"村服务点", "乡镇工作站"}},
	{Code: "C8", Title: "贴息资金申报表", Report: "interest-subsidy", Period: "quarter", Signers: []string{"乡镇工作站（盖章）", "县乡村振兴部门", "县财政局", "承贷银行"}, Capitals: true},
	{Code: "C9", Title: "户贷企用分红发放表（企贷户用带贫户名单）", Period: "year", Landscape: true, Signers: []string{"企业（盖章）", "村委会（盖章）", "乡镇人民政府（盖章）"}},
	{Code: "C10", Title: "风险补偿金代偿申请表", Record: store.KindCompensationClaim, Check: checkC10},
	{Code: "dividend-check", Title: "户贷企用分红核对表", Report: "dividend-check", Period: "year", Landscape: true, Signers: []string{"制表人", "村服务点", "乡镇工作站（审核）"}},
	{Code: "home-subsidy", Title: "幸福院运营补贴申报明细", Report: "home-subsidy", Period: "year", Signers: []string{"幸福院负责人", "村委会（盖章）", "乡镇审核（盖章）", "县民政局审定（盖章）"}, Capitals: true},
	{Code: "loan-portfolio", Title: "贷款台账余额表", Report: "loan-portfolio", Period: "month", Signers: []string{"制表人", "审核人"}},
	{Code: "assessment-due", Title: "能力评估到期名单", Report: "assessment-due", Period: "month", Signers: []string{"制表人"}},
	{Code: "data-quality", Title: "数据质量检查", Report: "data-quality", Period: "month", Signers: []string{"制表人"}},
	{Code: "visits", Title: "本月全部探访记录（批量）", Period: "month"},
	{Code: "pack", Title: "月度报表汇编（乡镇）", Period: "month"},
}

// C1 prints C2's recommendation with the application; the C1+C2 name of
// domain.md is accepted for it. C2 alone is the recommendation.
var aliases = map[string]string{"C1+C2": "C1", "visit-coverage": "B4", "homecare-hours": "B6", "subsidy-roster": "B7", "overdue": "C7", "interest-subsidy": "C8"}

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
	d, err := Build(ctx, r, job, opt, progress)
	if err != nil {
		return nil, err
	}
	return d.Bytes()
}

// Build writes a job into a document, to be finished with Bytes; its
// FirstPage is there for a preview.
func Build(ctx context.Context, r *store.Reader, job Job, opt Options, progress func(done, total int)) (*Doc, error) {
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
		if strings.TrimSpace(opt.Purpose) == "" {
			return nil, &store.Error{Code: "PRINT_NEED_PURPOSE", Message: "打印含敏感个人信息的版本，须写明用途（印在每页上：仅供…使用）"}
		}
	}
	if opt.AsOf != "" && !opt.AsOf.Valid() {
		return nil, &store.Error{Code: "PRINT_BAD_DATE", Message: "截至日期“" + string(opt.AsOf) + "”不是有效日期，应为 YYYY-MM-DD"}
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
	return d, d.Err()
}

// Periodic appends a form or report of a scope and period.
func (d *Doc) Periodic(r *store.Reader, item Item, p report.Params) error {
	if write := periodicForms[item.Code]; write != nil {
		write(d, r, item, p)
		return d.Err()
	}
	rep, err := report.Run(r, item.Report, p)
	if err != nil {
		return err
	}
	d.beginForm(form{title: item.Title, landscape: item.Landscape, public: item.Public})
	d.placeLine(r, rep.Scope, "")
	if rep.Table.Subtitle != "" {
		d.text(rep.Table.Subtitle, 0)
		d.gap(1)
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

// periodicForms are the periodic forms laid out here rather than from a
// report table.
var periodicForms = map[string]func(d *Doc, r *store.Reader, item Item, p report.Params){
	"A4": (*Doc).formA4,
	"B1": (*Doc).formB1,
	"C4": (*Doc).formC4,
	"C9": (*Doc).formC9,
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

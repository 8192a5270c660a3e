package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// DueLine is one person of R9.
type DueLine struct {
	Village    string     `json:"village"`
	PersonID   uuid.UUID  `json:"person_id"`
	Name       string     `json:"name"`
	IDMasked   string     `json:"id_masked"`
	Source     string     `json:"source"`
	LastDate   store.Date `json:"last_date"`
	Instrument string     `json:"instrument"`
	Level      string     `json:"level"`
	NextDue    store.Date `json:"next_due"`
	DaysLeft   int        `json:"days_left"` // negative: overdue; meaningless without NextDue
}

// DueData is R9.
type DueData struct {
	AsOf  store.Date `json:"as_of"`
	Lines []DueLine  `json:"lines"`
}

// AssessmentDue computes R9: the elderly on the visit register and the
// residents of the homes whose next assessment falls due within 30 days of
// the month's end (or is already overdue), and those never assessed.
func AssessmentDue(r *store.Reader, scope string, m store.Month) (*Report, error) {
	asOf := m.Last()
	type who struct {
		id     string
		source string
	}
	var people []who
	seen := map[string]bool{}
	profiles, err := store.All[*store.ElderlyProfile](r, store.KindElderlyProfile, scope)
	if err != nil {
		return nil, err
	}
	for _, ep := range profiles {
		if (ep.Status == "在册" || ep.Status == "暂停") && !seen[ep.PersonID] {
			seen[ep.PersonID] = true
			people = append(people, who{ep.PersonID, "探访对象"})
		}
	}
	adms, err := store.All[*store.Admission](r, store.KindAdmission, scope)
	if err != nil {
		return nil, err
	}
	for _, a := range adms {
		if (a.Status == "在住" || a.Status == "请假外出") && !seen[a.PersonID] {
			seen[a.PersonID] = true
			people = append(people, who{a.PersonID, "幸福院"})
		}
	}
	data := &DueData{AsOf: asOf}
	for _, w := range people {
		px, _ := r.LiveByString(w.id, store.KindPerson)
		p, _ := px.(*store.Person)
		if p == nil || p.Status == "死亡" {
			continue
		}
		line := DueLine{Village: placeName(p.Scope), PersonID: p.ID, Name: p.Name, IDMasked: ident.MaskID(p.IDNumber), Source: w.source}
		a := LatestAssessment(r, p, asOf)
		if a != nil {
			line.LastDate, line.Instrument, line.Level, line.NextDue = a.AssessDate, a.Instrument, a.LevelName, a.NextDue
			line.DaysLeft = asOf.DaysUntil(a.NextDue)
			if line.DaysLeft > 30 {
				continue
			}
		}
		data.Lines = append(data.Lines, line)
	}
	sort.SliceStable(data.Lines, func(i, j int) bool {
		a, b := data.Lines[i], data.Lines[j]
		if (a.NextDue == "") != (b.NextDue == "") {
			return a.NextDue == ""
		}
		return a.NextDue < b.NextDue
	})
	rep := &Report{Name: "assessment-due", Scope: scope, Period: string(m), Data: data}
	t := &rep.Table
	t.Title = "老年人能力评估到期名单"
	t.Subtitle = fmt.Sprintf("范围：%s　截至：%s（含30天内到期）", ScopeTitle(scope), asOf)
	t.Columns = cols("村", "姓名", "身份证号", "类别", "上次评估", "评估标准", "能力等级", "下次评估", "状态")
	for _, l := range data.Lines {
		state := "从未评估"
		switch {
		case l.NextDue == "":
		case l.DaysLeft < 0:
			state = fmt.Sprintf("已逾期%d天", -l.DaysLeft)
		default:
			state = fmt.Sprintf("%d天后到期", l.DaysLeft)
		}
		t.Rows = append(t.Rows, []string{l.Village, l.Name, l.IDMasked, l.Source, string(l.LastDate), l.Instrument, l.Level, string(l.NextDue), state})
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d人", len(data.Lines))}}
	return rep, nil
}

// Finding is one data-quality problem. It names the record, never its
// personal data beyond a masked ID.
type Finding struct {
	Check    string    `json:"check"`
	Code     string    `json:"code"`
	Severity string    `json:"severity"` // 错误 or 提示
	Kind     string    `json:"kind"`
	RecordID uuid.UUID `json:"record_id"`
	Village  string    `json:"village"`
	Subject  string    `json:"subject"`
	Detail   string    `json:"detail"`
}

// QualityData is R10.
type QualityData struct {
	Findings []Finding    `json:"findings"`
	Counts   []CheckCount `json:"counts"`
}

// CheckCount is how many findings a check produced.
type CheckCount struct {
	Check string `json:"check"`
	Code  string `json:"code"`
	Count int    `json:"count"`
}

var qualityChecks = []struct{ code, name string }{
	{"ID_CHECKSUM", "身份证号校验失败"},
	{"ID_REGION_UNKNOWN", "身份证地区码存疑"},
	{"ID_DUPLICATE", "身份证号重复"},
	{"AFTER_DEATH", "去世后仍有业务记录"},
	{"ADMISSION_NO_ASSESSMENT", "在住老人无能力评估"},
	{"ADMISSION_DOUBLE", "同一老人或床位多条在住登记"},
	{"LOAN_NO_RATING", "贷款无有效评级"},
	{"DUPLICATE_NUMBER", "记录编号重复"},
	{"CONFLICT", "待审核的冲突"},
}

// DataQuality computes R10 over the records in scope.
func DataQuality(r *store.Reader, scope string) (*Report, error) {
	data := &QualityData{}
	add := func(code, sev string, e store.Entity, subject, detail string) {
		m := store.MetaOf(e)
		name := ""
		for _, c := range qualityChecks {
			if c.code == code {
				name = c.name
			}
		}
		data.Findings = append(data.Findings, Finding{Check: name, Code: code, Severity: sev, Kind: store.KindLabel(m.Kind()), RecordID: m.ID, Village: placeName(m.Scope), Subject: subject, Detail: detail})
	}
	persons, err := store.All[*store.Person](r, store.KindPerson, scope)
	if err != nil {
		return nil, err
	}
	byID := map[string][]*store.Person{}
	personByID := map[uuid.UUID]*store.Person{}
	for _, p := range persons {
		personByID[p.ID] = p
		info, errs := ident.ParseID(p.IDNumber, ident.IDOptions{})
		for _, e := range errs {
			add("ID_CHECKSUM", "错误", p, p.Name, e.Code+"："+e.Message)
		}
		for _, w := range info.Warnings {
			add("ID_REGION_UNKNOWN", "提示", p, p.Name, w.Message)
		}
		if errs == nil {
			byID[info.Number] = append(byID[info.Number], p)
		}
	}
	for _, n := range sortedKeys(byID) {
		if ps := byID[n]; len(ps) > 1 {
			// One finding per number, naming where each entry is, so that
			// the duplicates can be told apart on paper.
			var where []string
			for _, p := range ps {
				w := placeName(p.Scope)
				if hh, _ := r.LiveByString(p.HouseholdID, store.KindHousehold); hh != nil {
					w += "户" + hh.(*store.Household).HouseholdNo
				}
				// Who entered each copy and when tells two entries of
				// the same household apart.
				if p.Created != 0 {
					w += "，" + strings.TrimSpace(p.CreatedBy+" ") + p.Created.In(store.ChinaTZ).Format("2006-01-02") + "录入"
				}
				where = append(where, p.Name+"（"+w+"）")
			}
			add("ID_DUPLICATE", "错误", ps[0], ps[0].Name, fmt.Sprintf("身份证号%s登记了%d次（可能在不同站点重复录入）：%s", ident.MaskID(n), len(ps), strings.Join(where, "、")))
		}
	}
	died := func(id string) (store.Date, *store.Person) {
		u, err := uuid.Parse(id)
		if err != nil {
			return "", nil
		}
		p := personByID[u]
		if p == nil {
			x, _ := r.Live(u, store.KindPerson)
			p, _ = x.(*store.Person)
		}
		if p != nil && p.Status == "死亡" {
			return p.StatusDate, p
		}
		return "", p
	}
	profiles, err := store.All[*store.ElderlyProfile](r, store.KindElderlyProfile, scope)
	if err != nil {
		return nil, err
	}
	for _, ep := range profiles {
		d, p := died(ep.PersonID)
		if d == "" {
			continue
		}
		visits, _ := r.RefEntities(ep.ID, store.KindVisit)
		for _, x := range visits {
			if v := x.(*store.Visit); v.VisitDate > d {
				add("AFTER_DEATH", "错误", v, p.Name, fmt.Sprintf("探访日期%s晚于去世日期%s", v.VisitDate, d))
			}
		}
	}
	services, err := store.All[*store.ServiceRecord](r, store.KindServiceRecord, scope)
	if err != nil {
		return nil, err
	}
	for _, s := range services {
		if d, p := died(s.PersonID); d != "" && s.ServiceDate > d && s.Status != "作废" {
			add("AFTER_DEATH", "错误", s, p.Name, fmt.Sprintf("服务日期%s晚于去世日期%s", s.ServiceDate, d))
		}
	}
	adms, err := store.All[*store.Admission](r, store.KindAdmission, scope)
	if err != nil {
		return nil, err
	}
	activeByPerson := map[string][]*store.Admission{}
	activeByBed := map[string][]*store.Admission{}
	for _, a := range adms {
		_, p := died(a.PersonID)
		name := ""
		if p != nil {
			name = p.Name
		}
		if d, _ := died(a.PersonID); d != "" && (a.Status == "在住" || a.Status == "请假外出") {
			add("AFTER_DEATH", "错误", a, name, "老人已去世，入住登记仍为“"+a.Status+"”")
		}
		if (a.Status == "在住" || a.Status == "请假外出") && a.AssessmentID == "" {
			add("ADMISSION_NO_ASSESSMENT", "错误", a, name, "在住老人没有关联能力评估")
		}
		if oneOf(a.Status, store.ActiveAdmission) {
			activeByPerson[a.PersonID] = append(activeByPerson[a.PersonID], a)
			if a.BedID != "" {
				activeByBed[a.BedID] = append(activeByBed[a.BedID], a)
			}
		}
	}
	for _, m := range []map[string][]*store.Admission{activeByPerson, activeByBed} {
		for _, k := range sortedKeys(m) {
			if as := m[k]; len(as) > 1 {
				for _, a := range as {
					_, p := died(a.PersonID)
					name := ""
					if p != nil {
						name = p.Name
					}
					add("ADMISSION_DOUBLE", "错误", a, name, fmt.Sprintf("%d条有效入住登记指向同一老人或同一床位（多个站点离线办理所致），请核实", len(as)))
				}
			}
		}
	}
	loans, err := store.All[*store.Loan](r, store.KindLoan, scope)
	if err != nil {
		return nil, err
	}
	for _, l := range loans {
		if l.Mode == store.ModeQiDaiHuYong {
			continue
		}
		hid, _ := uuid.Parse(l.HouseholdID)
		if store.ValidRating(r, hid, l.DisbursedOn) == nil {
			row, _ := r.LoanRowFor(l, l.DisbursedOn)
			add("LOAN_NO_RATING", "提示", l, row.Borrower, "放款日"+string(l.DisbursedOn)+"该户没有有效评级授信（合同号"+l.ContractNo+"）")
		}
	}
	dups, err := r.DuplicateNumbers(scope)
	if err != nil {
		return nil, err
	}
	for _, d := range dups {
		for _, id := range d.IDs {
			e, err := r.Get(id)
			if err == nil {
				add("DUPLICATE_NUMBER", "错误", e, d.Number, fmt.Sprintf("编号%s被%d条记录使用", d.Number, len(d.IDs)))
			}
		}
	}
	conflicts, err := r.Conflicts(scope)
	if err != nil {
		return nil, err
	}
	for _, c := range conflicts {
		e, err := r.Get(c.ID)
		if err == nil {
			add("CONFLICT", "提示", e, store.FieldLabel(c.Kind, c.Field), fmt.Sprintf("“%s”有%d个并发的值待审核", store.FieldLabel(c.Kind, c.Field), len(c.Siblings)))
		}
	}
	counts := map[string]int{}
	for _, f := range data.Findings {
		counts[f.Code]++
	}
	for _, c := range qualityChecks {
		data.Counts = append(data.Counts, CheckCount{Check: c.name, Code: c.code, Count: counts[c.code]})
	}
	rep := &Report{Name: "data-quality", Scope: scope, Period: "", Data: data}
	t := &rep.Table
	t.Title = "数据质量检查"
	t.Subtitle = "范围：" + ScopeTitle(scope)
	// The rule codes stay in the JSON for scripts; people read the names.
	t.Columns = cols("检查项", ">问题数")
	for _, c := range data.Counts {
		t.Rows = append(t.Rows, []string{c.Check, fmt.Sprint(c.Count)})
	}
	detail := Table{Title: "问题明细", Subtitle: t.Subtitle, Columns: cols("检查项", "级别", "记录类型", "村", "对象", "说明")}
	for _, f := range data.Findings {
		detail.Rows = append(detail.Rows, []string{f.Check, f.Severity, f.Kind, f.Village, f.Subject, f.Detail})
	}
	rep.Sections = []Table{detail}
	return rep, nil
}

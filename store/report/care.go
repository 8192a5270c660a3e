package report

import (
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// HomecareLine is one person's month in R2. Hours are in half-hours.
type HomecareLine struct {
	Village       string    `json:"village"`
	EntitlementID uuid.UUID `json:"entitlement_id"`
	Name          string    `json:"name"`
	Class         string    `json:"class"`
	Status        string    `json:"status"` // the entitlement as read on the month's last day
	ActiveDays    int       `json:"active_days"`
	Entitled      int       `json:"entitled_half_hours"`
	Delivered     int       `json:"delivered_half_hours"`
	Billable      int       `json:"billable_half_hours"`
	Unused        int       `json:"unused_half_hours"`
	Excess        int       `json:"excess_half_hours"`
	PriceFen      int64     `json:"price_fen"`
	AmountFen     int64     `json:"amount_fen"`
}

// HomecareData is R2.
type HomecareData struct {
	Month     store.Month    `json:"month"`
	Lines     []HomecareLine `json:"lines"`
	TotalFen  int64          `json:"total_fen"`
	Billable  int            `json:"billable_half_hours"`
	Delivered int            `json:"delivered_half_hours"`
}

// overlapDays counts the days of [from, to] (to may be empty: open) inside
// the month.
func overlapDays(from, to store.Date, m store.Month) int {
	a, b := m.First(), m.Last()
	if from > a {
		a = from
	}
	if to != "" && to < b {
		b = to
	}
	if b < a {
		return 0
	}
	return a.DaysUntil(b) + 1
}

// HomecareHours computes R2: per person, entitled hours (pro-rated to the
// days the entitlement was active, rounded down to half an hour), confirmed
// delivered hours, billable = min of the two, amount = billable × price.
// Unused hours do not carry over and excess hours are not paid; both are
// shown.
func HomecareHours(r *store.Reader, scope string, m store.Month) (*Report, error) {
	ents, err := store.All[*store.HomecareEntitlement](r, store.KindHomecareEntitlement, scope)
	if err != nil {
		return nil, err
	}
	data := &HomecareData{Month: m}
	for _, e := range ents {
		if e.Status == "待审核" {
			continue
		}
		days := overlapDays(e.ValidFrom, e.ValidTo, m)
		if days == 0 {
			continue
		}
		line := HomecareLine{Village: placeName(e.Scope), EntitlementID: e.ID, Class: e.Class, Status: r.StatusOn(e, m.Last()), ActiveDays: days, PriceFen: e.UnitPriceFen}
		if p, _ := r.LiveByString(e.PersonID, store.KindPerson); p != nil {
			line.Name = p.(*store.Person).Name
		}
		line.Entitled = int(int64(2*e.HoursPerMonth) * int64(days) / int64(m.Days()))
		recs, err := r.RefEntities(e.ID, store.KindServiceRecord)
		if err != nil {
			return nil, err
		}
		for _, x := range recs {
			s := x.(*store.ServiceRecord)
			if s.Status == "已确认" && s.ServiceDate.Month() == string(m) {
				line.Delivered += s.HalfHours
			}
		}
		line.Billable = min(line.Delivered, line.Entitled)
		line.Unused = line.Entitled - line.Billable
		line.Excess = line.Delivered - line.Billable
		line.AmountFen = store.RoundDiv(int64(line.Billable)*e.UnitPriceFen, 2)
		data.Lines = append(data.Lines, line)
		data.TotalFen += line.AmountFen
		data.Billable += line.Billable
		data.Delivered += line.Delivered
	}
	sort.SliceStable(data.Lines, func(i, j int) bool {
		if data.Lines[i].Village != data.Lines[j].Village {
			return data.Lines[i].Village < data.Lines[j].Village
		}
		return data.Lines[i].Name < data.Lines[j].Name
	})
	rep := &Report{Name: "homecare-hours", Scope: scope, Period: string(m), Data: data}
	t := &rep.Table
	t.Title = "政府购买居家养老服务工时结算表"
	t.Subtitle = fmt.Sprintf("范围：%s　月份：%s", ScopeTitle(scope), m)
	t.Columns = cols("村", "姓名", "服务等级", "资格状态", ">应享工时", ">实际工时", ">结算工时", ">未用工时", ">超出工时", ">单价（元/时）", ">金额（元）")
	for _, l := range data.Lines {
		t.Rows = append(t.Rows, []string{l.Village, l.Name, l.Class, l.Status, Hours(l.Entitled), Hours(l.Delivered), Hours(l.Billable), Hours(l.Unused), Hours(l.Excess), store.Yuan(l.PriceFen), store.Yuan(l.AmountFen)})
	}
	var entitled, unused, excess int
	for _, l := range data.Lines {
		entitled += l.Entitled
		unused += l.Unused
		excess += l.Excess
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d人", len(data.Lines)), "", "", Hours(entitled), Hours(data.Delivered), Hours(data.Billable), Hours(unused), Hours(excess), "", store.Yuan(data.TotalFen)}}
	t.Notes = []string{"应享工时按资格有效天数折算，向下取整到半小时；结算工时取应享与实际的较小者；未用工时不结转，超出工时不结算。"}
	return rep, nil
}

// HomeSubsidyLine is one resident of one home in R3.
type HomeSubsidyLine struct {
	Home        string    `json:"home"`
	AdmissionID uuid.UUID `json:"admission_id"`
	Name        string    `json:"name"`
	LocalHukou  bool      `json:"local_hukou"`
	Disabled    bool      `json:"disabled"`
	Months      int       `json:"months"`
	MonthlyFen  int64     `json:"monthly_fen"`
	AmountFen   int64     `json:"amount_fen"`
	Reason      string    `json:"reason,omitempty"`
}

// HomeSubsidyData is R3.
type HomeSubsidyData struct {
	Year     int               `json:"year"`
	Lines    []HomeSubsidyLine `json:"lines"`
	TotalFen int64             `json:"total_fen"`
}

// HomeSubsidy computes R3, the annual operating subsidy of mutual-aid homes:
// per local resident and month in residence on the policy day (the 15th),
// one twelfth of the annual amount, doubled for a disabled resident. A
// resident still living in the home counts to the year's end. Non-local
// residents are listed with amount 0 and the reason.
func HomeSubsidy(r *store.Reader, scope string, year int) (*Report, error) {
	homes, err := store.All[*store.Home](r, store.KindHome, scope)
	if err != nil {
		return nil, err
	}
	type homeLine struct {
		home string
		store.SubsidyLine
	}
	var lines []homeLine
	for _, home := range homes {
		ls, err := r.SubsidyLines(home, year)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			lines = append(lines, homeLine{home.Name, l})
		}
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].home != lines[j].home {
			return lines[i].home < lines[j].home
		}
		return lines[i].Name < lines[j].Name
	})
	data := &HomeSubsidyData{Year: year}
	rep := &Report{Name: "home-subsidy", Scope: scope, Period: fmt.Sprint(year), Data: data}
	t := &rep.Table
	t.Title = "农村互助幸福院运营补贴申报明细表"
	t.Subtitle = fmt.Sprintf("范围：%s　年度：%d", ScopeTitle(scope), year)
	t.Columns = cols("幸福院", "姓名", "本地户籍", "失能", ">补贴月数", ">月标准（元）", ">金额（元）", "说明")
	for _, l := range lines {
		id, _ := uuid.Parse(l.AdmissionID)
		data.Lines = append(data.Lines, HomeSubsidyLine{Home: l.home, AdmissionID: id, Name: l.Name, LocalHukou: l.LocalHukou,
			Disabled: l.Disabled, Months: l.Months, MonthlyFen: l.MonthlyFen, AmountFen: l.AmountFen, Reason: l.Reason})
		data.TotalFen += l.AmountFen
		t.Rows = append(t.Rows, append([]string{l.home, l.Name}, SubsidyCells(l.SubsidyLine)...))
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d人", len(data.Lines)), "", "", "", "", store.Yuan(data.TotalFen), ""}}
	t.Notes = []string{store.SubsidyRule(r.Policy()) + "；仍在住的老人计至年末。"}
	return rep, nil
}

// LatestAssessment returns the person's latest completed assessment dated
// on or before the date.
func LatestAssessment(r *store.Reader, p *store.Person, on store.Date) *store.Assessment {
	if p == nil {
		return nil
	}
	return r.LatestAssessment(p.ID, on)
}

// RosterLine is one person of R4.
type RosterLine struct {
	Village   string    `json:"village"`
	PersonID  uuid.UUID `json:"person_id"`
	Name      string    `json:"name"`
	IDMasked  string    `json:"id_masked"`
	Category  string    `json:"category"`
	Months    int       `json:"months"`
	AmountFen int64     `json:"amount_fen"`
	Account   string    `json:"account"`
}

// RosterData is R4.
type RosterData struct {
	Month    store.Month  `json:"month"`
	Lines    []RosterLine `json:"lines"`
	Count    int          `json:"count"`
	TotalFen int64        `json:"total_fen"`
}

// SubsidyRoster computes R4, the monthly 60-yuan service subsidy roster:
// persons 在册 on the 1st, aged 60 by the policy's rule, with 低保 or 重点优抚
// active on the 1st. Nobody is paid twice (one line per ID number), and
// nobody after the month of death.
func SubsidyRoster(r *store.Reader, scope string, m store.Month) (*Report, error) {
	pol := r.Policy()
	persons, err := store.All[*store.Person](r, store.KindPerson, scope)
	if err != nil {
		return nil, err
	}
	first := m.First()
	data := &RosterData{Month: m}
	seen := map[string]bool{}
	for _, p := range persons {
		onRoll := p.Status == "在册" || p.StatusDate != "" && p.StatusDate > first
		if !onRoll || !p.BirthDate.Valid() {
			continue
		}
		turns60 := store.Date(fmt.Sprintf("%04d%s", p.BirthDate.Time().Year()+60, string(p.BirthDate)[4:]))
		if !turns60.Valid() { // born on 29 February: birthday on 1 March
			turns60 = store.Date(fmt.Sprintf("%04d-03-01", p.BirthDate.Time().Year()+60))
		}
		switch pol.ServiceSubsidyTurn60 {
		case "next_month":
			if turns60.Month() >= string(m) {
				continue
			}
		default:
			if turns60 > m.Last() {
				continue
			}
		}
		var cats []string
		if activeOn(p.DibaoFrom, p.DibaoTo, first) {
			cats = append(cats, "低保")
		}
		if activeOn(p.YoufuFrom, p.YoufuTo, first) {
			cats = append(cats, "重点优抚")
		}
		if len(cats) == 0 || seen[p.IDNumber] {
			continue
		}
		seen[p.IDNumber] = true
		line := RosterLine{Village: placeName(p.Scope), PersonID: p.ID, Name: p.Name, IDMasked: ident.MaskID(p.IDNumber), Months: 1, AmountFen: pol.ServiceSubsidyFen}
		line.Category = cats[0]
		if len(cats) > 1 {
			line.Category = cats[0] + "、" + cats[1]
		}
		if hx, _ := r.LiveByString(p.HouseholdID, store.KindHousehold); hx != nil {
			line.Account = ident.MaskAccount(hx.(*store.Household).BankAccount)
		}
		data.Lines = append(data.Lines, line)
		data.TotalFen += line.AmountFen
	}
	data.Count = len(data.Lines)
	sort.SliceStable(data.Lines, func(i, j int) bool {
		if data.Lines[i].Village != data.Lines[j].Village {
			return data.Lines[i].Village < data.Lines[j].Village
		}
		return data.Lines[i].Name < data.Lines[j].Name
	})
	rep := &Report{Name: "subsidy-roster", Scope: scope, Period: string(m), Data: data}
	t := &rep.Table
	t.Title = "养老服务补贴（60元）发放花名册"
	t.Subtitle = fmt.Sprintf("范围：%s　月份：%s", ScopeTitle(scope), m)
	t.Columns = cols(">序号", "村", "姓名", "身份证号", "类别", ">月数", ">金额（元）", "账号")
	for i, l := range data.Lines {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), l.Village, l.Name, l.IDMasked, l.Category, fmt.Sprint(l.Months), store.Yuan(l.AmountFen), l.Account})
	}
	t.Totals = [][]string{{"", "合计", fmt.Sprintf("%d人", data.Count), "", "", "", store.Yuan(data.TotalFen), ""}}
	return rep, nil
}

func activeOn(from, to, d store.Date) bool {
	return from != "" && from <= d && (to == "" || d <= to)
}

// ClaimTable is the detail of a home's operating-subsidy claim (form A7),
// as claimed.
func ClaimTable(cl *store.OperatingSubsidyClaim) Table {
	t := Table{Title: "幸福院运营补贴申报明细", Columns: cols("序号", "姓名", "本地户籍", "失能", ">补贴月数", ">月标准（元）", ">金额（元）", "说明")}
	for i, l := range cl.Lines {
		t.Rows = append(t.Rows, append([]string{fmt.Sprint(i + 1), l.Name}, SubsidyCells(l)...))
	}
	t.Totals = [][]string{{"合计", fmt.Sprintf("%d人", len(cl.Lines)), "", "", "", "", store.Yuan(cl.TotalFen), ""}}
	return t
}

// SubsidyCells are a resident's line of R3 and of form A7 after the name:
// local hukou, disabled, months, monthly rate, amount, reason.
func SubsidyCells(l store.SubsidyLine) []string {
	yn := map[bool]string{true: "是", false: "否"}
	return []string{yn[l.LocalHukou], yn[l.Disabled], fmt.Sprint(l.Months), store.Yuan(l.MonthlyFen), store.Yuan(l.AmountFen), l.Reason}
}

package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// CoverageRow is one village (or a township or the total) of R1.
type CoverageRow struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	N        int    `json:"targets"` // denominator
	V        int    `json:"visited"` // numerator
	Rate     Rate   `json:"rate"`
	HighRisk int    `json:"high_risk"`
	WeeklyOK int    `json:"weekly_ok"` // high-risk persons visited in every week touching the month
}

// NotVisited is a person of the denominator without a counted visit.
type NotVisited struct {
	Village   string     `json:"village"`
	ProfileID uuid.UUID  `json:"profile_id"`
	Name      string     `json:"name"`
	IDMasked  string     `json:"id_masked"`
	RiskTier  string     `json:"risk_tier"`
	LastVisit store.Date `json:"last_visit"`
	DaysSince int        `json:"days_since"` // to the month's end; -1 when never visited
}

// CoverageData is R1.
type CoverageData struct {
	Month      store.Month   `json:"month"`
	Villages   []CoverageRow `json:"villages"`
	Townships  []CoverageRow `json:"townships"`
	Total      CoverageRow   `json:"total"`
	Weeks      int           `json:"weeks"`
	NotVisited []NotVisited  `json:"not_visited"`
}

// member is what coverage needs of an elderly profile and its person:
// read from the records, or from the coverage index (store.CoverMark)
// where no names are needed.
type member struct {
	id          uuid.UUID
	scope       string
	enrol, exit store.Date // the profile's enrolment, and its exit when 退出
	tier        string
	died        store.Date // the person's date of death
	profile     *store.ElderlyProfile
	person      *store.Person
}

func memberOf(ep *store.ElderlyProfile, p *store.Person) member {
	mb := member{id: ep.ID, scope: ep.Scope, enrol: ep.EnrolDate, tier: ep.RiskTier, person: p}
	if ep.Status == "退出" {
		mb.exit = ep.ExitDate
	}
	if p != nil && p.Status == "死亡" {
		mb.died = p.StatusDate
	}
	return mb
}

func memberOfMark(m store.CoverMark) member {
	mb := member{id: m.ID, scope: m.Scope, enrol: m.EnrolDate, tier: m.RiskTier}
	if m.Status == "退出" {
		mb.exit = m.ExitDate
	}
	if m.PersonStatus == "死亡" {
		mb.died = m.PersonDate
	}
	return mb
}

// coverageMember decides whether a profile is in the month's denominator:
// 在册 (or 暂停) at the month's end having enrolled at least the grace days
// before it, or died or left during the month after the cut-off day.
func coverageMember(mb member, b bounds, pol *store.Policy) (bool, store.Date) {
	first, last := b.first, b.last
	if !mb.enrol.Valid() || mb.enrol > b.enrolBy {
		return false, ""
	}
	exit := mb.exit
	if mb.died != "" && (exit == "" || mb.died < exit) {
		exit = mb.died
	}
	switch {
	case exit == "" || exit > last:
		return true, exit
	case exit < first:
		return false, exit
	}
	return exit.Time().Day() > pol.VisitDeathCutoffDay, exit
}

// bounds are a month's dates that coverage compares with, worked out once
// per month rather than once per elder.
type bounds struct {
	first, last, enrolBy store.Date // enrolBy: the latest enrolment counted
}

func boundsOf(m store.Month, pol *store.Policy) bounds {
	return bounds{first: m.First(), last: m.Last(), enrolBy: m.Last().AddDays(-pol.VisitGraceDays)}
}

// eachMember walks the profiles under scope: from the coverage index when
// only counts are wanted, else with their records.
func eachMember(r *store.Reader, scope string, records bool, fn func(member) error) error {
	if !records {
		return r.EachCoverMark(scope, func(m store.CoverMark) error { return fn(memberOfMark(m)) })
	}
	return r.Each(store.KindElderlyProfile, scope, func(e store.Entity) error {
		ep := e.(*store.ElderlyProfile)
		px, _ := r.LiveByString(ep.PersonID, store.KindPerson)
		p, _ := px.(*store.Person)
		return fn(memberOf(ep, p))
	})
}

// counted reports whether a visit counts toward coverage: submitted, by a
// method the policy counts (a village doctor's home visit counts as 上门入户
// does, store.VisitCounted).
func counted(v store.VisitMark, pol *store.Policy) bool {
	return v.Status != "草稿" && v.Status != "" && store.VisitCounted(v.Method, pol.VisitCountedMethods)
}

// countedMethods says in words which methods count, for a report's note.
func countedMethods(pol *store.Policy) string {
	s := strings.Join(pol.VisitCountedMethods, "、")
	if !oneOf(store.VisitByDoctor, pol.VisitCountedMethods) && store.VisitCounted(store.VisitByDoctor, pol.VisitCountedMethods) {
		s += "（含" + store.VisitByDoctor + "）"
	}
	return s
}

func oneOf(v string, list []string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// isoWeeks returns the ISO weeks touching a month, each as its Monday.
func isoWeeks(m store.Month) []store.Date {
	var out []store.Date
	seen := map[store.Date]bool{}
	for d := m.First(); d <= m.Last(); d = d.AddDays(1) {
		wd := (int(d.Time().Weekday()) + 6) % 7 // Monday = 0
		mon := d.AddDays(-wd)
		if !seen[mon] {
			seen[mon] = true
			out = append(out, mon)
		}
	}
	return out
}

// VisitCoverage computes R1, the monthly visit coverage by village. The
// township and total rows are recomputed from the summed counts.
func VisitCoverage(r *store.Reader, scope string, m store.Month) (*Report, error) {
	return visitCoverage(r, scope, m, true, nil)
}

// CoverageTrend is the total coverage of scope in each of months, read in
// one pass over the elders: the same counts as VisitCoverage month by
// month (rates from summed counts).
func CoverageTrend(r *store.Reader, scope string, months []store.Month) ([]Rate, error) {
	tr, err := newTrend(r, months)
	if err != nil {
		return nil, err
	}
	pol := r.Policy()
	err = eachMember(r, scope, false, func(mb member) error {
		tr.add(mb, pol)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tr.rates(), nil
}

// CoverageCountsTrend is R1's figures without the not-visited list (whose
// last visits cost a look-up each), what a dashboard of a county or a
// township shows, with CoverageTrend, in one pass over the elders.
func CoverageCountsTrend(r *store.Reader, scope string, m store.Month, months []store.Month) (*CoverageData, []Rate, error) {
	tr, err := newTrend(r, months)
	if err != nil {
		return nil, nil, err
	}
	rep, err := visitCoverage(r, scope, m, false, tr)
	if err != nil {
		return nil, nil, err
	}
	return rep.Data.(*CoverageData), tr.rates(), nil
}

// trend counts the members and the visited of several months.
type trend struct {
	months  []store.Month
	bounds  []bounds
	visited []map[uuid.UUID]bool
	n, v    []int
}

func newTrend(r *store.Reader, months []store.Month) (*trend, error) {
	pol := r.Policy()
	tr := &trend{months: months, visited: make([]map[uuid.UUID]bool, len(months)), n: make([]int, len(months)), v: make([]int, len(months))}
	for i, m := range months {
		tr.bounds = append(tr.bounds, boundsOf(m, pol))
		marks, err := r.VisitMarks(m)
		if err != nil {
			return nil, err
		}
		tr.visited[i] = map[uuid.UUID]bool{}
		for id, vs := range marks {
			for _, v := range vs {
				if counted(v, pol) {
					tr.visited[i][id] = true
					break
				}
			}
		}
	}
	return tr, nil
}

func (tr *trend) add(mb member, pol *store.Policy) {
	for i := range tr.months {
		if in, _ := coverageMember(mb, tr.bounds[i], pol); in {
			tr.n[i]++
			if tr.visited[i][mb.id] {
				tr.v[i]++
			}
		}
	}
}

func (tr *trend) rates() []Rate {
	out := make([]Rate, len(tr.months))
	for i := range tr.months {
		out[i] = RateOf(tr.v[i], tr.n[i])
	}
	return out
}

func visitCoverage(r *store.Reader, scope string, m store.Month, details bool, tr *trend) (*Report, error) {
	pol := r.Policy()
	// The visits come from the index and the profiles one at a time, so
	// that a county of 100,000 people is counted in little memory.
	visits := map[uuid.UUID][]store.VisitMark{}
	for _, mm := range []store.Month{m.Add(-1), m, m.Add(1)} {
		vs, err := r.VisitMarks(mm)
		if err != nil {
			return nil, err
		}
		for k, v := range vs {
			visits[k] = append(visits[k], v...)
		}
	}
	weeks := isoWeeks(m)
	monthBounds := boundsOf(m, pol)
	rows := map[string]*CoverageRow{}
	for _, d := range ident.DivisionsUnder(scope, 12) {
		rows[d.Code] = &CoverageRow{Code: d.Code, Name: d.Name}
	}
	data := &CoverageData{Month: m, Weeks: len(weeks)}
	err := eachMember(r, scope, details, func(mb member) error {
		if tr != nil {
			tr.add(mb, pol)
		}
		in, exit := coverageMember(mb, monthBounds, pol)
		village := mb.scope
		row := rows[village]
		if row == nil {
			row = &CoverageRow{Code: village, Name: placeName(village)}
			rows[village] = row
		}
		if !in {
			return nil
		}
		row.N++
		visited := false
		var last store.Date
		weekHit := map[store.Date]bool{}
		for _, v := range visits[mb.id] {
			if !counted(v, pol) {
				continue
			}
			if v.Date.Month() == string(m) {
				visited = true
			}
			if v.Date <= m.Last() && v.Date > last {
				last = v.Date
			}
			wd := (int(v.Date.Time().Weekday()) + 6) % 7
			weekHit[v.Date.AddDays(-wd)] = true
		}
		if visited {
			row.V++
		}
		if mb.tier == "高风险" {
			row.HighRisk++
			ok := true
			for _, mon := range weeks {
				sunday := mon.AddDays(6)
				if sunday < mb.enrol || exit != "" && mon > exit {
					continue // not on the register that week
				}
				ok = ok && weekHit[mon]
			}
			if ok {
				row.WeeklyOK++
			}
		}
		if !visited && details {
			nv := NotVisited{Village: placeName(village), ProfileID: mb.id, RiskTier: mb.tier, DaysSince: -1}
			if p := mb.person; p != nil {
				nv.Name, nv.IDMasked = p.Name, ident.MaskID(p.IDNumber)
			}
			if last == "" {
				last = r.LastVisit(mb.id, m, store.LastVisitLookback)
			}
			if last != "" {
				nv.LastVisit = last
				nv.DaysSince = last.DaysUntil(m.Last())
			}
			data.NotVisited = append(data.NotVisited, nv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	data.Villages, data.Townships, data.Total = rollUp(rows,
		func(code string) *CoverageRow { return &CoverageRow{Code: code, Name: placeName(code)} },
		sumInto, func(r *CoverageRow, _ int) { r.Rate = RateOf(r.V, r.N) })
	data.Total.Code, data.Total.Name = scope, "合计"
	sort.SliceStable(data.NotVisited, func(i, j int) bool {
		if data.NotVisited[i].Village != data.NotVisited[j].Village {
			return data.NotVisited[i].Village < data.NotVisited[j].Village
		}
		return data.NotVisited[i].DaysSince > data.NotVisited[j].DaysSince
	})

	rep := &Report{Name: "visit-coverage", Scope: scope, Period: string(m), Data: data}
	t := &rep.Table
	t.Title = "特殊困难老年人月度探访情况统计表"
	t.Subtitle = fmt.Sprintf("范围：%s　月份：%s　周数：%d", ScopeTitle(scope), m, len(weeks))
	t.Columns = cols("乡镇", "村", ">应探访", ">已探访", ">探访率", ">高风险对象", ">每周探访达标")
	for _, tw := range data.Townships {
		for _, v := range data.Villages {
			if strings.HasPrefix(v.Code, tw.Code) {
				t.Rows = append(t.Rows, []string{tw.Name, v.Name, fmt.Sprint(v.N), fmt.Sprint(v.V), v.Rate.Text, fmt.Sprint(v.HighRisk), fmt.Sprint(v.WeeklyOK)})
			}
		}
		t.Rows = append(t.Rows, []string{tw.Name, "小计", fmt.Sprint(tw.N), fmt.Sprint(tw.V), tw.Rate.Text, fmt.Sprint(tw.HighRisk), fmt.Sprint(tw.WeeklyOK)})
	}
	tot := data.Total
	t.Totals = [][]string{{"合计", "", fmt.Sprint(tot.N), fmt.Sprint(tot.V), tot.Rate.Text, fmt.Sprint(tot.HighRisk), fmt.Sprint(tot.WeeklyOK)}}
	t.Notes = []string{
		fmt.Sprintf("应探访：月末在册且入册满%d天的对象，加上月内%d日后去世或退出的对象。", pol.VisitGraceDays, pol.VisitDeathCutoffDay),
		"已探访：当月有已提交的" + countedMethods(pol) + "探访记录。乡镇和合计的探访率按人数合计重新计算，不是各村比率的平均。",
	}
	nv := Table{Title: "未探访名单", Subtitle: t.Subtitle, Columns: cols("村", "姓名", "身份证号", "风险分级", "最近探访", ">距月末天数")}
	for _, x := range data.NotVisited {
		days := "从未探访"
		if x.DaysSince >= 0 {
			days = fmt.Sprint(x.DaysSince)
		}
		nv.Rows = append(nv.Rows, []string{x.Village, x.Name, x.IDMasked, x.RiskTier, string(x.LastVisit), days})
	}
	rep.Sections = []Table{nv}
	return rep, nil
}

func sumInto(dst, src *CoverageRow) {
	dst.N += src.N
	dst.V += src.V
	dst.HighRisk += src.HighRisk
	dst.WeeklyOK += src.WeeklyOK
}

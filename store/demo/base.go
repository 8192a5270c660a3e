package demo

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store"
)

// elder is a person on the visit register, with the script of their visits.
type elder struct {
	key      string
	village  string
	tier     string
	hardship []string
	birth    store.Date
	male     bool
	id       string // fixed ID from domain.md §8.2, or "" for a generated one
	enrol    store.Date
	person   *store.Person
	profile  *store.ElderlyProfile
}

// base writes the §8 data set.
func (g *gen) base() {
	hh := map[string][]*store.Household{}
	for _, v := range []struct {
		code string
		n    int
	}{{VillageJia, 14}, {VillageYi, 10}, {VillageBing, 4}, {VillageShequ, 2}} {
		for i := 0; i < v.n; i++ {
			htype := "建档立卡脱贫户"
			switch {
			case v.code == VillageShequ || i%5 == 4:
				htype = "一般农户"
			case i%7 == 6:
				htype = "防止返贫监测对象"
			}
			hh[v.code] = append(hh[v.code], g.household(v.code, htype))
		}
	}
	if g.err != nil {
		return
	}
	jia, yi := hh[VillageJia], hh[VillageYi]

	// The register of special-difficulty elderly: 甲村 8, 乙村 6 counted in
	// November, plus one who dies on the 10th (not counted) and one enrolled
	// on the 27th (inside the 7-day grace, not counted). 丙村 has none.
	elders := []*elder{
		{key: "A1", village: VillageJia, tier: "高风险", hardship: []string{"独居", "高龄"}, birth: "1938-07-22", male: true, id: "130131193807220112", enrol: "2024-03-01"},
		{key: "A2", village: VillageJia, tier: "高风险", hardship: []string{"空巢", "高龄"}, birth: "1941-09-30", male: false, id: "130131194109300486", enrol: "2024-03-01"},
		{key: "A3", village: VillageJia, tier: "重点", hardship: []string{"失能"}, birth: "1945-03-15", male: false, id: "130131194503150025", enrol: "2024-05-10"},
		{key: "A4", village: VillageJia, tier: "重点", hardship: []string{"重残"}, birth: "1952-02-29", male: false, id: "130131195202290248", enrol: "2024-06-01"},
		{key: "A5", village: VillageJia, tier: "重点", hardship: []string{"分散供养特困"}, birth: "1947-08-08", male: false, id: "13013119470808018X", enrol: "2024-06-01"},
		{key: "A6", village: VillageJia, tier: "重点", hardship: []string{"失能", "留守"}, birth: "1950-01-10", male: true, id: "130428195001100151", enrol: "2024-09-01"},
		{key: "A7", village: VillageJia, tier: "重点", hardship: []string{"失能", "独居"}, birth: "1949-04-12", male: true, enrol: "2024-09-01"},
		{key: "A8", village: VillageJia, tier: "一般", hardship: []string{"空巢"}, birth: "1958-12-01", male: true, id: "130131195812010637", enrol: "2025-01-15"},
		{key: "B1", village: VillageYi, tier: "高风险", hardship: []string{"独居", "高龄"}, birth: "1936-11-03", male: false, enrol: "2024-03-01"},
		{key: "B2", village: VillageYi, tier: "重点", hardship: []string{"失能"}, birth: "1944-02-18", male: true, enrol: "2024-04-01"},
		{key: "B3", village: VillageYi, tier: "重点", hardship: []string{"独居", "计划生育特殊家庭"}, birth: "1948-06-06", male: false, enrol: "2024-04-01"},
		{key: "B4", village: VillageYi, tier: "重点", hardship: []string{"重残"}, birth: "1951-10-21", male: true, enrol: "2024-07-01"},
		{key: "B5", village: VillageYi, tier: "重点", hardship: []string{"失能", "空巢"}, birth: "1946-01-30", male: false, enrol: "2024-07-01"},
		{key: "B6", village: VillageYi, tier: "一般", hardship: []string{"留守"}, birth: "1960-05-05", male: true, enrol: "2025-02-01"},
		{key: "X1", village: VillageJia, tier: "重点", hardship: []string{"失能"}, birth: "1940-12-12", male: true, enrol: "2024-03-01"},
		{key: "X2", village: VillageYi, tier: "重点", hardship: []string{"重残"}, birth: "1955-08-19", male: false, enrol: "2025-11-27"},
	}
	byKey := map[string]*elder{}
	ji, yj := 0, 0
	for _, e := range elders {
		byKey[e.key] = e
		var h *store.Household
		if e.village == VillageJia {
			h = jia[ji%len(jia)]
			ji++
		} else {
			h = yi[yj%len(yi)]
			yj++
		}
		e.person = g.person(h, "户主", e.birth, e.male, e.id)
		// 低保 for everybody on the register: they are on the 60-yuan roster.
		g.edit(e.person.ID, func(x store.Entity) { x.(*store.Person).DibaoFrom = "2020-01-01" })
	}
	// Younger members of the elders' households.
	for i, h := range append(append([]*store.Household{}, jia...), yi...) {
		if i >= len(elders) {
			break
		}
		g.person(h, []string{"子", "女", "儿媳"}[i%3], g.birth(1968, 1990), i%2 == 0, "")
	}
	g.dupSource = byKey["B2"].person
	g.roster(hh)
	g.register(elders)
	g.visits(elders, byKey)
	g.signElders(byKey)
	g.deaths(byKey)
	home := g.home(jia)
	g.assessments(byKey)
	g.homecare(byKey)
	g.claims(home)
	g.loans(hh, home)
	g.fillPeople(hh)
	g.rejections(hh, byKey, home)
	g.doctorCare(byKey)
}

// roster adds the rest of the 60-yuan subsidy roster and its edge cases:
// three 重点优抚 elders, a man turning 60 in November 2025 (paid from that
// month under the default rule), a 低保 that starts on 15 November (paid
// from December), a 59-year-old on 低保 and a 低保 elder who moved away in
// October (neither paid).
func (g *gen) roster(hh map[string][]*store.Household) {
	bing, shequ := hh[VillageBing], hh[VillageShequ]
	for i := 0; i < 3; i++ {
		p := g.person(bing[i], "户主", g.birth(1940, 1955), i%2 == 0, "")
		g.edit(p.ID, func(x store.Entity) { x.(*store.Person).YoufuFrom = "2019-01-01" })
	}
	p := g.person(bing[3], "户主", "1965-11-20", true, "")
	g.edit(p.ID, func(x store.Entity) { x.(*store.Person).DibaoFrom = "2023-05-01" })
	p = g.person(shequ[0], "户主", "1948-03-03", false, "")
	g.edit(p.ID, func(x store.Entity) { x.(*store.Person).DibaoFrom = "2025-11-15" })
	p = g.person(shequ[1], "户主", "1966-03-01", true, "")
	g.edit(p.ID, func(x store.Entity) { x.(*store.Person).DibaoFrom = "2024-01-01" })
	p = g.person(bing[0], "父母", "1943-09-09", false, "")
	g.edit(p.ID, func(x store.Entity) {
		x.(*store.Person).DibaoFrom = "2021-01-01"
	})
	g.edit(p.ID, func(x store.Entity) {
		x.(*store.Person).Status = "迁出"
		x.(*store.Person).StatusDate = "2025-10-20"
	})
}

// register puts the elders on the visit register.
func (g *gen) register(elders []*elder) {
	visitors := map[string][]string{VillageJia: {"甲村网格员刘芳"}, VillageYi: {"乙村网格员陈明"}}
	for _, e := range elders {
		ep := &store.ElderlyProfile{
			PersonID:          e.person.ID.String(),
			HardshipTypes:     e.hardship,
			RiskTier:          e.tier,
			AssignedVisitors:  visitors[e.village],
			EmergencyContact:  store.Contact{Name: g.name(), Relation: "子女", Mobile: g.mobile()},
			Supporters:        []store.Supporter{{Name: g.name(), Relation: "子", Mobile: g.mobile(), LivesApart: true}},
			LivingArrangement: "独居",
			EnrolDate:         e.enrol,
			Status:            "在册",
		}
		if rule := store.RiskTierFor(ageOn(e.birth, e.enrol), e.hardship); rule != e.tier {
			ep.RiskOverrideReason = "村委会研判：" + e.tier
		}
		e.profile = g.create(ep).(*store.ElderlyProfile)
	}
}

func ageOn(birth, on store.Date) int {
	y := on.Time().Year() - birth.Time().Year()
	if on[5:] < birth[5:] {
		y--
	}
	return y
}

// visits writes three months of visits. Everyone is visited monthly; the
// high-risk elders weekly, except A2, who misses the week of 10–16
// November. In November A4 is visited by phone only, B6 has only a draft,
// and A5 is visited on the 5th before dying on the 20th.
func (g *gen) visits(elders []*elder, byKey map[string]*elder) {
	for _, e := range elders {
		if e.key == "X2" {
			continue
		}
		var days []store.Date
		for _, m := range []store.Month{"2025-09", "2025-10", "2025-11"} {
			if e.tier == "高风险" {
				for d := m.First(); d <= m.Last(); d = d.AddDays(7) {
					if e.key == "A2" && d >= "2025-11-10" && d <= "2025-11-16" {
						continue
					}
					days = append(days, d)
				}
				continue
			}
			if e.key == "X1" && m == "2025-11" {
				continue // dies on 10 November before the month's visit
			}
			day := 3 + g.rng.IntN(20)
			if e.key == "A5" && m == "2025-11" {
				day = 5
			}
			days = append(days, store.Date(fmt.Sprintf("%s-%02d", m, day)))
		}
		for _, d := range days {
			v := g.visit(e, d)
			switch {
			case e.key == "A4" && d.Month() == "2025-11":
				v.Method, v.StartTime, v.EndTime, v.Confirmation, v.ConfirmationNote = "电话", "", "", "电话录音编号", fmt.Sprintf("LY%s01", d[5:7])
			case e.key == "B6" && d.Month() == "2025-11":
				v.Status = "草稿"
			case e.key == "A1" && d == "2025-11-22":
				v.Needs = []string{"就医"}
				v.HealthCheck.Disease, v.HealthCheck.Note = "异常", "咳嗽气喘三天，未就医"
				v.Issues = "老人咳嗽气喘三天，独居无人陪同就医，自述夜间加重"
				v.Actions = "已电话通知村医当天上门；告知紧急联系人，请其本周回家陪同"
				v.RiskAfterVisit = "关注"
			case e.key == "A3" && d.Month() == "2025-10":
				v.SafetyHazards, v.Needs = []string{"防跌倒"}, []string{"适老化改造"}
				v.Issues = "卫生间地面湿滑无扶手，老人上月在卫生间滑倒一次"
				v.Actions = "放置防滑垫；报乡镇民政办申请适老化改造"
				v.SafetyAction = "放置防滑垫"
			}
			g.create(v)
			if d.Month() < "2025-11" && g.err == nil {
				// Earlier months have been reviewed by the township.
				g.edit(v.ID, func(x store.Entity) { x.(*store.Visit).Status = "已审核" })
			}
			g.refer(e, v)
		}
	}
}

func (g *gen) visit(e *elder, d store.Date) *store.Visit {
	h := 9 + g.rng.IntN(6)
	v := &store.Visit{
		ElderlyID:      e.profile.ID.String(),
		VisitDate:      d,
		StartTime:      fmt.Sprintf("%02d:00", h),
		EndTime:        fmt.Sprintf("%02d:40", h),
		Method:         "上门入户",
		Visitors:       e.profile.AssignedVisitors,
		SawElder:       true,
		HealthCheck:    store.HealthCheck{Expression: "正常", Mobility: "正常", Reaction: "正常", Disease: "正常"},
		MentalCheck:    []string{"良好", "一般"}[g.rng.IntN(2)],
		SupportCheck:   "子女经常看望问候",
		HygieneCheck:   "良好",
		RiskAfterVisit: "正常",
		Confirmation:   "老人签字",
		Status:         "已提交",
	}
	if g.rng.IntN(4) == 0 {
		v.SafetyHazards = []string{"防跌倒"}
		v.SafetyAction = "提醒家属加装扶手"
		v.Needs = []string{"适老化改造"}
	}
	if e.tier != "一般" && g.rng.IntN(3) == 0 {
		v.HealthCheck.Mobility = "异常"
		v.HealthCheck.Note = "行走需扶持"
	}
	return v
}

// refer hands on what two visits found (B3): A1's visit of 22 November
// an urgent need of a doctor, still being seen to; A3's October visit a
// grab rail for the bathroom, which the township fitted.
func (g *gen) refer(e *elder, v *store.Visit) {
	switch {
	case e.key == "A1" && v.VisitDate == "2025-11-22":
		r := g.create(&store.Referral{VisitID: v.ID.String(), NeedType: "就医", ReferredTo: "村医",
			Urgency: "紧急", DueDate: "2025-11-24", Status: "待处理"}).(*store.Referral)
		g.edit(r.ID, func(x store.Entity) { x.(*store.Referral).Status = "处理中" })
	case e.key == "A3" && v.VisitDate.Month() == "2025-10":
		r := g.create(&store.Referral{VisitID: v.ID.String(), NeedType: "适老化改造", ReferredTo: "乡镇民政",
			Urgency: "一般", DueDate: "2025-11-15", Status: "待处理"}).(*store.Referral)
		g.edit(r.ID, func(x store.Entity) {
			x.(*store.Referral).Status = "已办结"
			x.(*store.Referral).Outcome = "乡镇民政办已为卫生间加装扶手，老人家属确认"
			x.(*store.Referral).ClosedAt = "2025-11-12"
		})
	}
}

// deaths records the two deaths of November: X1 on the 10th, A5 on the
// 20th. Each takes the elder off the register on that day.
func (g *gen) deaths(byKey map[string]*elder) {
	for _, x := range []struct {
		key string
		d   store.Date
	}{{"X1", "2025-11-10"}, {"A5", "2025-11-20"}} {
		id, d := byKey[x.key].person.ID, x.d
		g.edit(id, func(x store.Entity) {
			p := x.(*store.Person)
			p.Status, p.StatusDate = "死亡", d
		})
	}
}

package demo

import (
	"fmt"

	"github.com/cunzhan/cunzhan/store"
)

// gbScores returns GB/T 42195 item scores adding up to total: every item
// starts at its maximum and points are taken off item by item.
func gbScores(total int) map[string]int {
	items := store.AssessItems(store.InstrumentGB)
	out := map[string]int{}
	sum := 0
	for _, it := range items {
		out[it.Code] = it.Max()
		sum += it.Max()
	}
	for sum > total {
		for _, it := range items {
			if sum > total && out[it.Code] > 0 {
				out[it.Code]--
				sum--
			}
		}
	}
	return out
}

// assess writes a completed assessment.
func (g *gen) assess(p *store.Person, instrument string, scores map[string]int, adj store.Adjustments, date store.Date) *store.Assessment {
	a := &store.Assessment{
		PersonID:    p.ID.String(),
		Instrument:  instrument,
		Reason:      "首次评估",
		AssessDate:  date,
		Assessors:   []string{"评估员孙丽", "评估员周强"},
		Informant:   store.Informant{Name: "家属" + string([]rune(p.Name)[:1]), Relation: "子女"},
		ItemScores:  scores,
		Adjustments: adj,
		Status:      "已完成",
	}
	return g.create(a).(*store.Assessment)
}

// mzGolden are the MZ/T 039 scores of domain.md §8.3: ADL 55 (grade 2),
// 精神状态 0 (grade 0), 感知觉与沟通 grade 1, 社会参与 4 (grade 1) → 中度.
func mzGolden() map[string]int {
	return map[string]int{
		"adl_eat": 10, "adl_bath": 0, "adl_groom": 5, "adl_dress": 5, "adl_stool": 10,
		"adl_urine": 5, "adl_toilet": 5, "adl_transfer": 10, "adl_walk": 5, "adl_stairs": 0,
		"mental_cognition": 0, "mental_aggress": 0, "mental_depress": 0,
		"sense_conscious": 0, "sense_vision": 2, "sense_hearing": 1, "sense_comm": 0,
		"social_life": 1, "social_work": 1, "social_time": 1, "social_person": 0, "social_skill": 1,
	}
}

// assessments scripts the four assessments of §8.3: GB/T 42195 total 47
// (中度), the same with dementia (重度), the MZ/T 039 golden case (中度) and
// the ambiguous MZ/T cell ADL 2 with the other three domains at 1.
func (g *gen) assessments(byKey map[string]*elder) {
	g.assess(byKey["A6"].person, store.InstrumentGB, gbScores(47), store.Adjustments{}, "2025-02-20")
	g.assess(byKey["A7"].person, store.InstrumentGB, gbScores(47), store.Adjustments{Dementia: true}, "2024-12-10")
	g.assess(byKey["B2"].person, store.InstrumentMZ, mzGolden(), store.Adjustments{}, "2025-06-18")
	amb := mzGolden()
	amb["mental_cognition"] = 1
	g.assess(byKey["B5"].person, store.InstrumentMZ, amb, store.Adjustments{}, "2025-08-05")
}

// home builds 甲村互助幸福院: 8 rooms, 12 beds (one under repair) and six
// residents, two of them disabled, one registered in another county and one
// admitted on 10 July 2025. Its 2025 operating subsidy is ¥3,600.
func (g *gen) home(jia []*store.Household) *store.Home {
	h := g.create(&store.Home{
		HomeCode: VillageJia + "-H01", Name: "甲村互助幸福院", HomeType: "农村互助幸福院", VillageCode: VillageJia,
		OperationMode: "村集体自办", FloorAreaM2: 420.5, DesignBeds: 12, ManagerName: "甲村主任赵德明", ManagerPhone: "0311-82345678", Status: "运营",
	}).(*store.Home)
	if g.err != nil {
		return h
	}
	for i := 1; i <= 8; i++ {
		rtype, n := "双人", 2
		if i > 4 {
			rtype, n = "单人", 1
		}
		room := g.create(&store.Room{HomeID: h.ID.String(), RoomNo: fmt.Sprintf("10%d", i), RoomType: rtype}).(*store.Room)
		for k := 1; k <= n; k++ {
			status := "空闲"
			if i == 8 {
				status = "维修"
			}
			g.beds = append(g.beds, g.create(&store.Bed{HomeID: h.ID.String(), RoomID: room.ID.String(), BedNo: fmt.Sprintf("%s-%d", room.RoomNo, k), Status: status}).(*store.Bed))
		}
	}
	residents := []struct {
		birth    store.Date
		male     bool
		score    int
		dementia bool
		checkin  store.Date
		nonLocal bool
		bed      int
	}{
		{"1938-02-14", true, 80, false, "2024-04-08", false, 0},
		{"1940-06-30", true, 80, false, "2024-04-08", false, 1},
		{"1942-10-05", false, 80, false, "2024-05-20", false, 2},
		{"1939-01-23", false, 47, false, "2024-05-20", false, 3},
		{"1944-07-07", true, 80, false, "2024-09-01", true, 4},
		{"1936-12-24", false, 47, true, "2025-07-10", false, 5},
	}
	for i, r := range residents {
		hh := jia[9+i%5]
		p := g.person(hh, "父母", r.birth, r.male, "")
		if r.nonLocal {
			g.edit(p.ID, func(x store.Entity) { x.(*store.Person).HukouCode = "130407100201" })
		} else {
			g.edit(p.ID, func(x store.Entity) { x.(*store.Person).DibaoFrom = "2022-01-01" })
		}
		apply := r.checkin.AddDays(-9)
		a := g.assess(p, store.InstrumentGB, gbScores(r.score), store.Adjustments{Dementia: r.dementia}, apply.AddDays(3))
		g.create(&store.Admission{
			HomeID: h.ID.String(), PersonID: p.ID.String(), StayType: "长期入住", ApplyDate: apply, CheckinDate: r.checkin,
			BedID: g.beds[r.bed].ID.String(), LivingBefore: "独居",
			Supporters:       []store.Supporter{{Name: g.name(), Relation: "子", Mobile: g.mobile()}},
			EmergencyContact: store.Contact{Name: g.name(), Relation: "女", Mobile: g.mobile()},
			HealthSummary:    "高血压，规律服药",
			AssessmentID:     a.ID.String(), MealFeeFen: 30000, UtilityFeeFen: 2000, OwnGrain: true,
			AgreementSignedDate: r.checkin, AgreementParties: []string{"老人", "赡养人", "村委会", "幸福院"},
			Status: "在住",
		})
		g.residents = append(g.residents, resident{p, a.ID.String()})
	}
	return h
}

// homecare writes four entitlements to purchased home-care hours and their
// November services: 重度 60 h with 62 h delivered, 中度 45 h with 41.5 h,
// 特定群体 30 h with 30 h (plus one unconfirmed record), and one that ended
// on 31 October. The November statement is ¥2,630.00.
func (g *gen) homecare(byKey map[string]*elder) {
	ent := func(e *elder, class string, from, to store.Date) *store.HomecareEntitlement {
		return g.create(&store.HomecareEntitlement{PersonID: e.person.ID.String(), Class: class, ValidFrom: from, ValidTo: to, ProviderOrg: "示例镇居家养老服务站", Status: "有效"}).(*store.HomecareEntitlement)
	}
	svc := func(h *store.HomecareEntitlement, d store.Date, start, end, who, status string) {
		g.create(&store.ServiceRecord{EntitlementID: h.ID.String(), ServiceDate: d, StartTime: start, EndTime: end,
			Items: []string{"助洁", "助餐"}, Caregiver: who, Confirmation: "老人/家属签字", Status: status})
	}
	heavy := ent(byKey["A7"], "重度失能", "2025-01-01", "")
	medium := ent(byKey["A6"], "中度失能", "2025-03-01", "")
	group := ent(byKey["B3"], "特定群体", "2025-06-01", "")
	ended := ent(byKey["B4"], "特定群体", "2025-05-01", "2025-10-31")
	for d := store.Date("2025-11-01"); d <= "2025-11-30"; d = d.AddDays(1) {
		svc(heavy, d, "08:00", "10:00", "护理员张兰", "已确认")
	}
	svc(heavy, "2025-11-30", "14:00", "16:00", "护理员张兰", "已确认")
	for d := store.Date("2025-11-01"); d <= "2025-11-20"; d = d.AddDays(1) {
		svc(medium, d, "10:30", "12:30", "护理员李梅", "已确认")
	}
	svc(medium, "2025-11-21", "14:00", "15:30", "护理员李梅", "已确认")
	for d := store.Date("2025-11-01"); d <= "2025-11-15"; d = d.AddDays(1) {
		svc(group, d, "14:00", "16:00", "护理员王芳", "已确认")
	}
	svc(group, "2025-11-20", "14:00", "16:00", "护理员王芳", "待确认")
	for d := store.Date("2025-10-01"); d <= "2025-10-15"; d = d.AddDays(1) {
		svc(ended, d, "09:00", "11:00", "护理员王芳", "已确认")
	}
	for _, k := range []struct {
		key, class string
	}{{"A7", "重度失能"}, {"A6", "中度失能"}, {"B3", "特定群体"}} {
		g.edit(byKey[k.key].profile.ID, func(x store.Entity) { x.(*store.ElderlyProfile).HomecareClass = k.class })
	}
	g.reject("同一服务人员时间重叠的服务记录", "SERVICE_OVERLAP", func() error {
		_, err := g.b.Create(&store.ServiceRecord{EntitlementID: group.ID.String(), ServiceDate: "2025-11-03", StartTime: "09:00", EndTime: "11:00",
			Items: []string{"助洁"}, Caregiver: "护理员张兰", Confirmation: "老人/家属签字", Status: "已确认"}, g.author)
		return err
	})
	g.reject("服务资格截止次日的服务记录", "SERVICE_OUTSIDE_ENTITLEMENT", func() error {
		_, err := g.b.Create(&store.ServiceRecord{EntitlementID: ended.ID.String(), ServiceDate: "2025-11-01", StartTime: "09:00", EndTime: "11:00",
			Items: []string{"助洁"}, Caregiver: "护理员王芳", Confirmation: "老人/家属签字", Status: "已确认"}, g.author)
		return err
	})
}

// claims writes the home's operating-subsidy claims: 2024's, paid in
// January 2025, and 2025's, checked by the village and the township in
// November and waiting for the county's 审定 (¥3,600.00, as R3 counts).
func (g *gen) claims(home *store.Home) {
	if g.err != nil {
		return
	}
	steps := []struct {
		status string
		set    func(c *store.OperatingSubsidyClaim, on store.Date)
	}{
		{"村审核", func(c *store.OperatingSubsidyClaim, on store.Date) {
			c.VillageOpinion, c.VillageDate = "经村委会核实，情况属实", on
		}},
		{"乡镇审核", func(c *store.OperatingSubsidyClaim, on store.Date) {
			c.TownshipOpinion, c.TownshipDate = "同意上报", on
		}},
		{"县民政审定", func(c *store.OperatingSubsidyClaim, on store.Date) {
			c.CountyOpinion, c.CountyDate = "审定同意", on
		}},
		{"已拨付", func(c *store.OperatingSubsidyClaim, on store.Date) { c.PaidDate = on }},
	}
	for _, y := range []struct {
		year int
		days []store.Date
	}{
		{2024, []store.Date{"2024-12-20", "2024-12-27", "2025-01-10", "2025-01-20"}},
		{2025, []store.Date{"2025-11-20", "2025-11-25"}},
	} {
		c := g.create(&store.OperatingSubsidyClaim{HomeID: home.ID.String(), Year: y.year, Status: "草稿"})
		for i, on := range y.days {
			st := steps[i]
			g.edit(store.MetaOf(c).ID, func(e store.Entity) {
				cl := e.(*store.OperatingSubsidyClaim)
				cl.Status = st.status
				st.set(cl, on)
			})
		}
	}
}

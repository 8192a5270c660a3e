package demo

import (
	"fmt"
	"sort"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// Family-doctor signing (家庭医生签约) and the village doctors' home visits
// (村医上门). Nothing here draws on the random source: the rest of the data
// set stays what it was.

// doctor is a family doctor of the data set.
type doctor struct {
	name, phone, clinicType, clinic, team string
}

var (
	doctorJia   = doctor{"刘建华", "0311-82341001", "村卫生室", "甲村卫生室", ""}
	doctorYi    = doctor{"陈玉芳", "0311-82341002", "村卫生室", "乙村卫生室", ""}
	doctorTown  = doctor{"周海军", "0311-82341010", "乡镇卫生院", "示例镇卫生院", "示例镇卫生院家庭医生团队"}
	doctorBing  = doctor{"王淑珍", "0311-82342010", "乡镇卫生院", "示例乡卫生院", "示例乡卫生院家庭医生一组"}
	doctorScale = doctor{"李卫国", "", "村卫生室", "", ""}
)

// sign writes a signing of p with a doctor; status and end as given.
func (g *gen) sign(p *store.Person, d doctor, from, to store.Date) *store.FamilyDoctorSigning {
	clinic := d.clinic
	if clinic == "" {
		clinic = villageLabel(store.MetaOf(p).Scope) + "卫生室"
	}
	pkg := "老年人健康管理包"
	if ageOn(p.BirthDate, from) < store.SigningElderAge {
		pkg = "基础包"
	}
	return g.create(&store.FamilyDoctorSigning{PersonID: p.ID.String(), DoctorName: d.name, DoctorPhone: d.phone, ClinicType: d.clinicType,
		ClinicName: clinic, TeamName: d.team, ServicePackage: pkg, SignedFrom: from, SignedTo: to, Status: store.SigningValid}).(*store.FamilyDoctorSigning)
}

// signElders signs the elders of the visit register, before the deaths of
// November (A5's and X1's signings end with them). At the end of November
// 甲村 has A1, A2, A3, A6 and A7 signed, A4's signing ran out on 30
// September and A8 never signed: 5 of 7 at home; 乙村 has B1, B2, B3, B4 and
// B6 (from 3 November) signed, B5 ended hers on 31 August and X2 never
// signed: 5 of 7.
func (g *gen) signElders(byKey map[string]*elder) {
	if g.err != nil {
		return
	}
	for _, k := range []string{"A1", "A2", "A5", "A6", "A7", "X1"} {
		g.sign(byKey[k].person, doctorJia, "2025-01-01", "2025-12-31")
	}
	g.sign(byKey["A3"].person, doctorJia, "2025-03-01", "2026-02-28")
	g.sign(byKey["A4"].person, doctorJia, "2024-10-01", "2025-09-30")
	for _, k := range []string{"B1", "B2", "B3", "B4"} {
		g.sign(byKey[k].person, doctorYi, "2025-02-01", "2026-01-31")
	}
	b5 := g.sign(byKey["B5"].person, doctorYi, "2025-02-01", "2026-01-31")
	if g.err == nil {
		g.edit(b5.ID, func(x store.Entity) {
			s := x.(*store.FamilyDoctorSigning)
			s.Status, s.EndedOn, s.EndReason = store.SigningEnded, "2025-08-31", "本人申请解约"
		})
	}
	g.sign(byKey["B6"].person, doctorYi, "2025-11-03", "2026-11-02")
}

// doctorCare writes, once everyone is in: the signings of four of the
// home's six residents (who live in the home and are not counted at home),
// of two of 丙村's three elders and of 示例社区's elder; and the village
// doctors' home visits: A7 and B2 in October, A3, A6, A7, B2 and B5 in
// November. In November 2025 the signing rate of the elderly at home is
// 示例镇 11 of 15 = 73.33% (示例社区 1 of 1), 示例乡 2 of 3 = 66.67%, the
// county 13 of 18 = 72.22%; five of them had the doctor at home. The
// doctors come to elders visited that month anyway, so visit coverage
// stays 13 of 14.
func (g *gen) doctorCare(byKey map[string]*elder) {
	if g.err != nil {
		return
	}
	for i, r := range g.residents {
		if i%3 != 2 {
			g.sign(r.person, doctorJia, "2025-01-01", "2025-12-31")
		}
	}
	// Read first, then write: a write moves the cursor of a walk.
	r := g.b.Reader()
	var bing []*store.Person
	_ = r.Each(store.KindPerson, VillageBing, func(e store.Entity) error {
		if p := e.(*store.Person); p.YoufuFrom != "" && p.Status == "在册" {
			bing = append(bing, p)
		}
		return nil
	})
	sort.Slice(bing, func(i, j int) bool { return bing[i].IDNumber < bing[j].IDNumber })
	for i, p := range bing {
		if i < 2 {
			g.sign(p, doctorBing, "2025-04-01", "2026-03-31")
		}
	}
	var shequ []*store.Person
	_ = r.Each(store.KindPerson, VillageShequ, func(e store.Entity) error {
		if p := e.(*store.Person); p.BirthDate == "1948-03-03" {
			shequ = append(shequ, p)
		}
		return nil
	})
	for _, p := range shequ {
		g.sign(p, doctorTown, "2025-05-01", "2026-04-30")
	}
	for _, v := range []struct {
		key string
		on  store.Date
	}{{"A7", "2025-10-16"}, {"B2", "2025-10-17"}, {"A3", "2025-11-12"}, {"A6", "2025-11-14"}, {"A7", "2025-11-14"}, {"B2", "2025-11-19"}, {"B5", "2025-11-19"}} {
		g.doctorVisit(byKey[v.key], v.on)
	}
}

// doctorVisit writes a village doctor's home visit, reviewed by the
// township when it is of a past month.
func (g *gen) doctorVisit(e *elder, on store.Date) {
	d := doctorJia
	if e.village == VillageYi {
		d = doctorYi
	}
	v := &store.Visit{
		ElderlyID: e.profile.ID.String(), VisitDate: on, StartTime: "15:00", EndTime: "15:30", Method: store.VisitByDoctor,
		Visitors: []string{d.name}, SawElder: true,
		HealthCheck: store.HealthCheck{Expression: "正常", Mobility: "正常", Reaction: "正常", Disease: "异常", Note: "测血压，调整用药"},
		MentalCheck: "良好", RiskAfterVisit: "正常", Needs: []string{"康复护理"}, Confirmation: "老人签字", Status: "已提交",
	}
	g.create(v)
	if on.Month() < "2025-11" && g.err == nil {
		g.edit(v.ID, func(x store.Entity) { x.(*store.Visit).Status = "已审核" })
	}
}

// scaledSigning signs three of every four elders of the scaled villages
// with the village's doctor for 2025.
func (g *gen) scaledSigning(p *store.Person) {
	g.seqs["signing"]++
	if g.seqs["signing"]%4 != 0 {
		g.sign(p, doctorScale, "2025-01-01", "2025-12-31")
	}
}

// villageLabel names a village for a clinic: its name, or its number.
func villageLabel(code string) string {
	if n := ident.DivisionName(code); n != "" {
		return n
	}
	return fmt.Sprintf("%s村", code[len(code)-3:])
}

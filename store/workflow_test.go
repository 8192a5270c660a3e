package store

import (
	"errors"
	"testing"
)

// fixture is a village with one elder in a home and on the visit register.
type fixture struct {
	s       *Store
	h       *Household
	p       *Person
	home    *Home
	beds    []*Bed
	assess  *Assessment
	adm     *Admission
	profile *ElderlyProfile
	ent     *HomecareEntitlement
}

func gbFull(total int) map[string]int { return gbScoresTotal(total) }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{s: openTest(t, "130131190201-01")}
	f.h = newHousehold(t, f.s, "H001")
	f.p = newPerson(t, f.s, f.h, "王秀兰", "130131194503150025")
	f.home = &Home{HomeCode: "130131190201-H01", Name: "甲村互助幸福院", HomeType: "农村互助幸福院", VillageCode: "130131190201", OperationMode: "村集体自办", DesignBeds: 2, Status: "运营"}
	mustCreate(t, f.s, f.home)
	room := &Room{HomeID: f.home.ID.String(), RoomNo: "101", RoomType: "双人"}
	mustCreate(t, f.s, room)
	for _, no := range []string{"101-1", "101-2"} {
		b := &Bed{HomeID: f.home.ID.String(), RoomID: room.ID.String(), BedNo: no, Status: "空闲"}
		mustCreate(t, f.s, b)
		f.beds = append(f.beds, b)
	}
	f.assess = &Assessment{PersonID: f.p.ID.String(), Instrument: InstrumentGB, Reason: "首次评估", AssessDate: "2025-10-01",
		Assessors: []string{"甲", "乙"}, Informant: Informant{Name: "王军", Relation: "子女"}, ItemScores: gbFull(47), Status: "已完成"}
	mustCreate(t, f.s, f.assess)
	f.adm = &Admission{HomeID: f.home.ID.String(), PersonID: f.p.ID.String(), StayType: "长期入住", ApplyDate: "2025-10-02", CheckinDate: "2025-10-05",
		BedID: f.beds[0].ID.String(), Supporters: []Supporter{{Name: "王军", Relation: "子"}}, EmergencyContact: Contact{Name: "王军", Relation: "子", Mobile: "13812345678"},
		AssessmentID: f.assess.ID.String(), Status: "在住"}
	mustCreate(t, f.s, f.adm)
	f.profile = &ElderlyProfile{PersonID: f.p.ID.String(), HardshipTypes: []string{"失能"}, AssignedVisitors: []string{"网格员"},
		EmergencyContact: Contact{Name: "王军", Relation: "子", Mobile: "13812345678"}, EnrolDate: "2025-01-01", Status: "在册"}
	mustCreate(t, f.s, f.profile)
	f.ent = &HomecareEntitlement{PersonID: f.p.ID.String(), Class: "中度失能", ValidFrom: "2025-01-01", Status: "有效"}
	mustCreate(t, f.s, f.ent)
	return f
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var p Problems
	if errors.As(err, &p) && p.Has(code) || CodeOf(err) == code {
		return
	}
	t.Fatalf("err = %v, want %s", err, code)
}

func TestWorkflowTransitions(t *testing.T) {
	f := newFixture(t)
	adm, _ := GetAs[*Admission](f.s, f.adm.ID)
	if adm.AdmissionNo != "130131190201-H01-2025-0001" {
		t.Errorf("admission number %q", adm.AdmissionNo)
	}
	adm.Status = "已申请"
	_, err := f.s.Save(adm, "x")
	wantCode(t, err, "STATUS_TRANSITION")
	adm, _ = GetAs[*Admission](f.s, f.adm.ID)
	adm.Status = "已退住"
	_, err = f.s.Save(adm, "x")
	wantCode(t, err, "REQUIRED") // checkout date and reason
	adm.CheckoutDate, adm.CheckoutReason = "2025-11-01", "回家居住"
	if _, err := f.s.Save(adm, "x"); err != nil {
		t.Fatal(err)
	}
	// The bed is free again: another resident may take it.
	other := &Admission{HomeID: f.home.ID.String(), PersonID: f.p.ID.String(), StayType: "长期入住", ApplyDate: "2025-11-05", Status: "已申请",
		Supporters: []Supporter{{Name: "王军", Relation: "子"}}, EmergencyContact: Contact{Name: "王军", Relation: "子", Mobile: "13812345678"}}
	mustCreate(t, f.s, other)

	// A visit, once submitted, only moves on.
	v := &Visit{ElderlyID: f.profile.ID.String(), VisitDate: "2025-11-10", StartTime: "09:00", EndTime: "09:30", Method: "上门入户", Visitors: []string{"网格员"},
		SawElder: true, MentalCheck: "良好", RiskAfterVisit: "正常", Confirmation: "老人签字", Status: "已提交"}
	mustCreate(t, f.s, v)
	got, _ := GetAs[*Visit](f.s, v.ID)
	if got.VisitNo != "130131190201-01-V202511-0001" {
		t.Errorf("visit number %q", got.VisitNo)
	}
	got.Issues = "补记"
	_, err = f.s.Save(got, "x")
	wantCode(t, err, "FROZEN")
	got, _ = GetAs[*Visit](f.s, v.ID)
	got.Status = "草稿"
	_, err = f.s.Save(got, "x")
	wantCode(t, err, "STATUS_TRANSITION")
	got, _ = GetAs[*Visit](f.s, v.ID)
	got.Status = "已审核"
	if _, err := f.s.Save(got, "x"); err != nil {
		t.Fatal(err)
	}
	err = f.s.Delete(got, "x")
	wantCode(t, err, "FROZEN")
}

// A form opened before someone else moved the status on cannot move it
// from the state it showed.
func TestStaleStatus(t *testing.T) {
	f := newFixture(t)
	a, _ := GetAs[*Admission](f.s, f.adm.ID)
	b, _ := GetAs[*Admission](f.s, f.adm.ID)
	a.Status = "请假外出"
	if _, err := f.s.Save(a, "甲"); err != nil {
		t.Fatal(err)
	}
	b.Status, b.CheckoutDate, b.CheckoutReason = "已退住", "2025-11-01", "其他"
	_, err := f.s.Save(b, "乙")
	wantCode(t, err, CodeStale)
}

func TestCrossRecordRules(t *testing.T) {
	f := newFixture(t)
	h2 := newHousehold(t, f.s, "H002")
	p2 := newPerson(t, f.s, h2, "李建国", "130131193807220112")
	as2 := &Assessment{PersonID: p2.ID.String(), Instrument: InstrumentGB, Reason: "首次评估", AssessDate: "2025-10-01",
		Assessors: []string{"甲", "乙"}, Informant: Informant{Name: "李明", Relation: "子女"}, ItemScores: gbFull(80), Status: "已完成"}
	mustCreate(t, f.s, as2)
	adm := func(person *Person, bed *Bed, as *Assessment) *Admission {
		return &Admission{HomeID: f.home.ID.String(), PersonID: person.ID.String(), StayType: "长期入住", ApplyDate: "2025-10-02", CheckinDate: "2025-10-05",
			BedID: bed.ID.String(), Supporters: []Supporter{{Name: "李明", Relation: "子"}}, EmergencyContact: Contact{Name: "李明", Relation: "子", Mobile: "13812345679"},
			AssessmentID: as.ID.String(), Status: "在住"}
	}
	_, err := f.s.Create(adm(p2, f.beds[0], as2), "x")
	wantCode(t, err, "BED_TAKEN")
	_, err = f.s.Create(adm(f.p, f.beds[1], f.assess), "x")
	wantCode(t, err, "PERSON_ADMITTED")
	_, err = f.s.Create(adm(p2, f.beds[1], f.assess), "x")
	wantCode(t, err, "ASSESS_OTHER_PERSON")
	mustCreate(t, f.s, adm(p2, f.beds[1], as2))

	// A bed in use cannot go under repair.
	bed, _ := GetAs[*Bed](f.s, f.beds[1].ID)
	bed.Status = "维修"
	_, err = f.s.Save(bed, "x")
	wantCode(t, err, "BED_OCCUPIED")

	// The household has people: it cannot be deleted.
	hh, _ := GetAs[*Household](f.s, h2.ID)
	wantCode(t, f.s.Delete(hh, "x"), "HAS_DEPENDENTS")

	// A rating's public notice must last at least five days.
	cr := &CreditRating{HouseholdID: f.h.ID.String(), ItemScores: map[string]int{"population": 8, "labor": 8, "assets": 13, "net_assets": 13, "shares": 4, "income": 14, "overall": 30, "record": 10},
		ValidFrom: "2025-11-01", Panel: []string{"甲", "乙", "丙"}, NoticeFrom: "2025-10-01", NoticeTo: "2025-10-04", Status: "草稿"}
	_, err = f.s.Create(cr, "x")
	wantCode(t, err, "NOTICE_TOO_SHORT")
	cr.NoticeTo = "2025-10-05"
	mustCreate(t, f.s, cr)
	got, _ := GetAs[*CreditRating](f.s, cr.ID)
	if got.TotalScore != 100 || got.Grade != "★★★★★" || got.CreditLimitFen != 5_000_000 || got.ValidTo != "2027-10-31" {
		t.Errorf("rating derived as %d %s %d %s", got.TotalScore, got.Grade, got.CreditLimitFen, got.ValidTo)
	}
}

// A death ends the stay, the register entry and the entitlement, in the
// same save; visits and services after it are refused.
func TestDeathSideEffects(t *testing.T) {
	f := newFixture(t)
	p, _ := GetAs[*Person](f.s, f.p.ID)
	p.Status, p.StatusDate = "死亡", "2025-11-10"
	if _, err := f.s.Save(p, "x"); err != nil {
		t.Fatal(err)
	}
	adm, _ := GetAs[*Admission](f.s, f.adm.ID)
	ep, _ := GetAs[*ElderlyProfile](f.s, f.profile.ID)
	ent, _ := GetAs[*HomecareEntitlement](f.s, f.ent.ID)
	if adm.Status != "已退住" || adm.CheckoutReason != "死亡" || adm.CheckoutDate != "2025-11-10" {
		t.Errorf("admission %s %s %s", adm.Status, adm.CheckoutReason, adm.CheckoutDate)
	}
	if ep.Status != "退出" || ep.ExitDate != "2025-11-10" || ep.ExitReason != "死亡" {
		t.Errorf("profile %s %s", ep.Status, ep.ExitDate)
	}
	if ent.Status != "终止" || ent.ValidTo != "2025-11-10" {
		t.Errorf("entitlement %s %s", ent.Status, ent.ValidTo)
	}
	v := &Visit{ElderlyID: f.profile.ID.String(), VisitDate: "2025-11-12", Method: "电话", Visitors: []string{"网格员"}, SawElder: true, Status: "草稿"}
	_, err := f.s.Create(v, "x")
	wantCode(t, err, "VISIT_AFTER_DEATH")
	// A visit before the death, entered late, is still accepted.
	if _, err := f.s.Create(&Visit{ElderlyID: f.profile.ID.String(), VisitDate: "2025-11-08", Method: "电话", Visitors: []string{"网格员"}, SawElder: true, Status: "草稿"}, "x"); err != nil {
		t.Errorf("visit before death refused: %v", err)
	}
}

func TestMaskedCopyCannotBeSaved(t *testing.T) {
	f := newFixture(t)
	p, _ := GetAs[*Person](f.s, f.p.ID)
	m := Masked(p).(*Person)
	if m.IDNumber != "1301**********0025" || p.IDNumber != "130131194503150025" {
		t.Fatalf("masked %q original %q", m.IDNumber, p.IDNumber)
	}
	m.Name = "王秀英"
	_, err := f.s.Save(m, "x")
	wantCode(t, err, "MASKED_RECORD")
	// RestoreMasked puts real values back where the mask came back unchanged.
	cp := Masked(p).(*Person)
	*MetaOf(cp) = *MetaOf(p)
	RestoreMasked(cp, p)
	if cp.IDNumber != p.IDNumber {
		t.Errorf("restore: %q", cp.IDNumber)
	}
}

func TestSearchAndDueLists(t *testing.T) {
	f := newFixture(t)
	h := f.h
	for _, x := range []struct{ name, id string }{{"王秀英", "130131195202290248"}, {"李秀兰", "130131194109300486"}, {"单国华", "130131195812010637"}} {
		newPerson(t, f.s, h, x.name, x.id)
	}
	cases := []struct {
		q    string
		want []string
	}{
		{"王秀", []string{"王秀兰", "王秀英"}},
		{"秀兰", []string{"王秀兰", "李秀兰"}}, // any part of the name
		{"wxl", []string{"王秀兰"}},
		{"wx", []string{"王秀兰", "王秀英"}},
		{"sgh", []string{"单国华"}}, // 单 as a surname reads shàn
		{"dgh", []string{"单国华"}},
		{"130131194503150025", []string{"王秀兰"}},
		{"130131450315002", []string{"王秀兰"}}, // the legacy 15-digit form
		{"张", nil},
	}
	for _, c := range cases {
		var hits []Hit
		f.s.View(func(r *Reader) error { hits, _, _ = r.Search(c.q, "", 10); return nil })
		var names []string
		for _, h := range hits {
			names = append(names, h.Name)
		}
		if len(names) != len(c.want) {
			t.Errorf("search %q = %v, want %v", c.q, names, c.want)
			continue
		}
		set := map[string]bool{}
		for _, n := range names {
			set[n] = true
		}
		for _, w := range c.want {
			if !set[w] {
				t.Errorf("search %q = %v, want %v", c.q, names, c.want)
			}
		}
	}
	// Outside the scope nothing is found.
	f.s.View(func(r *Reader) error {
		if hits, _, _ := r.Search("王", "130131190202", 10); len(hits) != 0 {
			t.Errorf("search leaks across villages: %v", hits)
		}
		return nil
	})

	// Due list: the elder is due in November until a counted visit.
	due := func(m Month) int {
		var n int
		f.s.View(func(r *Reader) error { _, n, _ = r.DueVisits("", m, 10); return nil })
		return n
	}
	if due("2025-11") != 1 {
		t.Fatalf("due before the visit: %d", due("2025-11"))
	}
	v := &Visit{ElderlyID: f.profile.ID.String(), VisitDate: "2025-11-03", Method: "视频", Visitors: []string{"网格员"}, SawElder: true, Status: "草稿"}
	mustCreate(t, f.s, v)
	if due("2025-11") != 1 {
		t.Error("a draft visit counted")
	}
	got, _ := GetAs[*Visit](f.s, v.ID)
	got.Status, got.MentalCheck, got.RiskAfterVisit, got.Confirmation = "已提交", "良好", "正常", "老人签字"
	if _, err := f.s.Save(got, "x"); err != nil {
		t.Fatal(err)
	}
	if due("2025-11") != 0 || due("2025-12") != 1 {
		t.Errorf("after the visit: November %d December %d", due("2025-11"), due("2025-12"))
	}
}

package demo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// fillPeople adds children and grandchildren until the set has about 90
// persons; one mobile is entered with the +86 prefix (stored without it).
func (g *gen) fillPeople(hh map[string][]*store.Household) {
	first := true
	for _, v := range []string{VillageJia, VillageYi, VillageBing, VillageShequ} {
		for _, h := range hh[v] {
			for k := 0; k < 2 && g.res.Persons < 90; k++ {
				p := g.person(h, []string{"孙子女", "子", "女"}[k], g.birth(1985, 2015), k == 0, "")
				if first && g.err == nil {
					first = false
					g.edit(p.ID, func(x store.Entity) { x.(*store.Person).Mobile = "+86 139 0311 2046" })
				}
			}
		}
	}
}

// reject is satisfied when the wanted code is among the problems.
func hasCode(err error, code string) bool {
	var p store.Problems
	if errors.As(err, &p) {
		return p.Has(code)
	}
	return store.CodeOf(err) == code
}

// rejections tries the entries domain.md §8 says must be refused.
func (g *gen) rejections(hh map[string][]*store.Household, byKey map[string]*elder, home *store.Home) {
	if g.err != nil {
		return
	}
	try := func(what, want string, e store.Entity) {
		g.reject(what, want, func() error {
			_, err := g.b.Create(e, g.author)
			if err != nil && !hasCode(err, want) {
				return fmt.Errorf("%w (wanted %s)", err, want)
			}
			return err
		})
	}
	h := hh[VillageShequ][0]
	for _, c := range []struct{ what, id, want string }{
		{"出生日期和校验位都错误的身份证号", "130131194593150025", "ID_BIRTH_INVALID"},
		{"顺序码两位颠倒的身份证号", "130131194503150205", "ID_CHECKSUM"},
		{"校验位正确但1953年2月29日不存在", "130131195302290245", "ID_BIRTH_INVALID"},
		{"校验位正确但出生日期在未来", "130131209901010019", "ID_BIRTH_FUTURE"},
		{"同一身份证号重复登记", byKey["A1"].person.IDNumber, "ID_DUPLICATE"},
	} {
		try(c.what, c.want, &store.Person{HouseholdID: h.ID.String(), Name: "测试", IDNumber: c.id, Relation: "其他"})
	}
	try("手机号12012345678", "MOBILE_FORMAT", &store.Person{HouseholdID: h.ID.String(), Name: "测试", IDNumber: g.idNumber(County, "1980-01-01", true), Relation: "其他", Mobile: "12012345678"})
	try("去世后的探访记录", "VISIT_AFTER_DEATH", g.visit(byKey["X1"], "2025-11-12"))

	// Two residents in one bed, and a resident admitted to a second home.
	a3 := byKey["A3"].person
	as := g.assess(a3, store.InstrumentGB, gbScores(80), store.Adjustments{}, "2025-11-01")
	adm := func(homeID, bedID string, p *store.Person, assessment string) *store.Admission {
		return &store.Admission{HomeID: homeID, PersonID: p.ID.String(), StayType: "长期入住", ApplyDate: "2025-11-02", CheckinDate: "2025-11-05",
			BedID: bedID, Supporters: []store.Supporter{{Name: "赵军", Relation: "子"}}, EmergencyContact: store.Contact{Name: "赵军", Relation: "子", Mobile: "13812340001"},
			AssessmentID: assessment, Status: "在住"}
	}
	try("两位老人安排同一张床位", "BED_TAKEN", adm(home.ID.String(), g.beds[0].ID.String(), a3, as.ID.String()))
	yiHome := g.create(&store.Home{HomeCode: VillageYi + "-H01", Name: "乙村邻里互助点", HomeType: "邻里互助点", VillageCode: VillageYi,
		OperationMode: "村集体自办", DesignBeds: 4, ManagerName: "乙村主任李华", Status: "运营"}).(*store.Home)
	if g.err != nil {
		return
	}
	room := g.create(&store.Room{HomeID: yiHome.ID.String(), RoomNo: "1", RoomType: "双人"}).(*store.Room)
	bed := g.create(&store.Bed{HomeID: yiHome.ID.String(), RoomID: room.ID.String(), BedNo: "1-1", Status: "空闲"}).(*store.Bed)
	g.create(&store.Bed{HomeID: yiHome.ID.String(), RoomID: room.ID.String(), BedNo: "1-2", Status: "空闲"})
	r0 := g.residents[0]
	try("已在甲村幸福院入住的老人再入住乙村互助点", "PERSON_ADMITTED", adm(yiHome.ID.String(), bed.ID.String(), r0.person, r0.assessment))

	// Loan applications the policy refuses.
	jia := rateable(hh[VillageJia], 8)
	b := g.borrower(jia[2], "2025-11-18")
	app := func(amount int64, term int, mode string, p *store.Person, h *store.Household) *store.LoanApplication {
		a := &store.LoanApplication{HouseholdID: h.ID.String(), ApplicantPersonID: p.ID.String(), ApplyDate: "2025-11-18", Mode: mode,
			AmountFen: amount, TermMonths: term, Purpose: "种植", ProjectDesc: "种植中药材", Status: "草稿"}
		return a
	}
	try("申请金额6万元", "AMOUNT_OVER_LIMIT", app(6_000_000, 24, store.ModeHuDaiHuYong, b, jia[2]))
	try("申请期限48个月", "TERM_OVER_LIMIT", app(3_000_000, 48, store.ModeHuDaiHuYong, b, jia[2]))
	a8 := byKey["A8"].person
	a8h, _ := g.b.Reader().LiveByString(a8.HouseholdID, store.KindHousehold)
	try("66周岁的借款人", "BORROWER_AGE", app(2_000_000, 12, store.ModeHuDaiHuYong, a8, a8h.(*store.Household)))
	legacy := app(3_000_000, 24, store.ModeHuDaiQiYong, b, jia[2])
	try("2025年新增户贷企用贷款", "MODE_LEGACY_ONLY", legacy)
	try("校验位错误的统一社会信用代码", "USCC_CHECKSUM", &store.Enterprise{Name: "错误代码合作社", USCC: "93130131MA0F3K2L60", Type: "合作社", VillageCode: VillageJia})
}

// secondStation lets 乙村's own service point, offline, register again a
// person the county already holds (same ID number, new record) and correct
// the household's phone number while the county corrects it too, then
// merges its changes into the data set: the duplicate is what the
// data-quality report must find after sync, and the two phone numbers wait
// side by side on the review list.
func (g *gen) secondStation(path string) error {
	dir, err := os.MkdirTemp(filepath.Dir(path), ".cunzhan-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opt := store.Options{RegistryDir: "-"}
	if g.opt.Store != nil {
		opt.Now = g.opt.Store.Now
	}
	other, err := store.Open(filepath.Join(dir, "yi.db"), &opt)
	if err != nil {
		return err
	}
	defer other.Close()
	if err := other.SetStation(VillageYi+"-01", "乙村服务点"); err != nil {
		return err
	}
	dup := g.dupSource
	hh := uuid.MustParse(dup.HouseholdID)
	// Offline, the village station holds the household but none of its
	// people: it has the county's log up to the household's creation.
	first, err := firstChange(g.s, hh)
	if err != nil {
		return err
	}
	prefix, err := g.s.Changes(first.Origin, 0, first.Seq)
	if err != nil {
		return err
	}
	if _, err := other.Apply(prefix); err != nil {
		return err
	}
	p := &store.Person{HouseholdID: dup.HouseholdID, Name: dup.Name, IDNumber: dup.IDNumber, Relation: "父母", DibaoFrom: "2020-01-01", Status: "在册"}
	if _, err := other.Create(p, "乙村录入员"); err != nil {
		return err
	}
	for _, edit := range []struct {
		s      *store.Store
		phone  string
		author string
	}{{other, "13931110001", "乙村录入员"}, {g.s, "13931110002", "县中心录入员"}} {
		h, err := store.GetAs[*store.Household](edit.s, hh)
		if err != nil {
			return err
		}
		h.Phone = edit.phone
		if _, err := edit.s.Save(h, edit.author); err != nil {
			return err
		}
	}
	oh, _ := other.Have()
	cs, err := other.Changes(other.Origin(), 0, oh[other.Origin()])
	if err != nil {
		return err
	}
	if _, err := g.s.Apply(cs); err != nil {
		return err
	}
	g.res.Persons++
	return nil
}

// firstChange finds the change that created a record.
func firstChange(s *store.Store, id uuid.UUID) (*store.Change, error) {
	have, err := s.Have()
	if err != nil {
		return nil, err
	}
	for o, upto := range have {
		cs, err := s.Changes(o, 0, upto)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if c.Record == id {
				return c, nil
			}
		}
	}
	return nil, fmt.Errorf("no change creates %s", id)
}

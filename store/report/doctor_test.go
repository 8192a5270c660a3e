package report_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/report"
)

// The fixture of the signing report: people of 甲村 and 乙村 (示例镇) and 丙村
// (示例乡), entered on 1 December 2025. What each counts for was worked
// out by hand from the rule (aged 65 or more on the month's last day, on
// the register that day, not living in a home that day; signed when a
// signing serves that day), person by person, in the comments below; the
// expected figures in the tables are those sums, not the program's.
const (
	jia   = "130131190201"
	yi    = "130131190202"
	bing  = "130131290201"
	shequ = "130131190001" // 示例社区: nobody, its rate is "—"
)

type fixture struct {
	t      *testing.T
	s      *store.Store
	hh     map[string]*store.Household
	seq    int
	people map[string]*store.Person
}

func (f *fixture) create(e store.Entity) store.Entity {
	f.t.Helper()
	if _, err := f.s.Create(e, "测试员"); err != nil {
		f.t.Fatalf("create %T: %v", e, err)
	}
	return e
}

func (f *fixture) save(e store.Entity) {
	f.t.Helper()
	if _, err := f.s.Save(e, "测试员"); err != nil {
		f.t.Fatalf("save %T: %v", e, err)
	}
}

// person registers someone born on a day in a village.
func (f *fixture) person(name, village string, birth store.Date) *store.Person {
	f.t.Helper()
	h := f.hh[village]
	if h == nil {
		h = f.create(&store.Household{HouseholdNo: village + "-T001", VillageCode: village, HouseholdType: "一般农户", Status: "正常"}).(*store.Household)
		f.hh[village] = h
	}
	f.seq += 2
	first := fmt.Sprintf("130131%s%s%s%03d", birth[:4], birth[5:7], birth[8:10], f.seq)
	p := f.create(&store.Person{HouseholdID: h.ID.String(), Name: name, IDNumber: first + string(ident.IDCheckChar(first)), Relation: "其他", Status: "在册"}).(*store.Person)
	f.people[name] = p
	return p
}

func (f *fixture) sign(p *store.Person, from, to store.Date) *store.FamilyDoctorSigning {
	f.t.Helper()
	return f.create(&store.FamilyDoctorSigning{PersonID: p.ID.String(), DoctorName: "刘建华", ClinicType: "村卫生室", ClinicName: "卫生室",
		ServicePackage: "老年人健康管理包", SignedFrom: from, SignedTo: to, Status: store.SigningValid}).(*store.FamilyDoctorSigning)
}

func (f *fixture) end(s *store.FamilyDoctorSigning, on store.Date, why string) {
	f.t.Helper()
	s.Status, s.EndedOn, s.EndReason = store.SigningEnded, on, why
	f.save(s)
}

func (f *fixture) status(p *store.Person, status string, on store.Date) {
	f.t.Helper()
	x, err := store.GetAs[*store.Person](f.s, p.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	x.Status, x.StatusDate = status, on
	f.save(x)
}

// visit enters a visit to p (put on the register first) in November.
func (f *fixture) visit(p *store.Person, method, status string) {
	f.t.Helper()
	ep := f.create(&store.ElderlyProfile{PersonID: p.ID.String(), HardshipTypes: []string{"空巢"}, AssignedVisitors: []string{"网格员"},
		EmergencyContact: store.Contact{Name: "王军", Relation: "子", Mobile: "13812345678"}, EnrolDate: "2025-01-01", Status: "在册"}).(*store.ElderlyProfile)
	var v *store.Visit
	err := f.s.View(func(r *store.Reader) error {
		var err error
		v, err = r.NewVisit(ep.ID, "2025-11-18", "网格员")
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	v.Method, v.Status, v.StartTime, v.EndTime = method, status, "09:00", "09:30"
	f.create(v)
}

// admit enters p into the home, for a stay of a type, from a day.
func (f *fixture) admit(p *store.Person, home *store.Home, bed *store.Bed, stay string, in store.Date) *store.Admission {
	f.t.Helper()
	scores := map[string]int{}
	for _, it := range store.AssessItems(store.InstrumentGB) {
		scores[it.Code] = it.Max()
	}
	as := f.create(&store.Assessment{PersonID: p.ID.String(), Instrument: store.InstrumentGB, Reason: "首次评估", AssessDate: in.AddDays(-3),
		Assessors: []string{"评估员甲", "评估员乙"}, Informant: store.Informant{Name: "王军", Relation: "子女"}, ItemScores: scores, Status: "已完成"}).(*store.Assessment)
	a := &store.Admission{HomeID: home.ID.String(), PersonID: p.ID.String(), StayType: stay, ApplyDate: in.AddDays(-5), CheckinDate: in,
		Supporters: []store.Supporter{{Name: "王军", Relation: "子"}}, EmergencyContact: store.Contact{Name: "王军", Relation: "子", Mobile: "13812345678"},
		AssessmentID: as.ID.String(), Status: "在住"}
	if bed != nil {
		a.BedID = bed.ID.String()
	}
	return f.create(a).(*store.Admission)
}

func newSigningFixture(t *testing.T) *store.Store {
	clock := time.Date(2025, 12, 1, 10, 0, 0, 0, store.ChinaTZ)
	s, err := store.Open(filepath.Join(t.TempDir(), "s.db"), &store.Options{RegistryDir: "-", Now: func() time.Time {
		clock = clock.Add(time.Millisecond)
		return clock
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetStation("130131000000-02", "县级中心"); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, s: s, hh: map[string]*store.Household{}, people: map[string]*store.Person{}}

	home := f.create(&store.Home{HomeCode: jia + "-H01", Name: "甲村互助幸福院", HomeType: "农村互助幸福院", VillageCode: jia,
		OperationMode: "村集体自办", DesignBeds: 2, Status: "运营"}).(*store.Home)
	room := f.create(&store.Room{HomeID: home.ID.String(), RoomNo: "101", RoomType: "双人"}).(*store.Room)
	var beds []*store.Bed
	for _, no := range []string{"101-1", "101-2"} {
		beds = append(beds, f.create(&store.Bed{HomeID: home.ID.String(), RoomID: room.ID.String(), BedNo: no, Status: "空闲"}).(*store.Bed))
	}

	// 甲村. November: 10 at home, 5 signed. October: 9 at home, 6 signed.
	// 甲一: signed all 2025.                               Nov ✓✓  Oct ✓✓
	f.sign(f.person("甲一", jia, "1950-03-01"), "2025-01-01", "2025-12-31")
	// 甲二: 65 on 30 November itself (64 on 31 October).   Nov ✓✓  Oct —
	f.sign(f.person("甲二", jia, "1960-11-30"), "2025-06-01", "2026-05-31")
	// 甲三: 64 on 30 November.                              Nov —   Oct —
	f.sign(f.person("甲三", jia, "1960-12-01"), "2025-06-01", "2026-05-31")
	// 甲四: signing ran to 31 October.                      Nov ✓✗  Oct ✓✓
	f.sign(f.person("甲四", jia, "1945-05-05"), "2024-11-01", "2025-10-31")
	// 甲五: ended on 30 November (serves through that day). Nov ✓✓  Oct ✓✓
	f.end(f.sign(f.person("甲五", jia, "1948-02-02"), "2025-01-01", "2025-12-31"), "2025-11-30", "本人申请解约")
	// 甲六: ended on 29 November.                           Nov ✓✗  Oct ✓✓
	f.end(f.sign(f.person("甲六", jia, "1948-06-06"), "2025-01-01", "2025-12-31"), "2025-11-29", "更换签约医生")
	// 甲七: never signed; the doctor came in November.      Nov ✓✗  Oct ✓✗
	j7 := f.person("甲七", jia, "1940-07-07")
	f.visit(j7, store.VisitByDoctor, "已提交")
	// 甲八: died on 15 November (the death ends the signing on that day).
	//                                                       Nov —   Oct ✓✓
	j8 := f.person("甲八", jia, "1940-08-08")
	f.sign(j8, "2025-01-01", "2025-12-31")
	f.status(j8, "死亡", "2025-11-15")
	// 甲九: died on 1 December: alive on 30 November.       Nov ✓✓  Oct ✓✓
	j9 := f.person("甲九", jia, "1941-09-09")
	f.sign(j9, "2025-01-01", "2025-12-31")
	f.status(j9, "死亡", "2025-12-01")
	// 甲十: lives in the home since June; signed; the doctor came.
	//                                                       Nov —   Oct —
	j10 := f.person("甲十", jia, "1938-10-10")
	f.sign(j10, "2025-01-01", "2025-12-31")
	f.admit(j10, home, beds[0], "长期入住", "2025-06-01")
	f.visit(j10, store.VisitByDoctor, "已提交")
	// 甲十一: day care in the home: lives at home; unsigned. Nov ✓✗  Oct ✓✗
	f.admit(f.person("甲十一", jia, "1939-11-11"), home, nil, "日间照料", "2025-06-01")
	// 甲十二: lived in the home from March to 20 November; signed.
	//                                                       Nov ✓✓  Oct —
	j12 := f.person("甲十二", jia, "1937-12-12")
	f.sign(j12, "2025-01-01", "2025-12-31")
	adm := f.admit(j12, home, beds[1], "长期入住", "2025-03-01")
	adm.Status, adm.CheckoutDate, adm.CheckoutReason = "已退住", "2025-11-20", "回家居住"
	f.save(adm)
	// 甲十三: moved away on 20 October.                     Nov —   Oct —
	f.status(f.person("甲十三", jia, "1936-01-15"), "迁出", "2025-10-20")
	// 甲十四: moved away on 1 December; never signed.       Nov ✓✗  Oct ✓✗
	f.status(f.person("甲十四", jia, "1936-02-15"), "迁出", "2025-12-01")

	// 乙村. November: 5 at home, 3 signed. October: 5 at home, 2 signed.
	// 乙一: signed; a doctor's visit left as a draft.       Nov ✓✓  Oct ✓✓
	y1 := f.person("乙一", yi, "1944-01-01")
	f.sign(y1, "2025-03-01", "2026-02-28")
	f.visit(y1, store.VisitByDoctor, "草稿")
	// 乙二: signed; visited by the grid worker.             Nov ✓✓  Oct ✓✓
	y2 := f.person("乙二", yi, "1944-02-02")
	f.sign(y2, "2025-03-01", "2026-02-28")
	f.visit(y2, "上门入户", "已提交")
	// 乙三: signing starts on 1 December.                   Nov ✓✗  Oct ✓✗
	f.sign(f.person("乙三", yi, "1955-03-03"), "2025-12-01", "2026-11-30")
	// 乙四: never signed; the doctor came.                  Nov ✓✗  Oct ✓✗
	f.visit(f.person("乙四", yi, "1930-04-04"), store.VisitByDoctor, "已提交")
	// 乙五: signing starts on 30 November itself.           Nov ✓✓  Oct ✓✗
	f.sign(f.person("乙五", yi, "1950-05-05"), "2025-11-30", "2026-11-29")

	// 丙村. November and October: 3 at home, 2 signed.
	f.sign(f.person("丙一", bing, "1935-01-01"), "2025-01-01", "2025-12-31")
	// 丙二: signing ends on 30 November: serves that day.
	f.sign(f.person("丙二", bing, "1935-02-02"), "2024-12-01", "2025-11-30")
	f.person("丙三", bing, "1935-03-03")
	return s
}

type want struct {
	n, signed int
	rate      string
	doctor    int
}

func rowsByName(rows []report.SigningRow) map[string]want {
	out := map[string]want{}
	for _, r := range rows {
		out[r.Name] = want{r.N, r.Signed, r.Rate.Text, r.DoctorVisited}
	}
	return out
}

func TestDoctorSigningFigures(t *testing.T) {
	s := newSigningFixture(t)
	cases := []struct {
		name      string
		scope     string
		month     store.Month
		villages  map[string]want
		townships map[string]want
		total     want
	}{
		{
			name: "the county in November", scope: "130131", month: "2025-11",
			villages: map[string]want{"甲村": {10, 5, "50.00%", 1}, "乙村": {5, 3, "60.00%", 1}, "示例社区": {0, 0, "—", 0}, "丙村": {3, 2, "66.67%", 0}},
			// 示例镇 8/15 = 53.333…% (the mean of its village rates would
			// be 55.00%); the county 10/18 = 55.555…%, half up 55.56%.
			townships: map[string]want{"示例镇": {15, 8, "53.33%", 2}, "示例乡": {3, 2, "66.67%", 0}},
			total:     want{18, 10, "55.56%", 2},
		},
		{
			name: "the county in October", scope: "130131", month: "2025-10",
			villages:  map[string]want{"甲村": {9, 6, "66.67%", 0}, "乙村": {5, 2, "40.00%", 0}, "示例社区": {0, 0, "—", 0}, "丙村": {3, 2, "66.67%", 0}},
			townships: map[string]want{"示例镇": {14, 8, "57.14%", 0}, "示例乡": {3, 2, "66.67%", 0}},
			total:     want{17, 10, "58.82%", 0},
		},
		{
			name: "one village", scope: jia, month: "2025-11",
			villages:  map[string]want{"甲村": {10, 5, "50.00%", 1}},
			townships: map[string]want{"示例镇": {10, 5, "50.00%", 1}},
			total:     want{10, 5, "50.00%", 1},
		},
		{
			name: "a township", scope: "130131290", month: "2025-11",
			villages:  map[string]want{"丙村": {3, 2, "66.67%", 0}},
			townships: map[string]want{"示例乡": {3, 2, "66.67%", 0}},
			total:     want{3, 2, "66.67%", 0},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var rep *report.Report
			err := s.View(func(r *store.Reader) error {
				var err error
				rep, err = report.Run(r, "doctor-signing", report.Params{Scope: tc.scope, Month: tc.month})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			d := rep.Data.(*report.SigningData)
			if got := rowsByName(d.Villages); !equalWants(got, tc.villages) {
				t.Errorf("villages %v, want %v", got, tc.villages)
			}
			if got := rowsByName(d.Townships); !equalWants(got, tc.townships) {
				t.Errorf("townships %v, want %v", got, tc.townships)
			}
			if got := (want{d.Total.N, d.Total.Signed, d.Total.Rate.Text, d.Total.DoctorVisited}); got != tc.total {
				t.Errorf("total %v, want %v", got, tc.total)
			}
			if d.Day != tc.month.Last() {
				t.Errorf("read on %s", d.Day)
			}
			// The table says the same as the figures.
			tot := rep.Table.Totals[0]
			if tot[2] != fmt.Sprint(tc.total.n) || tot[3] != fmt.Sprint(tc.total.signed) || tot[4] != tc.total.rate {
				t.Errorf("totals row %v", tot)
			}
			// The counts-only reading (the dashboard's) agrees.
			var counts *report.SigningData
			s.View(func(r *store.Reader) error {
				counts, err = report.DoctorSigningCounts(r, tc.scope, tc.month)
				return err
			})
			if err != nil || counts.Total != d.Total || counts.Unsigned != nil {
				t.Errorf("counts-only: %v %+v", err, counts)
			}
		})
	}
}

func equalWants(a, b map[string]want) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The unsigned list names everyone of the denominator without a signing on
// the day, masked, with why.
func TestDoctorSigningUnsignedList(t *testing.T) {
	s := newSigningFixture(t)
	var rep *report.Report
	err := s.View(func(r *store.Reader) error {
		var err error
		rep, err = report.DoctorSigning(r, "130131", "2025-11")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		village string
		age     int
		last    store.Date
		why     string
	}
	wantLines := map[string]line{
		"甲四":  {"甲村", 80, "2025-10-31", "签约已到期"},
		"甲六":  {"甲村", 77, "2025-11-29", "已解约"},
		"甲七":  {"甲村", 85, "", "从未签约"},
		"甲十一": {"甲村", 86, "", "从未签约"},
		"甲十四": {"甲村", 89, "", "从未签约"},
		"乙三":  {"乙村", 70, "", "签约尚未生效"},
		"乙四":  {"乙村", 95, "", "从未签约"},
		"丙三":  {"丙村", 90, "", "从未签约"},
	}
	d := rep.Data.(*report.SigningData)
	if len(d.Unsigned) != len(wantLines) {
		t.Errorf("%d unsigned, want %d: %+v", len(d.Unsigned), len(wantLines), d.Unsigned)
	}
	for _, u := range d.Unsigned {
		w, ok := wantLines[u.Name]
		if !ok {
			t.Errorf("%s listed as unsigned", u.Name)
			continue
		}
		if (line{u.Village, u.Age, u.LastDay, u.Why}) != w {
			t.Errorf("%s: %+v, want %+v", u.Name, line{u.Village, u.Age, u.LastDay, u.Why}, w)
		}
		if len(u.IDMasked) != 18 || u.IDMasked[4:14] != "**********" {
			t.Errorf("%s: ID shown as %q", u.Name, u.IDMasked)
		}
	}
	if !sort.SliceIsSorted(d.Unsigned, func(i, j int) bool { return d.Unsigned[i].Village < d.Unsigned[j].Village }) {
		t.Error("the list is not by village")
	}
	if len(rep.Sections) != 1 || len(rep.Sections[0].Rows) != len(d.Unsigned) || rep.Sections[0].Title != "未签约名单" {
		t.Errorf("sections %+v", rep.Sections)
	}
}

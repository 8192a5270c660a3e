package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/boltkv"
)

// elderID makes a valid ID number of 平山县 for a birth date and a sequence.
func elderID(birth string, seq int) string {
	first := fmt.Sprintf("130131%s%s%s%03d", birth[:4], birth[5:7], birth[8:10], seq)
	return first + string(ident.IDCheckChar(first))
}

func signingFor(p *Person, from, to Date) *FamilyDoctorSigning {
	return &FamilyDoctorSigning{PersonID: p.ID.String(), DoctorName: "刘建华", ClinicType: "村卫生室", ClinicName: "甲村卫生室",
		ServicePackage: "老年人健康管理包", SignedFrom: from, SignedTo: to, Status: SigningValid}
}

// problemOn reports whether err holds a problem with the code on the field.
func problemOn(err error, field, code string) bool {
	var p Problems
	if !errors.As(err, &p) {
		return false
	}
	for _, x := range p {
		if x.Code == code && x.Field == field {
			return true
		}
	}
	return false
}

func TestSigningValidation(t *testing.T) {
	f := newFixture(t)
	dead := newPerson(t, f.s, f.h, "李桂英", elderID("1940-02-02", 22))
	dead.Status, dead.StatusDate = "死亡", "2025-10-01"
	if _, err := f.s.Save(dead, "测试员"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		edit        func(s *FamilyDoctorSigning)
		field, code string // "" when it saves
	}{
		{"a usual signing", func(s *FamilyDoctorSigning) {}, "", ""},
		{"no doctor", func(s *FamilyDoctorSigning) { s.DoctorName = " " }, "doctor_name", "REQUIRED"},
		{"a doctor's name with digits", func(s *FamilyDoctorSigning) { s.DoctorName = "刘医生1" }, "doctor_name", "NAME_CHARS"},
		{"no clinic", func(s *FamilyDoctorSigning) { s.ClinicName = "" }, "clinic_name", "REQUIRED"},
		{"an unknown clinic type", func(s *FamilyDoctorSigning) { s.ClinicType = "诊所" }, "clinic_type", "INVALID_CHOICE"},
		{"an unknown package", func(s *FamilyDoctorSigning) { s.ServicePackage = "豪华包" }, "service_package", "INVALID_CHOICE"},
		{"a bad doctor's phone", func(s *FamilyDoctorSigning) { s.DoctorPhone = "12012345678" }, "doctor_phone", "MOBILE_FORMAT"},
		{"no person", func(s *FamilyDoctorSigning) { s.PersonID = "" }, "person_id", "REQUIRED"},
		{"a person deleted or never held", func(s *FamilyDoctorSigning) { s.PersonID = f.h.ID.String() }, "person_id", "REF_MISSING"},
		{"a person who died", func(s *FamilyDoctorSigning) { s.PersonID = dead.ID.String() }, "person_id", "PERSON_NOT_ACTIVE"},
		{"no start", func(s *FamilyDoctorSigning) { s.SignedFrom = "" }, "signed_from", "REQUIRED"},
		{"no end", func(s *FamilyDoctorSigning) { s.SignedTo = "" }, "signed_to", "REQUIRED"},
		{"a 31st of November", func(s *FamilyDoctorSigning) { s.SignedTo = "2025-11-31" }, "signed_to", "INVALID_DATE"},
		{"the end before the start", func(s *FamilyDoctorSigning) { s.SignedTo = "2024-12-31" }, "signed_to", "DATE_ORDER"},
		{"a start after today", func(s *FamilyDoctorSigning) { s.SignedFrom, s.SignedTo = "2025-12-02", "2026-12-01" }, "signed_from", "DATE_IN_FUTURE"},
		{"three years and a day", func(s *FamilyDoctorSigning) { s.SignedTo = "2028-01-01" }, "signed_to", "SIGNING_TERM"},
		{"an end without ending", func(s *FamilyDoctorSigning) { s.EndReason = "死亡" }, "ended_on", "SIGNING_NOT_ENDED"},
		{"ended without a day", func(s *FamilyDoctorSigning) { s.Status, s.EndReason = SigningEnded, "本人申请解约" }, "ended_on", "REQUIRED"},
		{"ended without a reason", func(s *FamilyDoctorSigning) { s.Status, s.EndedOn = SigningEnded, "2025-06-30" }, "end_reason", "REQUIRED"},
		{"ended after its end", func(s *FamilyDoctorSigning) {
			s.SignedTo, s.Status, s.EndedOn, s.EndReason = "2025-06-30", SigningEnded, "2025-07-01", "本人申请解约"
		}, "ended_on", "SIGNING_END_RANGE"},
		{"ended for another reason, unsaid", func(s *FamilyDoctorSigning) {
			s.Status, s.EndedOn, s.EndReason = SigningEnded, "2025-06-30", "其他"
		}, "note", "REQUIRED"},
		{"ended, said why", func(s *FamilyDoctorSigning) {
			s.Status, s.EndedOn, s.EndReason, s.Note = SigningEnded, "2025-06-30", "其他", "长期在外地子女家居住"
		}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := signingFor(f.p, "2025-01-01", "2025-12-31")
			tc.edit(s)
			res, err := f.s.Check(s)
			if err != nil {
				t.Fatal(err)
			}
			probs := res.Problems
			if tc.code == "" {
				if len(probs) > 0 {
					t.Fatalf("refused: %v", probs)
				}
				return
			}
			if !problemOn(probs, tc.field, tc.code) {
				t.Fatalf("want %s on %s, got %v", tc.code, tc.field, probs)
			}
		})
	}
}

func TestSigningLongTermWarns(t *testing.T) {
	f := newFixture(t)
	res, err := f.s.Create(signingFor(f.p, "2025-01-01", "2026-06-30"), "测试员")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Warnings, func(w *Error) bool { return w.Code == "SIGNING_TERM_LONG" }) {
		t.Errorf("an 18-month signing saved without a warning: %v", res.Warnings)
	}
}

// A person has one family doctor at a time: two signings may not serve on
// one day, an ended signing only up to the day it ended.
func TestSigningOverlap(t *testing.T) {
	f := newFixture(t)
	mustCreate(t, f.s, signingFor(f.p, "2024-01-01", "2024-12-31"))
	cur := signingFor(f.p, "2025-01-01", "2025-12-31")
	mustCreate(t, f.s, cur) // the day after the last one ends: a renewal
	_, err := f.s.Create(signingFor(f.p, "2024-06-01", "2025-05-31"), "测试员")
	if !problemOn(err, "signed_from", "SIGNING_OVERLAP") {
		t.Fatalf("an overlapping signing: %v", err)
	}
	// Ended on 30 June: another doctor from 1 July, not from 30 June.
	ended, err := signingStep(f.s, cur, SigningEnded, "2025-06-30")
	if err != nil {
		t.Fatal(err)
	}
	ended.(*FamilyDoctorSigning).EndReason = "更换签约医生"
	if _, err := f.s.Save(ended, "测试员"); err != nil {
		t.Fatal(err)
	}
	_, err = f.s.Create(signingFor(f.p, "2025-06-30", "2026-06-29"), "测试员")
	if !problemOn(err, "signed_from", "SIGNING_OVERLAP") {
		t.Fatalf("a signing from the day the last one ended: %v", err)
	}
	mustCreate(t, f.s, signingFor(f.p, "2025-07-01", "2026-06-30"))
	// Another person is not held to this one's signings.
	other := newPerson(t, f.s, f.h, "赵德明", elderID("1950-05-05", 13))
	mustCreate(t, f.s, signingFor(other, "2025-01-01", "2025-12-31"))
}

// signingStep moves a record as the window's move does (PrepareStep) on a
// day, for a test.
func signingStep(s *Store, e Entity, to string, on Date) (Entity, error) {
	var moved Entity
	err := s.View(func(r *Reader) error {
		var err error
		moved, err = r.PrepareStep(e, to, on, "测试员")
		return err
	})
	return moved, err
}

func TestSigningMoveAndStatus(t *testing.T) {
	f := newFixture(t)
	s := signingFor(f.p, "2025-01-01", "2025-12-31")
	mustCreate(t, f.s, s)
	if got := StepFields(KindFamilyDoctorSigning, SigningValid, SigningEnded); !slices.Equal(got, []string{"ended_on", "end_reason", "note"}) {
		t.Errorf("解约 asks for %v", got)
	}
	if !Ending(SigningEnded) {
		t.Error("解约 is not shown as ending the signing")
	}
	if got := StatusesOn(KindFamilyDoctorSigning); !slices.Equal(got, []string{SigningValid, StatusNotYet, StatusExpired, SigningEnded}) {
		t.Errorf("statuses a list filters by: %v", got)
	}
	err := f.s.View(func(r *Reader) error {
		for on, want := range map[Date]string{"2024-12-31": StatusNotYet, "2025-06-01": SigningValid, "2025-12-31": SigningValid, "2026-01-01": StatusExpired} {
			if got := r.StatusOn(s, on); got != want {
				t.Errorf("on %s reads %s, want %s", on, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := signingStep(f.s, s, SigningEnded, "2025-11-20")
	if err != nil {
		t.Fatal(err)
	}
	m := moved.(*FamilyDoctorSigning)
	if m.EndedOn != "2025-11-20" || m.Status != SigningEnded {
		t.Fatalf("moved: %s %s", m.Status, m.EndedOn)
	}
	if _, err := f.s.Save(m, "测试员"); !problemOn(err, "end_reason", "REQUIRED") {
		t.Fatalf("ended without a reason: %v", err)
	}
	m.EndReason = "本人申请解约"
	if _, err := f.s.Save(m, "测试员"); err != nil {
		t.Fatal(err)
	}
	if !m.ValidOn("2025-11-20") || m.ValidOn("2025-11-21") || m.LastDay() != "2025-11-20" {
		t.Errorf("an ended signing serves to the day it ended: %v %v %s", m.ValidOn("2025-11-20"), m.ValidOn("2025-11-21"), m.LastDay())
	}
	if _, err := signingStep(f.s, m, SigningValid, "2025-11-21"); CodeOf(err) != "STATUS_TRANSITION" {
		t.Errorf("an ended signing came back: %v", err)
	}
}

// A death ends the person's signings on the day of death, in its
// transaction; a signing that already ran out stays as it was.
func TestSigningEndsOnDeath(t *testing.T) {
	f := newFixture(t)
	old := signingFor(f.p, "2024-01-01", "2024-12-31")
	cur := signingFor(f.p, "2025-01-01", "2025-12-31")
	mustCreate(t, f.s, old)
	mustCreate(t, f.s, cur)
	p, _ := GetAs[*Person](f.s, f.p.ID)
	p.Status, p.StatusDate = "死亡", "2025-11-15"
	if _, err := f.s.Save(p, "测试员"); err != nil {
		t.Fatal(err)
	}
	got, _ := GetAs[*FamilyDoctorSigning](f.s, cur.ID)
	if got.Status != SigningEnded || got.EndedOn != "2025-11-15" || got.EndReason != "死亡" {
		t.Errorf("after the death: %s %s %s", got.Status, got.EndedOn, got.EndReason)
	}
	if o, _ := GetAs[*FamilyDoctorSigning](f.s, old.ID); o.Status != SigningValid {
		t.Errorf("the signing of 2024 was changed: %s", o.Status)
	}
}

// A signing is found by its person's name or initials, and named by them.
func TestSigningSearchAndTitle(t *testing.T) {
	f := newFixture(t)
	s := signingFor(f.p, "2025-01-01", "2025-12-31")
	mustCreate(t, f.s, s)
	err := f.s.View(func(r *Reader) error {
		for _, q := range []string{"王秀兰", "wxl", "秀兰"} {
			ids, total, err := r.SearchKind(KindFamilyDoctorSigning, q, "130131190201", 10)
			if err != nil {
				return err
			}
			if total != 1 || ids[0] != s.ID {
				t.Errorf("SearchKind(%q) = %v (%d)", q, ids, total)
			}
		}
		if ids, _, _ := r.SearchKind(KindFamilyDoctorSigning, "王秀兰", "130131190202", 10); len(ids) != 0 {
			t.Errorf("found outside its village: %v", ids)
		}
		if p := r.OwnerPerson(s); p == nil || p.ID != f.p.ID {
			t.Errorf("OwnerPerson = %v", p)
		}
		if got := r.Title(s); got != "王秀兰 签约刘建华 2025-01-01至2025-12-31" {
			t.Errorf("Title = %q", got)
		}
		if got := r.SigningOn(f.p.ID, "2025-11-30"); got == nil || got.ID != s.ID {
			t.Errorf("SigningOn = %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if MetaOf(s).Scope != "130131190201" {
		t.Errorf("scope %q, want the person's village", MetaOf(s).Scope)
	}
}

// A renewal starts from the doctor and clinic of the person's last
// signing; a first signing from those of the village's latest.
func TestNewSigning(t *testing.T) {
	f := newFixture(t)
	neighbour := newPerson(t, f.s, f.h, "赵德明", elderID("1950-05-05", 13))
	young := newPerson(t, f.s, f.h, "赵小军", elderID("1980-05-05", 15))
	first := signingFor(neighbour, "2025-01-01", "2025-12-31")
	first.DoctorName, first.TeamName = "孙卫东", "甲村家庭医生团队"
	mustCreate(t, f.s, first)
	err := f.s.View(func(r *Reader) error {
		s, err := r.NewSigning(f.p.ID, "2025-11-20")
		if err != nil {
			return err
		}
		if s.DoctorName != "孙卫东" || s.ClinicName != "甲村卫生室" || s.TeamName != "甲村家庭医生团队" || s.SignedTo != "2026-11-19" ||
			s.ServicePackage != "老年人健康管理包" || s.Status != SigningValid {
			t.Errorf("first signing prefilled as %+v", s)
		}
		y, err := r.NewSigning(young.ID, "2025-11-20")
		if err != nil {
			return err
		}
		if y.ServicePackage != "基础包" {
			t.Errorf("a 45-year-old's package: %s", y.ServicePackage)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A village doctor's home visit is a visit: it counts for the coverage as
// 上门入户 does, needs its start time and, the elder seen, the four health
// checks; prefilled with the doctor of the elder's signing.
func TestDoctorVisit(t *testing.T) {
	for _, tc := range []struct {
		method  string
		counted []string
		want    bool
	}{
		{VisitByDoctor, []string{"上门入户", "电话", "视频", "委托第三方"}, true},
		{VisitByDoctor, []string{"电话"}, false},
		{VisitByDoctor, []string{VisitByDoctor}, true},
		{"上门入户", []string{VisitByDoctor}, false},
		{"电话", []string{"上门入户"}, false},
		{"邻里互助", DefaultPolicy().VisitCountedMethods, false},
	} {
		if got := VisitCounted(tc.method, tc.counted); got != tc.want {
			t.Errorf("VisitCounted(%s, %v) = %v", tc.method, tc.counted, got)
		}
	}
	f := newFixture(t)
	mustCreate(t, f.s, signingFor(f.p, "2025-01-01", "2025-12-31"))
	var v *Visit
	err := f.s.View(func(r *Reader) error {
		var err error
		v, err = r.NewDoctorVisit(f.profile.ID, "2025-11-20", "王主任")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.Method != VisitByDoctor || !slices.Equal(v.Visitors, []string{"刘建华"}) {
		t.Fatalf("prefilled %s by %v", v.Method, v.Visitors)
	}
	v.HealthCheck.Disease = ""
	_, err = f.s.Create(v, "测试员")
	if !problemOn(err, "start_time", "REQUIRED") || !problemOn(err, "health_check", "DOCTOR_VISIT_HEALTH") {
		t.Fatalf("a doctor's visit without time and disease check: %v", err)
	}
	v.StartTime, v.EndTime, v.HealthCheck.Disease, v.HealthCheck.Note = "09:00", "09:40", "异常", "血压偏高，嘱规律服药"
	mustCreate(t, f.s, v)
	err = f.s.View(func(r *Reader) error {
		due, n, err := r.DueVisits("130131190201", "2025-11", 10)
		if err != nil {
			return err
		}
		if n != 0 {
			t.Errorf("the elder visited by the doctor is still due: %v", due)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// AgeOn reads ages from the digits as ident.AgeOn does from times.
func TestAgeOnDigits(t *testing.T) {
	for _, c := range []struct {
		birth, on Date
		want      int
	}{
		{"1960-11-30", "2025-11-30", 65}, {"1960-12-01", "2025-11-30", 64}, {"1952-02-29", "2025-02-28", 72},
		{"1952-02-29", "2025-03-01", 73}, {"1952-02-29", "2024-02-29", 72}, {"", "2025-11-30", -1}, {"1950-1-1", "2025-11-30", -1},
	} {
		if got := AgeOn(c.birth, c.on); got != c.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", c.birth, c.on, got, c.want)
		}
		if c.want >= 0 {
			if got := age(&Person{BirthDate: c.birth}, c.on); got != c.want {
				t.Errorf("age(%s, %s) = %d, want %d", c.birth, c.on, got, c.want)
			}
		}
	}
}

// A file of layout version 4 has no signing-rate indexes: opened, it gets
// them from its log, and the count reads them.
func TestMigrateVersion4(t *testing.T) {
	fileOnly(t)
	path := filepath.Join(t.TempDir(), "a.db")
	s := openAt(t, path, "130131190201-01")
	h := newHousehold(t, s, "H001")
	p := newPerson(t, s, h, "王秀兰", "130131194503150025")
	mustCreate(t, s, signingFor(p, "2025-01-01", "2025-12-31"))
	s.Close()
	db, _ := bolt.Open(path, 0o600, nil)
	boltkv.New(db).Update(func(tx kv.Tx) error {
		tx.DeleteBucket(bIxAged)
		tx.DeleteBucket(bIxSign)
		return tx.Bucket(bMeta).Put(mSchema, u64(4))
	})
	db.Close()
	s = openAt(t, path, "")
	var people, signings int
	s.View(func(r *Reader) error {
		r.EachPersonMark("", func(m PersonMark) error {
			if m.ID == p.ID && m.BirthDate == "1945-03-15" && m.Status == "在册" && m.AgeOn("2025-11-30") == 80 {
				people++
			}
			return nil
		})
		r.EachSigningMark("130131190201", func(m SigningMark) error {
			if m.PersonID == p.ID && m.ValidOn("2025-11-30") {
				signings++
			}
			return nil
		})
		return nil
	})
	if people != 1 || signings != 1 {
		t.Fatalf("after the migration: %d people, %d signings read from the indexes", people, signings)
	}
}

package store

import (
	"strings"
	"testing"
)

func TestCheckWritesNothingAndMatchesSave(t *testing.T) {
	f := newFixture(t)
	s := f.s
	haveBefore, _ := s.Have()

	// A new person with a wrong check digit: the problem names the field and
	// nothing is written.
	p := &Person{HouseholdID: f.h.ID.String(), Name: "李四", IDNumber: "130131194503150026"}
	res, err := s.Check(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) == 0 || res.Problems[0].Field != "id_number" {
		t.Fatalf("problems = %v, want one on id_number", res.Problems)
	}
	if p.Status != "" || p.ID.String() != "00000000-0000-0000-0000-000000000000" {
		t.Errorf("Check changed the caller's record: status %q id %v", p.Status, p.ID)
	}

	// An assessment: the computed total and level are what Create stores.
	a := &Assessment{PersonID: f.p.ID.String(), Instrument: InstrumentGB, Reason: "常规评估", AssessDate: "2025-11-20",
		Assessors: []string{"甲", "乙"}, Informant: Informant{Name: "王军", Relation: "子女"}, ItemScores: gbFull(63), Status: "已完成"}
	res, err = s.Check(a)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("check: %v %v", err, res.Problems)
	}
	checked := res.Record.(*Assessment)
	if checked.TotalScore != 63 || checked.LevelName == "" || checked.NextDue == "" {
		t.Fatalf("computed fields not filled: total %d level %q next %q", checked.TotalScore, checked.LevelName, checked.NextDue)
	}
	if a.TotalScore != 0 {
		t.Errorf("Check filled the caller's record")
	}
	haveAfter, _ := s.Have()
	if len(haveAfter) != len(haveBefore) || haveAfter[s.Origin()] != haveBefore[s.Origin()] {
		t.Fatalf("Check wrote to the log: %v → %v", haveBefore, haveAfter)
	}
	mustCreate(t, s, a)
	if a.TotalScore != checked.TotalScore || a.FinalLevel != checked.FinalLevel || a.NextDue != checked.NextDue {
		t.Errorf("Create stored %d/%d/%s, Check said %d/%d/%s", a.TotalScore, a.FinalLevel, a.NextDue, checked.TotalScore, checked.FinalLevel, checked.NextDue)
	}

	// Editing a stored record: unchanged is no change; an illegal status
	// move is a problem on status.
	v, err := GetAs[*ElderlyProfile](s, f.profile.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res, err = s.Check(v); err != nil || res.Changed {
		t.Fatalf("unchanged record: changed=%v err=%v", res.Changed, err)
	}
	v.Status = "在册x"
	if res, err = s.Check(v); err != nil || len(res.Problems) == 0 || !res.Changed {
		t.Fatalf("bad status passed Check: %+v %v", res, err)
	}
	v.Status = "暂停"
	res, err = s.Check(v)
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Field != "pause_reason" {
		t.Fatalf("pause without a reason: %+v %v", res, err)
	}
}

func TestTitleNamesPeopleNotIdentifiers(t *testing.T) {
	f := newFixture(t)
	err := f.s.View(func(r *Reader) error {
		for _, tc := range []struct {
			e    Entity
			want string
		}{
			{f.profile, "王秀兰 重点"},
			{f.beds[0], "101室 101-1床"},
			{f.ent, "王秀兰 中度失能 2025-01-01起"},
		} {
			e, err := r.Get(MetaOf(tc.e).ID)
			if err != nil {
				return err
			}
			if got := r.Title(e); got != tc.want {
				t.Errorf("Title(%s) = %q, want %q", MetaOf(tc.e).Kind(), got, tc.want)
			}
		}
		adm, _ := r.Get(f.adm.ID)
		if got := r.Title(adm); !strings.HasPrefix(got, "王秀兰 ") || strings.Contains(got, "19450315") {
			t.Errorf("admission title %q", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

package store

import "testing"

// A valid ID number fills sex and birth date when they are empty, in Check
// (what a form shows as the number is typed) as in Save; a value the user
// gave is never overwritten, and one that disagrees is refused.
func TestIDFillsSexAndBirthDate(t *testing.T) {
	s := openTest(t, "130131190201-01")
	h := newHousehold(t, s, "H001")
	// 130131194503150025: born 1945-03-15, 17th digit 2 (even) → 女.
	p := &Person{HouseholdID: h.ID.String(), Name: "王秀兰", IDNumber: "130131194503150025", Relation: "户主", Status: "在册"}
	res, err := s.Check(p)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("check: %v %v", err, res.Problems)
	}
	if got := res.Record.(*Person); got.Sex != "女" || got.BirthDate != "1945-03-15" {
		t.Errorf("checked: sex %q birth %q, want 女 1945-03-15", got.Sex, got.BirthDate)
	}
	// Typed with a lowercase x and spaces: normalised first.
	// 13013119470808018X: born 1947-08-08, 17th digit 8 (even) → 女
	// (domain.md §8.2 marks it M, but its 17th digit is 8).
	q := &Person{HouseholdID: h.ID.String(), Name: "李建国", IDNumber: " 13013119470808018x ", Relation: "子"}
	res, err = s.Check(q)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("check: %v %v", err, res.Problems)
	}
	if got := res.Record.(*Person); got.Sex != "女" || got.BirthDate != "1947-08-08" || got.IDNumber != "13013119470808018X" {
		t.Errorf("checked: %q %q %q", got.IDNumber, got.Sex, got.BirthDate)
	}
	mustCreate(t, s, p)
	// Editing: a new number with sex and birth date cleared fills both.
	// 130131193807220112: 1938-07-22, 17th digit 1 → 男.
	got, _ := GetAs[*Person](s, p.ID)
	got.IDNumber, got.Sex, got.BirthDate = "130131193807220112", "", ""
	if _, err := s.Save(got, "x"); err != nil {
		t.Fatal(err)
	}
	got, _ = GetAs[*Person](s, p.ID)
	if got.Sex != "男" || got.BirthDate != "1938-07-22" {
		t.Errorf("after edit: %q %q, want 男 1938-07-22", got.Sex, got.BirthDate)
	}
	// A sex the user gave that disagrees is kept and refused, not replaced.
	r := &Person{HouseholdID: h.ID.String(), Name: "张英", IDNumber: "130131195202290248", Sex: "男", Relation: "女"}
	res, _ = s.Check(r)
	if res.Record.(*Person).Sex != "男" || !res.Problems.Has("ID_SEX_MISMATCH") {
		t.Errorf("disagreeing sex: %q %v", res.Record.(*Person).Sex, res.Problems)
	}
}

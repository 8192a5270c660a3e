package store

import (
	"errors"
	"testing"

	"github.com/google/uuid"
)

func TestCreateGetSave(t *testing.T) {
	s := openTest(t, "130131190201-01")
	h := newHousehold(t, s, "H001")
	p := newPerson(t, s, h, "王秀兰", "130131194503150025")
	got, err := GetAs[*Person](s, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "王秀兰" || got.Sex != "女" || got.BirthDate != "1945-03-15" || got.Status != "在册" {
		t.Fatalf("person read back as %+v", got)
	}
	if got.Scope != "130131190201" {
		t.Errorf("scope = %q, want the household's village", got.Scope)
	}
	got.Mobile = "+86 138 1234 5678"
	res, err := s.Save(got, "测试员")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changed) != 1 || res.Changed[0] != "mobile" {
		t.Errorf("changed = %v, want only mobile", res.Changed)
	}
	again, _ := GetAs[*Person](s, p.ID)
	if again.Mobile != "13812345678" {
		t.Errorf("mobile not normalised: %q", again.Mobile)
	}
	// Saving without edits writes nothing.
	res, err = s.Save(again, "测试员")
	if err != nil || len(res.Changed) != 0 {
		t.Errorf("no-op save: %v %v", res, err)
	}
}

func TestValidationProblems(t *testing.T) {
	s := openTest(t, "130131190201-01")
	h := newHousehold(t, s, "H001")
	cases := []struct {
		name string
		p    *Person
		want []string
	}{
		{"bad checksum", &Person{HouseholdID: h.ID.String(), Name: "张三", IDNumber: "130131194503150205"}, []string{"ID_CHECKSUM"}},
		{"bad date and checksum", &Person{HouseholdID: h.ID.String(), Name: "张三", IDNumber: "130131194593150025"}, []string{"ID_BIRTH_INVALID", "ID_CHECKSUM"}},
		{"29 Feb 1953", &Person{HouseholdID: h.ID.String(), Name: "张三", IDNumber: "130131195302290245"}, []string{"ID_BIRTH_INVALID"}},
		{"future birth", &Person{HouseholdID: h.ID.String(), Name: "张三", IDNumber: "130131209901010019"}, []string{"ID_BIRTH_FUTURE"}},
		{"sex mismatch", &Person{HouseholdID: h.ID.String(), Name: "张三", IDNumber: "130131194503150025", Sex: "男"}, []string{"ID_SEX_MISMATCH"}},
		{"digits in name", &Person{HouseholdID: h.ID.String(), Name: "张3", IDNumber: "130131194503150025"}, []string{"NAME_CHARS"}},
		{"bad mobile", &Person{HouseholdID: h.ID.String(), Name: "张三", IDNumber: "130131194503150025", Mobile: "12012345678"}, []string{"MOBILE_FORMAT"}},
		{"no household", &Person{Name: "张三", IDNumber: "130131194503150025"}, []string{"REQUIRED"}},
	}
	for _, c := range cases {
		_, err := s.Create(c.p, "测试员")
		var probs Problems
		if !errors.As(err, &probs) {
			t.Errorf("%s: err = %v, want problems", c.name, err)
			continue
		}
		for _, code := range c.want {
			if !probs.Has(code) {
				t.Errorf("%s: problems %v lack %s", c.name, probs, code)
			}
		}
		for _, p := range probs {
			if p.Message == "" {
				t.Errorf("%s: %s without message", c.name, p.Code)
			}
		}
	}
	// Nothing of the rejected saves was written.
	n := 0
	s.View(func(r *Reader) error {
		return r.EachID(KindPerson, "", func(uuid.UUID, string) error { n++; return nil })
	})
	if n != 0 {
		t.Errorf("%d persons written by rejected saves", n)
	}
}

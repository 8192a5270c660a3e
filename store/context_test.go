package store

import (
	"errors"
	"maps"
	"testing"

	"github.com/google/uuid"
)

// An edit context may only name versions this replica holds. A context
// naming another station's version that never arrived here (a forged or
// mistyped _version) would make the edit replace that station's concurrent
// edit silently; it is refused and nothing is written.
func TestContextAheadRefused(t *testing.T) {
	s := openTest(t, "130131190201-01")
	h := newHousehold(t, s, "H0001")
	e, err := s.Get(h.ID)
	if err != nil {
		t.Fatal(err)
	}
	other := OriginID(uuid.New())
	forged := e.(*Household).Context.Clone()
	forged.Raise(other, 999999)
	cases := []struct {
		name string
		ctx  VV
	}{
		{"another origin this replica never heard of", forged},
		{"this origin, beyond what it has issued", VV{{Origin: s.Origin(), Seq: 999999}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := s.Have()
			x := *e.(*Household)
			x.Context = c.ctx
			x.GroupName = "九组"
			_, err := s.Save(&x, "测试员")
			var se *Error
			if !errors.As(err, &se) || se.Code != CodeContextAhead {
				t.Fatalf("want %s, got %v", CodeContextAhead, err)
			}
			after, _ := s.Have()
			if !maps.Equal(before, after) {
				t.Errorf("the refused save wrote something: have %v → %v", before, after)
			}
			got, _ := s.Get(h.ID)
			if g := got.(*Household).GroupName; g != "一组" {
				t.Errorf("group name %q after a refused save", g)
			}
		})
	}
	// The context the record was read with is accepted.
	x := *e.(*Household)
	x.GroupName = "九组"
	if _, err := s.Save(&x, "测试员"); err != nil {
		t.Fatalf("an honest save: %v", err)
	}
}

// A save carries the context the form was opened with, not what the
// replica holds when the button is pressed: an edit of the same field that
// arrived in between stays, as a sibling for review.
func TestSaveUsesTheContextTheFormOpenedWith(t *testing.T) {
	s := openTest(t, "130131190201-01")
	h := newHousehold(t, s, "H0001")
	form, err := s.Get(h.ID) // the form opens
	if err != nil {
		t.Fatal(err)
	}
	other := OriginID(uuid.New())
	arrived := &Change{Origin: other, Seq: 1, HLC: HLC(1) << 50, Scope: "130131190201", Kind: KindHousehold, Record: h.ID,
		Fields: []Field{{Name: "group_name", Value: []byte(`"二组"`)}}, Ctx: form.(*Household).Context.Clone(), Author: "乙村", Schema: SchemaVersion}
	if _, err := s.Apply([]*Change{arrived}); err != nil {
		t.Fatal(err)
	}
	x := form.(*Household)
	x.GroupName = "三组"
	if _, err := s.Save(x, "测试员"); err != nil {
		t.Fatal(err)
	}
	var values []string
	s.View(func(r *Reader) error {
		st, _ := r.State(h.ID)
		for _, v := range st.Register("group_name").Versions {
			values = append(values, string(v.Value))
		}
		return nil
	})
	if len(values) != 2 {
		t.Fatalf("after saving a form opened before 乙村's edit arrived, the group holds %v; want both 二组 and 三组 for review", values)
	}
}

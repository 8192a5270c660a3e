package store

import (
	"bytes"
	"testing"
)

// TestConcurrentEditsBecomeSiblings is the plain story: two stations edit the
// same field of a record they both had; after exchanging changes both show
// the same winner, both values are kept, the field is on the review list,
// and a resolution on one station clears it on both.
func TestConcurrentEditsBecomeSiblings(t *testing.T) {
	a := openTest(t, "130131190000-01")
	b := openTest(t, "130131190000-01")
	h := newHousehold(t, a, "H001")
	exchange(t, a, b)

	ha, _ := GetAs[*Household](a, h.ID)
	hb, _ := GetAs[*Household](b, h.ID)
	ha.GroupName = "二组"
	hb.GroupName = "三组"
	if _, err := a.Save(ha, "甲"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Save(hb, "乙"); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	exchange(t, b, a)

	for _, s := range []*Store{a, b} {
		x, _ := GetAs[*Household](s, h.ID)
		if len(x.Conflicts) != 1 || x.Conflicts[0] != "group_name" {
			t.Fatalf("conflicts = %v", x.Conflicts)
		}
		var cs []Conflict
		s.View(func(r *Reader) error { cs, _ = r.Conflicts(""); return nil })
		if len(cs) != 1 || len(cs[0].Siblings) != 2 {
			t.Fatalf("review list = %+v", cs)
		}
		vals := map[string]bool{}
		for _, sib := range cs[0].Siblings {
			vals[string(sib.Value)] = true
			if sib.StationName != "测试站" {
				t.Errorf("sibling without station: %+v", sib)
			}
		}
		if !vals[`"二组"`] || !vals[`"三组"`] {
			t.Errorf("siblings = %v", vals)
		}
	}
	assertSameDump(t, a, b)

	if err := a.Resolve(h.ID, "group_name", []byte(`"二组"`), "甲"); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	for _, s := range []*Store{a, b} {
		x, _ := GetAs[*Household](s, h.ID)
		if len(x.Conflicts) != 0 || x.GroupName != "二组" {
			t.Fatalf("after resolve: %q conflicts %v", x.GroupName, x.Conflicts)
		}
	}
	assertSameDump(t, a, b)
}

// TestDeleteAgainstEdit: one station deletes, the other edits; the deletion
// shows with the edit for review, and restoring keeps the edit.
func TestDeleteAgainstEdit(t *testing.T) {
	a := openTest(t, "130131190000-01")
	b := openTest(t, "130131190000-01")
	h := newHousehold(t, a, "H001")
	exchange(t, a, b)
	ha, _ := GetAs[*Household](a, h.ID)
	hb, _ := GetAs[*Household](b, h.ID)
	if err := a.Delete(ha, "甲"); err != nil {
		t.Fatal(err)
	}
	hb.Address = "示例镇甲村一组"
	if _, err := b.Save(hb, "乙"); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	exchange(t, b, a)
	for _, s := range []*Store{a, b} {
		x, _ := GetAs[*Household](s, h.ID)
		if !x.Deleted || len(x.Conflicts) != 1 || x.Conflicts[0] != FieldDeleted {
			t.Fatalf("deleted=%v conflicts=%v", x.Deleted, x.Conflicts)
		}
	}
	assertSameDump(t, a, b)
	if err := b.Resolve(h.ID, FieldDeleted, []byte("false"), "乙"); err != nil {
		t.Fatal(err)
	}
	exchange(t, b, a)
	for _, s := range []*Store{a, b} {
		x, _ := GetAs[*Household](s, h.ID)
		if x.Deleted || len(x.Conflicts) != 0 || x.Address != "示例镇甲村一组" {
			t.Fatalf("after restore: deleted=%v conflicts=%v address=%q", x.Deleted, x.Conflicts, x.Address)
		}
	}
}

// exchange copies every change from a that b lacks into b.
func exchange(t testing.TB, from, to *Store) {
	t.Helper()
	have, err := to.Have()
	if err != nil {
		t.Fatal(err)
	}
	src, err := from.Have()
	if err != nil {
		t.Fatal(err)
	}
	var batch []*Change
	for o, upto := range src {
		cs, err := from.Changes(o, have[o], upto)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, cs...)
	}
	if _, err := to.Apply(batch); err != nil {
		t.Fatal(err)
	}
}

func assertSameDump(t testing.TB, stores ...*Store) {
	t.Helper()
	var first []byte
	for i, s := range stores {
		var b bytes.Buffer
		if err := s.Dump(&b, true); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.Bytes()
		} else if !bytes.Equal(first, b.Bytes()) {
			t.Fatalf("dump of replica %d differs from replica 0", i)
		}
	}
}

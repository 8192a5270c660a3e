package store

import (
	"sort"
	"strings"
	"testing"
)

// conflictOn returns the review entry of a field, nil when it is not listed.
func conflictOn(t *testing.T, s *Store, field string) *Conflict {
	t.Helper()
	var cs []Conflict
	if err := s.View(func(r *Reader) error { var err error; cs, err = r.Conflicts(""); return err }); err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		if cs[i].Field == field {
			return &cs[i]
		}
	}
	return nil
}

func values(c *Conflict) []string {
	var out []string
	for _, s := range c.Siblings {
		out = append(out, string(s.Value))
	}
	sort.Strings(out)
	return out
}

// Resolve, then undo: the field is on the review list again with the same
// values, each naming who entered it; the value shown is the one shown
// before the review; another replica converges to the same state.
func TestUndoResolve(t *testing.T) {
	a := openTest(t, "130131190000-01")
	b := openTest(t, "130131190000-01")
	h := newHousehold(t, a, "H001")
	exchange(t, a, b)
	ha, _ := GetAs[*Household](a, h.ID)
	hb, _ := GetAs[*Household](b, h.ID)
	ha.GroupName, hb.GroupName = "二组", "三组"
	loginAs(t, a, "王五")
	loginAs(t, b, "赵六")
	if _, err := a.Save(ha, "王五"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Save(hb, "赵六"); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
	exchange(t, b, a)
	c := conflictOn(t, a, "group_name")
	if c == nil {
		t.Fatal("no conflict to resolve")
	}
	shownBefore := func() string { x, _ := GetAs[*Household](a, h.ID); return x.GroupName }()
	prior := c.Versions()
	loginAs(t, a, "李四")
	if err := a.Resolve(h.ID, "group_name", []byte(`"四组"`), "李四"); err != nil {
		t.Fatal(err)
	}
	if conflictOn(t, a, "group_name") != nil {
		t.Fatal("still listed after resolve")
	}
	// Undoing with only one value, or with values the field does not
	// replace, is refused and writes nothing.
	before := dumpOf(t, a)
	wantCode(t, a.UndoResolve(h.ID, "group_name", prior[:1], "李四"), "UNDO_NOTHING")
	wantCode(t, a.UndoResolve(h.ID, "address", prior, "李四"), "UNDO_STALE")
	if string(before) != string(dumpOf(t, a)) {
		t.Fatal("a refused undo wrote something")
	}

	if err := a.UndoResolve(h.ID, "group_name", prior, "李四"); err != nil {
		t.Fatal(err)
	}
	c = conflictOn(t, a, "group_name")
	if c == nil {
		t.Fatal("not listed for review after undo")
	}
	if got := values(c); len(got) != 2 || got[0] != `"三组"` || got[1] != `"二组"` {
		t.Errorf("siblings after undo %v, want 二组 and 三组", got)
	}
	for _, s := range c.Siblings {
		who := map[string]string{`"二组"`: "王五（李四撤销审核后恢复）", `"三组"`: "赵六（原录入于测试站；李四撤销审核后恢复）"}[string(s.Value)]
		if s.Author != who {
			t.Errorf("sibling %s by %q, want %q", s.Value, s.Author, who)
		}
	}
	if x, _ := GetAs[*Household](a, h.ID); x.GroupName != shownBefore {
		t.Errorf("shown after undo %q, before the review %q", x.GroupName, shownBefore)
	}
	// Undoing twice is refused: the field holds siblings again.
	wantCode(t, a.UndoResolve(h.ID, "group_name", prior, "李四"), "UNDO_CHANGED")

	exchange(t, a, b)
	if c := conflictOn(t, b, "group_name"); c == nil || len(c.Siblings) != 2 {
		t.Fatalf("the other replica after sync: %+v", c)
	}
	assertSameDump(t, a, b)
	// Reviewing again on the other replica settles it on both.
	if err := b.Resolve(h.ID, "group_name", []byte(`"二组"`), "赵六"); err != nil {
		t.Fatal(err)
	}
	exchange(t, b, a)
	if conflictOn(t, a, "group_name") != nil {
		t.Error("still listed after the second review")
	}
	assertSameDump(t, a, b)
}

// The command line has no screen that kept the values: ReplacedVersions
// finds them in the log.
func TestReplacedVersions(t *testing.T) {
	a := openTest(t, "130131190000-01")
	b := openTest(t, "130131190000-01")
	h := newHousehold(t, a, "H001")
	exchange(t, a, b)
	ha, _ := GetAs[*Household](a, h.ID)
	hb, _ := GetAs[*Household](b, h.ID)
	ha.Address, hb.Address = "甲村一组1号", "甲村一组2号"
	a.Save(ha, "王五")
	b.Save(hb, "赵六")
	exchange(t, b, a)
	want := values(conflictOn(t, a, "address"))
	var got []Version
	a.View(func(r *Reader) error { got, _ = r.ReplacedVersions(h.ID, "address"); return nil })
	if got != nil {
		t.Errorf("before the review: %v", got)
	}
	if err := a.Resolve(h.ID, "address", []byte(`"甲村一组3号"`), "李四"); err != nil {
		t.Fatal(err)
	}
	a.View(func(r *Reader) error { got, _ = r.ReplacedVersions(h.ID, "address"); return nil })
	var vals []string
	for _, v := range got {
		vals = append(vals, string(v.Value))
	}
	sort.Strings(vals)
	if strings.Join(vals, ",") != strings.Join(want, ",") {
		t.Fatalf("replaced %v, want %v", vals, want)
	}
	if err := a.UndoResolve(h.ID, "address", got, "李四"); err != nil {
		t.Fatal(err)
	}
	if c := conflictOn(t, a, "address"); c == nil || strings.Join(values(c), ",") != strings.Join(want, ",") {
		t.Errorf("after undo: %+v", c)
	}
	// An ordinary edit replaced one value: nothing to undo.
	var group []Version
	a.View(func(r *Reader) error { group, _ = r.ReplacedVersions(h.ID, "group_name"); return nil })
	if group != nil {
		t.Errorf("group_name replaced %v", group)
	}
}

// A delete that raced an edit, settled by keeping the deletion, comes back
// for review with both choices when the review is undone.
func TestUndoResolveDeletion(t *testing.T) {
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
	b.Save(hb, "乙")
	exchange(t, a, b)
	exchange(t, b, a)
	c := conflictOn(t, a, FieldDeleted)
	if c == nil {
		t.Fatal("no delete conflict")
	}
	want := values(c)
	if err := a.Resolve(h.ID, FieldDeleted, []byte("true"), "甲"); err != nil {
		t.Fatal(err)
	}
	if conflictOn(t, a, FieldDeleted) != nil {
		t.Fatal("listed after keeping the deletion")
	}
	if err := a.UndoResolve(h.ID, FieldDeleted, c.Versions(), "甲"); err != nil {
		t.Fatal(err)
	}
	c = conflictOn(t, a, FieldDeleted)
	if c == nil || strings.Join(values(c), ",") != strings.Join(want, ",") {
		t.Fatalf("after undo: %+v, want values %v", c, want)
	}
	exchange(t, a, b)
	assertSameDump(t, a, b)
}

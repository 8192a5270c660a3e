package app

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// Two copies of the data edit the same person's phone at once; after the
// change from the other copy arrives, the review screen shows both values
// side by side with where and who; choosing one settles it.
func TestConflictShownSideBySideAndResolved(t *testing.T) {
	a := openDemo(t)
	bPath := filepath.Join(t.TempDir(), "other.db")
	a.Close()
	copyFile(t, a.Path(), bPath)
	a, err := store.Open(a.Path(), &store.Options{RegistryDir: "-", Now: testClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := store.Open(bPath, &store.Options{RegistryDir: "-", Now: testClock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	for _, s := range []*store.Store{a, b} {
		if err := demo.Login(s); err != nil {
			t.Fatal(err)
		}
	}
	if a.Origin() == b.Origin() {
		t.Fatal("the copy kept the origin id")
	}

	var person *store.Person
	_ = a.View(func(r *store.Reader) error {
		hits, _, err := r.Search("林建秀", "", 1)
		if err == nil && len(hits) == 1 {
			e, _ := r.Get(hits[0].ID)
			person = e.(*store.Person)
		}
		return err
	})
	if person == nil {
		t.Fatal("林建秀 not found")
	}
	id := store.MetaOf(person).ID
	for _, x := range []struct {
		s     *store.Store
		phone string
		who   string
	}{{a, "13911112222", "甲录入员"}, {b, "13933334444", "乙录入员"}} {
		loginAs(t, x.s, x.who)
		p, _ := store.GetAs[*store.Person](x.s, id)
		p.Mobile = x.phone
		if _, err := x.s.Save(p, x.who); err != nil {
			t.Fatal(err)
		}
	}
	have, _ := b.Have()
	changes, err := b.Changes(b.Origin(), 0, have[b.Origin()])
	if err != nil || len(changes) == 0 {
		t.Fatalf("changes of the copy: %d %v", len(changes), err)
	}
	if _, err := a.Apply(changes); err != nil {
		t.Fatal(err)
	}

	// The data set already holds one: a household phone corrected at two
	// places.
	u := newTestUI(t, a)
	if u.conflicts.count != 2 || !strings.Contains(u.navLabel(u.screenIndex(u.conflicts)), "(2)") {
		t.Fatalf("navigation shows %q", u.navLabel(u.screenIndex(u.conflicts)))
	}
	u.show(u.screenIndex(u.conflicts))
	c := u.conflicts
	mine := -1
	for i, title := range c.titles {
		if strings.Contains(title, "林建秀") && strings.Contains(title, "手机号") {
			mine = i
		}
	}
	if len(c.items) != 2 || mine < 0 {
		t.Fatalf("conflicts listed: %v", c.titles)
	}
	c.list.Select(mine)
	if len(c.picks) != 2 {
		t.Fatalf("%d values side by side, want 2", len(c.picks))
	}
	// Masked by default, with who entered each.
	if !hasText(c.panel.box, "139****2222") || !hasText(c.panel.box, "139****4444") || hasText(c.panel.box, "13911112222") {
		t.Error("values are not shown masked")
	}
	if !hasText(c.panel.box, "录入人：乙录入员") || !hasText(c.panel.box, "录入人：甲录入员") {
		t.Error("the author of each value is not shown")
	}
	// Keep the value entered on the other copy.
	for i, sib := range c.items[mine].Siblings {
		if string(sib.Value) == `"13933334444"` {
			test.Tap(c.picks[i])
		}
	}
	if len(c.items) != 1 || c.count != 1 {
		t.Fatalf("after resolving, %d conflicts remain", len(c.items))
	}
	p, _ := store.GetAs[*store.Person](a, id)
	if p.Mobile != "13933334444" || len(store.MetaOf(p).Conflicts) != 0 {
		t.Errorf("after resolving: mobile %s, conflicts %v", p.Mobile, store.MetaOf(p).Conflicts)
	}

	// The remaining one gets a merged value typed by the reviewer; a value
	// the store refuses is explained and settles nothing.
	c.list.Select(0)
	if c.merged == nil {
		t.Fatal("no entry for a merged value")
	}
	hh := c.items[0].ID
	typeInto(c.merged, "1393111")
	test.Tap(button(t, c.panel.box, "采用合并后的值"))
	if c.count != 1 {
		t.Fatal("an invalid phone number settled the conflict")
	}
	if d := topDialog(u.win); d == nil || !hasText(d, "手机号") && !hasText(d, "电话") {
		t.Error("the refused value is not explained")
	}
	typeInto(c.merged, "13931110009")
	test.Tap(button(t, c.panel.box, "采用合并后的值"))
	if c.count != 0 {
		t.Fatalf("%d conflicts remain", c.count)
	}
	h, _ := store.GetAs[*store.Household](a, hh)
	if h.Phone != "13931110009" {
		t.Errorf("household phone = %s", h.Phone)
	}
}

// Right after a review the screen offers 撤销; undoing brings the values
// back side by side for review, on this station and, being ordinary
// changes, on every other after sync.
func TestReviewCanBeUndone(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.conflicts))
	c := u.conflicts
	if len(c.items) != 1 {
		t.Fatalf("the demo has %d conflicts, want its one household phone", len(c.items))
	}
	values := func(cs []store.Conflict) []string {
		var out []string
		for _, s := range cs[0].Siblings {
			out = append(out, string(s.Value))
		}
		sort.Strings(out)
		return out
	}
	before := values(c.items)
	id := c.items[0].ID
	c.list.Select(0)
	test.Tap(c.picks[0])
	if c.count != 0 {
		t.Fatalf("after the review %d conflicts remain", c.count)
	}
	if !c.undoBox.Visible() || c.undoBtn == nil {
		t.Fatal("no 撤销 offered after the review")
	}
	test.Tap(c.undoBtn)
	if c.count != 1 || c.items[0].ID != id {
		t.Fatalf("after undo: %d conflicts", c.count)
	}
	if after := values(c.items); strings.Join(after, "|") != strings.Join(before, "|") {
		t.Errorf("undo brought back %v, the review replaced %v", after, before)
	}
	if c.undoBox.Visible() {
		t.Error("撤销 is still offered after undoing")
	}
	// Both are in the audit log, under the operator, naming the record
	// and the field as the screen does.
	list, _ := u.st.StationAudit()
	if len(list) < 2 {
		t.Fatalf("audit log: %+v", list)
	}
	review, undo := list[len(list)-2], list[len(list)-1]
	label := store.FieldLabel(c.items[0].Kind, c.items[0].Field)
	if review.Action != store.AuditResolve || review.Target != id.String() || review.Detail != "“"+label+"”定为一个取值" || review.User != u.operator {
		t.Errorf("review recorded as %+v", review)
	}
	if undo.Action != store.AuditResolve || undo.Detail != "撤销对“"+label+"”的处理" {
		t.Errorf("undo recorded as %+v", undo)
	}
}

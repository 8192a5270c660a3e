package sync

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// The county checks every change a station sends with the record rules a
// station's own forms apply. A station key proves who sent a change, not
// that it is valid: a buggy or tampered station program must not put into
// the county, and through it into the village's other stations, what no
// form would accept.
func TestCountyRefusesInvalidChanges(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	b := w.station("130131190", "示例镇社会救助站")
	h := household(t, a, "130131190201-V01", "130131190201")
	w.sync(a)
	w.sync(b)
	mine := a.s.Origin()
	have, _ := a.s.Have()
	next := have[mine] + 1
	edit := func(field, value string) *store.Change {
		return &store.Change{Origin: mine, Seq: next, HLC: 1 << 40, Scope: "130131190201", Kind: store.KindHousehold, Record: h.ID,
			Fields: []store.Field{{Name: field, Value: []byte(value)}}, Author: "甲", Schema: 1}
	}
	create := func(kind store.Kind, scope string, fields ...store.Field) *store.Change {
		sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
		return &store.Change{Origin: mine, Seq: next, HLC: 1 << 40, Scope: scope, Kind: kind, Record: uuid.New(), Fields: fields, Author: "甲", Schema: 1}
	}
	f := func(name, value string) store.Field { return store.Field{Name: name, Value: []byte(value)} }
	cases := []struct {
		name   string
		change *store.Change
	}{
		{"a negative income", edit("income_per_capita_fen", "-500000")},
		{"a 500-character group name", edit("group_name", `"`+strings.Repeat("组", 500)+`"`)},
		{"an option that is not an option", edit("household_type", `"富裕户"`)},
		{"an unknown field", edit("favourite_colour", `"红"`)},
		{"a number where text belongs", edit("group_name", "123")},
		{"text where a number belongs", edit("income_per_capita_fen", `"很多"`)},
		{"not JSON at all", edit("group_name", `"unterminated`)},
		{"an unknown kind", create("spaceship", "130131190201", f("name", `"X"`))},
		{"a household filed under a village it does not name",
			create(store.KindHousehold, "130131190201", f("household_no", `"130131190201-V02"`), f("village_code", `"130131190202"`), f("household_type", `"一般农户"`))},
		{"a person with an impossible ID number",
			create(store.KindPerson, "130131190201", f("household_id", `"`+h.ID.String()+`"`), f("name", `"张三"`), f("id_number", `"130131199001011235"`))},
		{"a status no workflow has", edit("status", `"已飞走"`)},
		{"a village deciding its home's subsidy claim for the county",
			create(store.KindSubsidyClaim, "130131190201", f("home_id", `"`+uuid.NewString()+`"`), f("year", "2025"), f("status", `"县民政审定"`))},
		{"a village writing the township's opinion on a claim",
			create(store.KindSubsidyClaim, "130131190201", f("home_id", `"`+uuid.NewString()+`"`), f("year", "2025"), f("township_opinion", `"同意"`))},
	}
	before := snapshot(t, w.county)
	for _, c := range cases {
		decl := store.VV{}
		for o, s := range have {
			decl.Raise(o, s)
		}
		decl.Raise(mine, next)
		_, err := w.county.Import(forgeHave(t, a, w.county.county.Keys, w.county.ID(), decl, []*store.Change{c.change}))
		if store.CodeOf(err) != CodeInvalid {
			t.Errorf("%s: want %s, got %v", c.name, CodeInvalid, err)
		}
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Fatal("a refused bundle changed the county")
	}
	// Nothing reached the township's station.
	bb := dumpScope(t, b.s, "130131190")
	w.sync(b)
	if !bytes.Equal(bb, dumpScope(t, b.s, "130131190")) {
		t.Error("the township station received something after the refusals")
	}
	// The honest edit still goes through.
	e, _ := a.s.Get(h.ID)
	x := e.(*store.Household)
	x.GroupName = "二组"
	if _, err := a.s.Save(x, "甲"); err != nil {
		t.Fatal(err)
	}
	if res := w.sync(a); res == nil {
		t.Fatal("no sync result")
	}
	got, _ := w.county.s.Get(h.ID)
	if got.(*store.Household).GroupName != "二组" {
		t.Error("the honest edit did not reach the county")
	}
}

// A record filed under another village than the parent it names would
// reach the wrong stations. The county checks a parent's scope whether it
// arrived long ago, in a bundle it has not built yet, or earlier in the
// same bundle.
func TestCountyChecksTheParentsScope(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	b := w.station("130131190", "示例镇社会救助站")
	w.sync(b)
	h := household(t, a, "130131190201-P01", "130131190201")
	w.sync(a) // the county appends the household; nothing has read it yet
	mine := b.s.Origin()
	have, _ := b.s.Have()
	next := have[mine] + 1
	decl := store.VV{}
	for o, s := range have {
		decl.Raise(o, s)
	}
	person := func(seq uint64, scope string, household uuid.UUID) *store.Change {
		return &store.Change{Origin: mine, Seq: seq, HLC: 1 << 40, Scope: scope, Kind: store.KindPerson, Record: uuid.New(), Author: "乙", Schema: 1,
			Fields: []store.Field{{Name: "household_id", Value: []byte(`"` + household.String() + `"`)}, {Name: "name", Value: []byte(`"张三"`)}}}
	}
	send := func(changes ...*store.Change) error {
		d := decl.Clone()
		d.Raise(mine, changes[len(changes)-1].Seq)
		_, err := w.county.Import(forgeHave(t, b, w.county.county.Keys, w.county.ID(), d, changes))
		return err
	}
	lagging := false
	_ = w.county.s.ViewLog(func(r *store.Reader) error { lagging = r.Lagging(); return nil })
	if !lagging {
		t.Fatal("the county built the household already: the case below would test too little")
	}
	if err := send(person(next, "130131190202", h.ID)); store.CodeOf(err) != CodeInvalid {
		t.Errorf("a person of 乙村 in a household of 甲村 the county holds unbuilt: %v", err)
	}
	if got, _ := w.county.s.Have(); got[mine] >= next {
		t.Fatal("a refused bundle was taken in")
	}
	before := snapshot(t, w.county)
	hb := uuid.New()
	newHousehold := &store.Change{Origin: mine, Seq: next, HLC: 1 << 40, Scope: "130131190201", Kind: store.KindHousehold, Record: hb, Author: "乙", Schema: 1,
		Fields: []store.Field{{Name: "household_no", Value: []byte(`"130131190201-P02"`)}, {Name: "household_type", Value: []byte(`"一般农户"`)},
			{Name: "village_code", Value: []byte(`"130131190201"`)}}}
	if err := send(newHousehold, person(next+1, "130131190202", hb)); store.CodeOf(err) != CodeInvalid {
		t.Errorf("a person of 乙村 in a household of 甲村 made in the same bundle: %v", err)
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Fatal("a refused bundle changed the county")
	}
	if err := send(person(next, "130131190201", h.ID)); err != nil {
		t.Errorf("an honest person of the household: %v", err)
	}
}

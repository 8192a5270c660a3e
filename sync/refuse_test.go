package sync

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// A bundle cut off at any byte, or with any single bit flipped, is refused
// and changes nothing.
func TestTruncatedAndFlippedBundles(t *testing.T) {
	for _, s := range crypt.Suites {
		t.Run(string(s), func(t *testing.T) { truncatedAndFlipped(t, newWorldWith(t, pgtest.OnPostgres(), s)) })
	}
}

func truncatedAndFlipped(t *testing.T, w *world) {
	a := w.station("130131190201", "甲村服务点")
	for i := 0; i < 3; i++ {
		household(t, a, "130131190201-T"+string(rune('0'+i)), "130131190201")
	}
	out, err := a.Outgoing(a.CountyID(), 0)
	if err != nil {
		t.Fatal(err)
	}
	bundle := out[0]
	before := snapshot(t, w.county)
	codes := map[string]int{}
	for cut := 0; cut < len(bundle); cut++ {
		_, err := w.county.Import(bundle[:cut])
		if err == nil {
			t.Fatalf("bundle cut at %d of %d accepted", cut, len(bundle))
		}
		codes[store.CodeOf(err)]++
	}
	for i := 0; i < len(bundle); i++ {
		for _, bit := range []byte{1, 0x80} {
			bad := append([]byte(nil), bundle...)
			bad[i] ^= bit
			if _, err := w.county.Import(bad); err == nil {
				t.Fatalf("bit %x flipped at %d accepted", bit, i)
			} else {
				codes[store.CodeOf(err)]++
			}
		}
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Fatal("refused bundles changed the county")
	}
	if codes[CodeTruncated] == 0 || codes[CodeSignature] == 0 {
		t.Errorf("refusals by code: %v", codes)
	}
	// The intact bundle still goes in.
	if res, err := w.county.Import(bundle); err != nil || res.Applied == 0 {
		t.Fatalf("intact bundle: %+v %v", res, err)
	}
}

// forge signs a bundle with a station's real key but content of the
// sender's choosing, as a tampered station program could.
func forge(t *testing.T, from *Node, to PeerKeys, toID string, changes []*store.Change) []byte {
	t.Helper()
	return forgeHave(t, from, to, toID, nil, changes)
}

func TestCountyRefusesWhatAStationMayNotSend(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	b := w.station("130131190202", "乙村服务点")
	w.sync(a)
	w.sync(b)
	countyKeys := w.county.county.Keys
	// A change in another village, from a's own origin.
	have, _ := a.s.Have()
	mine := a.s.Origin()
	out := &store.Change{Origin: mine, Seq: have[mine] + 1, HLC: 1 << 20, Scope: "130131190202", Kind: store.KindHousehold, Record: uuid.New(),
		Fields: []store.Field{{Name: "household_no", Value: []byte(`"X"`)}}, Schema: 1}
	before := snapshot(t, w.county)
	if _, err := w.county.Import(forge(t, a, countyKeys, w.county.ID(), []*store.Change{out})); store.CodeOf(err) != CodeScope {
		t.Errorf("out-of-scope change: %v", err)
	}
	// A change in a's village under b's origin (b's origin is bound to b).
	bo := b.s.Origin()
	bh, _ := b.s.Have()
	foreign := &store.Change{Origin: bo, Seq: bh[bo] + 1, HLC: 1 << 20, Scope: "130131190201", Kind: store.KindHousehold, Record: uuid.New(),
		Fields: []store.Field{{Name: "household_no", Value: []byte(`"Y"`)}}, Schema: 1}
	if _, err := w.county.Import(forge(t, a, countyKeys, w.county.ID(), []*store.Change{foreign})); store.CodeOf(err) != CodeOrigin {
		t.Errorf("foreign origin: %v", err)
	}
	// A new origin that does not introduce itself as a.
	newOrigin := store.OriginID(uuid.New())
	anon := &store.Change{Origin: newOrigin, Seq: 1, HLC: 1 << 20, Scope: "130131190201", Kind: store.KindHousehold, Record: uuid.New(),
		Fields: []store.Field{{Name: "household_no", Value: []byte(`"Z"`)}}, Schema: 1}
	if _, err := w.county.Import(forge(t, a, countyKeys, w.county.ID(), []*store.Change{anon})); store.CodeOf(err) != CodeOrigin {
		t.Errorf("unintroduced origin: %v", err)
	}
	// A change to a record of b's village, disguised with a's scope.
	var bRecord uuid.UUID
	b.s.View(func(r *store.Reader) error {
		return r.EachID(store.KindOrigin, "130131190202", func(id uuid.UUID, _ string) error { bRecord = id; return nil })
	})
	disguised := &store.Change{Origin: mine, Seq: have[mine] + 1, HLC: 1 << 20, Scope: "130131190201", Kind: store.KindOrigin, Record: bRecord,
		Fields: []store.Field{{Name: "station_name", Value: []byte(`"冒名"`)}}, Schema: 1}
	if _, err := w.county.Import(forge(t, a, countyKeys, w.county.ID(), []*store.Change{disguised})); store.CodeOf(err) != CodeScope {
		t.Errorf("disguised change to another village's record: %v", err)
	}
	// Addressed to b, carried to the county.
	toB := forge(t, a, b.me.Public(), b.ID(), nil)
	if _, err := w.county.Import(toB); store.CodeOf(err) != CodeWrongTo {
		t.Errorf("wrong recipient: %v", err)
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Fatal("refused bundles changed the county")
	}
	// A station refuses data of another village from the county too.
	bad := &store.Change{Origin: store.OriginID(uuid.New()), Seq: 1, HLC: 1 << 20, Scope: "130131190202", Kind: store.KindHousehold, Record: uuid.New(),
		Fields: []store.Field{{Name: "household_no", Value: []byte(`"W"`)}}, Schema: 1}
	sb := snapshot(t, a)
	if _, err := a.Import(forge(t, w.county, a.me.Public(), a.ID(), []*store.Change{bad})); store.CodeOf(err) != CodeScope {
		t.Errorf("station accepted another village's data: %v", err)
	}
	if !bytes.Equal(sb, snapshot(t, a)) {
		t.Fatal("refused bundle changed the station")
	}
}

func TestBundleLimitsAndContinuation(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	for i := 0; i < 40; i++ {
		household(t, a, "130131190201-L"+uuid.NewString()[:6], "130131190201")
	}
	a.SetLimits(Limits{TargetBody: 2000})
	paths, err := a.ExportTo(t.TempDir(), a.CountyID())
	if err != nil || len(paths) < 3 {
		t.Fatalf("continuation: %d files, %v", len(paths), err)
	}
	// The parts go in in reverse order: the early ones wait, then all apply.
	var queued int
	for i := len(paths) - 1; i >= 0; i-- {
		res, err := w.county.ImportFile(paths[i], "")
		if err != nil {
			t.Fatal(err)
		}
		queued += res.Queued
	}
	if queued == 0 {
		t.Error("reverse order queued nothing")
	}
	ha, _ := a.s.Have()
	hc, _ := w.county.s.Have()
	if o := a.s.Origin(); hc[o] != ha[o] {
		t.Errorf("county holds %d of the station's %d changes after the parts", hc[o], ha[o])
	}
	before := snapshot(t, w.county)
	// The stick's folder picked instead of a file in it.
	if _, err := w.county.ImportFile(filepath.Dir(paths[0]), ""); store.CodeOf(err) != "NOT_A_FILE" {
		t.Errorf("importing a folder: %v, want NOT_A_FILE", err)
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Error("a refused import changed the county")
	}
	w.county.SetLimits(Limits{MaxBundle: 100})
	if _, err := w.county.ImportFile(paths[0], ""); store.CodeOf(err) != CodeTooLarge {
		t.Errorf("oversized file: %v", err)
	}
	// Continuation over HTTP: the reply to a small-target station comes in rounds.
	w.county.SetLimits(Limits{TargetBody: 1500})
	b := w.station("130131190", "示例镇工作站")
	res := w.sync(b)
	if res.Round < 3 {
		t.Errorf("township's first sync took %d rounds", res.Round)
	}
	if !bytes.Equal(dumpScope(t, b.s, "130131190"), dumpScope(t, w.county.s, "130131190")) {
		t.Error("township differs after continued sync")
	}
}

func TestCredential(t *testing.T) {
	w := newWorld(t)
	cred, err := w.county.EnrolStation("130131190201", "甲村服务点", "http://x")
	if err != nil {
		t.Fatal(err)
	}
	if cred.Station.Code != "130131190201-01" {
		t.Errorf("code %s", cred.Station.Code)
	}
	again, _ := w.county.EnrolStation("130131190201", "甲村第二服务点", "")
	if again.Station.Code != "130131190201-02" {
		t.Errorf("second code %s", again.Station.Code)
	}
	town, _ := w.county.EnrolStation("130131190", "示例镇", "")
	if town.Station.Code != "130131190000-01" {
		t.Errorf("township code %s", town.Station.Code)
	}
	if _, err := w.county.EnrolStation("130132190201", "外县", ""); err == nil {
		t.Error("another county's village enrolled")
	}
	b, _ := json.Marshal(cred)
	tampered := bytes.Replace(b, []byte(`130131190201-01`), []byte(`130131190202-01`), 1)
	if _, err := ParseCredential(tampered); store.CodeOf(err) != "CREDENTIAL_INVALID" {
		t.Errorf("tampered credential: %v", err)
	}
	// A database set up for one station cannot be enrolled as another.
	s := openStore(t, t.TempDir()+"/s.db")
	if _, err := Enrol(s, b); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(again)
	if _, err := Enrol(s, b2); err == nil {
		t.Error("enrolled as a second station")
	}
}

// forgeHave is forge with the sender's declared have vector.
func forgeHave(t *testing.T, from *Node, to PeerKeys, toID string, have store.VV, changes []*store.Change) []byte {
	t.Helper()
	e := &Entries{Changes: changes}
	h := &Header{ID: uuid.NewString(), From: from.ID(), To: toID, Have: vvToMap(have)}
	for _, c := range changes {
		h.Ranges = append(h.Ranges, Range{Origin: c.Origin.String(), From: c.Seq, To: c.Seq})
	}
	b, err := seal(h, e, from.me, to)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A change whose context claims a version its writer cannot have seen is
// refused, signed by a real station key or not: accepted, it would replace
// the other station's concurrent edit everywhere and nobody would be asked.
func TestForgedContextRefused(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	b := w.station("130131190", "示例镇社会救助站")
	h := household(t, a, "130131190201-F01", "130131190201")
	w.sync(a)
	w.sync(b)
	// b edits the group and passes it on; a has not seen that.
	eb, _ := b.s.Get(h.ID)
	hb := eb.(*store.Household)
	hb.GroupName = "二组"
	if _, err := b.s.Save(hb, "乙"); err != nil {
		t.Fatal(err)
	}
	w.sync(b)
	bo := b.s.Origin()
	bHave, _ := b.s.Have()
	ea, _ := a.s.Get(h.ID)
	mine := a.s.Origin()
	aHave, _ := a.s.Have()
	edit := func(ctx store.VV) *store.Change {
		return &store.Change{Origin: mine, Seq: aHave[mine] + 1, HLC: 1 << 40, Scope: "130131190201", Kind: store.KindHousehold, Record: h.ID,
			Fields: []store.Field{{Name: "group_name", Value: []byte(`"三组"`)}}, Ctx: ctx, Author: "甲", Schema: 1}
	}
	declared := func(extra ...store.Dot) store.VV {
		var v store.VV
		for o, s := range aHave {
			v.Raise(o, s)
		}
		v.Raise(mine, aHave[mine]+1)
		for _, d := range extra {
			v.Raise(d.Origin, d.Seq)
		}
		return v
	}
	withB := func(seq uint64) store.VV {
		c := ea.(*store.Household).Context.Clone()
		c.Raise(bo, seq)
		return c
	}
	before := snapshot(t, w.county)
	cases := []struct {
		name   string
		have   store.VV
		change *store.Change
	}{
		{"a sequence number b never issued", declared(store.Dot{Origin: bo, Seq: 999999}), edit(withB(999999))},
		{"b's edit, which a's own have vector says it has not seen", declared(), edit(withB(bHave[bo]))},
	}
	for _, c := range cases {
		_, err := w.county.Import(forgeHave(t, a, w.county.county.Keys, w.county.ID(), c.have, []*store.Change{c.change}))
		if store.CodeOf(err) != CodeContext {
			t.Errorf("%s: want %s, got %v", c.name, CodeContext, err)
		}
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Fatal("a refused bundle changed the county")
	}
	// The same through the store: a's own save with b's version in its
	// context is refused before it is written.
	x := *ea.(*store.Household)
	x.Context = withB(999999)
	x.GroupName = "三组"
	if _, err := a.s.Save(&x, "甲"); store.CodeOf(err) != store.CodeContextAhead {
		t.Errorf("local save with a forged context: %v", err)
	}
	// An honest concurrent edit by a still surfaces as a conflict after sync.
	x.Context = ea.(*store.Household).Context
	if _, err := a.s.Save(&x, "甲"); err != nil {
		t.Fatal(err)
	}
	w.sync(a)
	var fields []string
	w.county.s.View(func(r *store.Reader) error {
		s, _ := r.State(h.ID)
		fields = s.ConflictFields()
		return nil
	})
	if len(fields) != 1 || fields[0] != "group_name" {
		t.Errorf("conflicted fields at the county after honest concurrent edits: %v", fields)
	}
}

// A bundle's entries must lie inside the ranges its signed header declares:
// the receiver trusts the ranges to know what the sender covered (skips,
// acknowledgements). Entries outside, ranges overlapping or running
// backwards are refused whole.
func TestBundleRangesMustMatchEntries(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	w.sync(a)
	mine := a.s.Origin()
	have, _ := a.s.Have()
	next := have[mine] + 1
	change := &store.Change{Origin: mine, Seq: next, HLC: 1 << 40, Scope: "130131190201", Kind: store.KindHousehold, Record: uuid.New(),
		Fields: []store.Field{{Name: "household_no", Value: []byte(`"130131190201-G1"`)}, {Name: "household_type", Value: []byte(`"一般农户"`)}, {Name: "village_code", Value: []byte(`"130131190201"`)}}, Author: "甲", Schema: 1}
	o := mine.String()
	cases := []struct {
		name   string
		ranges []Range
	}{
		{"an entry above its range", []Range{{Origin: o, From: next - 1, To: next - 1}}},
		{"an entry below its range", []Range{{Origin: o, From: next + 1, To: next + 5}}},
		{"no range for the origin", nil},
		{"overlapping ranges", []Range{{Origin: o, From: 1, To: next}, {Origin: o, From: next, To: next}}},
		{"a range running backwards", []Range{{Origin: o, From: next, To: next - 1}}},
	}
	before := snapshot(t, w.county)
	for _, c := range cases {
		decl := store.VV{}
		for k, v := range have {
			decl.Raise(k, v)
		}
		decl.Raise(mine, next)
		h := &Header{ID: uuid.NewString(), From: a.ID(), To: w.county.ID(), Have: vvToMap(decl), Ranges: c.ranges}
		b, err := seal(h, &Entries{Changes: []*store.Change{change}}, a.me, w.county.county.Keys)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.county.Import(b); store.CodeOf(err) != CodeCorrupt {
			t.Errorf("%s: want %s, got %v", c.name, CodeCorrupt, err)
		}
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Fatal("a refused bundle changed the county")
	}
}

package store

import (
	"testing"

	"github.com/google/uuid"
)

// The value shown among siblings is the same on every replica and the one
// a person expects: a record kept over its deletion, then the later clock
// reading, then (equal clocks) the higher origin id.
func TestWinnerAmongSiblings(t *testing.T) {
	lo := OriginID(uuid.MustParse("00000000-0000-7000-8000-000000000001"))
	hi := OriginID(uuid.MustParse("ffffffff-0000-7000-8000-000000000001"))
	v := func(o OriginID, hlc HLC, value string) Version {
		return Version{Dot: Dot{Origin: o, Seq: 1}, HLC: hlc, Value: []byte(value)}
	}
	cases := []struct {
		name     string
		register string
		versions []Version
		want     string
	}{
		{"the later clock wins", "group_name", []Version{v(hi, 100, `"一组"`), v(lo, 200, `"二组"`)}, `"二组"`},
		{"the later clock wins, listed the other way", "group_name", []Version{v(lo, 200, `"二组"`), v(hi, 100, `"一组"`)}, `"二组"`},
		{"equal clocks: the higher origin", "group_name", []Version{v(hi, 100, `"一组"`), v(lo, 100, `"二组"`)}, `"一组"`},
		{"a deletion never hides a concurrent edit, however late", FieldDeleted, []Version{v(lo, 100, `false`), v(hi, 900, `true`)}, `false`},
		{"… whichever order", FieldDeleted, []Version{v(hi, 900, `true`), v(lo, 100, `false`)}, `false`},
	}
	for _, c := range cases {
		r := &Register{Name: c.register, Versions: c.versions}
		if got := string(r.Winner().Value); got != c.want {
			t.Errorf("%s: shows %s, want %s", c.name, got, c.want)
		}
	}
}

// Two stations writing the same value at once need nobody to review it;
// different values do.
func TestEqualConcurrentValuesNeedNoReview(t *testing.T) {
	a, b := OriginID(uuid.New()), OriginID(uuid.New())
	same := &Register{Name: "status", Versions: []Version{{Dot: Dot{Origin: a, Seq: 1}, Value: []byte(`"已审核"`)}, {Dot: Dot{Origin: b, Seq: 1}, Value: []byte(`"已审核"`)}}}
	if same.Conflicting() {
		t.Error("two equal concurrent values are flagged for review")
	}
	differ := &Register{Name: "status", Versions: []Version{{Dot: Dot{Origin: a, Seq: 1}, Value: []byte(`"已审核"`)}, {Dot: Dot{Origin: b, Seq: 1}, Value: []byte(`"已退回"`)}}}
	if !differ.Conflicting() {
		t.Error("two different concurrent values are not flagged")
	}
}

package store

import (
	"fmt"
	"strings"
	"testing"
)

// proseLevels applies the MZ/T 039-2013 rules exactly as worded in
// domain.md §3.3 and returns every level whose rule matches a cell.
func proseLevels(a, m, p, s int) []int {
	others := []int{m, p, s}
	any3 := m == 3 || p == 3 || s == 3
	var out []int
	if a == 0 && m == 0 && p == 0 && s <= 1 {
		out = append(out, 0)
	}
	atMost1 := m <= 1 || p <= 1 || s <= 1
	if a == 0 && (m >= 1 || p >= 1 || s == 2) || a == 1 && atMost1 {
		out = append(out, 1)
	}
	in12 := 0
	for _, x := range others {
		if x == 1 || x == 2 {
			in12++
		}
	}
	if a == 1 && (m == 2 && p == 2 && s == 2 || any3) || a == 2 && (in12 == 1 || in12 == 2) {
		out = append(out, 2)
	}
	if a == 3 || a == 2 && m == 2 && p == 2 && s == 2 || a == 2 && any3 {
		out = append(out, 3)
	}
	return out
}

// decided lists the cells the prose does not cover, with the level chosen
// for them (see the comment on mzTable). If the rules or the table change,
// this list has to be revisited with the county.
var decided = map[[4]int]int{
	{0, 0, 0, 3}: 1,
	{2, 0, 0, 0}: 2,
	{2, 1, 1, 1}: 2, // the ambiguous cell of domain.md §8.3
	{2, 1, 1, 2}: 2, {2, 1, 2, 1}: 2, {2, 2, 1, 1}: 2,
	{2, 1, 2, 2}: 2, {2, 2, 1, 2}: 2, {2, 2, 2, 1}: 2,
}

// TestMZTableEveryCell checks all 256 grade combinations: where the prose
// matches one level the table has it, where rules overlap the table has the
// most severe, and the uncovered cells are exactly the decided ones.
func TestMZTableEveryCell(t *testing.T) {
	uncovered := 0
	for a := 0; a < 4; a++ {
		for m := 0; m < 4; m++ {
			for p := 0; p < 4; p++ {
				for s := 0; s < 4; s++ {
					got := MZLevel(a, m, p, s)
					levels := proseLevels(a, m, p, s)
					cell := [4]int{a, m, p, s}
					want, isDecided := decided[cell]
					switch {
					case len(levels) == 0:
						uncovered++
						if !isDecided {
							t.Errorf("cell %v: no rule covers it and no decision is recorded", cell)
						} else if got != want {
							t.Errorf("cell %v: table %d, decided %d", cell, got, want)
						}
					case isDecided:
						t.Errorf("cell %v is covered by the rules (%v) but listed as decided", cell, levels)
					default:
						worst := levels[len(levels)-1]
						if got != worst {
							t.Errorf("cell %v: table %d, rules say %v", cell, got, levels)
						}
					}
				}
			}
		}
	}
	if uncovered != len(decided) {
		t.Errorf("%d uncovered cells, %d decided", uncovered, len(decided))
	}
}

func TestMZGolden(t *testing.T) {
	scores := map[string]int{
		"adl_eat": 10, "adl_bath": 0, "adl_groom": 5, "adl_dress": 5, "adl_stool": 10,
		"adl_urine": 5, "adl_toilet": 5, "adl_transfer": 10, "adl_walk": 5, "adl_stairs": 0,
		"mental_cognition": 0, "mental_aggress": 0, "mental_depress": 0,
		"sense_conscious": 0, "sense_vision": 2, "sense_hearing": 1, "sense_comm": 0,
		"social_life": 1, "social_work": 1, "social_time": 1, "social_person": 0, "social_skill": 1,
	}
	res, errs := Score(InstrumentMZ, scores, Adjustments{})
	if errs != nil {
		t.Fatal(errs)
	}
	g := res.DomainGrades
	if res.Total != 55 || g["日常生活活动"] != 2 || g["精神状态"] != 0 || g["感知觉与沟通"] != 1 || g["社会参与"] != 1 || res.Final != 2 || res.LevelName != "中度失能" {
		t.Fatalf("MZ golden: %+v", res)
	}
	// Dementia raises one level; coma goes to 重度; nothing goes beyond.
	if r, _ := Score(InstrumentMZ, scores, Adjustments{Dementia: true}); r.Final != 3 {
		t.Errorf("dementia: %d", r.Final)
	}
	if r, _ := Score(InstrumentMZ, scores, Adjustments{Dementia: true, RiskEvents: map[string]int{"跌倒": 2}}); r.Final != 3 {
		t.Errorf("capped: %d", r.Final)
	}
}

func gbScoresTotal(total int) map[string]int {
	out := map[string]int{}
	sum := 0
	for _, it := range gbItems {
		out[it.Code] = it.Max()
		sum += it.Max()
	}
	for sum > total {
		for _, it := range gbItems {
			if sum > total && out[it.Code] > 0 {
				out[it.Code]--
				sum--
			}
		}
	}
	return out
}

func TestGBScoring(t *testing.T) {
	max := 0
	domains := map[string]int{}
	for _, it := range gbItems {
		max += it.Max()
		domains[it.Domain] += it.Max()
	}
	if len(gbItems) != 26 || max != 90 || domains["自理能力"] != 32 || domains["基础运动能力"] != 15 || domains["精神状态"] != 28 || domains["感知觉与社会参与"] != 15 {
		t.Fatalf("GB/T 42195 items: %d items, %d points, %v", len(gbItems), max, domains)
	}
	cases := []struct {
		total int
		adj   Adjustments
		pre   int
		final int
	}{
		{90, Adjustments{}, 0, 0},
		{89, Adjustments{}, 1, 1},
		{66, Adjustments{}, 1, 1},
		{65, Adjustments{}, 2, 2},
		{47, Adjustments{}, 2, 2},               // domain.md §8.3: 中度
		{47, Adjustments{Dementia: true}, 2, 3}, // … with dementia: 重度
		{46, Adjustments{}, 2, 2},
		{45, Adjustments{}, 3, 3},
		{30, Adjustments{}, 3, 3},
		{29, Adjustments{}, 4, 4},
		{0, Adjustments{}, 4, 4},
		{80, Adjustments{Coma: true}, 1, 4},
		{80, Adjustments{RiskEvents: map[string]int{"跌倒": 1, "噎食": 1}}, 1, 2},
		{80, Adjustments{RiskEvents: map[string]int{"跌倒": 1}}, 1, 1},
		// The two raising rules stack, as separate rules.
		{80, Adjustments{MentalDisorder: true, RiskEvents: map[string]int{"走失": 2}}, 1, 3},
		{40, Adjustments{Dementia: true, RiskEvents: map[string]int{"走失": 2}}, 3, 4},
	}
	for _, c := range cases {
		res, errs := Score(InstrumentGB, gbScoresTotal(c.total), c.adj)
		if errs != nil {
			t.Fatalf("%d: %v", c.total, errs)
		}
		if res.Total != c.total || res.Preliminary != c.pre || res.Final != c.final {
			t.Errorf("total %d %+v: got %d/%d/%d, want %d/%d", c.total, c.adj, res.Total, res.Preliminary, res.Final, c.pre, c.final)
		}
	}
	bad := gbScoresTotal(90)
	bad["b2_stairs"] = 4 // max 3
	delete(bad, "b1_eat")
	bad["b9_fly"] = 1
	_, errs := Score(InstrumentGB, bad, Adjustments{})
	codes := fmt.Sprint(errs)
	for _, want := range []string{"ASSESS_ITEM_RANGE", "ASSESS_ITEM_MISSING", "ASSESS_ITEM_UNKNOWN"} {
		if !strings.Contains(codes, want) {
			t.Errorf("errors %s lack %s", codes, want)
		}
	}
}

func TestSenseAndDomainGrades(t *testing.T) {
	cases := []struct{ conscious, sight, comm, want int }{
		{0, 0, 0, 0}, {0, 1, 0, 0}, {0, 2, 0, 1}, {0, 0, 1, 1}, {0, 3, 0, 2}, {0, 0, 2, 2},
		{1, 0, 0, 2}, {1, 3, 2, 2}, {0, 4, 0, 3}, {0, 0, 3, 3}, {2, 0, 0, 3}, {3, 0, 0, 3},
	}
	for _, c := range cases {
		if got := senseGrade(c.conscious, c.sight, c.comm); got != c.want {
			t.Errorf("senseGrade(%d,%d,%d) = %d, want %d", c.conscious, c.sight, c.comm, got, c.want)
		}
	}
	for _, c := range []struct{ in, want int }{{100, 0}, {95, 1}, {65, 1}, {60, 2}, {45, 2}, {40, 3}, {0, 3}} {
		if got := adlGrade(c.in); got != c.want {
			t.Errorf("adlGrade(%d) = %d", c.in, got)
		}
	}
	for _, c := range []struct{ in, want int }{{0, 0}, {1, 1}, {2, 2}, {3, 2}, {4, 3}, {6, 3}} {
		if got := mentalGrade(c.in); got != c.want {
			t.Errorf("mentalGrade(%d) = %d", c.in, got)
		}
	}
	for _, c := range []struct{ in, want int }{{0, 0}, {2, 0}, {3, 1}, {7, 1}, {8, 2}, {13, 2}, {14, 3}, {20, 3}} {
		if got := socialGrade(c.in); got != c.want {
			t.Errorf("socialGrade(%d) = %d", c.in, got)
		}
	}
}

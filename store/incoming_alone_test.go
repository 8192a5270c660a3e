package store_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
)

// brokenValues are values wrong for most fields in some way: too long, not
// an option, negative, not a date, of another JSON type, a bad check digit.
var brokenValues = []string{
	`"` + strings.Repeat("长", 300) + `"`, `"不是选项"`, `-5`, `-0.01`, `1e15`, `0`,
	`"2025-13-45"`, `"2025-02-30"`, `"9999-01-01"`, `123`, `"abc"`, `true`, `""`, `"  "`,
	`{"a":1}`, `[1,2]`, `[]`, `[{"item":"x","score":-1}]`, `"110105194912310021"`, `"11010519491231002X"`,
	`"1380000000"`, `"999999999999"`, `"130131190201"`, `"130131"`, `"not-a-uuid"`,
	`"00000000-0000-0000-0000-000000000000"`, `"6222020200112233440"`, `"91350100M000100Y43"`,
}

// The county judges a station's written values together, in one pass, and
// confirms what it finds on the value alone. Over every change of the
// demonstration data, each with fields broken one and two at a time, it
// refuses exactly what checking each written value alone refuses.
func TestIncomingTogetherMatchesAlone(t *testing.T) {
	s := openDemoStore(t)
	have, err := s.Have()
	if err != nil {
		t.Fatal(err)
	}
	var changes []*store.Change
	for o, upto := range have {
		cs, err := s.Changes(o, 0, upto)
		if err != nil {
			t.Fatal(err)
		}
		changes = append(changes, cs...)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	broken := func(c *store.Change, n int) *store.Change {
		v := *c
		v.Fields = slices.Clone(c.Fields)
		for range n {
			i := rng.IntN(len(v.Fields))
			if v.Fields[i].Name != store.FieldDeleted {
				v.Fields[i].Value = []byte(brokenValues[rng.IntN(len(brokenValues))])
			}
		}
		return &v
	}
	// Values other records hold in the same field: mostly valid, so that
	// acceptance is compared as well as refusal.
	seen := map[string][][]byte{}
	for _, c := range changes {
		for _, f := range c.Fields {
			seen[string(c.Kind)+"."+f.Name] = append(seen[string(c.Kind)+"."+f.Name], f.Value)
		}
	}
	swapped := func(c *store.Change) *store.Change {
		v := *c
		v.Fields = slices.Clone(c.Fields)
		for i := range v.Fields {
			if pool := seen[string(c.Kind)+"."+v.Fields[i].Name]; v.Fields[i].Name != store.FieldDeleted && rng.IntN(2) == 0 {
				v.Fields[i].Value = pool[rng.IntN(len(pool))]
			}
		}
		return &v
	}
	checked, refused := 0, 0
	err = s.View(func(r *store.Reader) error {
		for _, c := range changes {
			if len(c.Fields) == 0 {
				continue
			}
			variants := []*store.Change{c}
			for range 4 {
				variants = append(variants, broken(c, 1), broken(c, 2), swapped(c))
			}
			for _, v := range variants {
				together := r.NewIncomingCheck("").Check(v)
				alone := r.NewIncomingCheck("").CheckEachAlone(v)
				if (together == nil) != (alone == nil) || store.CodeOf(together) != store.CodeOf(alone) {
					t.Errorf("%s %v:\n together: %v\n alone:    %v", v.Kind, v.Fields, together, alone)
				}
				checked++
				if alone != nil {
					refused++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if refused < checked/5 || refused > checked*9/10 {
		t.Fatalf("%d of %d variants refused: the broken values test too little", refused, checked)
	}
	t.Logf("%d variants, %d refused", checked, refused)
}

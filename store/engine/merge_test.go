package engine

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/google/uuid"
)

// simWrite is one write to a field in the register simulation.
type simWrite struct {
	field string
	c     *Change
}

// TestRegisterMergeProperties writes concurrently from several origins, each
// with a context that is what it had seen when its "form" opened (sometimes
// long ago), then applies all changes to fresh states in many random orders
// with duplicates. Every order must give the same state, that state must be
// the specification (the versions no write's context covers), and every
// written value must be current, a sibling, or replaced by a write that had
// seen it.
func TestRegisterMergeProperties(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 50
	}
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkMergeSeed(t, uint64(seed)) })
	}
}

func checkMergeSeed(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	nOrigins := 2 + rng.IntN(4)
	origins := make([]OriginID, nOrigins)
	for i := range origins {
		origins[i] = OriginID(uuid.New())
	}
	fields := []string{"a", "b", FieldDeleted}
	record := uuid.New()
	// known[i] is what origin i has seen: a contiguous prefix per origin.
	known := make([]VV, nOrigins)
	// snapshot[i] is the context of a form origin i opened earlier.
	snapshot := make([]VV, nOrigins)
	seqs := make([]uint64, nOrigins)
	var all []*Change
	byDot := map[Dot]*Change{}
	var writes []simWrite
	steps := 10 + rng.IntN(40)
	for s := 0; s < steps; s++ {
		i := rng.IntN(nOrigins)
		switch rng.IntN(4) {
		case 0: // open a form now
			snapshot[i] = known[i].Clone()
		case 1: // sync: j learns everything i knows
			j := rng.IntN(nOrigins)
			known[j].Join(known[i])
		default: // save a field with the context of the open form
			seqs[i]++
			f := fields[rng.IntN(len(fields))]
			val := fmt.Sprintf("%q", fmt.Sprintf("v%d-%d", i, seqs[i]))
			if f == FieldDeleted {
				val = []string{"true", "false"}[rng.IntN(2)]
			}
			ctx := snapshot[i].Clone()
			if rng.IntN(3) == 0 {
				ctx = known[i].Clone() // a form opened just now
			}
			c := &Change{Origin: origins[i], Seq: seqs[i], HLC: HLC(rng.Uint64N(1 << 40)), Scope: "130131190201", Kind: "household", Record: record,
				Fields: []Field{{Name: f, Value: []byte(val)}}, Ctx: ctx, Author: "x", Schema: 1}
			all = append(all, c)
			byDot[c.Dot()] = c
			writes = append(writes, simWrite{f, c})
			known[i].Raise(origins[i], seqs[i])
		}
	}
	if len(all) == 0 {
		return
	}
	var reference []byte
	for trial := 0; trial < 8; trial++ {
		order := append([]*Change(nil), all...)
		// duplicates
		for k := 0; k < len(all)/2; k++ {
			order = append(order, all[rng.IntN(len(all))])
		}
		rng.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
		st := &RecordState{ID: record}
		for _, c := range order {
			st.apply(c)
		}
		enc := testDict.EncodeState(st)
		if reference == nil {
			reference = enc
			checkSpec(t, st, writes)
		} else if !bytes.Equal(enc, reference) {
			t.Fatalf("order %d gave a different state", trial)
		}
	}
}

// checkSpec verifies the register contents against the definition: the
// versions of a field are exactly the writes to it that no write to the same
// field has seen.
func checkSpec(t *testing.T, st *RecordState, writes []simWrite) {
	t.Helper()
	byField := map[string][]simWrite{}
	for _, w := range writes {
		byField[w.field] = append(byField[w.field], w)
	}
	for field, ws := range byField {
		var want []Dot
		for _, w := range ws {
			seen := false
			for _, o := range ws {
				seen = seen || o.c.Ctx.Covers(w.c.Dot())
			}
			if !seen {
				want = append(want, w.c.Dot())
			}
		}
		reg := st.Register(field)
		var got []Dot
		for _, v := range reg.Versions {
			got = append(got, v.Dot)
		}
		sort.Slice(want, func(i, j int) bool { return dotLess(want[i], want[j]) })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("field %s: versions %v, want %v", field, got, want)
		}
		// No lost write: each write is current, a sibling, or was seen by
		// a write that replaced it.
		for _, w := range ws {
			present := false
			for _, v := range reg.Versions {
				present = present || v.Dot == w.c.Dot() && bytes.Equal(v.Value, w.c.Fields[0].Value)
			}
			if !present && !reg.Cover.Covers(w.c.Dot()) {
				t.Fatalf("write %s to %s lost", w.c.Dot(), field)
			}
		}
		if len(reg.Versions) > 1 && reg.Conflicting() {
			found := false
			for _, f := range st.ConflictFields() {
				found = found || f == field
			}
			if !found {
				t.Fatalf("field %s has differing siblings but is not on the review list", field)
			}
		}
	}
}

// testDict is a dictionary of the engine's tests: the engine knows no
// record kind, so its tests make up their own.
var testDict = NewDict([]string{"household", "person"}, []string{FieldDeleted, "a", "b", "name"})

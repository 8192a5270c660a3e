package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/engine"
)

// TestReplicasConverge runs seeded random histories over real bbolt files:
// three stations edit, delete and resolve the same households, with forms
// held open across syncs, and exchange changes partially, duplicated and out
// of order. After a final full exchange every replica must dump the same
// bytes, every replica's maintained indexes must equal a rebuild from its
// log, and no write may be lost.
func TestReplicasConverge(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 8
	}
	conflicts := 0
	for seed := 1; seed <= seeds; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { conflicts += simulateReplicas(t, uint64(seed)) })
	}
	if conflicts == 0 {
		t.Fatal("no history produced a conflict: the simulation does not exercise concurrency")
	}
}

func simulateReplicas(t *testing.T, seed uint64) int {
	rng := rand.New(rand.NewPCG(seed, 11))
	const n = 3
	reps := make([]*Store, n)
	for i := range reps {
		reps[i] = openTest(t, "130131190000-01")
	}
	var ids []uuid.UUID
	for k := 0; k < 3; k++ {
		h := newHousehold(t, reps[0], fmt.Sprintf("H%03d", k))
		ids = append(ids, h.ID)
	}
	for i := 1; i < n; i++ {
		exchange(t, reps[0], reps[i])
	}
	forms := make([]map[uuid.UUID]*Household, n)
	for i := range forms {
		forms[i] = map[uuid.UUID]*Household{}
	}
	for step := 0; step < 60; step++ {
		i := rng.IntN(n)
		s := reps[i]
		id := ids[rng.IntN(len(ids))]
		switch op := rng.IntN(10); {
		case op < 2: // open a form and keep it
			if h, err := GetAs[*Household](s, id); err == nil {
				forms[i][id] = h
			}
		case op < 6: // edit, through a held form or a fresh one
			h := forms[i][id]
			delete(forms[i], id)
			if h == nil {
				h, _ = GetAs[*Household](s, id)
			}
			if h == nil {
				continue
			}
			switch rng.IntN(3) {
			case 0:
				h.GroupName = fmt.Sprintf("%d组", rng.IntN(9)+1)
			case 1:
				h.Address = fmt.Sprintf("示例镇甲村%d号", rng.IntN(100))
			case 2:
				h.IncomePerCapitaFen = int64(rng.IntN(1000000))
			}
			if _, err := s.Save(h, fmt.Sprintf("员%d", i)); err != nil && CodeOf(err) != CodeDeleted {
				t.Fatalf("save: %v", err)
			}
		case op < 7:
			h, _ := GetAs[*Household](s, id)
			if h != nil && !h.Deleted {
				if err := s.Delete(h, "删"); err != nil {
					t.Fatalf("delete: %v", err)
				}
			}
		case op < 8: // resolve a conflict with one of its values
			var cs []Conflict
			s.View(func(r *Reader) error { cs, _ = r.Conflicts(""); return nil })
			if len(cs) > 0 {
				c := cs[rng.IntN(len(cs))]
				v := c.Siblings[rng.IntN(len(c.Siblings))].Value
				if err := s.Resolve(c.ID, c.Field, v, "审核"); err != nil {
					t.Fatalf("resolve: %v", err)
				}
			}
		default: // a partial, shuffled, duplicated sync from j to i
			j := rng.IntN(n)
			if j != i {
				partialSync(t, rng, reps[j], s)
			}
		}
	}
	// Heal: everyone gets everything.
	for round := 0; round < 2; round++ {
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if i != j {
					exchange(t, reps[i], reps[j])
				}
			}
		}
	}
	assertSameDump(t, reps...)
	for i, s := range reps {
		before, err := s.DerivedDigest()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Rebuild(); err != nil {
			t.Fatal(err)
		}
		after, _ := s.DerivedDigest()
		if before != after {
			t.Fatalf("replica %d: maintained indexes differ from a rebuild", i)
		}
		var pending int
		s.View(func(r *Reader) error { pending = countKeys(r.KV().Bucket(bPending)); return nil })
		if pending != 0 {
			t.Fatalf("replica %d: %d changes still pending after healing", i, pending)
		}
	}
	checkNoLostWrite(t, reps[0])
	var cs []Conflict
	reps[0].View(func(r *Reader) error { cs, _ = r.Conflicts(""); return nil })
	return len(cs)
}

// partialSync sends a random subset of what b lacks, with duplicates, in a
// random order and in random chunks; gaps wait in the pending queue.
func partialSync(t *testing.T, rng *rand.Rand, from, to *Store) {
	have, _ := to.Have()
	src, _ := from.Have()
	var batch []*Change
	for o, upto := range src {
		cs, err := from.Changes(o, 0, upto)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Seq <= have[o] && rng.IntN(4) != 0 {
				continue // mostly skip what is held, but replay some
			}
			if rng.IntN(3) == 0 {
				continue // dropped
			}
			batch = append(batch, c)
			if rng.IntN(5) == 0 {
				batch = append(batch, c)
			}
		}
	}
	rng.Shuffle(len(batch), func(a, b int) { batch[a], batch[b] = batch[b], batch[a] })
	for len(batch) > 0 {
		k := 1 + rng.IntN(len(batch))
		st, err := to.Apply(batch[:k])
		if err != nil {
			t.Fatal(err)
		}
		if st.Conflict != 0 {
			t.Fatalf("honest replay raised %d alarms", st.Conflict)
		}
		batch = batch[k:]
	}
}

// checkNoLostWrite: every field value ever written is the displayed value,
// a sibling, or covered by a later write that had seen it.
func checkNoLostWrite(t *testing.T, s *Store) {
	have, _ := s.Have()
	for o, upto := range have {
		cs, _ := s.Changes(o, 0, upto)
		for _, c := range cs {
			st, err := func() (*RecordState, error) {
				var st *RecordState
				err := s.View(func(r *Reader) error {
					var err error
					st, err = r.State(c.Record)
					return err
				})
				return st, err
			}()
			if err != nil || st == nil {
				t.Fatalf("record of %s missing: %v", c.Dot(), err)
			}
			for _, f := range c.Fields {
				reg := st.Register(f.Name)
				present := false
				for _, v := range reg.Versions {
					present = present || v.Dot == c.Dot() && bytes.Equal(v.Value, f.Value)
				}
				if !present && !reg.Cover.Covers(c.Dot()) {
					t.Fatalf("write %s to %s.%s lost", c.Dot(), c.Kind, f.Name)
				}
			}
		}
	}
}

// TestForgedChangeRaisesAlarm: the same origin and sequence number with other
// content is refused, never applied over the original.
func TestForgedChangeRaisesAlarm(t *testing.T) {
	a := openTest(t, "130131190000-01")
	b := openTest(t, "130131190000-01")
	h := newHousehold(t, a, "H001")
	exchange(t, a, b)
	have, _ := a.Have()
	cs, _ := a.Changes(a.Origin(), 0, have[a.Origin()])
	var forged *Change
	for _, c := range cs {
		if c.Record == h.ID {
			cp := *c
			cp.Fields = []Field{{Name: "group_name", Value: []byte(`"伪造"`)}}
			forged = &cp
		}
	}
	st, err := b.Apply([]*Change{forged})
	if err != nil {
		t.Fatal(err)
	}
	if st.Conflict != 1 || st.Applied != 0 {
		t.Fatalf("stats = %+v", st)
	}
	x, _ := GetAs[*Household](b, h.ID)
	if x.GroupName != "一组" {
		t.Fatalf("forged value applied: %q", x.GroupName)
	}
	exchange(t, b, a)
	assertSameDump(t, a, b)
	var alarms int
	b.View(func(r *Reader) error { alarms = countKeys(r.KV().Bucket(bAlarm)); return nil })
	if alarms != 1 {
		t.Fatalf("%d alarms recorded, want 1", alarms)
	}
}

// TestMalformedChangeRejected: a change whose context covers itself, or with
// no fields, is refused before anything is written.
func TestMalformedChangeRejected(t *testing.T) {
	s := openTest(t, "130131190000-01")
	o := OriginID(uuid.New())
	bad := []*Change{
		{Origin: o, Seq: 1, Scope: "130131190201", Kind: KindHousehold, Record: uuid.New(), Fields: []Field{{Name: "a", Value: []byte("1")}}, Ctx: VV{{Origin: o, Seq: 1}}},
		{Origin: o, Seq: 1, Scope: "130131190201", Kind: KindHousehold, Record: uuid.New()},
		{Origin: o, Seq: 0, Scope: "130131190201", Kind: KindHousehold, Record: uuid.New(), Fields: []Field{{Name: "a", Value: []byte("1")}}},
	}
	for i, c := range bad {
		if _, err := s.Apply([]*Change{c}); err == nil || !errors.Is(err, engine.ErrCorrupt) {
			t.Errorf("case %d: err = %v", i, err)
		}
	}
	have, _ := s.Have()
	if have[o] != 0 {
		t.Fatalf("malformed change recorded")
	}
}

// Skips keep an origin's log contiguous on a replica that does not hold
// all of it: whatever the order changes and skips arrive in, the have
// vector ends at the top and the in-scope changes are applied.
func TestSkipsKeepLogsContiguous(t *testing.T) {
	o := OriginID(uuid.New())
	mk := func(seq uint64, scope string) *Change {
		return &Change{Origin: o, Seq: seq, HLC: HLC(seq << 16), Scope: scope, Kind: KindHousehold, Record: uuid.New(),
			Fields: []Field{{Name: "household_no", Value: []byte(fmt.Sprintf(`"S%d"`, seq))}, {Name: "village_code", Value: []byte(`"` + scope + `"`)}}, Schema: 1}
	}
	// Seqs 1, 4 and 8 are ours; 2–3, 5–7 and 9–12 belong to other villages.
	changes := []*Change{mk(1, "130131190201"), mk(4, "130131190201"), mk(8, "130131190201")}
	skips := []Skip{{Origin: o, From: 2, To: 3}, {Origin: o, From: 5, To: 7}, {Origin: o, From: 9, To: 12}}
	for seed := uint64(0); seed < 30; seed++ {
		rng := rand.New(rand.NewPCG(seed, 3))
		s := openTest(t, "130131190201-01")
		type piece struct {
			c *Change
			k *Skip
		}
		var ps []piece
		for _, c := range changes {
			ps = append(ps, piece{c: c})
		}
		for i := range skips {
			ps = append(ps, piece{k: &skips[i]})
		}
		// A longer skip resent later, and duplicates.
		ps = append(ps, piece{k: &Skip{Origin: o, From: 9, To: 10}}, piece{c: changes[1]}, piece{k: &skips[0]})
		rng.Shuffle(len(ps), func(a, b int) { ps[a], ps[b] = ps[b], ps[a] })
		for _, p := range ps {
			var st ApplyStats
			var err error
			if p.c != nil {
				st, err = s.Apply([]*Change{p.c})
			} else {
				st, err = s.ApplyWithSkips(nil, []Skip{*p.k})
			}
			if err != nil || st.Conflict != 0 {
				t.Fatalf("seed %d: %+v %v", seed, st, err)
			}
		}
		have, _ := s.Have()
		if have[o] != 12 {
			t.Fatalf("seed %d: have %d, want 12", seed, have[o])
		}
		got, _ := s.Changes(o, 0, 12)
		if len(got) != 3 {
			t.Fatalf("seed %d: %d changes in the log", seed, len(got))
		}
		var pending int
		s.View(func(r *Reader) error { pending = countKeys(r.KV().Bucket(bPending)); return nil })
		if pending != 0 {
			t.Fatalf("seed %d: %d entries left pending", seed, pending)
		}
		// A change inside a skipped range is refused with an alarm.
		st, _ := s.Apply([]*Change{mk(6, "130131190202")})
		if st.Conflict != 1 {
			t.Fatalf("seed %d: change in a skipped range: %+v", seed, st)
		}
		before, _ := s.DerivedDigest()
		s.Rebuild()
		if after, _ := s.DerivedDigest(); before != after {
			t.Fatalf("seed %d: rebuild differs with skips in the log", seed)
		}
	}
}

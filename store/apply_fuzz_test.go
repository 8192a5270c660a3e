package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store/engine/enginetest"
)

// The engine's rules on their own: whatever order changes from several
// origins arrive in, in whatever batches, with whatever repeats, the
// replica ends in the same state, with nothing refused and nothing left
// waiting, and the state equals a rebuild from its log.

var fuzzHistory struct {
	once    sync.Once
	changes []*Change
	want    []byte // the dump after applying them all in log order
	err     error
}

// history is three stations' edits of shared households, concurrent edits
// included, as changes.
func history(t testing.TB) ([]*Change, []byte) {
	fuzzHistory.once.Do(func() {
		dir, err := os.MkdirTemp("", "cunzhan-fuzz-")
		if err != nil {
			fuzzHistory.err = err
			return
		}
		defer os.RemoveAll(dir)
		// A replica without a station of its own publishes no record of
		// its own: its dump is the history's alone.
		open := func(name, station string) *Store {
			clock := fixedNow
			s, err := Open(filepath.Join(dir, name), &Options{RegistryDir: "-", Now: func() time.Time { clock = clock.Add(time.Millisecond); return clock }})
			if err != nil {
				panic(err)
			}
			if station == "" {
				return s
			}
			if err := s.SetStation(station, name); err != nil {
				panic(err)
			}
			return s
		}
		a, b, c := open("a", "130131190201-01"), open("b", "130131190201-02"), open("c", "130131190000-01")
		defer a.Close()
		defer b.Close()
		defer c.Close()
		var hs []*Household
		for i := range 4 {
			h := &Household{HouseholdNo: fmt.Sprintf("130131190201-F%d", i), VillageCode: "130131190201", HouseholdType: "一般农户", GroupName: "一组"}
			if _, err := a.Create(h, "甲"); err != nil {
				panic(err)
			}
			hs = append(hs, h)
		}
		exchange(t, a, b)
		exchange(t, a, c)
		for i, s := range []*Store{a, b, c} {
			for j, h := range hs {
				if (i+j)%2 == 0 {
					continue
				}
				var e Entity
				s.View(func(r *Reader) error { e, _ = r.Get(h.ID); return nil })
				e.(*Household).GroupName = fmt.Sprintf("%d组", i+2)
				if _, err := s.Save(e, "站"); err != nil {
					panic(err)
				}
			}
			if _, err := s.Create(&Household{HouseholdNo: fmt.Sprintf("130131190201-G%d", i), VillageCode: "130131190201", HouseholdType: "一般农户"}, "站"); err != nil {
				panic(err)
			}
		}
		for _, s := range []*Store{a, b, c} {
			have, _ := s.Have()
			for o, upto := range have {
				if o != s.Origin() {
					continue
				}
				cs, err := s.Changes(o, 0, upto)
				if err != nil {
					panic(err)
				}
				for _, c := range cs {
					// Decoded changes point into the file's memory map,
					// gone once the store is closed: keep a copy.
					own, err := DecodeChange(bytes.Clone(EncodeChange(c)))
					if err != nil {
						panic(err)
					}
					fuzzHistory.changes = append(fuzzHistory.changes, own)
				}
			}
		}
		ref := open("ref", "")
		defer ref.Close()
		if _, err := ref.Apply(fuzzHistory.changes); err != nil {
			panic(err)
		}
		var buf bytes.Buffer
		ref.DumpScope(&buf, "130131190201", true)
		fuzzHistory.want = buf.Bytes()
	})
	if fuzzHistory.err != nil {
		t.Fatal(fuzzHistory.err)
	}
	return fuzzHistory.changes, fuzzHistory.want
}

func FuzzApplyOrder(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{255, 254, 253, 252, 251, 250, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0})
	f.Add([]byte("a replica that receives everything backwards, twice"))
	f.Fuzz(func(t *testing.T, order []byte) {
		changes, want := history(t)
		batches := enginetest.Arrivals(changes, order)
		s := openTest(t, "")
		for _, batch := range batches {
			st, err := s.Apply(batch)
			if err != nil {
				t.Fatal(err)
			}
			if st.Conflict > 0 {
				t.Fatalf("an honest history was refused: %+v", st)
			}
		}
		var got bytes.Buffer
		s.DumpScope(&got, "130131190201", true)
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatal("the order of arrival changed the state")
		}
		s.View(func(r *Reader) error {
			if n := countKeys(r.KV().Bucket(bPending)); n != 0 {
				t.Fatalf("%d changes still wait with every predecessor present", n)
			}
			return nil
		})
		before, _ := s.DerivedDigest()
		if err := s.Rebuild(); err != nil {
			t.Fatal(err)
		}
		if after, _ := s.DerivedDigest(); before != after {
			t.Fatal("the maintained state differs from a rebuild from the log")
		}
	})
}

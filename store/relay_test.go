package store

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/engine"
	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/kv"
)

// relayWalk is the relay as it was before the index: every log entry of
// the origin above after, out-of-scope changes turned into skips, adjacent
// skips merged.
func relayWalk(r *Reader, scope string, o OriginID, after, upto uint64) ([]LogEntry, error) {
	var out []LogEntry
	err := r.EachLogged(o, after, upto, func(e LogEntry) error {
		if e.Change != nil && ident.ScopeCovers(scope, e.Change.Scope) {
			out = append(out, e)
			return nil
		}
		from, to := uint64(0), uint64(0)
		if e.Skip != nil {
			from, to = e.Skip.From, e.Skip.To
		} else {
			from, to = e.Change.Seq, e.Change.Seq
		}
		if n := len(out); n > 0 && out[n-1].Skip != nil && out[n-1].Skip.To+1 == from {
			out[n-1].Skip.To = to
			return nil
		}
		out = append(out, LogEntry{Skip: &Skip{Origin: o, From: from, To: to}})
		return nil
	})
	return out, err
}

// The county's relay through its index gives each station exactly what a
// walk of the whole log gives, for stations of every level and every
// starting point, including after a rebuild and on a county file opened
// from before the index existed.
func TestRelayIndexMatchesLogWalk(t *testing.T) {
	county := openTest(t, "130131000000-01")
	villages := []string{"130131190201", "130131190202", "130131191201"}
	rng := rand.New(rand.NewPCG(7, 7))
	for i, v := range villages {
		st := openTest(t, v+"-01")
		for j := range 20 + rng.IntN(20) {
			h := &Household{HouseholdNo: fmt.Sprintf("%s-H%d", v, j), VillageCode: v, HouseholdType: "一般农户"}
			mustCreate(t, st, h)
			if j%3 == 0 {
				newPerson(t, st, h, "王秀兰", idFor(i*100+j))
			}
		}
		exchange(t, st, county)
	}
	// A township station: its own record is township-wide.
	tw := openTest(t, "130131190000-01")
	mustCreate(t, tw, &Household{HouseholdNo: "130131190202-T1", VillageCode: "130131190202", HouseholdType: "一般农户"})
	exchange(t, tw, county)
	// The county's own records, some county-wide, some in a village.
	for j := range 10 {
		mustCreate(t, county, &Household{HouseholdNo: fmt.Sprintf("%s-C%d", villages[j%3], j), VillageCode: villages[j%3], HouseholdType: "一般农户"})
	}
	check := func(when string) {
		t.Helper()
		have, _ := county.Have()
		county.View(func(r *Reader) error {
			for _, scope := range []string{"130131190201", "130131190202", "130131191", "130131190", "130131"} {
				rel, ok, err := r.RelayFor(scope)
				if err != nil || !ok {
					t.Fatalf("%s: relay index missing: %v", when, err)
				}
				for o, upto := range have {
					for _, after := range []uint64{0, 1, upto / 3, upto / 2, upto - 1, upto} {
						want, _ := relayWalk(r, scope, o, after, upto)
						var got []LogEntry
						if err := r.EachRelayed(rel, o, after, upto, func(e LogEntry) error { got = append(got, e); return nil }); err != nil {
							t.Fatalf("%s: %v", when, err)
						}
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("%s: scope %s origin %s after %d: relay %d entries, log walk %d", when, scope, o, after, len(got), len(want))
						}
						n := 0
						for _, e := range want {
							if e.Change != nil {
								n++
							}
						}
						if c := r.CountRelayed(rel, o, after, upto); c != n {
							t.Fatalf("%s: backlog %d, want %d", when, c, n)
						}
					}
				}
			}
			return nil
		})
	}
	check("maintained")
	if err := county.Rebuild(); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
	// A county written before the index: the buckets gone, the layout one
	// version back; opening builds them again.
	err := county.db.Update(func(tx kv.Tx) error {
		for _, b := range engine.RelayBuckets {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bMeta).Put(mSchema, u64(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	path := county.Path()
	county.Close()
	county = openAt(t, path, "")
	check("migrated")
}

// Stations keep no relay index: they relay to nobody.
func TestStationKeepsNoRelayIndex(t *testing.T) {
	st := openTest(t, "130131190201-01")
	newHousehold(t, st, "130131190201-H1")
	st.View(func(r *Reader) error {
		if _, ok, _ := r.RelayFor("130131"); ok {
			t.Error("a village station keeps a relay index")
		}
		return nil
	})
}

// idFor is a valid ID number of a woman born 1945-03-15.
func idFor(n int) string {
	body := fmt.Sprintf("13013119450315%03d", 2*(n%400)+2)
	return body + string(ident.IDCheckChar(body))
}

// TestRebuildKeepsIndexesCompact: a rebuild (a layout migration, a fork
// repair) makes the index buckets again; those whose keys arrive in
// ascending order must still fill their pages before splitting, or the
// file grows by half for nothing.
func TestRebuildKeepsIndexesCompact(t *testing.T) {
	fileOnly(t)
	s := openTest(t, "130131190201-01")
	err := s.Update(func(tx *WriteTx) error {
		for i := range 1500 {
			h := &Household{HouseholdNo: fmt.Sprintf("130131190201-H%04d", i), VillageCode: "130131190201", HouseholdType: "一般农户"}
			if _, err := tx.w.create(h, "甲"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	leaves := func() (n int) {
		s.file.View(func(tx *bolt.Tx) error {
			n = tx.Bucket(bIxNo).Stats().LeafPageN
			return nil
		})
		return n
	}
	before := leaves()
	if err := s.Rebuild(); err != nil {
		t.Fatal(err)
	}
	if after := leaves(); after > before {
		t.Fatalf("record-number index: %d leaf pages after a rebuild, %d before", after, before)
	}
}

package store

import (
	"path/filepath"
	"testing"

	"github.com/google/uuid"
)

// lagging reports whether the store holds changes not yet built.
func lagging(t *testing.T, s *Store) bool {
	t.Helper()
	var out bool
	if err := s.ViewLog(func(r *Reader) error { out = r.Lagging(); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// A county appends what a station sends; whoever reads or saves there
// sees it built, and what is built is what a rebuild from the log makes
// (the engine's tests show that equals building at arrival).
func TestCountyBuildsBeforeAnyoneReads(t *testing.T) {
	county := openTest(t, "130131000000-01")
	village := openTest(t, "130131190201-01")
	peer := openTest(t, "130131190202-01") // a station: builds at once
	h := newHousehold(t, village, "130131190201-H1")
	p := newPerson(t, village, h, "王秀兰", idFor(1))

	exchange(t, village, county)
	exchange(t, village, peer)
	if !lagging(t, county) {
		t.Fatal("the county built at import; it should only have appended")
	}
	if lagging(t, peer) {
		t.Fatal("a station deferred building")
	}
	got, err := GetAs[*Person](county, p.ID)
	if err != nil || got.Name != "王秀兰" {
		t.Fatalf("the county reads %+v, %v; want the person just received", got, err)
	}
	if lagging(t, county) {
		t.Fatal("reading left the backlog unbuilt")
	}
	// A save at the county checks against what it just received: a
	// person joins the household that only arrived by sync.
	exchange(t, village, county) // nothing new
	h2 := newHousehold(t, village, "130131190201-H2")
	exchange(t, village, county)
	mustCreate(t, county, &Person{HouseholdID: h2.ID.String(), Name: "李四", IDNumber: idFor(2), Relation: "户主"})

	// What is built equals what a rebuild from the log makes.
	before, err := county.DerivedDigest()
	if err != nil {
		t.Fatal(err)
	}
	if err := county.Rebuild(); err != nil {
		t.Fatal(err)
	}
	if after, _ := county.DerivedDigest(); after != before {
		t.Fatal("the county's built state differs from a rebuild")
	}
}

// An import's checks build only when the backlog touches their records.
func TestViewRecordsBuildsOnlyForItsRecords(t *testing.T) {
	county := openTest(t, "130131000000-01")
	village := openTest(t, "130131190201-01")
	h := newHousehold(t, village, "130131190201-H1")
	exchange(t, village, county)
	other := uuid.Must(uuid.NewV7())
	if err := county.ViewRecords("130131190201", []uuid.UUID{other}, nil, func(r *Reader) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if !lagging(t, county) {
		t.Fatal("reading a record nobody sent built the whole backlog")
	}
	// A parent's scope is read from the log, without building.
	err := county.ViewRecords("130131190201", nil, []uuid.UUID{h.ID}, func(r *Reader) error {
		scope, err := r.ScopeOf(h.ID)
		if err == nil && scope != "130131190201" {
			t.Errorf("scope of the unbuilt household %q, want its village", scope)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !lagging(t, county) {
		t.Fatal("asking for a parent's scope built the backlog")
	}
	var st *RecordState
	err = county.ViewRecords("130131190201", []uuid.UUID{h.ID}, nil, func(r *Reader) error {
		var err error
		st, err = r.State(h.ID)
		return err
	})
	if err != nil || st == nil {
		t.Fatalf("the household's state after ViewRecords: %v, %v", st, err)
	}
}

// A county file opened read-only (a report, a dump) is built first.
func TestReadOnlyOpenBuildsFirst(t *testing.T) {
	fileOnly(t)
	path := filepath.Join(t.TempDir(), "county.db")
	county := openAt(t, path, "130131000000-01")
	village := openTest(t, "130131190201-01")
	h := newHousehold(t, village, "130131190201-H1")
	exchange(t, village, county)
	county.Close()
	ro, err := Open(path, &Options{ReadOnly: true, RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	unlockForTest(t, ro)
	if got, err := GetAs[*Household](ro, h.ID); err != nil || got.HouseholdNo != "130131190201-H1" {
		t.Fatalf("read-only county reads %+v, %v", got, err)
	}
	if lagging(t, ro) {
		t.Fatal("the read-only store lags its log")
	}
}

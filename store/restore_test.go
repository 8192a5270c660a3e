package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Restoring a copy keeps the replaced file, brings the copy's records
// back, and starts a new origin: the sequence numbers issued after the
// copy was taken may already be at the county with other content.
func TestRestoreTakesNewOrigin(t *testing.T) {
	fileOnly(t)
	path := filepath.Join(t.TempDir(), "station.db")
	s := openAt(t, path, "130131190201-01")
	h := newHousehold(t, s, "H0001")
	copyAt := filepath.Join(t.TempDir(), "copy.db")
	if err := s.SnapshotTo(copyAt); err != nil {
		t.Fatal(err)
	}
	old := s.Origin()
	oldHave, _ := s.Have()
	newHousehold(t, s, "H0002") // after the copy: lost by the restore
	s.Close()

	res, err := Restore(path, copyAt, &Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(res.Kept); err != nil {
		t.Errorf("the replaced file is not kept: %v", err)
	}
	r := openAt(t, path, "")
	if r.Origin() == old {
		t.Fatal("the restored file writes under the old origin")
	}
	have, _ := r.Have()
	if have[old] != oldHave[old] {
		t.Errorf("old origin after restore: %d, want the copy's %d", have[old], oldHave[old])
	}
	if _, err := r.Get(h.ID); err != nil {
		t.Errorf("the copy's household: %v", err)
	}
	// The kept file is a sound database: restoring it undoes the restore.
	r.Close()
	if _, err := Restore(path, res.Kept, &Options{RegistryDir: "-"}); err != nil {
		t.Fatalf("restoring the kept file: %v", err)
	}
}

// A copy of another station is refused and nothing changes.
func TestRestoreRefusesAnotherStation(t *testing.T) {
	fileOnly(t)
	dir := t.TempDir()
	a := openAt(t, filepath.Join(dir, "a.db"), "130131190201-01")
	b := openAt(t, filepath.Join(dir, "b.db"), "130131190202-01")
	other := filepath.Join(dir, "b-copy.db")
	if err := b.SnapshotTo(other); err != nil {
		t.Fatal(err)
	}
	a.Close()
	before, _ := os.ReadFile(filepath.Join(dir, "a.db"))
	_, err := Restore(filepath.Join(dir, "a.db"), other, &Options{RegistryDir: "-"})
	if CodeOf(err) != CodeRestoreOther {
		t.Fatalf("want %s, got %v", CodeRestoreOther, err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "a.db"))
	if string(before) != string(after) {
		t.Error("a refused restore changed the file")
	}
}

// The registry of issued numbers is written as saves go; a registry that
// cannot be written does not stop a save but is reported.
func TestRegistryWrittenAndItsFailureReported(t *testing.T) {
	fileOnly(t)
	dir := t.TempDir()
	reg := filepath.Join(dir, "origins")
	s, err := Open(filepath.Join(dir, "station.db"), &Options{RegistryDir: reg, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetStation("130131190201-01", "测试站"); err != nil {
		t.Fatal(err)
	}
	newHousehold(t, s, "H0001")
	b, err := os.ReadFile(filepath.Join(reg, s.Origin().String()))
	have, _ := s.Have()
	if err != nil || string(b) != fmt.Sprint(have[s.Origin()]) {
		t.Fatalf("registry holds %q (%v), want %d", b, err, have[s.Origin()])
	}
	if s.RegistryProblem() != nil {
		t.Fatalf("a healthy registry reports %v", s.RegistryProblem())
	}
	// The registry's folder becomes a file: the next save still works.
	os.RemoveAll(reg)
	os.WriteFile(reg, nil, 0o600)
	newHousehold(t, s, "H0002")
	if s.RegistryProblem() == nil {
		t.Error("a registry that cannot be written is not reported")
	}
}

package sync

import (
	"bytes"
	"path/filepath"
	"testing"
)

// A station restored in place saves R3, then imports a county bundle that
// was already on the stick, written before the restore, before it has
// sent anything: the county looks ahead of it. Its reused numbers must
// still go up to be compared (or R3 never reaches the county and the two
// diverge for good), and everything must converge.
func TestRestoredStationImportsAStaleCountyBundleFirst(t *testing.T) {
	w := newWorld(t)
	a, r1, backup := backedUp(t, w)
	setGroup(t, a.s, r1.ID, "二组")
	r2 := household(t, a, "130131190201-B2", "130131190201")
	w.sync(a)
	// a reply the county wrote for the stick, not yet carried back
	stick := t.TempDir()
	y, err := w.county.ExportTo(stick, a.me.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := restoreInPlace(t, a, backup)
	s := n.s
	r3 := household(t, n, "130131190201-B3", "130131190201")
	if _, err := n.ImportFile(y[0], filepath.Join(t.TempDir(), "inbox")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		w.sync(n)
	}
	if _, err := w.county.s.Get(r3.ID); err != nil {
		t.Errorf("county lacks r3 (saved after the restore): %v", err)
	}
	if _, err := s.Get(r2.ID); err != nil {
		t.Errorf("station lacks r2: %v", err)
	}
	if !bytes.Equal(dumpScope(t, s, "130131190201"), dumpScope(t, w.county.s, "130131190201")) {
		t.Errorf("station and county differ")
	}
	if al, _ := s.Alarms(true); len(al) == 0 {
		t.Error("the person was not told")
	}
}

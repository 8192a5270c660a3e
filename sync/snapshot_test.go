package sync

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/cunzhan/cunzhan/store"
)

// Each export puts a sealed copy of the station's whole file on the stick;
// the county opens it and gets the station's file as it was, including
// what was never synced. A changed byte, or a copy shown to another
// county, opens nothing.
func TestSealedCopyOnTheStick(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	household(t, a, "130131190201-S1", "130131190201")
	w.sync(a)
	household(t, a, "130131190201-S2", "130131190201") // never synced
	stick := t.TempDir()
	var snap string
	for i := 0; i < 3; i++ {
		var err error
		if snap, err = a.ExportSnapshot(stick); err != nil {
			t.Fatal(err)
		}
	}
	if copies, _ := filepath.Glob(filepath.Join(stick, "*"+SnapshotExt)); len(copies) > keepOnStick {
		t.Errorf("the stick keeps %d copies", len(copies))
	}
	sealed, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("130131190201-S2")) {
		t.Fatal("the sealed copy shows its content")
	}
	out := filepath.Join(t.TempDir(), "recovered.db")
	h, err := w.county.RecoverSnapshot(sealed, out)
	if err != nil {
		t.Fatal(err)
	}
	if h.Station != a.s.Station().Code {
		t.Errorf("header names %s", h.Station)
	}
	r, err := store.Open(out, &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	sealForTest(t, r, a.s.Path()) // the station's own file, and key
	got, want := dumpScope(t, r, "130131190201"), dumpScope(t, a.s, "130131190201")
	r.Close()
	if !bytes.Equal(got, want) {
		t.Error("the recovered file differs from the station's at the export")
	}
	// Damage and forgery.
	for i, b := range [][]byte{
		append(append([]byte(nil), sealed[:len(sealed)/2]...), append([]byte{sealed[len(sealed)/2] ^ 1}, sealed[len(sealed)/2+1:]...)...),
		sealed[:len(sealed)-1],
		[]byte("CZS\x01"),
	} {
		if _, err := w.county.RecoverSnapshot(b, filepath.Join(t.TempDir(), "x.db")); store.CodeOf(err) != CodeSnapshot {
			t.Errorf("damaged copy %d: %v", i, err)
		}
	}
	// Another county cannot open it.
	other := newWorld(t)
	other.county.EnrolStation("130131190201", "甲村服务点", "")
	if _, err := other.county.RecoverSnapshot(sealed, filepath.Join(t.TempDir(), "y.db")); store.CodeOf(err) != CodeSnapshot {
		t.Errorf("another county: %v", err)
	}
}

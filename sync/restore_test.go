package sync

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// The finding: save R1, sync, back up; save R2, sync; copy the backup over
// the file (same file, so its identity is unchanged) and run without the
// registry of issued numbers; save R3, sync twice. The station ended with R1
// and R3, the county with R1 and R2, for ever, with one line about
// checksums. Now the county refuses the reused numbers and says so, the
// station moves R3 to a new origin, gets R2 back, and both end equal; the
// two edits of the same field surface for review; the person is told.
func TestBackupCopiedBackInPlaceConverges(t *testing.T) {
	w := newWorld(t)
	a, r1, backup := backedUp(t, w)
	setGroup(t, a.s, r1.ID, "二组") // R2
	r2 := household(t, a, "130131190201-B2", "130131190201")
	w.sync(a)
	origin := a.s.Origin()
	n := restoreInPlace(t, a, backup)
	s := n.s
	setGroup(t, s, r1.ID, "三组") // R3, under numbers the county holds with R2
	r3 := household(t, n, "130131190201-B3", "130131190201")

	var alarms []string
	for i := 0; i < 2; i++ {
		res, err := n.Sync(context.Background(), "", w.client, nil)
		if err != nil {
			t.Fatalf("sync %d: %v", i+1, err)
		}
		alarms = append(alarms, res.Alarms...)
	}
	if len(alarms) == 0 || !strings.Contains(strings.Join(alarms, ""), "旧备份") {
		t.Errorf("the person was not told: %v", alarms)
	}
	if open, _ := s.Alarms(false); len(open) == 0 {
		t.Error("no alarm kept for the window")
	}
	if s.Origin() == origin {
		t.Error("the station still writes under the reused origin")
	}
	for _, id := range []struct {
		name string
		h    *store.Household
	}{{"R2's household", r2}, {"R3's household", r3}} {
		if _, err := s.Get(id.h.ID); err != nil {
			t.Errorf("station lacks %s: %v", id.name, err)
		}
		if _, err := w.county.s.Get(id.h.ID); err != nil {
			t.Errorf("county lacks %s: %v", id.name, err)
		}
	}
	st, cs := dumpScope(t, s, "130131190201"), dumpScope(t, w.county.s, "130131190201")
	if !bytes.Equal(st, cs) {
		t.Errorf("station and county differ:\n%s\n---\n%s", households(st), households(cs))
	}
	// 二组 (before the restore) and 三组 (after) were written without either
	// seeing the other: both are kept for review.
	var vals []string
	w.county.s.View(func(r *store.Reader) error {
		x, _ := r.State(r1.ID)
		for _, f := range x.ConflictFields() {
			if f == "group_name" {
				for _, v := range x.Register("group_name").Versions {
					vals = append(vals, string(v.Value))
				}
			}
		}
		return nil
	})
	if len(vals) != 2 {
		t.Errorf("the two edits of the group are not both up for review: %v", vals)
	}
	list, _ := w.county.Stations()
	for _, p := range list {
		if len(p.Forked) != 0 {
			t.Errorf("the county still lists the station as forked after the repair: %v", p.Forked)
		}
	}
}

// backedUp is a village station that has saved household B1 and synced it,
// and the copy of its file taken then.
func backedUp(t *testing.T, w *world) (*Node, *store.Household, []byte) {
	t.Helper()
	a := w.station("130131190201", "甲村服务点")
	r1 := household(t, a, "130131190201-B1", "130131190201")
	w.sync(a)
	backup, err := os.ReadFile(a.s.Path())
	if err != nil {
		t.Fatal(err)
	}
	return a, r1, backup
}

// setGroup saves a household's group.
func setGroup(t *testing.T, s *store.Store, id uuid.UUID, group string) {
	t.Helper()
	h, err := store.GetAs[*store.Household](s, id)
	if err != nil {
		t.Fatal(err)
	}
	h.GroupName = group
	if _, err := s.Save(h, "操作员乙"); err != nil {
		t.Fatal(err)
	}
}

// restoreInPlace closes the station, writes backup over its file in place
// (the file keeps its identity) and opens it again without a registry of
// issued numbers: a restore the station cannot notice by itself.
func restoreInPlace(t *testing.T, a *Node, backup []byte) *Node {
	t.Helper()
	origin, path := a.s.Origin(), a.s.Path()
	a.s.Close()
	if err := os.WriteFile(path, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, path)
	if s.Origin() != origin {
		t.Fatal("the copy was noticed locally; these tests are about the case where it cannot be")
	}
	n, err := Open(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

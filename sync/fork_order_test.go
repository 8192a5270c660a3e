package sync

import (
	"context"
	"testing"

	"github.com/cunzhan/cunzhan/store"
)

// After a restore without the registry the station creates a household
// and edits its group twice in a row; the repair writes them again under a
// new origin, and they must stay one edit after another (六组 shown, no
// review), at the station and at the county.
func TestForkRepairKeepsTheStationsOwnOrder(t *testing.T) {
	w := newWorld(t)
	a, r1, backup := backedUp(t, w)
	setGroup(t, a.s, r1.ID, "二组")
	w.sync(a)
	n := restoreInPlace(t, a, backup)
	s := n.s
	r3 := household(t, n, "130131190201-B3", "130131190201")
	for _, g := range []string{"一组", "五组", "六组"} {
		setGroup(t, s, r3.ID, g)
	}
	for i := 0; i < 2; i++ {
		if _, err := n.Sync(context.Background(), "", w.client, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []*store.Store{s, w.county.s} {
		h, err := store.GetAs[*store.Household](st, r3.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Conflicts) != 0 || h.GroupName != "六组" {
			t.Errorf("r3 after the repair: group %q conflicts %v", h.GroupName, h.Conflicts)
			st.View(func(r *store.Reader) error {
				x, _ := r.State(r3.ID)
				for _, v := range x.Register("group_name").Versions {
					t.Logf("  version %s", v.Value)
				}
				return nil
			})
		}
	}
}

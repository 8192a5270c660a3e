package store_test

import (
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// demoApplication opens the demo data set and finds the application
// waiting for its township's step (村推荐).
func demoApplication(t *testing.T) (*store.Store, uuid.UUID) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	if _, err := demo.Generate(path, demo.Options{Seed: 1, Store: &store.Options{RegistryDir: "-"}}); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(path, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Login(s); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var id uuid.UUID
	s.View(func(r *store.Reader) error {
		return r.Each(store.KindLoanApplication, "", func(e store.Entity) error {
			if a := e.(*store.LoanApplication); a.Status == "村推荐" {
				id = a.ID
			}
			return nil
		})
	})
	if id == uuid.Nil {
		t.Fatal("no application at 村推荐 in the demo data")
	}
	return s, id
}

func seenOf(t *testing.T, s *store.Store, id uuid.UUID) store.Seen {
	t.Helper()
	var seen store.Seen
	if err := s.View(func(r *store.Reader) error {
		var err error
		seen, err = r.SeenOf(id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return seen
}

func stepSeen(s *store.Store, id uuid.UUID, seen store.Seen, opinion string) error {
	return s.Batch(func(b *store.Batch) error {
		_, err := b.StepSeen(id, seen, "乡镇审核", "2025-11-28", "审核员", func(e store.Entity) error {
			if err := store.SetField(e, "township_opinion", opinion); err != nil {
				return err
			}
			return store.SetField(e, "township_date", "2025-11-28")
		}, "审核员")
		return err
	})
}

// Two clerks open the same application and both decide: the second
// decision does not overwrite the first; both stay, for review.
func TestStepSeenKeepsBothDecisions(t *testing.T) {
	s, id := demoApplication(t)
	one, two := seenOf(t, s, id), seenOf(t, s, id)
	if one.Status != "村推荐" || len(one.Context) == 0 {
		t.Fatalf("seen: %+v", one)
	}
	if err := stepSeen(s, id, one, "同意"); err != nil {
		t.Fatal(err)
	}
	if err := stepSeen(s, id, two, "同意，已核实"); err != nil {
		t.Fatalf("the second decision, made on what its page showed: %v", err)
	}
	e, err := s.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	a := e.(*store.LoanApplication)
	if a.Status != "乡镇审核" {
		t.Errorf("status %s", a.Status)
	}
	var values []string
	s.View(func(r *store.Reader) error {
		list, err := r.Conflicts("")
		for _, c := range list {
			if c.ID == id && c.Field == "township_opinion" {
				for _, sib := range c.Siblings {
					values = append(values, string(sib.Value))
				}
			}
		}
		return err
	})
	if len(values) != 2 {
		t.Fatalf("township_opinion under review: %v, want both decisions", values)
	}
	// A third clerk who opened the page after both sees the review, and
	// a step taken from there replaces nothing either: it is concurrent
	// with neither, so it is simply the newest value.
}

// A step at the record's current context is an ordinary edit: no review.
func TestStepSeenInTurnIsPlain(t *testing.T) {
	s, id := demoApplication(t)
	if err := stepSeen(s, id, seenOf(t, s, id), "同意"); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Get(id)
	if m := store.MetaOf(e); len(m.Conflicts) != 0 {
		t.Errorf("a step in turn left fields for review: %v", m.Conflicts)
	}
}

// A page's context is not trusted: one that shares nothing with the record
// is refused, and one that claims edits the record never received cannot
// hide them when they arrive (it is cut to what the record holds).
func TestStepSeenDistrustsThePage(t *testing.T) {
	s, id := demoApplication(t)
	seen := seenOf(t, s, id)
	if err := stepSeen(s, id, store.Seen{Status: seen.Status}, "同意"); store.CodeOf(err) != "PAGE_STALE" {
		t.Errorf("empty context: %v", err)
	}
	var stranger store.OriginID
	stranger[0] = 7
	bogus := store.Seen{Status: seen.Status, Context: store.VV{{Origin: stranger, Seq: 99}}}
	if err := stepSeen(s, id, bogus, "同意"); store.CodeOf(err) != "PAGE_STALE" {
		t.Errorf("context of another origin only: %v", err)
	}
	inflated := store.Seen{Status: seen.Status, Context: append(seen.Context.Clone(), store.Dot{Origin: stranger, Seq: 1 << 40})}
	if err := stepSeen(s, id, inflated, "同意"); err != nil {
		t.Fatal(err)
	}
	// The write's context must not cover the stranger's future edits.
	var covered bool
	s.View(func(r *store.Reader) error {
		st, _ := r.State(id)
		reg := st.Register("township_opinion")
		covered = reg.Cover.Get(stranger) > 0
		return nil
	})
	if covered {
		t.Error("a context from the page claimed edits the record never received")
	}
}

// A page cannot claim a status the record did not have at the page's
// context: a form posted for an application's earlier step after the
// record moved on, with a context inflated to the record's current one,
// would otherwise overwrite the later step at once (a township clerk
// refusing what already waits for the county). An honest page opened
// before the move is still taken, as a decision made side by side.
func TestStepSeenRefusesAStatusThePageCannotHaveShown(t *testing.T) {
	s, id := demoApplication(t)
	before := seenOf(t, s, id)
	if err := stepSeen(s, id, seenOf(t, s, id), "同意"); err != nil {
		t.Fatal(err)
	}
	now := seenOf(t, s, id)
	forged := store.Seen{Status: before.Status, Context: now.Context}
	if err := stepSeen(s, id, forged, "同意，重新审核"); store.CodeOf(err) != "PAGE_STALE" {
		t.Fatalf("a page claiming 村推荐 at the context of 乡镇审核: %v", err)
	}
	if err := stepSeen(s, id, before, "同意，已核实"); err != nil {
		t.Fatalf("the page opened before the step: %v", err)
	}
}

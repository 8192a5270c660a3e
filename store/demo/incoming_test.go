package demo_test

import (
	"path/filepath"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// Every change the station's own operations write passes the county's check
// of incoming changes. A false refusal would stop an honest station's sync
// for good (every later bundle carries the change again), so the whole
// demonstration data set, scaled up for variety, is run through it.
func TestEveryChangeOfTheDemoPassesTheCountysCheck(t *testing.T) {
	people := 3000
	if testing.Short() {
		people = 0
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	if _, err := demo.Generate(path, demo.Options{Seed: 3, People: people, Store: &store.Options{RegistryDir: "-"}}); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(path, &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Login(s); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	have, err := s.Have()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = s.View(func(r *store.Reader) error {
		check := r.NewIncomingCheck("")
		for o, upto := range have {
			err := r.EachLogged(o, 0, upto, func(le store.LogEntry) error {
				if le.Change == nil {
					return nil
				}
				n++
				if err := check.Check(le.Change); err != nil {
					t.Errorf("%v", err)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 500 {
		t.Fatalf("only %d changes checked", n)
	}
	t.Logf("%d changes checked", n)
}

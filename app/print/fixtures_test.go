package print

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// openStore opens a demo data file on the day it describes, logged in.
func openStore(t testing.TB, path string, readOnly bool) *store.Store {
	t.Helper()
	st, err := store.Open(path, &store.Options{RegistryDir: "-", ReadOnly: readOnly, Now: func() time.Time { return printTime }})
	if err == nil {
		err = demo.Login(st)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// writableDemo copies the demo data set to a file of the test's own and
// opens it for writing: tests that need a record in a state the data set
// does not hold (a discharge, a referral, a voided claim) make it here.
func writableDemo(t *testing.T) *store.Store {
	t.Helper()
	b, err := os.ReadFile(demoFile)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return openStore(t, path, false)
}

// step moves a record on through the store's own workflow step, filling
// the fields the step needs, and returns it as saved.
func step(t *testing.T, st *store.Store, e store.Entity, to string, set map[string]string) store.Entity {
	t.Helper()
	var next store.Entity
	err := st.View(func(r *store.Reader) error {
		x, err := r.Get(store.MetaOf(e).ID)
		if err != nil {
			return err
		}
		next, err = r.PrepareStep(x, to, "2025-11-28", "测试员")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range set {
		if err := store.SetField(next, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Save(next, "测试员"); err != nil {
		t.Fatalf("%s → %s: %v", store.MetaOf(e).Kind(), to, err)
	}
	return next
}

// tickedOn renders a job and lists the options its first page ticks: the
// words drawn right after each ticked box (pdftotext cannot see boxes).
func tickedOn(t *testing.T, st *store.Store, job Job, opt Options) []string {
	t.Helper()
	opt.Now, opt.Operator = printTime, "张红梅"
	var d *Doc
	err := st.View(func(r *store.Reader) error {
		var err error
		d, err = Build(context.Background(), r, job, opt, nil)
		return err
	})
	if err != nil {
		t.Fatalf("build %s: %v", job.Code, err)
	}
	if _, err := d.Bytes(); err != nil {
		t.Fatal(err)
	}
	var out []string
	ops := d.FirstPage().Ops
	for i, op := range ops {
		if op.Kind != 'b' || !op.Fill {
			continue
		}
		for _, next := range ops[i+1:] {
			if next.Kind == 't' {
				out = append(out, strings.Trim(next.Text, "　 "))
				break
			}
		}
	}
	return out
}

// inOrder checks that the parts come in this order in the flattened text.
func inOrder(t *testing.T, code, flat string, parts ...string) {
	t.Helper()
	at := 0
	for _, p := range parts {
		i := strings.Index(flat[at:], squash(p))
		if i < 0 {
			t.Errorf("%s does not show %q after what precedes it", code, p)
			continue
		}
		at += i + len(squash(p))
	}
}

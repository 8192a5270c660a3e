package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	csync "github.com/cunzhan/cunzhan/sync"
)

// demoFile is the §8 data set, generated once; every test works on its own
// copy.
var demoFile string

func TestMain(m *testing.M) {
	// Fyne picks its own button labels from the locale: pin it.
	os.Setenv("LANG", "zh_CN.UTF-8")
	dir, err := os.MkdirTemp("", "cunzhan-app-test")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	demoFile = filepath.Join(dir, "demo.db")
	if _, err := demo.Generate(demoFile, demo.Options{Seed: 1, Store: &store.Options{RegistryDir: "-"}}); err != nil {
		fmt.Println("demo data:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testClock is the demo data set's day, ticking a millisecond per call so
// that every save gets its own time.
func testClock() func() time.Time {
	t := demo.AsOf
	return func() time.Time { t = t.Add(time.Millisecond); return t }
}

// openDemo copies the demo database for one test and opens it as the
// window would, with the clock at the data set's day.
func openDemo(t *testing.T) *store.Store {
	t.Helper()
	st := openLocked(t)
	if err := demo.Login(st); err != nil {
		t.Fatal(err)
	}
	return st
}

// loginAs logs in to a demo store as an operator of that name (a 录入员
// the demo's 负责人 adds first): the author of what it saves next.
func loginAs(t *testing.T, st *store.Store, name string) {
	t.Helper()
	if err := demo.Login(st); err != nil {
		t.Fatal(err)
	}
	if err := st.AddOperator(name, store.RoleClerk, "clerk2025pw"); err != nil && store.CodeOf(err) != store.CodeOperator {
		t.Fatal(err)
	}
	if _, err := st.Unlock(name, "clerk2025pw"); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// newTestUI opens the main window headless on a store, with background
// work run inline.
func newTestUI(t *testing.T, st *store.Store) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	test.ApplyTheme(t, Theme())
	w := a.NewWindow("村站")
	w.Resize(fyne.NewSize(1280, 800))
	u := New(a, w, st, Options{Sync: true, Now: testClock(), Operator: "测试员", SyncClient: &csync.Client{Retries: 2, Backoff: time.Millisecond}})
	t.Cleanup(w.Close)
	return u
}

// typeInto replaces an entry's text as a person would: select all, type.
func typeInto(e interface {
	fyne.Focusable
	SetText(string)
}, text string) {
	e.SetText("")
	test.Type(e, text)
}

// entryOf is the text box of a form field: the window's own widget, so
// that typing into it focuses it as a click would.
func entryOf(t *testing.T, f *recordForm, field string) *keyEntry {
	t.Helper()
	c := f.ctls[field]
	if c == nil {
		t.Fatalf("form has no field %q", field)
	}
	e, ok := c.focus.(*keyEntry)
	if !ok {
		t.Fatalf("field %q is not a text box (%T)", field, c.focus)
	}
	return e
}

// find walks a widget tree for the first object that matches.
func find(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil {
		return nil
	}
	if match(o) {
		return o
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			if r := find(c, match); r != nil {
				return r
			}
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		for _, c := range r.Objects() {
			if r := find(c, match); r != nil {
				return r
			}
		}
	}
	return nil
}

// button finds a button by its text (or the start of it).
func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	b := find(o, func(x fyne.CanvasObject) bool {
		b, ok := x.(*widget.Button)
		return ok && strings.HasPrefix(b.Text, text)
	})
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	return b.(*widget.Button)
}

// hasText reports whether any label or text in the tree contains s.
func hasText(o fyne.CanvasObject, s string) bool {
	return find(o, func(x fyne.CanvasObject) bool {
		switch l := x.(type) {
		case *widget.Label:
			return strings.Contains(l.Text, s)
		case *widget.Button:
			return strings.Contains(l.Text, s)
		}
		return false
	}) != nil
}

// topDialog is the content of the dialog in front, nil when none.
func topDialog(w fyne.Window) fyne.CanvasObject {
	return w.Canvas().Overlays().Top()
}

// fyneObject is short for the tree nodes find visits.
type fyneObject = fyne.CanvasObject

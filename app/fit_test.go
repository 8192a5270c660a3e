package app

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	csync "github.com/cunzhan/cunzhan/sync"
)

// screenDriver is a walk driver for headless tests: it taps buttons
// through their handler, takes no pictures, and has a screen of a given
// size, so that the walk's fit checks apply.
type screenDriver struct {
	tapdriver
	screen fyne.Size
}

func (d screenDriver) screenSize() fyne.Size        { return d.screen }
func (screenDriver) screenshot(*walk, string) error { return nil }
func (d screenDriver) keys(...string) error         { return errNoKeyboard }

// Every screen, tab, record page, form and dialog fits the smallest screen
// a village PC has, 1024×768 less the taskbar: nothing may make the window
// wider or taller than that (贷款 once forced it to 1,072 pixels). The
// real-window walkthrough checks the same on the real driver; this one
// runs in a few seconds on every test run.
func TestEveryScreenFits1024x768(t *testing.T) {
	st := openDemo(t)
	a := test.NewTempApp(t)
	test.ApplyTheme(t, Theme())
	w := a.NewWindow("村站")
	screen := fyne.NewSize(1024, 768)
	w.Resize(walkWindowSize(screenDriver{screen: screen}))
	t.Cleanup(w.Close)
	mk := func() *UI {
		return New(a, w, st, Options{Sync: true, Now: testClock(), Operator: "测试员", SyncClient: &csync.Client{Retries: 1, Backoff: time.Millisecond}})
	}
	dir := t.TempDir()
	if d := os.Getenv("WALK_DIR"); d != "" {
		dir = d
	}
	err := runWalk(&walk{win: w, dir: dir, drv: screenDriver{screen: screen}, make: mk})
	if err != nil {
		t.Fatal(strings.ReplaceAll(err.Error(), "\n", "\n\t"))
	}
}

package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The walkthrough drives the real window, on the real driver, through
// every screen, every tab, the first row of every list and every button
// that does not destroy data, opening every dialog on the way and closing
// it again. It clicks with the real mouse and types with the real keyboard
// (xdotool, under X), so what it exercises is what a person does; headless
// tests cannot see a crash inside Fyne's real driver, and three buttons
// once crashed the window while every headless test passed.
//
// After each step it checks that the window still fits the screen, that
// nothing the step needed lies outside the window, and that no error was
// shown that should not have been; it saves a screenshot of each state. A
// panic ends the program, which is a failure too. `cunzhan --data FILE
// --screenshots DIR` runs it; `make test` runs it at 1366×768 and
// 1024×768 on a copy of the demo data.

// walk is one walkthrough of the window.
type walk struct {
	win fyne.Window
	// gate is what comes before the main window: the first-start page
	// when the walk starts on an empty station (the walk tries it, then
	// opens the demo data from it), then the login.
	gate *gate
	u    *UI
	make func() *UI // a fresh window content, to start each path clean
	dir  string
	drv  driver

	// frames is set on the real driver: wait for it to draw.
	frames bool
	// presses is how many buttons deep a path goes (2: a form's button
	// after the button that opened it; 0: screens, tabs and rows only).
	presses  int
	shots    int
	states   int
	t0       time.Time
	problems []string
	// done are the actions already explored, by a key that ignores which
	// row was open, so that a button is explored once per screen and tab.
	done map[string]bool
	// errors shown by the window during the current action (showError).
	errors []string
	log    *os.File
}

// step is one thing a person does to reach a state.
type step struct {
	kind  byte   // 's' screen, 't' tab, 'r' list row, 'b' button
	a, n  int    // screen index; tabs index and item; list index and row; button occurrence
	label string // a tab's or button's text
}

func (s step) String() string {
	switch s.kind {
	case 's':
		return fmt.Sprintf("屏%d", s.a)
	case 't':
		return "页签" + s.label
	case 'r':
		return fmt.Sprintf("列表%d第%d行", s.a, s.n+1)
	}
	if s.n > 0 {
		return fmt.Sprintf("按钮%s#%d", s.label, s.n+1)
	}
	return "按钮" + s.label
}

func pathString(p []step) string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = s.String()
	}
	return strings.Join(parts, " › ")
}

// maxDepth bounds a path: screen › tab › row › button › button.
const maxDepth = 5

// runWalk walks the whole window and returns an error listing every
// problem found.
func runWalk(w *walk) error {
	if err := os.MkdirAll(w.dir, 0o755); err != nil {
		return err
	}
	_, w.frames = w.drv.(*xdriver)
	if w.presses == 0 {
		w.presses = 2
	}
	if n, err := strconv.Atoi(os.Getenv("CUNZHAN_WALK_PRESSES")); err == nil {
		w.presses = n
	}
	var err error
	if w.log, err = os.Create(filepath.Join(w.dir, "walk.log")); err != nil {
		return err
	}
	defer w.log.Close()
	w.done = map[string]bool{}
	start := time.Now()
	w.t0 = start
	if w.gate != nil && w.gate.setup != nil && !w.walkSetup() {
		return fmt.Errorf("window walkthrough: %s", strings.Join(w.problems, "\n"))
	}
	if !w.walkLogin("登录") {
		return fmt.Errorf("window walkthrough: %s", strings.Join(w.problems, "\n"))
	}
	w.ui(func() { w.u = w.make() })
	w.settle()
	if w.frames {
		time.Sleep(time.Second) // the dashboard's figures arrive in the background
		w.settle()
	}
	w.checks()
	w.checkRegisterImport()
	n := 0
	w.ui(func() { n = len(w.u.screens) })
	for i := 0; i < n; i++ {
		w.explore([]step{{kind: 's', a: i}})
	}
	w.logf("%d states, %d screenshots, %d problems, %s", w.states, w.shots, len(w.problems), time.Since(start).Round(time.Second))
	if len(w.problems) > 0 {
		return fmt.Errorf("window walkthrough found %d problems:\n%s", len(w.problems), strings.Join(w.problems, "\n"))
	}
	return nil
}

// explore replays a path from a fresh window, records the state it
// reaches, and explores every action from there.
func (w *walk) explore(path []step) {
	if !w.replay(path) {
		return
	}
	w.states++
	w.shoot(pathString(path))
	w.fits(pathString(path))
	if len(path) >= maxDepth {
		return
	}
	sig := w.signature(path)
	screen := ""
	w.ui(func() { screen = w.u.screens[w.u.current].name })
	presses := 0
	for _, s := range path {
		if s.kind == 'b' {
			presses++
		}
	}
	for _, a := range w.actionsFor(path) {
		key := sig + "/" + a.String()
		if a.kind == 'b' && presses > 0 {
			// A button inside what a button opened (a form's 选择…,
			// 显示/修改, 添加…) does the same in every form of a screen:
			// it is pressed once per screen.
			key = screen + "//" + a.label
		}
		if w.done[key] {
			continue
		}
		w.done[key] = true
		w.explore(append(append([]step{}, path...), a))
	}
}

// signature names the state a path reached for the once-only rule: the
// screen shown, the tabs chosen, and the buttons pressed to get there.
// Which row was chosen is left out, so the buttons of a record's page are
// tried on one record, not on every one.
func (w *walk) signature(path []step) string {
	var b strings.Builder
	w.ui(func() {
		b.WriteString(w.u.screens[w.u.current].name)
		for _, t := range w.tabs() {
			if sel := t.obj.Selected(); sel != nil {
				b.WriteString("/" + sel.Text)
			}
		}
	})
	for _, s := range path {
		if s.kind == 'b' {
			b.WriteString("/" + s.String())
		}
	}
	return b.String()
}

// replay starts a fresh window and performs each step of a path, settling
// after each; false when a step could no longer be done (the window
// changed), which is logged, not a failure.
func (w *walk) replay(path []step) bool {
	w.ui(func() {
		for _, o := range w.win.Canvas().Overlays().List() {
			w.win.Canvas().Overlays().Remove(o)
		}
		w.u = w.make()
		w.u.onError = w.errorShown
	})
	w.settle()
	w.errors = nil
	for i, s := range path {
		last := i == len(path)-1
		ok := w.perform(s)
		w.settle()
		if !ok {
			if last {
				w.logf("跳过：%s（找不到）", pathString(path))
			}
			return false
		}
		if !last {
			// Dialogs opened on the way are closed: the next step acts on
			// the page, not on them.
			w.closeDialogs(pathString(path[:i+1]), false)
		}
	}
	if len(w.errors) > 0 {
		for _, e := range w.errors {
			if !expectedError(e) {
				w.fail("%s：窗口报告了错误：%s", pathString(path), e)
			}
		}
	}
	if w.overlayOpen() {
		w.shoot(pathString(path) + " 对话框")
		w.fits(pathString(path) + " 对话框")
		w.exploreDialog(path)
	}
	return true
}

// expectedError tells errors the walk provokes on purpose from faults:
// there is no county server to sync with, no viewer to open a PDF in.
func expectedError(msg string) bool {
	for _, ok := range []string{"同步", "无法自动打开", "没有完成"} {
		if strings.Contains(msg, ok) {
			return true
		}
	}
	return false
}

func (w *walk) errorShown(title, msg string) {
	w.errors = append(w.errors, title+"："+msg)
	w.logf("  错误对话框：%s：%s", title, msg)
}

func (w *walk) fail(format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	w.problems = append(w.problems, msg)
	w.logf("问题：%s", msg)
	fmt.Fprintln(os.Stderr, "walkthrough:", msg)
}

func (w *walk) logf(format string, a ...any) {
	if w.log != nil {
		fmt.Fprintf(w.log, format+"\n", a...)
	}
}

// ui runs f on the UI goroutine and waits for it.
func (w *walk) ui(f func()) { fyne.DoAndWait(f) }

// settle waits until the window has finished what the last step started:
// background reads, delayed checks, and a few frames drawn.
func (w *walk) settle() {
	for i := 0; i < 300; i++ {
		w.ui(func() {})
		if w.u == nil || w.u.busy.Load() == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.ui(func() {})
	if w.frames {
		// A few frames for the real driver to draw what changed.
		time.Sleep(60 * time.Millisecond)
		w.ui(func() {})
	}
}

// walkWindowSize is the window of a maximised program on the walk's
// screen: the screen less the taskbar and title bar.
func walkWindowSize(d driver) fyne.Size {
	s := d.screenSize()
	if s.IsZero() {
		return defaultSize
	}
	return fyne.NewSize(s.Width, s.Height-usableMargin)
}

// walkSetup tries the first-start page: every button but the demo, each
// dialog opened and closed; then it opens the demo data set from it, as a
// new user would, and waits for the main window.
func (w *walk) walkSetup() bool {
	w.settle()
	w.shoot("首次启动")
	w.fits("首次启动")
	var labels []string
	w.ui(func() {
		for _, b := range w.buttons(w.win.Content()) {
			if l := buttonLabel(b.obj); !strings.Contains(l, "演示") {
				labels = append(labels, l)
			}
		}
	})
	for _, l := range append(labels, "打开演示数据") {
		var b *found[*widget.Button]
		w.ui(func() {
			for _, x := range w.buttons(w.win.Content()) {
				if buttonLabel(x.obj) == l {
					x := x
					b = &x
					break
				}
			}
		})
		if b == nil {
			w.fail("首次启动：找不到“%s”", l)
			continue
		}
		if err := w.drv.click(w, b.obj, b.parents); err != nil {
			w.fail("首次启动：按“%s”：%v", l, err)
			continue
		}
		w.settle()
		w.shoot("首次启动 按" + l)
		w.fits("首次启动 按" + l)
		w.closeDialogs("首次启动 按"+l, true)
	}
	// The demo is generated in the background, then its login opens.
	for i := 0; i < 1200; i++ {
		ready := false
		w.ui(func() { ready = w.gate.login != nil })
		if ready {
			w.settle()
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	w.fail("首次启动：打开演示数据后两分钟仍没有出现登录页")
	return false
}

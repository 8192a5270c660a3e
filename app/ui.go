// Package app is the station's window: a Fyne GUI in Chinese over the
// store, sync and print packages. Screens hold widgets and call those
// packages; every rule about records lives in store.
//
// Work that can take long (sync, batch printing, roster import, building a
// demo database) runs off the UI goroutine and touches widgets only through
// fyne.Do. Tests make that work synchronous (UI.async) so that they can
// tap, type and then assert without waiting.
package app

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/roster"
	csync "github.com/cunzhan/cunzhan/sync"
)

// screen is one page of the main window.
type screen interface {
	// build makes the screen's widgets; it is called once, the first time
	// the screen is shown.
	build() fyne.CanvasObject
	// refresh reloads what the screen shows from the store; it is called
	// each time the screen is shown and after data changed elsewhere.
	refresh()
	// dirty reports unsaved edits, so that leaving asks first.
	dirty() bool
}

// screenInfo is a screen with its place in the navigation.
type screenInfo struct {
	name  string
	icon  fyne.Resource
	s     screen
	built fyne.CanvasObject
	stale bool
}

// UI is the main window of a station.
type UI struct {
	app  fyne.App
	win  fyne.Window
	st   *store.Store
	opts Options // as New was given them, for a rebuild after a restore
	// node is the sync identity once the station is enrolled; nil before.
	node *csync.Node

	operator string
	// async runs background work: a goroutine normally, inline in tests.
	async func(func())
	// releaseTimer hands file pages back after a pause in searching.
	releaseMu    sync.Mutex
	releaseTimer *time.Timer
	// busy counts background work not yet finished and checks not yet run
	// (the walkthrough waits for it before it looks at the window).
	busy atomic.Int32
	// debounce delays checks while the user types; zero in tests.
	debounce time.Duration
	now      func() time.Time
	client   *csync.Client

	screens []*screenInfo
	current int
	nav     *focusList
	body    *fyne.Container
	status  *widget.Label
	title   *widget.Label
	// operatorBtn shows who is working, in the header.
	operatorBtn *widget.Button
	// locked is the login form while the window is locked (lock.go);
	// watching, whether this window locks itself when idle.
	locked   *loginForm
	watching bool

	// lastRoster is the latest roster result (tests read it).
	lastRoster *roster.Result
	// lastMapping is the latest column-mapping dialog (tests tap in it).
	lastMapping dialog.Dialog
	// dialogForm is a record form open in a dialog (a new person made from
	// a picker); Ctrl+S saves it rather than the screen's form.
	dialogForm *recordForm
	// onError, when set, hears of every error the window shows (the
	// walkthrough checks them).
	onError func(title, msg string)

	home      *homeScreen
	homes     *homesScreen
	visits    *visitsScreen
	loans     *loansScreen
	conflicts *conflictsScreen
	syncs     *syncScreen
	prints    *printScreen
	settings  *settingsScreen
}

// Options tune a UI; tests use them.
type Options struct {
	Operator string
	// Sync makes background work run inline (tests).
	Sync bool
	Now  func() time.Time
	// SyncClient replaces the network client (tests shorten its retries).
	SyncClient *csync.Client
	// Async replaces how background work is started (benchmarks measure
	// the first frame without it).
	Async func(func())
	// Reopened is told of the store the window switched to after a
	// restore (Run closes it at exit).
	Reopened func(*store.Store)
}

// New builds the main window's content for an open store into w.
func New(a fyne.App, w fyne.Window, st *store.Store, opt Options) *UI {
	u := &UI{app: a, win: w, st: st, opts: opt, operator: opt.Operator, now: opt.Now, client: opt.SyncClient,
		async: func(f func()) { go f() }, debounce: 250 * time.Millisecond}
	if u.client == nil {
		u.client = &csync.Client{}
	}
	if opt.Sync {
		u.async = func(f func()) { f() }
		u.debounce = 0
	}
	if opt.Async != nil {
		u.async = opt.Async
	}
	run := u.async
	u.async = func(f func()) {
		u.busy.Add(1)
		run(func() {
			defer u.busy.Add(-1)
			f()
		})
	}
	if u.now == nil {
		u.now = time.Now
	}
	if op := st.CurrentOperator(); op != nil {
		// A protected store writes as the operator who logged in.
		u.operator = op.Name
	}
	if n, err := csync.Open(st); err == nil {
		u.node = n
	}
	u.home = newHomeScreen(u)
	u.homes = newHomesScreen(u)
	u.visits = newVisitsScreen(u)
	u.loans = newLoansScreen(u)
	u.conflicts = newConflictsScreen(u)
	u.syncs = newSyncScreen(u)
	u.prints = newPrintScreen(u)
	u.settings = newSettingsScreen(u)
	u.screens = []*screenInfo{
		{name: "首页", icon: theme.HomeIcon(), s: u.home},
		{name: "幸福院", icon: theme.AccountIcon(), s: u.homes},
		{name: "探访", icon: theme.VisibilityIcon(), s: u.visits},
		{name: "贷款", icon: theme.StorageIcon(), s: u.loans},
		{name: "冲突审核", icon: theme.WarningIcon(), s: u.conflicts},
		{name: "同步", icon: theme.ViewRefreshIcon(), s: u.syncs},
		{name: "打印", icon: theme.DocumentPrintIcon(), s: u.prints},
		{name: "设置", icon: theme.SettingsIcon(), s: u.settings},
	}
	u.buildChrome()
	u.show(0)
	// Name search reads its index on first use; do that now, off the UI
	// goroutine, while the user looks at the dashboard.
	u.async(func() { _ = st.PreloadSearch() })
	w.SetTitle(u.windowTitle())
	u.installShortcuts()
	w.SetCloseIntercept(func() {
		u.guard("关闭村站", func() { w.Close() })
	})
	if !opt.Sync {
		go u.backupDaily(st)
	}
	return u
}

// backupDaily takes the day's automatic copy while the window stays open
// for days (the first is taken as the file opens); a failure shows on the
// home page.
func (u *UI) backupDaily(st *store.Store) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for range t.C {
		if st.Closed() {
			return
		}
		if err := st.BackupIfDue(); err != nil {
			fyne.Do(func() {
				if u.st == st {
					u.home.refresh()
				}
			})
		}
	}
}

func (u *UI) windowTitle() string {
	if si := u.st.Station(); si != nil {
		return "村站 — " + si.Name
	}
	return "村站"
}

func (u *UI) buildChrome() {
	u.nav = newFocusList(
		func() int { return len(u.screens) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.HomeIcon()), widget.NewLabel("冲突审核 (000)"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Icon).SetResource(u.screens[i].icon)
			box.Objects[1].(*widget.Label).SetText(u.navLabel(i))
		},
	)
	u.nav.OnSelected = func(i widget.ListItemID) {
		if i == u.current {
			return
		}
		u.guard("离开“"+u.screens[u.current].name+"”", func() { u.show(i) })
		// Keep the highlight on the screen actually shown (the guard may
		// have said no).
		u.nav.Select(u.current)
	}
	u.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.body = container.NewStack()
	operator := newButtonWithIcon(u.operatorLabel(), theme.AccountIcon(), nil)
	operator.OnTapped = touched(u.operatorMenu)
	u.operatorBtn = operator
	header := container.NewBorder(nil, nil, u.title, operator)
	bar := canvas.NewRectangle(theme.Color(theme.ColorNameSeparator))
	bar.SetMinSize(fyne.NewSize(1, 1))
	left := container.NewBorder(nil, nil, nil, widget.NewSeparator(), u.nav.box)
	// The objects are in the order Tab visits them: the navigation, the
	// page, the header; the layout places them.
	u.win.SetContent(container.New(chromeLayout{}, left, u.body, container.NewVBox(header, bar), u.status))
}

func (u *UI) navLabel(i int) string {
	name := u.screens[i].name
	if u.screens[i].s == u.conflicts {
		if n := u.conflicts.count; n > 0 {
			return fmt.Sprintf("%s (%d)", name, n)
		}
	}
	return name
}

// show switches to screen i, building it the first time.
func (u *UI) show(i int) {
	si := u.screens[i]
	if si.built == nil {
		si.built = si.s.build()
	}
	u.current = i
	u.body.Objects = []fyne.CanvasObject{si.built}
	u.body.Refresh()
	u.title.SetText(si.name + "  ·  " + u.stationLine())
	si.s.refresh()
	si.stale = false
	u.nav.Select(i)
}

// screenIndex finds a screen in the navigation.
func (u *UI) screenIndex(s screen) int {
	for i, si := range u.screens {
		if si.s == s {
			return i
		}
	}
	return -1
}

// showScreen switches to a screen by its value (links between screens).
func (u *UI) showScreen(s screen) {
	for i, si := range u.screens {
		if si.s == s {
			if i != u.current {
				u.guard("离开“"+u.screens[u.current].name+"”", func() { u.show(i) })
			}
			return
		}
	}
}

func (u *UI) stationLine() string {
	si := u.st.Station()
	if si == nil {
		return "未设置站点"
	}
	return fmt.Sprintf("%s（%s）  %s", si.Name, si.Code, u.today())
}

// today is the calendar date at the station (Asia/Shanghai).
func (u *UI) today() store.Date { return store.DateOf(u.now().In(store.ChinaTZ)) }

// guard runs next at once when the current screen has no unsaved edits,
// and otherwise only after the user agrees to drop them.
func (u *UI) guard(what string, next func()) {
	if u.current < len(u.screens) && u.screens[u.current].s.dirty() {
		msg := para("当前页面有尚未保存的修改。" + what + "将丢弃这些修改，确定吗？")
		msg.Wrapping = fyne.TextWrapBreak
		d := dialog.NewCustomConfirm("有未保存的修改", "放弃修改", "继续编辑", msg, func(ok bool) {
			if ok {
				next()
			}
		}, u.win)
		d.SetConfirmImportance(widget.DangerImportance)
		showDialog(u.win, d, fyne.NewSize(420, 200))
		return
	}
	next()
}

// changed tells every screen that records changed: the one showing reloads
// now, the others when next shown.
func (u *UI) changed() {
	for i, si := range u.screens {
		if i == u.current {
			if si.built != nil && !si.s.dirty() {
				si.s.refresh()
			}
		} else {
			si.stale = true
		}
	}
	u.conflicts.recount()
	u.nav.Refresh()
}

// setStatus writes a line into the status bar.
func (u *UI) setStatus(format string, a ...any) {
	u.status.SetText(u.now().In(store.ChinaTZ).Format("15:04 ") + fmt.Sprintf(format, a...))
}

// plainError is a failure as one line for a screen: the store's Chinese
// message and, for the person who phones for help, its code.
func plainError(err error) string {
	msg := store.MessageOf(err)
	if code := store.CodeOf(err); code != "" {
		msg += "（" + code + "）"
	}
	return msg
}

// showError explains a failure in plain words: the store's Chinese message
// and its code, for the person who phones for help.
func (u *UI) showError(title string, err error) {
	if err == nil {
		return
	}
	msg := store.MessageOf(err)
	if code := store.CodeOf(err); code != "" {
		msg += "\n\n（错误代码：" + code + "）"
	}
	var probs store.Problems
	if errors.As(err, &probs) {
		msg = ""
		for _, p := range probs {
			msg += "· " + p.Message + "\n"
		}
	}
	if u.onError != nil {
		u.onError(title, store.MessageOf(err))
	}
	d := dialog.NewInformation(title, msg, u.win)
	d.Show()
	u.setStatus("%s：%s", title, store.MessageOf(err))
}

// refreshOperator shows a new operator's name in the header and on the
// page in front.
func (u *UI) refreshOperator() {
	u.operatorBtn.SetText(u.operatorLabel())
	if !u.screens[u.current].s.dirty() {
		u.screens[u.current].s.refresh()
	}
}

func (u *UI) operatorLabel() string {
	if u.operator == "" {
		return "操作员：未填写"
	}
	if op := u.st.CurrentOperator(); op != nil {
		return "操作员：" + op.Name + "（" + string(op.Role) + "）"
	}
	return "操作员：" + u.operator
}

// author is the name saved with every change.
func (u *UI) author() string {
	if u.operator == "" {
		return "站点操作员"
	}
	return u.operator
}

// installShortcuts: Ctrl+S saves the form in front, Ctrl+N starts a new
// visit, F5 reloads; wherever the keyboard is (keys.go).
func (u *UI) installShortcuts() {
	c := u.win.Canvas()
	// Nothing but the login form works while the window is locked.
	open := func(f func()) func() {
		return func() {
			if u.locked == nil {
				noteActivity()
				f()
			}
		}
	}
	addShortcut(c, &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault}, open(func() {
		if f := u.activeForm(); f != nil {
			f.save()
		}
	}))
	addShortcut(c, &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}, open(func() {
		u.showScreen(u.visits)
		if u.screens[u.current].s == u.visits {
			u.visits.startNew(nil)
		}
	}))
	addShortcut(c, &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}, open(func() {
		u.lock("")
	}))
	addKey(c, fyne.KeyF5, open(func() {
		if !u.screens[u.current].s.dirty() {
			u.screens[u.current].s.refresh()
		}
	}))
}

// activeForm is the record form in front: a dialog's, or else the screen's.
func (u *UI) activeForm() *recordForm {
	if u.dialogForm != nil {
		return u.dialogForm
	}
	if a, ok := u.screens[u.current].s.(interface{ form() *recordForm }); ok {
		return a.form()
	}
	return nil
}

// heading is a section title, in the theme's green: the bundled font has
// no bold face, so colour sets titles apart.
// labelled puts a label before a field on one line.
func labelled(label string, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewLabel(label), nil, o)
}

func heading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = widget.HighImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

// card is a titled box on the dashboard and detail pages.
func card(title string, content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = 6
	return container.NewStack(bg, container.NewPadded(container.NewBorder(heading(title), nil, nil, nil, content)))
}

// chromeLayout places the window's parts: navigation on the left, header
// on top, status line at the bottom, the page in the middle. Its objects
// are navigation, page, header, status, in that order.
type chromeLayout struct{}

func (chromeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	nav, page, header, status := objs[0], objs[1], objs[2], objs[3]
	hh, sh, nw := header.MinSize().Height, status.MinSize().Height, nav.MinSize().Width
	header.Move(fyne.NewPos(0, 0))
	header.Resize(fyne.NewSize(size.Width, hh))
	status.Move(fyne.NewPos(0, size.Height-sh))
	status.Resize(fyne.NewSize(size.Width, sh))
	nav.Move(fyne.NewPos(0, hh))
	nav.Resize(fyne.NewSize(nw, size.Height-hh-sh))
	page.Move(fyne.NewPos(nw, hh))
	page.Resize(fyne.NewSize(size.Width-nw, size.Height-hh-sh))
}

func (chromeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	nav, page, header, status := objs[0].MinSize(), objs[1].MinSize(), objs[2].MinSize(), objs[3].MinSize()
	w := max(header.Width, status.Width, nav.Width+page.Width)
	return fyne.NewSize(w, header.Height+status.Height+max(nav.Height, page.Height))
}

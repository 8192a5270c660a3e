package app

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/assets"
	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/ident"
	csync "github.com/cunzhan/cunzhan/sync"
)

// Run opens the station's window on the database at dataPath (the default
// location when empty). Closing the window ends the process (see
// endOnStop); Run returns only if the main loop ends some other way. A new
// database starts with the set-up page: the station's identity, or the demo
// data set. With a screenshots folder, the window visits every screen,
// saves a PNG of each there, and closes.
func Run(a fyne.App, dataPath, screenshots string) error {
	TuneMemory()
	a.Settings().SetTheme(Theme())
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	w := a.NewWindow("村站")
	w.SetMaster()
	var failed error
	endOnStop(a, func() int {
		if st := current; st != nil {
			st.Close()
		}
		if failed != nil || walkErr != nil {
			return 1
		}
		return 0
	})
	if err := assets.CheckFont(assets.Font(), assets.Essential); err != nil {
		failed = err
		showFatal(w, "字体文件损坏", err)
		w.ShowAndRun()
		return err
	}
	if dataPath == "" {
		p, err := store.DefaultPath()
		if err != nil {
			failed = err
			showFatal(w, "找不到数据目录", err)
			w.ShowAndRun()
			return err
		}
		dataPath = p
	}
	if err := os.MkdirAll(filepath.Dir(dataPath), 0o700); err != nil {
		failed = err
		showFatal(w, "无法创建数据目录", &store.Error{Code: "DATA_DIR", Message: "无法创建数据目录：" + filepath.Dir(dataPath), Err: err})
		w.ShowAndRun()
		return err
	}
	open := func(ready *store.Store) *UI {
		current = ready
		opt := windowOptions(ready)
		opt.Reopened = func(st *store.Store) { current = st }
		return New(a, w, ready, opt)
	}
	var restored *store.RestoreResult
	g := newGate(a, w, func(ready *store.Store) {
		u := open(ready)
		if restored != nil {
			u.tellRestored(restored)
			restored = nil
		}
		u.watchIdle()
	})
	st, err := openForWindow(dataPath)
	if store.CodeOf(err) == store.CodeCorrupt {
		// A damaged file opens on its backups, not on a dead end.
		failed = err
		showCorrupt(w, dataPath, err, func(st *store.Store, res *store.RestoreResult) {
			failed, restored = nil, res
			g.show(st)
		})
		w.Resize(rememberedSize(a))
		w.ShowAndRun()
		return nil
	}
	if err != nil {
		failed = err
		showFatal(w, "无法打开数据文件", err)
		w.ShowAndRun()
		return err
	}
	g.show(st)
	if screenshots != "" {
		drv := newDriver()
		w.Resize(walkWindowSize(drv))
		a.Lifecycle().SetOnStarted(func() {
			go func() {
				walkErr = runWalk(&walk{win: w, gate: g, dir: screenshots, drv: drv,
					make: func() *UI { return open(current) }})
				if walkErr != nil {
					fmt.Fprintln(os.Stderr, walkErr)
				}
				fyne.Do(w.Close)
			}()
		})
	} else {
		w.Resize(rememberedSize(a))
		w.SetOnClosed(func() { rememberSize(a, w) })
	}
	w.ShowAndRun()
	return walkErr
}

// walkErr is what the window walkthrough found, returned by Run.
var walkErr error

// defaultSize fits every screen a village PC has, 1024×768 and up, with a
// taskbar and the title bar: a bigger window's bottom (the status line)
// was cut off on 1366×768. The user's own size is remembered.
var defaultSize = fyne.NewSize(1000, 660)

func rememberedSize(a fyne.App) fyne.Size {
	var w, h float32
	if _, err := fmt.Sscanf(a.Preferences().String("window_size"), "%fx%f", &w, &h); err != nil || w < 600 || h < 400 {
		return defaultSize
	}
	return fyne.NewSize(w, h)
}

// rememberSize keeps the size as one value: one change is one immediate
// save, where a second change within Fyne's 100 ms debounce would only be
// written by the exit save that endOnStop skips.
func rememberSize(a fyne.App, w fyne.Window) {
	s := w.Canvas().Size()
	a.Preferences().SetString("window_size", fmt.Sprintf("%.0fx%.0f", s.Width, s.Height))
}

// endOnStop ends the process as soon as the window's main loop has
// stopped, with finish's exit code, after finish has closed the store.
// Fyne would then rewrite preferences.json, and that save races Fyne's own
// watcher of the file: once the main loop has drained, the watcher reloads
// on its own goroutine, can read the file the save has just truncated and
// prints "Preferences load error: EOF" (fyne-io/fyne#2936). Every
// preference this program sets is saved the moment it changes, so the exit
// save has nothing to add. The hook must end the process rather than block:
// Fyne's driver waits for it to return.
func endOnStop(a fyne.App, finish func() int) {
	a.Lifecycle().SetOnStopped(func() { os.Exit(finish()) })
}

// memoryLimit is the soft limit of the Go heap for the window: station PCs
// often have 2–4 GB shared with a browser and office software. Within it
// the collector works harder instead of letting the heap grow to twice what
// is live; a GOMEMLIMIT set by the user wins.
const memoryLimit = 96 << 20

// releaseMemory hands memory back after a large read (the dashboard's
// coverage reads every elder of the scope), at most every half minute: it
// forces a full collection, which is the price of a small resident size,
// not something to pay on every click.
func (u *UI) releaseMemory() {
	now := time.Now().UnixNano()
	last := lastRelease.Load()
	if now-last < int64(30*time.Second) || !lastRelease.CompareAndSwap(last, now) {
		return
	}
	u.st.ReleaseMemory()
}

var lastRelease atomic.Int64

// TuneMemory applies the window's memory limit.
func TuneMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// current is the store the window has open, closed when it closes.
var current *store.Store

// openForWindow opens a database; a demo database is reopened with its
// clock set to the day the data set describes.
func openForWindow(path string) (*store.Store, error) {
	st, err := store.Open(path, nil)
	if err != nil || !demo.IsDemo(st) {
		return st, err
	}
	st.Close()
	return store.Open(path, &store.Options{Now: demoClock()})
}

// demoClock runs from demo.AsOf at the speed of the wall clock.
func demoClock() func() time.Time {
	start := time.Now()
	return func() time.Time { return demo.AsOf.Add(time.Since(start)) }
}

func windowOptions(st *store.Store) Options {
	if demo.IsDemo(st) {
		return Options{Now: demoClock()}
	}
	return Options{}
}

// showFatal fills the window with an error the user can act on.
func showFatal(w fyne.Window, title string, err error) {
	msg := store.MessageOf(err)
	if code := store.CodeOf(err); code != "" {
		msg += "\n\n错误代码：" + code
	}
	if store.CodeOf(err) == store.CodeLocked {
		msg += "\n\n同一个数据文件同时只能由一个村站窗口使用。请先关闭另一个窗口，再打开村站。"
	}
	l := para(msg)
	l.Wrapping = fyne.TextWrapBreak
	w.SetContent(container.NewPadded(container.NewVBox(heading(title), l, layout.NewSpacer(),
		container.NewHBox(layout.NewSpacer(), newButton("关闭", w.Close)))))
}

// setup is the first-start page: set up the station, enrol it with a
// credential from the county, or open the demo data set.
type setup struct {
	a     fyne.App
	w     fyne.Window
	st    *store.Store
	ready func(*store.Store)
	// async runs the demo generation (inline in tests).
	async func(func())

	village *keySelectEntry
	seq     *keyEntry
	name    *keyEntry
	head    *headFields
	message *widget.Label
	demoBar *widget.ProgressBar
}

func newSetup(a fyne.App, w fyne.Window, st *store.Store, ready func(*store.Store)) *setup {
	s := &setup{a: a, w: w, st: st, ready: ready, async: func(f func()) { go f() }}
	w.SetContent(s.build())
	return s
}

func (s *setup) build() fyne.CanvasObject {
	var options []string
	for _, d := range ident.DivisionsUnder("", 12) {
		options = append(options, d.Code+" "+d.Name)
	}
	for _, d := range ident.DivisionsUnder("", 9) {
		options = append(options, d.Code+" "+d.Name+"（乡镇工作站）")
	}
	// keyEntry boxes, like every text box: a station name is typed with a
	// pinyin input method (see ime.go).
	s.village = newKeySelectEntry(options)
	s.village.SetPlaceHolder("本村12位区划代码（乡镇工作站填9位）")
	s.seq = newKeyEntry()
	s.seq.SetText("01")
	s.name = newKeyEntry()
	s.name.SetPlaceHolder("如：甲村服务点")
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapBreak
	ok := newButtonWithIcon("确定", theme.ConfirmIcon(), s.submit)
	ok.Importance = widget.HighImportance
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("区划代码"), s.village,
		widget.NewLabel("站点序号"), s.seq,
		widget.NewLabel("站点名称"), s.name)
	s.head = newHeadFields()
	enrol := newButtonWithIcon("用县级中心的凭证文件设置…", theme.FileIcon(), func() {
		openFile(s.w, nil, s.enrolFrom)
	})
	s.demoBar = widget.NewProgressBar()
	s.demoBar.Hide()
	demoBtn := newButtonWithIcon("打开演示数据", theme.MediaPlayIcon(), s.openDemo)
	return container.NewPadded(container.NewVBox(
		heading("欢迎使用村站"),
		para("本机还没有站点数据。请先设置本站，或打开演示数据看看村站能做什么。"),
		card("设置本站", container.NewVBox(form,
			para("本站负责人：身份证号、电话、银行账号、住址和健康信息用负责人的密码加密保存，打开村站要登录；负责人可以再为其他工作人员建立账号。"),
			s.head.form, flow(ok, enrol), s.message)),
		card("演示数据", container.NewVBox(
			para("演示数据全部为虚构（示例镇甲村、乙村等，2025年9–11月），单独存放，不会混入本站数据。"),
			flow(demoBtn), s.demoBar)),
	))
}

// submit checks the code and name with the store's rules and sets the
// station up.
func (s *setup) submit() {
	code := strings.TrimSpace(s.village.Text)
	if i := strings.IndexAny(code, " （"); i > 0 {
		code = code[:i]
	}
	seq := strings.TrimSpace(s.seq.Text)
	switch len(code) {
	case 9:
		code += "000"
	case 6:
		code += "000000"
	}
	if _, ierr := ident.CheckDivision(code); ierr != nil {
		s.message.SetText(ierr.Message + "（" + ierr.Code + "）")
		return
	}
	if msg := s.head.check(); msg != "" {
		s.message.SetText(msg)
		return
	}
	if err := s.st.SetStation(code+"-"+seq, s.name.Text); err != nil {
		s.message.SetText(plainError(err))
		return
	}
	if err := s.head.protect(s.st); err != nil {
		s.message.SetText("站点已设置，但没能设置负责人：" + plainError(err))
		return
	}
	s.ready(s.st)
}

func (s *setup) enrolFrom(path string) {
	if msg := s.head.check(); msg != "" {
		s.message.SetText("请先填写本站负责人：" + msg)
		return
	}
	b, err := os.ReadFile(path)
	if err == nil {
		_, err = csync.Enrol(s.st, b)
	}
	if err != nil {
		s.message.SetText("登记失败：" + plainError(err))
		return
	}
	if err := s.head.protect(s.st); err != nil {
		s.message.SetText("已登记，但没能设置负责人：" + plainError(err))
		return
	}
	s.ready(s.st)
}

// demoPath is where the demo data set is kept: beside the station's file,
// never in it.
func (s *setup) demoPath() string {
	return filepath.Join(filepath.Dir(s.st.Path()), "demo.db")
}

// openDemo creates the demo database (once) and opens it in place of the
// empty station file.
func (s *setup) openDemo() {
	path := s.demoPath()
	s.demoBar.Show()
	s.async(func() {
		var err error
		if _, statErr := os.Stat(path); statErr != nil {
			_, err = demo.Generate(path, demo.Options{Seed: 1, Progress: func(n int) {
				fyne.Do(func() { s.demoBar.SetValue(min(float64(n)/700, 1)) })
			}})
		}
		fyne.Do(func() {
			s.demoBar.Hide()
			if err != nil {
				s.message.SetText("演示数据生成失败：" + store.MessageOf(err))
				return
			}
			st, err := openForWindow(path)
			if err != nil {
				s.message.SetText("演示数据打不开：" + plainError(err))
				return
			}
			s.st.Close()
			s.st = st
			s.ready(st)
		})
	})
}

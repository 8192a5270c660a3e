package app

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// The parts of the window a step acts on, in the order a person reads
// them: tabs, lists (not the navigation) and buttons of the page.

func (w *walk) tabs() []found[*container.AppTabs] {
	return collect[*container.AppTabs](w.u.body, nil)
}

func (w *walk) lists() []found[*focusList] {
	return collect(w.u.body, func(l *focusList) bool { return l != w.u.nav })
}

func (w *walk) buttons(root fyne.CanvasObject) []found[*widget.Button] {
	return collect(root, func(b *widget.Button) bool { return !b.Disabled() && !destructive(b) })
}

// actionsFor lists what can be done from the state a path reached: each
// tab of the screen just shown, the first row of each list until a row was
// chosen, and the buttons of the page up to w.presses presses deep. A tab
// is chosen only right after its screen (another tab of the same screen is
// reached from there, not from this one).
func (w *walk) actionsFor(path []step) []step {
	presses, rows := 0, 0
	for _, s := range path {
		switch s.kind {
		case 'b':
			presses++
		case 'r':
			rows++
		}
	}
	var out []step
	w.ui(func() {
		if len(path) == 1 {
			for i, t := range w.tabs() {
				for n, it := range t.obj.Items {
					if n != t.obj.SelectedIndex() {
						out = append(out, step{kind: 't', a: i, n: n, label: it.Text})
					}
				}
			}
		}
		if presses == 0 && rows == 0 {
			for i, l := range w.lists() {
				if l.obj.Length != nil && l.obj.Length() > 0 {
					out = append(out, step{kind: 'r', a: i})
				}
			}
		}
		if presses < w.presses {
			// Buttons of the same name do the same on different records
			// (a bed tile, a member): two of each are pressed.
			seen := map[string]int{}
			for _, b := range w.buttons(w.u.body) {
				label := buttonLabel(b.obj)
				if seen[label] < 2 {
					out = append(out, step{kind: 'b', label: label, n: seen[label]})
				}
				seen[label]++
			}
		}
	})
	return out
}

// perform does one step; false when what it names is not there.
func (w *walk) perform(s step) bool {
	switch s.kind {
	case 's':
		ok := false
		w.ui(func() {
			if s.a < len(w.u.screens) {
				w.u.nav.Select(s.a)
				ok = w.u.current == s.a
			}
		})
		return ok
	case 't':
		ok := false
		w.ui(func() {
			ts := w.tabs()
			if s.a < len(ts) && s.n < len(ts[s.a].obj.Items) && ts[s.a].obj.Items[s.n].Text == s.label {
				ts[s.a].obj.SelectIndex(s.n)
				ok = true
			}
		})
		return ok
	case 'r':
		ok := false
		w.ui(func() {
			ls := w.lists()
			if s.a < len(ls) && ls[s.a].obj.Length() > s.n {
				ls[s.a].obj.Select(s.n)
				ok = true
			}
		})
		return ok
	}
	var target *found[*widget.Button]
	w.ui(func() {
		n := 0
		for _, b := range w.buttons(w.u.body) {
			if buttonLabel(b.obj) == s.label {
				if n == s.n {
					b := b
					target = &b
					break
				}
				n++
			}
		}
	})
	if target == nil {
		return false
	}
	if err := w.drv.click(w, target.obj, target.parents); err != nil {
		w.fail("按“%s”：%v", s.label, err)
		return false
	}
	return true
}

func (w *walk) overlayOpen() bool {
	open := false
	w.ui(func() { open = w.win.Canvas().Overlays().Top() != nil })
	return open
}

// exploreDialog acts inside the dialog a step opened: the first row of its
// list (a picker chooses it), then closes what is left open.
func (w *walk) exploreDialog(path []step) {
	where := pathString(path) + " 对话框"
	var list *focusList
	w.ui(func() {
		if top := w.win.Canvas().Overlays().Top(); top != nil {
			if ls := collect[*focusList](top, nil); len(ls) > 0 && ls[0].obj.Length() > 0 {
				list = ls[0].obj
			}
		}
	})
	if list != nil {
		w.ui(func() { list.Select(0) })
		w.settle()
		w.shoot(where + " 选第一行")
		w.fits(where + " 选第一行")
	}
	w.closeDialogs(where, true)
}

// closeDialogs closes every open dialog with its own cancel or close
// button, pressed like a person would. A dialog that has none is a
// problem: a person could not get out of it.
func (w *walk) closeDialogs(where string, report bool) {
	for i := 0; i < 6 && w.overlayOpen(); i++ {
		var btn *found[*widget.Button]
		var top fyne.CanvasObject
		w.ui(func() {
			top = w.win.Canvas().Overlays().Top()
			if top == nil {
				return
			}
			bs := collect[*widget.Button](top, func(b *widget.Button) bool { return !b.Disabled() })
			for _, word := range dismissWords {
				for _, b := range bs {
					if strings.TrimSpace(b.obj.Text) == word {
						b := b
						btn = &b
						return
					}
				}
			}
		})
		if top == nil {
			return
		}
		if _, menu := top.(*widget.PopUpMenu); btn == nil || menu {
			if btn == nil && !menu && report {
				var labels []string
				w.ui(func() {
					for _, b := range collect[*widget.Button](top, nil) {
						labels = append(labels, fmt.Sprintf("%q(disabled=%v)", b.obj.Text, b.obj.Disabled()))
					}
				})
				w.fail("%s：对话框（%T）没有取消或关闭按钮：%s", where, top, strings.Join(labels, " "))
			}
			w.ui(func() { w.win.Canvas().Overlays().Remove(top) })
			w.settle()
			continue
		}
		if err := w.drv.click(w, btn.obj, btn.parents); err != nil {
			w.fail("%s：关不掉对话框：%v", where, err)
			w.ui(func() { w.win.Canvas().Overlays().Remove(top) })
		}
		w.settle()
	}
}

// fits checks that the window and its dialogs fit the screen: nothing may
// need to be wider or taller than the screen, or the person cannot reach
// it.
func (w *walk) fits(where string) {
	screen := w.drv.screenSize()
	if screen.IsZero() {
		return
	}
	w.ui(func() {
		c := w.win.Canvas()
		min := w.win.Content().MinSize()
		if min.Width > screen.Width {
			w.fail("%s：窗口至少要 %.0f 像素宽，屏幕只有 %.0f", where, min.Width, screen.Width)
		}
		if min.Height > screen.Height-usableMargin {
			w.fail("%s：窗口至少要 %.0f 像素高，屏幕去掉任务栏和标题栏只有 %.0f", where, min.Height, screen.Height-usableMargin)
		}
		if size := c.Size(); size.Width > screen.Width || size.Height > screen.Height {
			w.fail("%s：窗口变成 %.0f×%.0f，超出屏幕 %.0f×%.0f", where, size.Width, size.Height, screen.Width, screen.Height)
		}
		for _, o := range c.Overlays().List() {
			if m := o.MinSize(); m.Width > c.Size().Width || m.Height > c.Size().Height {
				w.fail("%s：对话框至少要 %.0f×%.0f，窗口只有 %.0f×%.0f", where, m.Width, m.Height, c.Size().Width, c.Size().Height)
			}
		}
	})
}

// usableMargin is what a screen loses to the taskbar and the window's
// title bar (Windows 10: 40 and 31 pixels at 100%).
const usableMargin = 72

// shoot saves what the screen shows, named after the path that led there.
func (w *walk) shoot(name string) {
	w.shots++
	file := fmt.Sprintf("%03d %s.png", w.shots, sanitize(name))
	if w.frames {
		time.Sleep(50 * time.Millisecond)
	}
	if err := w.drv.screenshot(w, filepath.Join(w.dir, file)); err != nil {
		w.fail("截图失败：%v", err)
	}
	w.logf("%s  %s", time.Since(w.t0).Round(time.Millisecond), file)
}

func sanitize(s string) string {
	r := strings.NewReplacer("/", "／", "\\", "＼", ":", "：", "*", "＊", "?", "？", "\"", "＂", "<", "＜", ">", "＞", "|", "｜", "›", "-")
	s = r.Replace(s)
	if rs := []rune(s); len(rs) > 80 {
		s = string(rs[:80])
	}
	return s
}

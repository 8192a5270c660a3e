package app

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// checks are what a walk does with the keyboard, through the real one:
// the focus is visible as Tab moves it, Ctrl+S saves from inside a text
// box, Enter moves from field to field in the quick visit entry.
func (w *walk) checks() {
	if _, ok := w.drv.(*xdriver); !ok {
		w.logf("没有 xdotool：跳过键盘检查")
		return
	}
	w.checkFocusVisible()
	w.checkQuickVisit()
	w.checkRepaymentShortcut()
	w.checkLock()
}

// fresh starts a clean window on a screen.
func (w *walk) fresh(screen int) bool {
	return w.replay([]step{{kind: 's', a: screen}})
}

// checkFocusVisible presses Tab five times on the home page; each time
// something must have the keyboard, lie inside the window, and look
// different from before (the focus must be seen).
func (w *walk) checkFocusVisible() {
	if !w.fresh(0) {
		return
	}
	before := filepath.Join(w.dir, "focus-before.png")
	if err := w.drv.screenshot(w, before); err != nil {
		w.fail("截图失败：%v", err)
		return
	}
	for i := 1; i <= 5; i++ {
		if err := w.drv.keys("Tab"); err != nil {
			w.fail("Tab：%v", err)
			return
		}
		w.settle()
		var rect image.Rectangle
		var name string
		w.ui(func() {
			f := w.win.Canvas().Focused()
			if f == nil {
				return
			}
			o := f.(fyne.CanvasObject)
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
			s := w.win.Canvas().Scale()
			rect = image.Rect(int(pos.X*s), int(pos.Y*s), int((pos.X+o.Size().Width)*s), int((pos.Y+o.Size().Height)*s))
			name = describe(o)
		})
		if name == "" {
			w.fail("首页按第%d次Tab后，没有任何控件得到键盘焦点", i)
			continue
		}
		after := filepath.Join(w.dir, "focus-"+string(rune('0'+i))+".png")
		w.shoot("首页 Tab×" + string(rune('0'+i)))
		if err := w.drv.screenshot(w, after); err != nil {
			w.fail("截图失败：%v", err)
			return
		}
		changed, err := changedPixels(before, after, rect)
		if err != nil {
			w.fail("比较截图：%v", err)
			return
		}
		w.logf("Tab×%d → %s %v：%d 个像素变了", i, name, rect, changed)
		if changed < minFocusPixels {
			w.fail("首页按第%d次Tab后，焦点在%s上，但看不出来（只有%d个像素变化）", i, name, changed)
		}
		before = after
	}
}

// minFocusPixels is how many pixels a focus mark must change: a two-pixel
// outline round a small button is several hundred.
const minFocusPixels = 150

// changedPixels counts the pixels inside r that differ clearly between two
// screenshots.
func changedPixels(a, b string, r image.Rectangle) (int, error) {
	ia, err := readPNG(a)
	if err != nil {
		return 0, err
	}
	ib, err := readPNG(b)
	if err != nil {
		return 0, err
	}
	r = r.Inset(-3).Intersect(ia.Bounds()).Intersect(ib.Bounds())
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := ia.At(x, y).RGBA()
			r2, g2, b2, _ := ib.At(x, y).RGBA()
			if diff(r1, r2)+diff(g1, g2)+diff(b1, b2) > 3*12*256 {
				n++
			}
		}
	}
	return n, nil
}

func diff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// describe names a focused control for a message: its type and text.
func describe(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *widget.Button:
		return "按钮“" + x.Text + "”"
	case *keyEntry:
		return "输入框"
	case *focusList:
		return "列表"
	}
	return fmt.Sprintf("%T", o)
}

// checkQuickVisit records a visit with the keyboard alone, typing Chinese
// as a cadre does: Ctrl+N, the elder's name typed into the finder, Enter on
// the first match, the start time, Enter to the end time, a note in
// Chinese with one Backspace, Ctrl+S. The name must filter the finder, the
// Backspace must take one whole character and the note must be saved as
// typed.
func (w *walk) checkQuickVisit() {
	if !w.fresh(0) {
		return
	}
	if err := w.drv.keys("ctrl+n"); err != nil {
		w.fail("Ctrl+N：%v", err)
		return
	}
	w.settle()
	ok := false
	var name string
	w.ui(func() {
		v := w.u.visits
		ok = w.u.screens[w.u.current].s == v
		if ok && len(v.pickList.ids) > 0 {
			name = v.pickList.cell(0, 0)
		}
	})
	if !ok || name == "" {
		w.fail("Ctrl+N 没有打开登记探访，或没有待探访的老人")
		return
	}
	w.must(w.drv.typeText(name))
	w.settle()
	w.ui(func() {
		v := w.u.visits
		if got := v.pickBox.entry.Text; got != name {
			w.fail("登记探访：在查找框里打“%s”，框里是“%s”", name, got)
		}
		if len(v.pickList.ids) == 0 || v.pickList.cell(0, 0) != name {
			w.fail("登记探访：打“%s”后，名单第一位不是%s（共%d位）", name, name, len(v.pickList.ids))
		}
	})
	w.shoot("登记探访 打中文姓名")
	w.must(w.drv.keys("Return"))
	w.settle()
	var f *recordForm
	var profile uuid.UUID
	w.ui(func() {
		f = w.u.visits.visitForm
		if f != nil {
			profile, _ = uuid.Parse(f.str("elderly_id"))
		}
	})
	if f == nil {
		w.fail("登记探访：在查找框按回车没有选中第一位老人")
		return
	}
	before := w.visitIDs(profile)
	w.must(w.drv.typeText("0830"))
	w.must(w.drv.keys("Return"))
	w.settle()
	w.ui(func() {
		if w.win.Canvas().Focused() != f.ctls["end_time"].focus {
			w.fail("登记探访：在开始时间按回车，键盘没有到结束时间")
		}
	})
	w.must(w.drv.typeText("0900"))
	w.settle()
	if w.clickField(f, "issues") {
		w.must(w.drv.typeText(typedNote + "说"))
		w.must(w.drv.keys("BackSpace"))
		w.settle()
	}
	w.shoot("登记探访 键盘输入")
	w.must(w.drv.keys("ctrl+s"))
	w.settle()
	w.shoot("登记探访 Ctrl+S 之后")
	if after := w.visitIDs(profile); len(after) != len(before)+1 {
		w.fail("登记探访：在输入框里按 Ctrl+S 没有保存（探访记录 %d → %d）", len(before), len(after))
		return
	}
	if got := w.issuesOfNew(profile, before); got != typedNote {
		w.fail("登记探访：“发现问题”打的是“%s”，存下的是“%s”", typedNote, got)
	}
}

// typedNote has full-width punctuation and a character outside the
// commonest few thousand (龋), as notes do.
const typedNote = "老人腿脚不便，龋齿疼；需送餐（每周三次）"

// clickField puts the keyboard into a form's field the way a person does,
// with the mouse.
func (w *walk) clickField(f *recordForm, field string) bool {
	var obj fyne.CanvasObject
	var parents []fyne.CanvasObject
	w.ui(func() {
		c := f.ctls[field]
		if c == nil {
			return
		}
		obj = c.obj
		for _, x := range collect[fyne.CanvasObject](w.u.body, func(o fyne.CanvasObject) bool { return o == c.obj }) {
			parents = x.parents
		}
	})
	if obj == nil {
		w.fail("表单里没有“%s”栏", field)
		return false
	}
	if err := w.drv.click(w, obj, parents); err != nil {
		w.fail("点“%s”栏：%v", field, err)
		return false
	}
	w.settle()
	return true
}

// issuesOfNew is the 发现问题 of the elder's visit that is not among old.
func (w *walk) issuesOfNew(profile uuid.UUID, old []uuid.UUID) string {
	var got string
	_ = w.u.st.View(func(r *store.Reader) error {
		ids, _ := r.Refs(profile, store.KindVisit)
		for _, id := range ids {
			if slices.Contains(old, id) {
				continue
			}
			if e, _ := r.Live(id, store.KindVisit); e != nil {
				got = e.(*store.Visit).Issues
			}
		}
		return nil
	})
	return got
}

func (w *walk) must(err error) {
	if err != nil {
		w.fail("键盘：%v", err)
	}
}

// visitIDs lists an elder's visits in the store.
func (w *walk) visitIDs(profile uuid.UUID) []uuid.UUID {
	var ids []uuid.UUID
	_ = w.u.st.View(func(r *store.Reader) error {
		ids, _ = r.Refs(profile, store.KindVisit)
		return nil
	})
	return ids
}

// checkRepaymentShortcut opens a repayment for the first loan, puts the
// keyboard into its amount and saves with Ctrl+S.
func (w *walk) checkRepaymentShortcut() {
	loans := -1
	w.ui(func() { loans = w.u.screenIndex(w.u.loans) })
	if !w.replay([]step{{kind: 's', a: loans}, {kind: 't', a: 0, n: 3, label: "贷款与还款"}, {kind: 'r', a: 0}, {kind: 'b', label: "登记还款"}}) {
		w.fail("找不到登记还款")
		return
	}
	var f *recordForm
	var loan uuid.UUID
	w.ui(func() {
		f = w.u.loans.editor
		if f != nil {
			loan, _ = uuid.Parse(f.str("loan_id"))
		}
	})
	if f == nil {
		w.fail("登记还款没有打开还款表")
		return
	}
	if !w.clickField(f, "principal_fen") {
		return
	}
	before := w.refsOf(loan, store.KindRepayment)
	w.must(w.drv.keys("ctrl+s"))
	w.settle()
	w.shoot("登记还款 Ctrl+S 之后")
	if after := w.refsOf(loan, store.KindRepayment); after != before+1 {
		msg := ""
		w.ui(func() { msg = f.message.Text })
		w.fail("登记还款：在金额栏里按 Ctrl+S 没有保存（还款记录 %d → %d；%s）", before, after, msg)
	}
}

func (w *walk) refsOf(id uuid.UUID, k store.Kind) int {
	n := 0
	_ = w.u.st.View(func(r *store.Reader) error {
		ids, _ := r.Refs(id, k)
		n = len(ids)
		return nil
	})
	return n
}

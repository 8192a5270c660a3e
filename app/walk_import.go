package app

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store/ident"
	"github.com/cunzhan/cunzhan/store/roster"
)

// checkRegisterImport opens what a file chooser leads to, which the walk's
// buttons cannot reach: a roster file's column mapping (a column the
// header does not name is mapped by hand, through its drop-down, clicked
// like a person does), the check's per-row report, both fitting the
// window and closed with their own buttons. Nothing is imported.
func (w *walk) checkRegisterImport() {
	id := func(first17 string) string { return first17 + string(ident.IDCheckChar(first17)) }
	body := "平山县示例镇乙村农户花名册\n序号,户主姓名,与户主关系,姓名,证件号,联系电话\n" +
		"1,赵春生,户主,赵春生," + id("13013119310203971") + ",138 0013 8000\n" +
		"2,赵春生,妻子,钱秋菊," + id("13013119330405982") + ",\n" +
		"3,赵春生,干亲,孙某," + id("13013119350607993") + ",\n"
	path := filepath.Join(w.dir, "走查花名册.csv")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		w.fail("写不出走查用的花名册：%v", err)
		return
	}
	if !w.fresh(0) {
		return
	}
	w.ui(func() { w.u.registerFile(roster.Registers[0], path) })
	// waitFor reads its condition on the window's goroutine already.
	if !w.waitFor(func() bool { return w.u.lastMapping != nil && w.overlayOpenNow() }) {
		w.fail("花名册：读完文件后没有显示各列的对应")
		return
	}
	w.settle()
	w.shoot("导入花名册 各列对应")
	w.fits("导入花名册 各列对应")
	var top fyne.CanvasObject
	var sels []found[*widget.Select]
	w.ui(func() {
		top = w.win.Canvas().Overlays().Top()
		sels = collect[*widget.Select](top, func(s *widget.Select) bool { return !strings.HasPrefix(s.PlaceHolder, "名册没有村代码") })
	})
	if len(sels) != 6 {
		w.fail("花名册：各列对应里有 %d 个选择框，应有 6 个", len(sels))
		w.closeDialogs("导入花名册 各列对应", true)
		return
	}
	// 证件号 is not a name the header search knows: map it by hand.
	id5 := sels[4]
	w.must(w.drv.click(w, id5.obj, id5.parents))
	w.settle()
	w.shoot("导入花名册 证件号的选择")
	// The drop-down's item, clicked where it is drawn.
	var item fyne.CanvasObject
	w.ui(func() { item = popupItem(w.win.Canvas().Overlays().Top(), "身份证号") })
	if item == nil {
		w.fail("花名册：证件号一列的选择框没有列出“身份证号”")
		w.closeDialogs("导入花名册 各列对应", true)
		return
	}
	w.must(w.drv.click(w, item, nil))
	w.settle()
	w.shoot("导入花名册 证件号选为身份证号")
	// At a township or county station the roster's village is asked:
	// the first one offered, chosen in its drop-down.
	var village []found[*widget.Select]
	w.ui(func() {
		village = collect[*widget.Select](top, func(s *widget.Select) bool { return strings.HasPrefix(s.PlaceHolder, "名册没有村代码") })
	})
	if len(village) == 1 {
		v := village[0]
		w.must(w.drv.click(w, v.obj, v.parents))
		w.settle()
		var first fyne.CanvasObject
		w.ui(func() {
			if len(v.obj.Options) > 0 {
				first = popupItem(w.win.Canvas().Overlays().Top(), v.obj.Options[0])
			}
		})
		if first == nil {
			w.fail("花名册：选村的下拉框打不开或是空的")
			w.closeDialogs("导入花名册 各列对应", true)
			return
		}
		w.must(w.drv.click(w, first, nil))
		w.settle()
		w.shoot("导入花名册 选了村")
	}
	var checks []found[*widget.Button]
	enabled := false
	w.ui(func() {
		checks = collect[*widget.Button](top, func(b *widget.Button) bool { return strings.HasPrefix(b.Text, "检查") })
		enabled = len(checks) > 0 && !checks[0].obj.Disabled()
	})
	if !enabled {
		w.fail("花名册：选了身份证号一列后仍不能检查")
		w.closeDialogs("导入花名册 各列对应", true)
		return
	}
	w.must(w.drv.click(w, checks[0].obj, checks[0].parents))
	if !w.waitFor(func() bool { return w.u.lastRoster != nil && w.u.lastRoster.DryRun && w.overlayOpenNow() }) {
		w.fail("花名册：检查后没有显示结果")
		return
	}
	w.settle()
	w.shoot("导入花名册 检查结果")
	w.fits("导入花名册 检查结果")
	imported, rejected := 0, 0
	w.ui(func() { imported, rejected = w.u.lastRoster.Imported, w.u.lastRoster.Rejected })
	if imported != 2 || rejected != 1 {
		w.fail("花名册：检查结果是可导入 %d 行、有问题 %d 行，应为 2 和 1", imported, rejected)
	}
	w.closeDialogs("导入花名册 检查结果", true)
}

// overlayOpenNow is overlayOpen on the UI goroutine.
func (w *walk) overlayOpenNow() bool { return w.win.Canvas().Overlays().Top() != nil }

// popupItem finds the item of an open drop-down (a Select's pop-up menu)
// by its label. Fyne keeps the menu's items as objects of an unexported
// type; each has the exported MenuItem it draws in its Item field.
func popupItem(overlay fyne.CanvasObject, label string) fyne.CanvasObject {
	var menu *widget.PopUpMenu
	visit(overlay, func(o fyne.CanvasObject, _ []fyne.CanvasObject) bool {
		if m, ok := o.(*widget.PopUpMenu); ok {
			menu = m
		}
		return menu == nil
	})
	if menu == nil || menu.Menu == nil {
		return nil
	}
	for _, it := range menu.Items {
		v := reflect.ValueOf(it)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			continue
		}
		if f := v.Elem().FieldByName("Item"); f.IsValid() && f.CanInterface() {
			if mi, ok := f.Interface().(*fyne.MenuItem); ok && mi != nil && mi.Label == label {
				return it
			}
		}
	}
	return nil
}

package app

import (
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// children are the objects a walk looks into, through public API only:
// containers, the selected tab, both sides of a split, a scroll's content,
// a dialog's content and the app's own composite widgets. Hidden objects
// are left out: a person cannot click them.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch x := o.(type) {
	case *fyne.Container:
		return x.Objects
	case *container.AppTabs:
		if sel := x.Selected(); sel != nil {
			return []fyne.CanvasObject{sel.Content}
		}
	case *container.Split:
		return []fyne.CanvasObject{x.Leading, x.Trailing}
	case *container.Scroll:
		return []fyne.CanvasObject{x.Content}
	case *widget.PopUp:
		return []fyne.CanvasObject{x.Content}
	case *widget.Card:
		return []fyne.CanvasObject{x.Content}
	case *widget.Form:
		var out []fyne.CanvasObject
		for _, it := range x.Items {
			out = append(out, it.Widget)
		}
		return out
	case interface{ children() []fyne.CanvasObject }:
		return x.children()
	}
	// Fyne wraps each dialog in a container of its own, not exported; its
	// Content field is.
	if v := reflect.ValueOf(o); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Content"); f.IsValid() && f.CanInterface() {
			if c, ok := f.Interface().(fyne.CanvasObject); ok && c != nil {
				return []fyne.CanvasObject{c}
			}
		}
	}
	return nil
}

// visit calls fn for every visible object under root, parents first, with
// the chain of parents; fn returns false to skip an object's children.
func visit(root fyne.CanvasObject, fn func(o fyne.CanvasObject, parents []fyne.CanvasObject) bool) {
	var rec func(o fyne.CanvasObject, parents []fyne.CanvasObject)
	rec = func(o fyne.CanvasObject, parents []fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if !fn(o, parents) {
			return
		}
		parents = append(parents, o)
		for _, c := range children(o) {
			rec(c, parents)
		}
	}
	rec(root, nil)
}

// found is an object a walk can act on, with its parents.
type found[T fyne.CanvasObject] struct {
	obj     T
	parents []fyne.CanvasObject
}

func collect[T fyne.CanvasObject](root fyne.CanvasObject, keep func(T) bool) []found[T] {
	var out []found[T]
	visit(root, func(o fyne.CanvasObject, parents []fyne.CanvasObject) bool {
		if x, ok := o.(T); ok && (keep == nil || keep(x)) {
			out = append(out, found[T]{x, append([]fyne.CanvasObject{}, parents...)})
		}
		return true
	})
	return out
}

// buttonLabel names a button for a walk: its text, or its icon's name.
func buttonLabel(b *widget.Button) string {
	if b.Text != "" {
		return b.Text
	}
	if b.Icon != nil {
		return "图标:" + b.Icon.Name()
	}
	return "无名按钮"
}

// destructive tells the buttons a walk does not press: they throw away or
// undo what someone entered, or reach outside this computer.
func destructive(b *widget.Button) bool {
	if b.Importance == widget.DangerImportance {
		return true
	}
	for _, w := range []string{"删除", "作废", "拒绝", "放弃", "撤销", "退住", "注销", "取消", "立即同步", "关闭村站", "用这份恢复", "锁定", "delete.svg", "cancel.svg"} {
		if strings.Contains(buttonLabel(b), w) {
			return true
		}
	}
	return false
}

// dismissWords are the buttons that close a dialog without doing what it
// asks, in the order a walk prefers them.
var dismissWords = []string{"取消", "关闭", "继续编辑", "否", "确定", "Cancel", "Close", "No", "OK"}

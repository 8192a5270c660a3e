package app

import (
	"encoding/json"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// conflictsScreen is 冲突审核: the fields that were changed at two places
// at once. Each value is shown side by side with where, by whom and when it
// was entered; the reviewer keeps one or writes a merged value, which then
// replaces all of them on every station after sync.
type conflictsScreen struct {
	u        *UI
	list     *focusList
	items    []store.Conflict
	titles   []string
	panel    *panel
	note     *widget.Label
	count    int
	revealed bool
	// picks are the buttons of the open conflict, one per value (tests).
	picks  []*widget.Button
	merged *keyEntry
	open   int
	// undoBox offers to undo the review just made.
	undoBox *fyne.Container
	undoBtn *widget.Button
}

func newConflictsScreen(u *UI) *conflictsScreen {
	c := &conflictsScreen{u: u, open: -1}
	c.recount()
	return c
}

func (c *conflictsScreen) dirty() bool { return false }

func (c *conflictsScreen) build() fyne.CanvasObject {
	c.note = widget.NewLabel("")
	c.note.Wrapping = fyne.TextWrapBreak
	c.list = newFocusList(
		func() int { return len(c.items) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(c.titles[i])
		},
	)
	c.list.OnSelected = c.show
	c.panel = newPanel("选择左侧一处待审核的修改")
	c.undoBox = container.NewVBox()
	c.undoBox.Hide()
	split := container.NewHSplit(container.NewBorder(container.NewVBox(c.undoBox, c.note), nil, nil, nil, c.list.box), c.panel.box)
	split.Offset = 0.35
	return split
}

// recount reads how many fields wait for review (the navigation shows it).
func (c *conflictsScreen) recount() {
	_ = c.u.st.View(func(r *store.Reader) error {
		cs, err := r.Conflicts(c.u.scope())
		c.count = len(cs)
		return err
	})
}

func (c *conflictsScreen) refresh() {
	var items []store.Conflict
	var titles []string
	err := c.u.st.View(func(r *store.Reader) error {
		var err error
		items, err = r.Conflicts(c.u.scope())
		for _, it := range items {
			title := store.KindLabel(it.Kind)
			if e, _ := r.Get(it.ID); e != nil {
				title = store.KindLabel(it.Kind) + "：" + r.Title(e)
			}
			field := store.FieldLabel(it.Kind, it.Field)
			if it.Deleted {
				field = "删除与修改同时发生"
			}
			titles = append(titles, fmt.Sprintf("%s ·「%s」%d个不同的值", title, field, len(it.Siblings)))
		}
		return err
	})
	if err != nil {
		c.u.showError("读取待审核修改失败", err)
		return
	}
	c.items, c.titles, c.count = items, titles, len(items)
	c.open = -1
	c.list.UnselectAll()
	c.list.Refresh()
	if len(items) == 0 {
		c.note.SetText("没有待审核的修改。两处同时修改同一栏时，同步后会列在这里。")
		c.panel.set(container.NewCenter(widget.NewLabel("没有待审核的修改")))
	} else {
		c.note.SetText(fmt.Sprintf("%d处修改在不同地方同时进行，请逐一确认保留哪个值。", len(items)))
	}
	c.u.nav.Refresh()
}

// show lays the values of conflict i side by side.
func (c *conflictsScreen) show(i int) {
	if i < 0 || i >= len(c.items) {
		return
	}
	c.open = i
	it := c.items[i]
	spec := fieldSpec(it.Kind, it.Field)
	cols := container.NewGridWithColumns(max(len(it.Siblings), 1))
	c.picks = nil
	for n, sib := range it.Siblings {
		sib := sib
		value := c.u.display(spec, sib.Value, c.revealed)
		if it.Deleted {
			value = "保留删除"
			if string(sib.Value) != "true" {
				value = "恢复记录"
			}
		}
		if value == "" {
			value = "（空）"
		}
		where := sib.StationName
		if sib.StationCode != "" {
			where += "（" + sib.StationCode + "）"
		}
		if where == "" {
			where = "本站"
		}
		v := widget.NewLabelWithStyle(value, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		v.Wrapping = fyne.TextWrapBreak
		info := para(fmt.Sprintf("录入地点：%s\n录入人：%s\n时间：%s", where, orDash(sib.Author), store.ClockTime(sib.Time).Format("2006-01-02 15:04")))
		pick := newButtonWithIcon("采用此值", theme.ConfirmIcon(), func() { c.resolve(it, sib.Value) })
		pick.Importance = widget.HighImportance
		c.picks = append(c.picks, pick)
		cols.Add(card(fmt.Sprintf("值 %d", n+1), container.NewVBox(v, info, pick)))
	}
	parts := []fyne.CanvasObject{
		heading(c.titles[i]),
		para("以下各值是在不同地方同时录入的。选定后，其余的值由选定值取代，各站同步后一致。"),
		cols,
	}
	if !it.Deleted && (spec.Type == store.FieldText || spec.Type == store.FieldList) {
		c.merged = newKeyMultiLineEntry()
		c.merged.SetMinRowsVisible(2)
		// A masked value is not copied into the entry in clear.
		if len(it.Siblings) > 0 && (spec.Mask == "" || c.revealed) {
			c.merged.SetText(textOf(spec, it.Siblings[0].Value))
		}
		c.merged.SetPlaceHolder("输入合并后的值")
		useMerged := newButtonWithIcon("采用合并后的值", theme.DocumentSaveIcon(), func() {
			var v any = c.merged.Text
			if spec.Type == store.FieldList {
				v = splitList(c.merged.Text)
			}
			b, _ := json.Marshal(v)
			c.resolve(it, b)
		})
		parts = append(parts, heading("或写一个合并后的值"), c.merged, flow(useMerged))
	} else {
		c.merged = nil
	}
	if spec.Mask != "" {
		label := "显示敏感信息"
		if c.revealed {
			label = "隐去敏感信息"
		}
		parts = append(parts, flow(newButtonWithIcon(label, theme.VisibilityIcon(), func() {
			if c.revealed {
				c.revealed = false
				c.show(i)
				return
			}
			c.u.askReveal(it.ID.String(), func() {
				c.revealed = true
				c.show(i)
			})
		})))
	}
	c.panel.set(scrolled(container.NewVBox(parts...)))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// resolve settles a conflict with a value and moves to the next one.
// Right after a review the screen offers to undo it: the review is an
// ordinary write, and the undo writes the values it replaced back, side by
// side, so the field is up for review again (store.UndoResolve).
func (c *conflictsScreen) resolve(it store.Conflict, value json.RawMessage) {
	field := it.Field
	if it.Deleted {
		field = store.FieldDeleted
	}
	prior := it.Versions()
	if err := c.u.st.Resolve(it.ID, field, value, c.u.author()); err != nil {
		c.u.showError("未能确认", err)
		return
	}
	label := store.FieldLabel(it.Kind, it.Field)
	c.u.setStatus("已确认「%s」", label)
	c.u.changed()
	c.refresh()
	c.offerUndo(fmt.Sprintf("已确认「%s」。", label), func() {
		if err := c.u.st.UndoResolve(it.ID, field, prior, c.u.author()); err != nil {
			c.u.showError("未能撤销", err)
			return
		}
		c.u.setStatus("已撤销对「%s」的确认，各值重新列出待审核", label)
		c.u.changed()
		c.refresh()
		for i, x := range c.items {
			if x.ID == it.ID && x.Field == it.Field {
				c.list.Select(i)
			}
		}
	})
	if len(c.items) > 0 {
		c.list.Select(0)
	}
}

// offerUndo shows what was just done with a button that takes it back,
// until the next review or until the screen is left.
func (c *conflictsScreen) offerUndo(done string, undo func()) {
	c.undoBtn = newButtonWithIcon("撤销", theme.ContentUndoIcon(), func() {
		c.undoBox.Hide()
		undo()
	})
	c.undoBox.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, nil, c.undoBtn, para(done))}
	c.undoBox.Show()
	c.undoBox.Refresh()
}

// fieldSpec finds a field's description in a kind's schema.
func fieldSpec(k store.Kind, field string) store.FieldSpec {
	for _, s := range store.Schema(k) {
		if s.Name == field {
			return s
		}
	}
	return store.FieldSpec{Name: field, Label: store.FieldLabel(k, field), Type: store.FieldText}
}

package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// column is one column of a record list.
type column struct {
	title string
	width float32 // 0: takes what is left
}

// columnsLayout places a row's cells at fixed widths, the last one (or the
// one with width 0) taking the remaining space.
type columnsLayout struct{ cols []column }

func (c columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	fixed := float32(0)
	for _, col := range c.cols {
		fixed += col.width
	}
	pad := theme.Padding()
	x := float32(0)
	for i, o := range objs {
		if i >= len(c.cols) {
			break
		}
		w := c.cols[i].width
		if w == 0 {
			w = max(size.Width-fixed-pad*float32(len(c.cols)-1), 40)
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (c columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for i, o := range objs {
		if i < len(c.cols) {
			w += c.cols[i].width + theme.Padding()
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}

// lazyList is a virtualized list of records: it holds only their ids and
// reads the few rows on screen from the store as they scroll into view, so
// that a list of 100,000 people opens at once and scrolls without stutter.
type lazyList struct {
	u      *UI
	cols   []column
	ids    []uuid.UUID
	total  int // may exceed len(ids) when a query was capped
	cache  map[uuid.UUID][]string
	load   func(r *store.Reader, id uuid.UUID) []string
	list   *widget.List
	count  *widget.Label
	obj    fyne.CanvasObject
	picked uuid.UUID
	// onSelect runs when a row is chosen (click or Enter).
	onSelect func(id uuid.UUID)
}

func newLazyList(u *UI, cols []column, load func(r *store.Reader, id uuid.UUID) []string) *lazyList {
	l := &lazyList{u: u, cols: cols, load: load, cache: map[uuid.UUID][]string{}}
	l.list = widget.NewList(
		func() int { return len(l.ids) },
		func() fyne.CanvasObject {
			cells := make([]fyne.CanvasObject, len(cols))
			for i := range cells {
				lb := widget.NewLabel("")
				lb.Truncation = fyne.TextTruncateEllipsis
				cells[i] = lb
			}
			return container.New(columnsLayout{cols}, cells...)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := l.row(i)
			for j, c := range o.(*fyne.Container).Objects {
				text := ""
				if j < len(row) {
					text = row[j]
				}
				c.(*widget.Label).SetText(text)
			}
		},
	)
	l.list.OnSelected = func(i widget.ListItemID) {
		if i < len(l.ids) {
			l.picked = l.ids[i]
			if l.onSelect != nil {
				l.onSelect(l.ids[i])
			}
		}
	}
	headCells := make([]fyne.CanvasObject, len(cols))
	for i, c := range cols {
		headCells[i] = widget.NewLabelWithStyle(c.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	l.count = widget.NewLabel("")
	header := container.New(columnsLayout{cols}, headCells...)
	l.obj = container.NewBorder(header, l.count, nil, nil, l.list)
	return l
}

// row reads (and caches) the cells of row i.
func (l *lazyList) row(i int) []string {
	if i >= len(l.ids) {
		return nil
	}
	id := l.ids[i]
	if r, ok := l.cache[id]; ok {
		return r
	}
	var row []string
	_ = l.u.st.View(func(r *store.Reader) error {
		row = l.load(r, id)
		return nil
	})
	if len(l.cache) > 2000 {
		l.cache = map[uuid.UUID][]string{}
	}
	l.cache[id] = row
	return row
}

// set replaces the list's ids.
func (l *lazyList) set(ids []uuid.UUID, total int) {
	l.ids = ids
	l.total = total
	l.cache = map[uuid.UUID][]string{}
	l.list.UnselectAll()
	l.list.Refresh()
	if total > len(ids) {
		l.count.SetText(fmt.Sprintf("共 %d 条，显示前 %d 条；请输入更多字缩小范围", total, len(ids)))
	} else {
		l.count.SetText(fmt.Sprintf("共 %d 条", total))
	}
}

// cell returns the text shown in row i, column j (tests read lists this way).
func (l *lazyList) cell(i, j int) string {
	r := l.row(i)
	if j < len(r) {
		return r[j]
	}
	return ""
}

// searchBox runs a query on every keystroke, off the UI goroutine, and
// shows only the answer to the latest one.
type searchBox struct {
	u     *UI
	entry *widget.Entry
	seq   int
	run   func(r *store.Reader, q string) ([]uuid.UUID, int, error)
	list  *lazyList
}

func newSearchBox(u *UI, placeholder string, list *lazyList, run func(r *store.Reader, q string) ([]uuid.UUID, int, error)) *searchBox {
	s := &searchBox{u: u, list: list, run: run}
	s.entry = widget.NewEntry()
	s.entry.SetPlaceHolder(placeholder)
	s.entry.OnChanged = func(string) { s.search() }
	s.entry.OnSubmitted = func(string) {
		// Enter picks the first row: type a name, press Enter, done.
		if len(list.ids) > 0 {
			list.list.Select(0)
		}
	}
	return s
}

// search runs the query for the entry's current text.
func (s *searchBox) search() {
	s.seq++
	seq := s.seq
	q := s.entry.Text
	s.u.async(func() {
		var ids []uuid.UUID
		var total int
		err := s.u.st.View(func(r *store.Reader) error {
			var err error
			ids, total, err = s.run(r, q)
			return err
		})
		fyne.Do(func() {
			if seq != s.seq {
				return
			}
			if err != nil {
				s.list.count.SetText("查询失败：" + store.MessageOf(err))
				return
			}
			s.list.set(ids, total)
		})
	})
}

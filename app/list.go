package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// column is one column of a table. Its width is what its content needs:
// the title, a sample of the widest content it usually holds (a contract
// number, a date), and the rows actually shown, measured in the window's
// font. Columns were cut to "★…" and "1301311…" at fixed widths while half
// the pane stood empty.
type column struct {
	title  string
	sample string
	// grow columns take the room left over (a bar); without one the last
	// column does.
	grow bool
}

// colWidths are the widths of a table's columns, shared by its header and
// every row so that they line up.
type colWidths struct {
	cols []column
	need []float32
}

func newColWidths(cols []column) *colWidths {
	c := &colWidths{cols: cols, need: make([]float32, len(cols))}
	for i, col := range cols {
		c.need[i] = max(textWidth(col.title), textWidth(col.sample))
	}
	return c
}

// fit widens column i to show text in full, up to a cap (a long note is
// cut with an ellipsis instead); it reports whether the width changed.
func (c *colWidths) fit(i int, text string) bool {
	if i >= len(c.need) {
		return false
	}
	w := min(textWidth(text), maxColumn)
	if w <= c.need[i] {
		return false
	}
	c.need[i] = w
	return true
}

// maxColumn caps a column measured from its rows.
const maxColumn = 320

// minColumn is what a column keeps when the window is too narrow for
// every column's need: three characters.
func minColumn() float32 { return textWidth("一二三") }

// textWidth is the width of a label showing s.
func textWidth(s string) float32 {
	if s == "" {
		return 0
	}
	return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding()
}

// widths lays the columns into a row of the given width: each its need,
// the room left to the growing column; when the row is narrower than the
// needs, each column gives up a share of what it has above its minimum.
func (c *colWidths) widths(total float32) []float32 {
	n := len(c.need)
	out := make([]float32, n)
	avail := total - theme.Padding()*float32(max(n-1, 0))
	var need, floor float32
	mins := make([]float32, n)
	for i, w := range c.need {
		mins[i] = min(w, minColumn())
		need += w
		floor += mins[i]
	}
	switch {
	case avail >= need:
		copy(out, c.need)
		grow := -1
		for i, col := range c.cols {
			if col.grow {
				grow = i
			}
		}
		if grow < 0 {
			grow = n - 1
		}
		if grow >= 0 {
			out[grow] += avail - need
		}
	case need > floor:
		ratio := max(avail-floor, 0) / (need - floor)
		for i, w := range c.need {
			out[i] = mins[i] + (w-mins[i])*ratio
		}
	default:
		copy(out, mins)
	}
	return out
}

func (c *colWidths) minWidth() float32 {
	var w float32
	for _, x := range c.need {
		w += min(x, minColumn())
	}
	return w + theme.Padding()*float32(max(len(c.need)-1, 0))
}

// columnsLayout places a row's cells at its table's column widths.
type columnsLayout struct{ w *colWidths }

func (c columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	ws := c.w.widths(size.Width)
	x := float32(0)
	for i, o := range objs {
		if i >= len(ws) {
			break
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(ws[i], size.Height))
		x += ws[i] + theme.Padding()
	}
}

func (c columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(c.w.minWidth(), h)
}

// tableRow makes the cells of one row (or the header) of a table.
func tableRow(w *colWidths, header bool) *fyne.Container {
	cells := make([]fyne.CanvasObject, len(w.cols))
	for i, col := range w.cols {
		var l *widget.Label
		if header {
			l = widget.NewLabelWithStyle(col.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		} else {
			l = widget.NewLabel("")
		}
		l.Truncation = fyne.TextTruncateEllipsis
		cells[i] = l
	}
	return container.New(columnsLayout{w}, cells...)
}

// setRow shows texts in a row made by tableRow.
func setRow(o fyne.CanvasObject, texts []string) {
	for j, c := range o.(*fyne.Container).Objects {
		text := ""
		if j < len(texts) {
			text = texts[j]
		}
		c.(*widget.Label).SetText(text)
	}
}

// fitRows widens a table's columns to the rows given; it reports whether
// any width changed (the table must then be refreshed).
func (c *colWidths) fitRows(rows [][]string) bool {
	changed := false
	for _, r := range rows {
		for j, text := range r {
			if c.fit(j, text) {
				changed = true
			}
		}
	}
	return changed
}

// lazyList is a virtualized list of records: it holds only their ids and
// reads the few rows on screen from the store as they scroll into view, so
// that a list of 100,000 people opens at once and scrolls without stutter.
type lazyList struct {
	u      *UI
	widths *colWidths
	ids    []uuid.UUID
	total  int // may exceed len(ids) when a query was capped
	cache  map[uuid.UUID][]string
	load   func(r *store.Reader, id uuid.UUID) []string
	list   *focusList
	header *fyne.Container
	count  *widget.Label
	obj    fyne.CanvasObject
	picked uuid.UUID
	// onSelect runs when a row is chosen (click or Enter).
	onSelect func(id uuid.UUID)
	// split, when the list is the left side of one, is given the width
	// the list's columns need once its first rows are known.
	split  *container.Split
	fitted bool
}

// measureRows is how many rows a list reads when its content changes, to
// size its columns to what they hold: about a screenful, which the list
// reads to draw them anyway.
const measureRows = 16

func newLazyList(u *UI, cols []column, load func(r *store.Reader, id uuid.UUID) []string) *lazyList {
	l := &lazyList{u: u, widths: newColWidths(cols), load: load, cache: map[uuid.UUID][]string{}}
	l.list = newFocusList(
		func() int { return len(l.ids) },
		func() fyne.CanvasObject { return tableRow(l.widths, false) },
		func(i widget.ListItemID, o fyne.CanvasObject) { setRow(o, l.row(i)) },
	)
	l.list.OnSelected = func(i widget.ListItemID) {
		if i < len(l.ids) {
			l.picked = l.ids[i]
			if l.onSelect != nil {
				l.onSelect(l.ids[i])
			}
		}
	}
	l.count = widget.NewLabel("")
	l.count.Truncation = fyne.TextTruncateEllipsis
	l.header = tableRow(l.widths, true)
	l.obj = container.NewBorder(l.header, l.count, nil, nil, l.list.box)
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

// set replaces the list's ids; total is how many there are in all (more
// than the ids when a query stopped early). The columns widen to the
// first rows.
func (l *lazyList) set(ids []uuid.UUID, total int) {
	l.ids = ids
	l.total = max(total, len(ids))
	l.cache = map[uuid.UUID][]string{}
	var first [][]string
	for i := 0; i < len(ids) && i < measureRows; i++ {
		first = append(first, l.row(i))
	}
	if l.widths.fitRows(first) {
		l.header.Refresh()
	}
	l.list.UnselectAll()
	l.list.Refresh()
	l.count.SetText(countText(len(ids), l.total))
	l.fitSplit()
}

// listSplit puts a list on the left of a page and what it opens on the
// right; the divider starts where the list's columns fit (within reason),
// and the person can still drag it.
func listSplit(l *lazyList, left, right fyne.CanvasObject) *container.Split {
	l.split = container.NewHSplit(left, right)
	l.split.Offset = 0.5
	return l.split
}

// fitSplit moves the divider, once, to give the list the width its
// columns need: between a third and three fifths of the page.
func (l *lazyList) fitSplit() {
	if l.split == nil || l.fitted || len(l.ids) == 0 {
		return
	}
	total := l.split.Size().Width
	if total <= 0 {
		return
	}
	need := theme.Padding()*4 + theme.ScrollBarSize()
	for _, w := range l.widths.need {
		need += w + theme.Padding()
	}
	l.fitted = true
	l.split.SetOffset(min(max(float64(need/total), 0.35), 0.62))
}

// countText says how many rows a list shows, never a capped number as the
// total.
func countText(shown, total int) string {
	if total > shown {
		return fmt.Sprintf("显示前 %d 条，共 %d 条；输入更多字可缩小范围", shown, total)
	}
	return fmt.Sprintf("共 %d 条", total)
}

// cell returns the text shown in row i, column j (tests read lists this way).
func (l *lazyList) cell(i, j int) string {
	r := l.row(i)
	if j < len(r) {
		return r[j]
	}
	return ""
}

// bigSearch is how many results make a search worth handing its file
// pages back for.
const bigSearch = 50

// releasePagesSoon hands the file pages a search walked back to the
// system once the typing has paused for a moment: not on every keystroke,
// where the next search would fault them in again.
func (u *UI) releasePagesSoon() {
	u.releaseMu.Lock()
	defer u.releaseMu.Unlock()
	if u.releaseTimer != nil {
		u.releaseTimer.Stop()
	}
	u.releaseTimer = time.AfterFunc(2*time.Second, u.st.ReleasePages)
}

// searchBox runs a query on every keystroke, off the UI goroutine, and
// shows only the answer to the latest one.
type searchBox struct {
	u     *UI
	entry *keyEntry
	seq   int
	run   func(r *store.Reader, q string) ([]uuid.UUID, int, error)
	list  *lazyList
}

func newSearchBox(u *UI, placeholder string, list *lazyList, run func(r *store.Reader, q string) ([]uuid.UUID, int, error)) *searchBox {
	s := &searchBox{u: u, list: list, run: run}
	s.entry = newKeyEntry()
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
		if len(ids) > bigSearch {
			s.u.releasePagesSoon()
		}
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

package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// pickLimit caps how many candidates a picker lists; typing narrows it
// (a variable for tests).
var pickLimit = 300

// filterBudget bounds how many candidates a picker with a filter (free beds
// of one home, assessments of the chosen person) reads per keystroke: the
// filter needs each record decoded. Up to it the count is exact; beyond it
// the picker says how far it looked (a variable for tests).
var filterBudget = 3000

// refPicker chooses the record a reference field points at: it shows the
// record's title and opens a searchable list of candidates.
type refPicker struct {
	u      *UI
	spec   store.FieldSpec
	id     string
	label  *widget.Label
	choose *widget.Button
	filter func(r *store.Reader, e store.Entity) bool
	// within, when set, lists the only records the picker may offer (the
	// rooms of one home, the members of one household), so that a filter
	// reads a handful of records instead of walking the whole kind.
	within func(r *store.Reader) ([]uuid.UUID, error)
	put    func(json.RawMessage)
	// create, when set, offers to make the record instead of choosing it;
	// done picks what was made.
	create func(done func(uuid.UUID))
	dlg    dialog.Dialog
	// list is the candidate list of the open dialog (tests pick from it).
	list *lazyList
	box  *searchBox
	seq  int
}

func newRefPicker(u *UI, spec store.FieldSpec, raw json.RawMessage, filter func(r *store.Reader, e store.Entity) bool, put func(json.RawMessage)) *refPicker {
	p := &refPicker{u: u, spec: spec, filter: filter, put: put}
	_ = json.Unmarshal(raw, &p.id)
	p.label = widget.NewLabel("")
	p.label.Truncation = fyne.TextTruncateEllipsis
	p.choose = newButtonWithIcon("选择…", theme.SearchIcon(), p.open)
	p.show()
	return p
}

func (p *refPicker) ctl() *fieldCtl {
	clear := newButtonWithIcon("", theme.ContentClearIcon(), func() { p.pick(uuid.Nil) })
	obj := container.NewBorder(nil, nil, nil, container.NewHBox(p.choose, clear), p.label)
	return &fieldCtl{spec: p.spec, obj: obj, focus: p.choose, set: func(raw json.RawMessage) {
		p.id = ""
		_ = json.Unmarshal(raw, &p.id)
		p.show()
	}, enable: func(on bool) {
		if on {
			p.choose.Enable()
			clear.Enable()
		} else {
			p.choose.Disable()
			clear.Disable()
		}
	}}
}

func (p *refPicker) show() {
	if p.id == "" {
		p.label.SetText("（未选择）")
		return
	}
	p.label.SetText(p.u.titleOf(p.id))
}

// pick sets the field to a record (uuid.Nil clears it).
func (p *refPicker) pick(id uuid.UUID) {
	p.id = ""
	if id != uuid.Nil {
		p.id = id.String()
	}
	b, _ := json.Marshal(p.id)
	p.show()
	p.put(b)
	if p.dlg != nil {
		p.dlg.Hide()
		p.dlg = nil
	}
}

// open shows the candidates in a dialog with a search box on top.
func (p *refPicker) open() {
	k := p.spec.Ref
	p.list = newLazyList(p.u, pickerColumns(k), func(r *store.Reader, id uuid.UUID) []string {
		return pickerRow(r, k, id)
	})
	p.list.onSelect = func(id uuid.UUID) { p.pick(id) }
	p.box = newSearchBox(p.u, searchHint(k), p.list, func(r *store.Reader, q string) ([]uuid.UUID, int, error) {
		res, err := p.u.candidates(r, k, q, p.filter, p.within)
		return res.ids, res.total, err
	})
	// The picker runs its own query on each keystroke (search below): a
	// filtered picker may have to say that it looked at only part of the
	// records, which the search box's count cannot.
	p.box.entry.OnChanged = func(string) { p.search() }
	var bottom fyne.CanvasObject
	if p.create != nil {
		bottom = flow(newButtonWithIcon("找不到，新建"+p.spec.Label+"…", theme.ContentAddIcon(), func() {
			p.dlg.Hide()
			p.dlg = nil
			p.create(p.pick)
		}))
	}
	content := container.NewBorder(p.box.entry, bottom, nil, nil, p.list.obj)
	p.dlg = dialog.NewCustom("选择"+p.spec.Label, "取消", content, p.u.win)
	// Searching read index pages of the file (the kernel maps 64 KB around
	// every page touched): once a record is chosen, or none, they go back,
	// as after a print.
	p.dlg.SetOnClosed(func() { p.u.async(p.u.releaseMemory) })
	showDialog(p.u.win, p.dlg, fyne.NewSize(720, 520))
	p.search()
	p.u.win.Canvas().Focus(p.box.entry)
}

// search runs the query for the entry's text off the UI goroutine and
// shows only the answer to the latest keystroke.
func (p *refPicker) search() {
	p.seq++
	seq, q := p.seq, p.box.entry.Text
	p.u.async(func() {
		var res candidateSet
		err := p.u.st.View(func(r *store.Reader) error {
			var err error
			res, err = p.u.candidates(r, p.spec.Ref, q, p.filter, p.within)
			return err
		})
		if res.total > bigSearch {
			p.u.releasePagesSoon()
		}
		fyne.Do(func() {
			if seq != p.seq {
				return
			}
			if err != nil {
				p.list.count.SetText("查询失败：" + store.MessageOf(err))
				return
			}
			p.list.set(res.ids, res.total)
			if res.unread > 0 {
				p.list.count.SetText(fmt.Sprintf("显示 %d 条：查看了 %d 条记录，其中 %d 条符合，另有 %d 条未查看；请输入姓名或编号缩小范围",
					len(res.ids), filterBudget, res.total, res.unread))
			}
		})
	})
}

func searchHint(k store.Kind) string {
	switch k {
	case store.KindPerson:
		return "输入姓名、拼音首字母（如 wxl）或身份证号"
	case store.KindRoom, store.KindBed, store.KindOrigin:
		return "输入房间号、床位号或名称筛选"
	case store.KindHome, store.KindEnterprise:
		return "输入名称、拼音首字母或编号"
	}
	return "输入姓名、拼音首字母（如 wxl）、身份证号或编号"
}

// Columns of a picker: a person as every person list shows them, any
// other record by its title and, where it is about a person, that person's
// village and birth year, which tell two 王秀兰 apart.
var (
	colSex    = column{title: "性别", sample: "女"}
	colIDMask = column{title: "身份证号", sample: "1301**********002X"}
)

func pickerColumns(k store.Kind) []column {
	if k == store.KindPerson {
		return []column{colName, colSex, colBorn, colVillage, colIDMask}
	}
	return []column{{title: store.KindLabel(k), grow: true}, colVillage, colBorn}
}

// pickerRow is one candidate's cells, in the order of pickerColumns.
func pickerRow(r *store.Reader, k store.Kind, id uuid.UUID) []string {
	e, err := r.Live(id, k)
	if err != nil || e == nil {
		return []string{"（已删除）"}
	}
	if p, ok := e.(*store.Person); ok {
		return []string{p.Name, p.Sex, birthYear(p), villageName(store.MetaOf(p).Scope), ident.MaskID(p.IDNumber)}
	}
	if p := r.OwnerPerson(e); p != nil {
		return []string{r.Title(e), villageName(store.MetaOf(p).Scope), birthYear(p)}
	}
	return []string{r.Title(e), villageName(store.MetaOf(e).Scope), ""}
}

func birthYear(p *store.Person) string {
	if d := string(p.BirthDate); len(d) >= 4 {
		return d[:4]
	}
	return ""
}

// candidateSet is what a picker lists: ids (at most pickLimit), the true
// number of matches, and how many records a filtered search left unread.
type candidateSet struct {
	ids    []uuid.UUID
	total  int
	unread int
}

// candidates lists records of kind k in the station's scope matching q,
// through the store's indexes (store.SearchKind: name, pinyin initials, ID
// number, record number), newest first. A filter decodes records, so it is
// applied to a set given by within, or to at most filterBudget candidates
// in order; the count then says how many were left unread.
func (u *UI) candidates(r *store.Reader, k store.Kind, q string, filter func(r *store.Reader, e store.Entity) bool, within func(r *store.Reader) ([]uuid.UUID, error)) (candidateSet, error) {
	scope := u.scope()
	if filter == nil && within == nil {
		ids, total, err := r.SearchKind(k, q, scope, pickLimit)
		return candidateSet{ids: ids, total: total}, err
	}
	var all []uuid.UUID
	if within != nil {
		allowed, err := within(r)
		if err != nil {
			return candidateSet{}, err
		}
		if strings.TrimSpace(q) == "" {
			all = append(all, allowed...)
			sort.Slice(all, func(i, j int) bool { return bytes.Compare(all[i][:], all[j][:]) > 0 })
		} else {
			in := make(map[uuid.UUID]bool, len(allowed))
			for _, id := range allowed {
				in[id] = true
			}
			found, _, err := r.SearchKind(k, q, scope, -1)
			if err != nil {
				return candidateSet{}, err
			}
			for _, id := range found {
				if in[id] {
					all = append(all, id)
				}
			}
		}
	} else {
		found, _, err := r.SearchKind(k, q, scope, -1)
		if err != nil {
			return candidateSet{}, err
		}
		all = found
	}
	var out candidateSet
	for i, id := range all {
		if filter != nil {
			if i == filterBudget {
				out.unread = len(all) - i
				break
			}
			e, err := r.Live(id, k)
			if err != nil {
				return candidateSet{}, err
			}
			if e == nil || !filter(r, e) {
				continue
			}
		}
		out.total++
		if len(out.ids) < pickLimit {
			out.ids = append(out.ids, id)
		}
	}
	return out, nil
}

// scope is the station's division scope ("" before set-up).
func (u *UI) scope() string {
	if si := u.st.Station(); si != nil {
		return si.Scope
	}
	return ""
}

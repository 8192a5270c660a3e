package app

import (
	"encoding/json"
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

// pickLimit caps how many candidates a picker lists; typing narrows it.
const pickLimit = 300

// refPicker chooses the record a reference field points at: it shows the
// record's title and opens a searchable list of candidates.
type refPicker struct {
	u      *UI
	spec   store.FieldSpec
	id     string
	label  *widget.Label
	choose *widget.Button
	filter func(r *store.Reader, e store.Entity) bool
	put    func(json.RawMessage)
	dlg    dialog.Dialog
	// list is the candidate list of the open dialog (tests pick from it).
	list *lazyList
	box  *searchBox
}

func newRefPicker(u *UI, spec store.FieldSpec, raw json.RawMessage, filter func(r *store.Reader, e store.Entity) bool, put func(json.RawMessage)) *refPicker {
	p := &refPicker{u: u, spec: spec, filter: filter, put: put}
	_ = json.Unmarshal(raw, &p.id)
	p.label = widget.NewLabel("")
	p.label.Truncation = fyne.TextTruncateEllipsis
	p.choose = widget.NewButtonWithIcon("选择…", theme.SearchIcon(), p.open)
	p.show()
	return p
}

func (p *refPicker) ctl() *fieldCtl {
	clear := widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { p.pick(uuid.Nil) })
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
	p.list = newLazyList(p.u, pickerColumns(p.spec.Ref), func(r *store.Reader, id uuid.UUID) []string {
		return pickerRow(r, id)
	})
	p.list.onSelect = func(id uuid.UUID) { p.pick(id) }
	p.box = newSearchBox(p.u, searchHint(p.spec.Ref), p.list, func(r *store.Reader, q string) ([]uuid.UUID, int, error) {
		return p.u.candidates(r, p.spec.Ref, q, p.filter)
	})
	content := container.NewBorder(p.box.entry, nil, nil, nil, p.list.obj)
	p.dlg = dialog.NewCustom("选择"+p.spec.Label, "取消", content, p.u.win)
	showDialog(p.u.win, p.dlg, fyne.NewSize(720, 520))
	p.box.search()
	p.u.win.Canvas().Focus(p.box.entry)
}

func searchHint(k store.Kind) string {
	if k == store.KindPerson {
		return "输入姓名、拼音首字母（如 wxl）或身份证号"
	}
	return "输入名称或编号筛选"
}

func pickerColumns(k store.Kind) []column {
	if k == store.KindPerson {
		return []column{{"姓名", 110}, {"性别", 50}, {"出生日期", 110}, {"身份证号", 190}, {"村", 0}}
	}
	return []column{{store.KindLabel(k), 0}}
}

// pickerRow is one candidate: for a person, what tells two 王秀兰 apart
// without showing the whole ID number.
func pickerRow(r *store.Reader, id uuid.UUID) []string {
	e, err := r.Get(id)
	if err != nil || e == nil {
		return []string{"（已删除）"}
	}
	if p, ok := e.(*store.Person); ok {
		return []string{p.Name, p.Sex, string(p.BirthDate), ident.MaskID(p.IDNumber), ident.DivisionName(store.MetaOf(p).Scope)}
	}
	return []string{r.Title(e)}
}

// candidates lists records of kind k in the station's scope matching q:
// people through the name/pinyin/ID index, other kinds by their title.
func (u *UI) candidates(r *store.Reader, k store.Kind, q string, filter func(r *store.Reader, e store.Entity) bool) ([]uuid.UUID, int, error) {
	scope := u.scope()
	q = strings.TrimSpace(q)
	var ids []uuid.UUID
	total := 0
	keep := func(id uuid.UUID) bool {
		if filter == nil {
			return true
		}
		e, err := r.Live(id, k)
		return err == nil && e != nil && filter(r, e)
	}
	if k == store.KindPerson && q != "" {
		hits, n, err := r.Search(q, scope, pickLimit)
		if err != nil {
			return nil, 0, err
		}
		for _, h := range hits {
			if h.Kind == store.KindPerson && keep(h.ID) {
				ids = append(ids, h.ID)
			}
		}
		return ids, max(n, len(ids)), nil
	}
	err := r.EachID(k, scope, func(id uuid.UUID, _ string) error {
		if !keep(id) {
			return nil
		}
		if q != "" {
			e, _ := r.Live(id, k)
			if e == nil || !strings.Contains(r.Title(e), q) {
				return nil
			}
		}
		total++
		if len(ids) < pickLimit {
			ids = append(ids, id)
		}
		return nil
	})
	return ids, total, err
}

// scope is the station's division scope ("" before set-up).
func (u *UI) scope() string {
	if si := u.st.Station(); si != nil {
		return si.Scope
	}
	return ""
}

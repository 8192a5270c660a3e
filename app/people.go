package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/ident"
)

// person is someone as lists show them: the name, the village and the
// birth year, which tell two 王秀兰 apart without showing an ID number.
type person struct {
	name, village, born string
}

// personOf reads a person for a list row (empty when unknown or deleted).
func personOf(r *store.Reader, id string) person {
	x, _ := r.LiveByString(id, store.KindPerson)
	p, ok := x.(*store.Person)
	if !ok {
		return person{}
	}
	out := person{name: p.Name, village: villageName(store.MetaOf(p).Scope)}
	if d := string(p.BirthDate); len(d) >= 4 {
		out.born = d[:4]
	}
	return out
}

// villageName is a division's name, or, for a code the bundled table does
// not know (village codes are renumbered every year), its own digits after
// the county's, which a cadre can still read.
func villageName(code string) string {
	if n := ident.DivisionName(code); n != "" {
		return n
	}
	if len(code) == 12 {
		return "村" + code[6:]
	}
	return code
}

// Columns that show a person, with samples of their widest usual content.
var (
	colName    = column{title: "姓名", sample: "欧阳秀兰"}
	colVillage = column{title: "村", sample: "示例社区"}
	colBorn    = column{title: "出生年", sample: "1948"}
	colDate    = column{title: "日期", sample: "2025-11-30"}
	colStatus  = column{title: "状态", sample: "已到期"}
)

// visitPerson is the elder a visit was paid to.
func visitPerson(r *store.Reader, visitID string) person {
	x, _ := r.LiveByString(visitID, store.KindVisit)
	v, ok := x.(*store.Visit)
	if !ok {
		return person{}
	}
	y, _ := r.LiveByString(v.ElderlyID, store.KindElderlyProfile)
	ep, ok := y.(*store.ElderlyProfile)
	if !ok {
		return person{}
	}
	return personOf(r, ep.PersonID)
}

// createPerson opens a form for a new person in a dialog of its own, over
// the form that needs the person (an admission, an assessment); done gets
// the new person's id once saved.
func (u *UI) createPerson(done func(uuid.UUID)) {
	var d dialog.Dialog
	f := newRecordForm(u, &store.Person{Status: "在册"}, formOptions{
		sections: []formSection{
			{"", []string{"name", "id_number", "sex", "birth_date", "household_id", "relation", "phone", "status"}},
		},
		saveLabel: "保存并选用",
		back:      func() { d.Hide() },
		onSaved: func(_ *recordForm, e store.Entity) {
			d.Hide()
			done(store.MetaOf(e).ID)
		},
		refCreate: map[string]func(*recordForm, func(uuid.UUID)){},
	})
	d = dialog.NewCustomWithoutButtons("新建人员", f.content, u.win)
	// Ctrl+S saves this form while the dialog is open.
	u.dialogForm = f
	d.SetOnClosed(func() { u.dialogForm = nil })
	showDialog(u.win, d, fyne.NewSize(640, 600))
}

package app

import (
	"encoding/json"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// A record moves along its workflow through the store: which moves there
// are (store.NextStatuses), who makes each and what it asks for
// (store.StepOf), and the record moved with the step's date and defaults
// (Reader.PrepareStep). The window only shows them: a button per move, the
// step's fields in a form when it asks for any, a question first when the
// move ends the record's course. The command line's `record step` does the
// same moves.

// moveButtons are the buttons for the moves a record may make now, except
// those in skip (moves a screen offers its own way, such as disbursement).
// A move the store would refuse whatever the person fills in (结清 while a
// balance is left) is shown disabled, with the store's reason in a line
// under the buttons, instead of failing after a click.
func (u *UI) moveButtons(e store.Entity, run func(to string), skip ...string) []fyne.CanvasObject {
	k := store.KindOf(e)
	from := statusOf(e)
	var out []fyne.CanvasObject
	var why []string
	for _, to := range store.NextStatuses(k, from) {
		if oneOf(to, skip) {
			continue
		}
		to := to
		st, _ := store.StepOf(k, from, to)
		b := newButton(moveLabel(k, to, st), func() { run(to) })
		if store.Ending(to) {
			b.Importance = widget.DangerImportance
			b.SetIcon(theme.CancelIcon())
		}
		if reason := u.moveBlocked(e, to, st); reason != "" {
			b.Disable()
			why = append(why, moveLabel(k, to, st)+"："+reason)
		}
		out = append(out, b)
	}
	if len(why) > 0 {
		out = append(out, para("暂不能办理的："+strings.Join(why, "；")))
	}
	return out
}

// moveLabel names a move on its button: a step of a chain by the status it
// reaches (办理：乡镇审核), another move by what it is (办理退住, 请假外出).
func moveLabel(k store.Kind, to string, st store.Step) string {
	switch {
	case strings.HasPrefix(st.Who, "办理"):
		return st.Who
	case isChainStep(k, to):
		return "办理：" + to
	case st.Who != "":
		return st.Who
	}
	return "改为“" + to + "”"
}

func isChainStep(k store.Kind, to string) bool {
	for _, s := range store.StepsOf(k) {
		if s.Status == to {
			return true
		}
	}
	return false
}

// moveBlocked is why the store would refuse a move whatever the step's
// own fields say ("" when it would not): the record moved as the step
// would move it is checked, and only problems outside the step's fields
// count.
func (u *UI) moveBlocked(e store.Entity, to string, st store.Step) string {
	var moved store.Entity
	err := u.st.View(func(r *store.Reader) error {
		var err error
		moved, err = r.PrepareStep(e, to, u.today(), u.author())
		return err
	})
	if err != nil {
		return store.MessageOf(err)
	}
	res, err := u.st.Check(moved)
	if err != nil {
		return ""
	}
	var msgs []string
	for _, p := range res.Problems {
		if !oneOf(p.Field, st.Fields) {
			msgs = append(msgs, p.Message)
		}
	}
	return strings.Join(msgs, "；")
}

// statusOf reads a record's stored status.
func statusOf(e store.Entity) string {
	var s string
	_ = json.Unmarshal(store.FieldValues(e)["status"], &s)
	return s
}

// move makes a record move to a status: it asks first when the move ends
// the record's course; a move that asks for nothing is saved at once, one
// that asks for fields (an opinion and date, a discharge's reason) opens
// them in a form in the panel. done runs with the record once saved.
func (u *UI) move(slot **recordForm, p *panel, e store.Entity, to string, back func(), done func(store.Entity)) {
	k := store.KindOf(e)
	st, _ := store.StepOf(k, statusOf(e), to)
	what := st.Who
	if what == "" {
		what = "改为“" + to + "”"
	}
	start := func() {
		var moved store.Entity
		err := u.st.View(func(r *store.Reader) error {
			var err error
			moved, err = r.PrepareStep(e, to, u.today(), u.author())
			return err
		})
		if err != nil {
			u.showError("不能办理", err)
			return
		}
		if len(st.Fields) == 0 {
			if _, err := u.st.Save(moved, u.author()); err != nil {
				u.showError("办理失败", err)
				return
			}
			u.setStatus("%s已%s", store.KindLabel(k), what)
			u.changed()
			done(moved)
			return
		}
		f := u.editIn(slot, p, what+"："+u.titleOf(store.MetaOf(e).ID.String()), moved, formOptions{
			sections:  []formSection{{"", append(st.Fields, "status")}},
			readOnly:  []string{"status"},
			saveLabel: "确定" + what,
			onSaved:   func(_ *recordForm, saved store.Entity) { done(saved) },
		}, back)
		if store.Ending(to) {
			f.saveBtn.Importance = widget.DangerImportance
			f.saveBtn.Refresh()
		}
	}
	if !store.Ending(to) {
		start()
		return
	}
	u.confirmDanger(what, "“"+what+"”后，这份"+store.KindLabel(k)+"就此结束，不能再往下办理。确定吗？", start)
}

// confirmDanger asks before an action that cannot be taken back, with the
// action's own name on a red button and 取消 beside it.
func (u *UI) confirmDanger(action, question string, yes func()) {
	confirmDangerIn(u.win, action, question, yes)
}

// confirmDangerIn is confirmDanger on a window without a UI (the page a
// damaged file opens on).
func confirmDangerIn(w fyne.Window, action, question string, yes func()) {
	d := dialog.NewCustomConfirm(action, action, "取消", para(question), func(ok bool) {
		if ok {
			yes()
		}
	}, w)
	d.SetConfirmImportance(widget.DangerImportance)
	showDialog(w, d, fyne.NewSize(480, 240))
}

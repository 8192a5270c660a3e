package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// firstStep is one thing a new station does before its records mean
// anything, with whether it is done and where to do it.
type firstStep struct {
	label string
	done  bool
	do    func()
}

// firstSteps are the first steps of a new station: who works at it, the
// village roster, the register of elderly to visit, enrolment with the
// county. The home page lists them until all are done.
func (u *UI) firstSteps() []firstStep {
	has := func(k store.Kind) bool {
		found := false
		_ = u.st.View(func(r *store.Reader) error {
			return r.EachID(k, u.scope(), func(uuid.UUID, string) error {
				found = true
				return errStop
			})
		})
		return found
	}
	return []firstStep{
		{"为本站其他工作人员建立操作员账号（设置 › 操作员）", u.operatorCount() > 1, func() { u.showScreen(u.settings) }},
		{"导入村花名册（Excel 或 CSV），建立农户和人员", has(store.KindPerson), func() {
			u.showScreen(u.loans)
			u.importRoster()
		}},
		{"建立特殊困难老年人探访名册", has(store.KindElderlyProfile), func() {
			u.showScreen(u.visits)
			if u.screens[u.current].s == u.visits {
				u.visits.tabs.SelectIndex(0)
				u.visits.editProfile(&store.ElderlyProfile{EnrolDate: u.today()})
			}
		}},
		{"用县级中心发的凭证文件登记本站，以便同步", u.node != nil, func() { u.showScreen(u.syncs) }},
	}
}

// errStop ends a walk over an index early.
var errStop = &store.Error{Code: "STOP"}

// firstStepsCard lists the first steps, each not yet done with its
// button, while the station is still empty (no roster or no register
// yet); nil once it has its records or every step is done.
func (u *UI) firstStepsCard() fyne.CanvasObject {
	steps := u.firstSteps()
	if steps[1].done && steps[2].done {
		return nil
	}
	box := container.NewVBox(para("这是一个新站点。先做好下面几步，首页的统计才有内容："))
	left := 0
	for i, s := range steps {
		mark := "○"
		if s.done {
			mark = "●"
		} else {
			left++
		}
		line := para(mark + " " + string(rune('1'+i)) + ". " + s.label)
		var act fyne.CanvasObject = widget.NewLabel("已完成")
		if !s.done {
			b := newButtonWithIcon("去办理", theme.NavigateNextIcon(), s.do)
			b.Importance = widget.HighImportance
			act = b
		}
		box.Add(container.NewBorder(nil, nil, nil, act, line))
	}
	if left == 0 {
		return nil
	}
	return card("开始使用村站", box)
}

package app

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// visitsScreen is 探访: the register of elderly to visit, quick entry of a
// visit, the month's visits, referrals and purchased home-care services.
type visitsScreen struct {
	u    *UI
	tabs *container.AppTabs

	// register
	regFilter *choiceChips
	regSearch *searchBox
	regList   *lazyList
	regPanel  *panel
	regForm   *recordForm
	regDetail *detailView

	// quick entry
	newTab    *container.TabItem
	pickBox   *searchBox
	pickList  *lazyList
	visitForm *recordForm
	visitBox  *fyne.Container

	// the month's visits
	month     *keyEntry
	visitList *lazyList
	visitInfo *panel
	infoForm  *recordForm // a move of the open visit

	// referrals
	refList  *lazyList
	refPanel *panel
	refForm  *recordForm

	// home care
	entList  *lazyList
	entPanel *panel
	svcForm  *recordForm
	entForm  *recordForm

	// family doctors (doctor.go)
	doctors *doctorTab
}

func newVisitsScreen(u *UI) *visitsScreen { return &visitsScreen{u: u} }

// form is the record form of the tab in front (Ctrl+S saves it).
func (v *visitsScreen) form() *recordForm {
	if v.tabs == nil {
		return nil
	}
	switch v.tabs.SelectedIndex() {
	case 0:
		return v.regForm
	case 1:
		return v.visitForm
	case 2:
		return v.infoForm
	case 3:
		return v.refForm
	case 4:
		if v.entForm != nil {
			return v.entForm
		}
		return v.svcForm
	case 5:
		return v.doctorForm()
	}
	return nil
}

func (v *visitsScreen) dirty() bool {
	for _, f := range []*recordForm{v.visitForm, v.regForm, v.refForm, v.svcForm, v.entForm, v.infoForm, v.doctorForm()} {
		if f.dirty() {
			return true
		}
	}
	return false
}

func (v *visitsScreen) build() fyne.CanvasObject {
	v.doctors = &doctorTab{u: v.u, v: v}
	v.newTab = container.NewTabItemWithIcon("登记探访", theme.ContentAddIcon(), v.buildQuickEntry())
	v.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("探访对象名册", theme.ListIcon(), v.buildRegister()),
		v.newTab,
		container.NewTabItemWithIcon("探访记录", theme.HistoryIcon(), v.buildVisitList()),
		container.NewTabItemWithIcon("需求转介", theme.MailForwardIcon(), v.buildReferrals()),
		container.NewTabItemWithIcon("居家服务", theme.HomeIcon(), v.buildHomecare()),
		container.NewTabItemWithIcon("家庭医生", theme.AccountIcon(), v.doctors.build()),
	)
	v.tabs.OnSelected = func(*container.TabItem) { v.refresh() }
	return v.tabs
}

func (v *visitsScreen) refresh() {
	if v.tabs == nil {
		return
	}
	switch v.tabs.SelectedIndex() {
	case 0:
		v.regSearch.search()
	case 1:
		v.pickBox.search()
	case 2:
		v.loadVisits()
	case 3:
		v.loadReferrals()
	case 4:
		v.loadEntitlements()
	case 5:
		v.doctors.refresh()
	}
}

// ---- register ----

func (v *visitsScreen) buildRegister() fyne.CanvasObject {
	v.regList = newLazyList(v.u, []column{colName, colVillage, colBorn, {title: "风险分级", sample: "高风险"}, {title: "频次", sample: "每季度"}, {title: "上次探访", sample: "2025-11-30"}, colStatus}, v.registerRow)
	v.regSearch = newSearchBox(v.u, "按姓名、拼音首字母或身份证号查找", v.regList, v.registerQuery)
	v.regFilter = newChoiceChips([]string{"全部", "本月未访", "高风险"}, "全部", func(string) { v.regSearch.search() })
	v.regPanel = newPanel("在左侧选择一位老人")
	v.regList.onSelect = v.openProfile
	add := newButtonWithIcon("新建探访对象", theme.ContentAddIcon(), func() {
		v.u.guard("新建", func() { v.editProfile(&store.ElderlyProfile{EnrolDate: v.u.today()}) })
	})
	left := container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, add, v.regSearch.entry), v.regFilter.box), nil, nil, nil, v.regList.obj)
	split := listSplit(v.regList, left, v.regPanel.box)
	return split
}

// registerQuery lists the register: everyone, or those a search finds,
// narrowed by the filter chosen (not yet visited this month, high risk) —
// the filter holds while a search is typed.
func (v *visitsScreen) registerQuery(r *store.Reader, q string) ([]uuid.UUID, int, error) {
	scope := v.u.scope()
	month := store.MonthOf(v.u.today())
	filter := v.regFilter.selected
	var ids []uuid.UUID
	if strings.TrimSpace(q) != "" {
		// Every match, not a first page: the list is virtualized.
		hits, _, err := r.Search(q, scope, searchAll)
		if err != nil {
			return nil, 0, err
		}
		for _, h := range hits {
			refs, _ := r.Refs(h.ID, store.KindElderlyProfile)
			ids = append(ids, refs...)
		}
	} else if filter != "本月未访" {
		err := r.EachID(store.KindElderlyProfile, scope, func(id uuid.UUID, _ string) error {
			ids = append(ids, id)
			return nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	switch filter {
	case "本月未访":
		due, _, err := r.DueVisits(scope, month, 0)
		if err != nil {
			return nil, 0, err
		}
		if strings.TrimSpace(q) == "" {
			for _, d := range due {
				ids = append(ids, d.ProfileID)
			}
			break
		}
		notYet := map[uuid.UUID]bool{}
		for _, d := range due {
			notYet[d.ProfileID] = true
		}
		ids = keepIDs(ids, func(id uuid.UUID) bool { return notYet[id] })
	case "高风险":
		ids = keepIDs(ids, func(id uuid.UUID) bool {
			e, _ := r.Live(id, store.KindElderlyProfile)
			return e != nil && e.(*store.ElderlyProfile).RiskTier == "高风险"
		})
	}
	return ids, len(ids), nil
}

// searchAll asks a search for every match it can collect.
const searchAll = 1 << 20

func keepIDs(ids []uuid.UUID, keep func(uuid.UUID) bool) []uuid.UUID {
	out := ids[:0]
	for _, id := range ids {
		if keep(id) {
			out = append(out, id)
		}
	}
	return out
}

func (v *visitsScreen) registerRow(r *store.Reader, id uuid.UUID) []string {
	e, _ := r.Live(id, store.KindElderlyProfile)
	ep, ok := e.(*store.ElderlyProfile)
	if !ok {
		return []string{"（已删除）"}
	}
	p := personOf(r, ep.PersonID)
	last := r.LastVisit(id, store.MonthOf(v.u.today()), 12)
	if last == "" {
		last = "—"
	}
	return []string{p.name, p.village, p.born, ep.RiskTier, ep.RequiredFreq, string(last), r.StatusOn(ep, v.u.today())}
}

func (v *visitsScreen) openProfile(id uuid.UUID) {
	v.u.guard("查看其他老人", func() {
		v.regForm = nil
		e, err := v.u.st.Get(id)
		if err != nil {
			v.u.showError("读取失败", err)
			return
		}
		ep := e.(*store.ElderlyProfile)
		d := newDetailView(v.u, ep)
		v.regDetail = d
		visit := newButtonWithIcon("登记探访", theme.ContentAddIcon(), func() {
			v.startNew(&id)
		})
		visit.Importance = widget.HighImportance
		edit := newButtonWithIcon("修改档案", theme.DocumentCreateIcon(), func() { v.editProfile(ep) })
		doctor := newButtonWithIcon("村医上门", theme.ContentAddIcon(), func() { v.startVisit(&id, true) })
		history := para(v.visitHistory(id))
		history.Wrapping = fyne.TextWrapBreak
		var signing string
		_ = v.u.st.View(func(r *store.Reader) error {
			signing = signingLine(r, ep.PersonID, v.u.today())
			return nil
		})
		v.regPanel.set(scrolled(container.NewVBox(
			heading(v.u.titleOf(id.String())),
			flow(visit, doctor, edit),
			para(signing),
			d.obj,
			heading("最近探访"),
			history,
		)))
	})
}

// visitHistory lists the last visits of one elder, newest first.
func (v *visitsScreen) visitHistory(profile uuid.UUID) string {
	var lines []string
	_ = v.u.st.View(func(r *store.Reader) error {
		vs, _ := r.RefEntities(profile, store.KindVisit)
		sort.Slice(vs, func(i, j int) bool { return vs[i].(*store.Visit).VisitDate > vs[j].(*store.Visit).VisitDate })
		for i, e := range vs {
			if i == 12 {
				break
			}
			x := e.(*store.Visit)
			lines = append(lines, fmt.Sprintf("%s  %s  %s  %s", x.VisitDate, x.Method, strings.Join(x.Visitors, "、"), x.Status))
		}
		return nil
	})
	if len(lines) == 0 {
		return "尚无探访记录"
	}
	return strings.Join(lines, "\n")
}

func (v *visitsScreen) editProfile(ep *store.ElderlyProfile) {
	v.regForm = newRecordForm(v.u, ep, formOptions{
		sections: []formSection{
			{"基本情况", []string{"person_id", "enrol_date", "hardship_types", "living_arrangement", "homecare_class"}},
			{"探访安排", []string{"risk_tier", "risk_override_reason", "required_freq", "assigned_visitors"}},
			{"赡养人与紧急联系人", []string{"supporters", "emergency_contact"}},
			{"状态", []string{"status", "pause_reason", "expected_return", "exit_date", "exit_reason"}},
		},
		onSaved: func(f *recordForm, e store.Entity) { v.regSearch.search() },
	})
	title := "新建探访对象"
	if !v.regForm.isNew() {
		title = "修改探访档案：" + v.u.titleOf(store.MetaOf(ep).ID.String())
	}
	v.regPanel.set(titled(title, v.regForm.content))
}

// ---- quick entry of a visit ----

func (v *visitsScreen) buildQuickEntry() fyne.CanvasObject {
	v.pickList = newLazyList(v.u, []column{colName, colVillage, colBorn, {title: "风险分级", sample: "高风险"}, {title: "上次探访", sample: "2025-11-30"}}, func(r *store.Reader, id uuid.UUID) []string {
		row := v.registerRow(r, id)
		if len(row) < 6 {
			return row
		}
		return []string{row[0], row[1], row[2], row[3], row[5]}
	})
	v.pickBox = newSearchBox(v.u, "① 输入老人姓名或拼音首字母，回车选第一位", v.pickList, func(r *store.Reader, q string) ([]uuid.UUID, int, error) {
		if strings.TrimSpace(q) == "" {
			// With nothing typed: who is still due this month.
			due, n, err := r.DueVisits(v.u.scope(), store.MonthOf(v.u.today()), 0)
			ids := make([]uuid.UUID, len(due))
			for i, d := range due {
				ids[i] = d.ProfileID
			}
			return ids, n, err
		}
		var ids []uuid.UUID
		hits, _, err := r.Search(q, v.u.scope(), 200)
		for _, h := range hits {
			for _, id := range mustRefs(r, h.ID, store.KindElderlyProfile) {
				if e, _ := r.Live(id, store.KindElderlyProfile); e != nil && e.(*store.ElderlyProfile).Status != "退出" {
					ids = append(ids, id)
				}
			}
		}
		return ids, len(ids), err
	})
	v.pickList.onSelect = func(id uuid.UUID) {
		v.u.guard("换一位老人", func() { v.startNew(&id) })
	}
	picker := container.NewGridWrap(fyne.NewSize(560, 190), v.pickList.obj)
	v.visitBox = container.NewStack(container.NewCenter(widget.NewLabel("先在上面选择要登记的老人。")))
	top := container.NewVBox(v.pickBox.entry, picker)
	return container.NewBorder(top, nil, nil, nil, v.visitBox)
}

func mustRefs(r *store.Reader, id uuid.UUID, k store.Kind) []uuid.UUID {
	ids, _ := r.Refs(id, k)
	return ids
}

// startNew opens a new visit form, for an elder when profile is given
// (from the dashboard, the register or the picker), prefilled with what a
// usual visit records.
func (v *visitsScreen) startNew(profile *uuid.UUID) { v.startVisit(profile, false) }

// startVisit is startNew; doctor starts a village doctor's home visit
// (村医上门), by the doctor of the elder's signing.
func (v *visitsScreen) startVisit(profile *uuid.UUID, doctor bool) {
	if v.tabs == nil {
		v.u.show(2)
	}
	v.tabs.Select(v.newTab)
	if profile == nil {
		v.visitForm = nil
		v.visitBox.Objects = []fyne.CanvasObject{container.NewCenter(widget.NewLabel("先在上面选择要登记的老人。"))}
		v.visitBox.Refresh()
		v.u.win.Canvas().Focus(v.pickBox.entry)
		return
	}
	var visit *store.Visit
	err := v.u.st.View(func(r *store.Reader) error {
		var err error
		if doctor {
			visit, err = r.NewDoctorVisit(*profile, v.u.today(), v.u.operator)
		} else {
			visit, err = r.NewVisit(*profile, v.u.today(), v.u.operator)
		}
		return err
	})
	if err != nil {
		v.u.showError("无法登记探访", err)
		return
	}
	draft := newButtonWithIcon("存为草稿", theme.DocumentIcon(), nil)
	again := newButtonWithIcon("再登记一位", theme.ContentAddIcon(), func() {
		v.u.guard("再登记一位", func() { v.startNew(nil) })
	})
	v.visitForm = newRecordForm(v.u, visit, formOptions{
		sections: []formSection{
			{"对象与方式", []string{"elderly_id", "visit_date", "start_time", "end_time", "method", "visitors"}},
			{"见面情况", []string{"saw_elder", "not_seen_reason"}},
			{"身体与精神", []string{"health_check", "mental_check", "mental_note"}},
			{"生活与经济", []string{"living_difficulty", "benefits"}},
			{"赡养与安全", []string{"support_check", "support_note", "safety_hazards", "safety_action", "hygiene_check"}},
			{"需求与处置", []string{"needs", "issues", "actions", "risk_after_visit", "next_visit_date"}},
			{"确认", []string{"confirmation", "confirmation_note", "status", "visit_no"}},
		},
		hide:      []string{"corrects_visit_id", "correction_reason"},
		readOnly:  []string{"elderly_id"},
		saveLabel: "保存探访记录",
		extra:     []fyne.CanvasObject{draft, again},
		onSaved: func(f *recordForm, e store.Entity) {
			x := e.(*store.Visit)
			f.setMessage(fmt.Sprintf("已保存探访记录 %s。按“再登记一位”继续。", x.VisitNo), false)
			v.pickBox.entry.SetText("")
			v.pickBox.search()
		},
	})
	draft.OnTapped = touched(func() {
		v.visitForm.setValue("status", "草稿")
		v.visitForm.save()
	})
	v.visitBox.Objects = []fyne.CanvasObject{v.visitForm.content}
	v.visitBox.Refresh()
	// The keyboard goes to the first thing usually typed: the start time.
	if c := v.visitForm.ctls["start_time"]; c != nil && c.focus != nil {
		v.u.win.Canvas().Focus(c.focus)
	}
}

// ---- the month's visits ----

func (v *visitsScreen) buildVisitList() fyne.CanvasObject {
	v.month = newKeyEntry()
	v.month.SetText(string(store.MonthOf(v.u.today())))
	v.month.OnSubmitted = func(string) { v.loadVisits() }
	v.visitList = newLazyList(v.u, []column{colDate, colName, colVillage, {title: "方式", sample: "电话视频"}, {title: "探访人", sample: "张红梅、李建国"}, {title: "研判", sample: "需关注"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindVisit)
		x, ok := e.(*store.Visit)
		if !ok {
			return []string{"（已删除）"}
		}
		var p person
		if ep, _ := r.LiveByString(x.ElderlyID, store.KindElderlyProfile); ep != nil {
			p = personOf(r, ep.(*store.ElderlyProfile).PersonID)
		}
		return []string{string(x.VisitDate), p.name, p.village, x.Method, strings.Join(x.Visitors, "、"), x.RiskAfterVisit, x.Status}
	})
	v.visitInfo = newPanel("选择一条探访记录查看")
	v.visitList.onSelect = v.openVisit
	load := newButtonWithIcon("查询", theme.SearchIcon(), v.loadVisits)
	top := container.NewBorder(nil, nil, widget.NewLabel("月份"), load, v.month)
	split := listSplit(v.visitList, container.NewBorder(top, nil, nil, nil, v.visitList.obj), v.visitInfo.box)
	return split
}

func (v *visitsScreen) loadVisits() {
	m, err := store.ParseMonth(strings.TrimSpace(v.month.Text))
	if err != nil {
		v.visitList.count.SetText("月份应写成 年-月，如 2025-11")
		return
	}
	scope := v.u.scope()
	v.u.async(func() {
		var ids []uuid.UUID
		err := v.u.st.View(func(r *store.Reader) error {
			byProfile, err := r.MonthVisits(m)
			if err != nil {
				return err
			}
			var all []*store.Visit
			for _, vs := range byProfile {
				for _, x := range vs {
					if strings.HasPrefix(store.MetaOf(x).Scope, scope) {
						all = append(all, x)
					}
				}
			}
			sort.Slice(all, func(i, j int) bool {
				if all[i].VisitDate != all[j].VisitDate {
					return all[i].VisitDate > all[j].VisitDate
				}
				return all[i].VisitNo > all[j].VisitNo
			})
			for _, x := range all {
				ids = append(ids, store.MetaOf(x).ID)
			}
			return nil
		})
		fyne.Do(func() {
			if err != nil {
				v.u.showError("读取探访记录失败", err)
				return
			}
			v.visitList.set(ids, len(ids))
		})
	})
}

func (v *visitsScreen) openVisit(id uuid.UUID) {
	e, err := v.u.st.Get(id)
	if err != nil {
		v.u.showError("读取失败", err)
		return
	}
	x := e.(*store.Visit)
	v.infoForm = nil
	d := newDetailView(v.u, x)
	// Submitting a draft asks for what a submitted visit must have (its
	// times, the checks); review and lock are one click.
	actions := v.u.moveButtons(x, func(to string) {
		v.u.move(&v.infoForm, v.visitInfo, x, to, func() { v.openVisit(id) }, func(store.Entity) { v.openVisit(id) })
	})
	correct := newButtonWithIcon("新建更正记录", theme.DocumentCreateIcon(), func() {
		v.startCorrection(id)
	})
	refer := newButtonWithIcon("发起转介", theme.MailForwardIcon(), func() {
		v.tabs.SelectIndex(3)
		v.editReferral(&store.Referral{VisitID: id.String(), Urgency: "一般", DueDate: v.u.today().AddDays(7)})
	})
	actions = append(actions, correct, refer)
	v.visitInfo.set(scrolled(container.NewVBox(heading(v.u.titleOf(id.String())), flow(actions...), d.obj)))
}

// startCorrection opens a new visit that corrects a submitted one: visits
// are events, so a mistake is fixed by a new record naming the old.
func (v *visitsScreen) startCorrection(id uuid.UUID) {
	var fix *store.Visit
	err := v.u.st.View(func(r *store.Reader) error {
		var err error
		fix, err = r.NewVisitCorrection(id)
		return err
	})
	if err != nil {
		v.u.showError("不能更正", err)
		return
	}
	old := v.u.titleOf(id.String())
	v.tabs.Select(v.newTab)
	v.visitForm = newRecordForm(v.u, fix, formOptions{
		readOnly:  []string{"elderly_id", "corrects_visit_id"},
		saveLabel: "保存更正记录",
		onSaved:   func(f *recordForm, e store.Entity) { f.setMessage("已保存更正记录。", false) },
	})
	v.visitBox.Objects = []fyne.CanvasObject{titled("更正探访记录："+old, v.visitForm.content)}
	v.visitBox.Refresh()
}

// ---- referrals ----

func (v *visitsScreen) buildReferrals() fyne.CanvasObject {
	v.refList = newLazyList(v.u, []column{colName, colVillage, {title: "需求", sample: "生活照料"}, {title: "转介给", sample: "乡镇卫生院"}, {title: "紧急", sample: "紧急"}, {title: "期限", sample: "2025-11-30"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindReferral)
		x, ok := e.(*store.Referral)
		if !ok {
			return []string{"（已删除）"}
		}
		p := visitPerson(r, x.VisitID)
		return []string{p.name, p.village, x.NeedType, x.ReferredTo, x.Urgency, string(x.DueDate), x.Status}
	})
	v.refPanel = newPanel("选择一条转介查看办理情况；新的转介从探访记录发起")
	v.refList.onSelect = func(id uuid.UUID) {
		v.u.guard("查看其他转介", func() {
			e, err := v.u.st.Get(id)
			if err != nil {
				v.u.showError("读取失败", err)
				return
			}
			v.editReferral(e.(*store.Referral))
		})
	}
	split := listSplit(v.refList, v.refList.obj, v.refPanel.box)
	return split
}

func (v *visitsScreen) loadReferrals() {
	v.u.async(func() {
		var ids []uuid.UUID
		err := v.u.st.View(func(r *store.Reader) error {
			return r.EachID(store.KindReferral, v.u.scope(), func(id uuid.UUID, _ string) error {
				ids = append(ids, id)
				return nil
			})
		})
		// Newest first (ids are UUIDv7, ordered by creation time).
		sort.Slice(ids, func(i, j int) bool { return ids[i].String() > ids[j].String() })
		fyne.Do(func() {
			if err == nil {
				v.refList.set(ids, len(ids))
			}
		})
	})
}

func (v *visitsScreen) editReferral(ref *store.Referral) {
	v.refForm = newRecordForm(v.u, ref, formOptions{
		readOnly: []string{"visit_id"},
		onSaved:  func(*recordForm, store.Entity) { v.loadReferrals() },
	})
	v.refPanel.set(titled("需求转介单", v.refForm.content))
}

// ---- home care ----

func (v *visitsScreen) buildHomecare() fyne.CanvasObject {
	v.entList = newLazyList(v.u, []column{colName, colVillage, {title: "等级", sample: "60分以上"}, {title: "工时/月", sample: "88"}, {title: "有效期", sample: "2025-01-01 至 2025-12-31"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindHomecareEntitlement)
		h, ok := e.(*store.HomecareEntitlement)
		if !ok {
			return []string{"（已删除）"}
		}
		p := personOf(r, h.PersonID)
		return []string{p.name, p.village, h.Class, fmt.Sprint(h.HoursPerMonth), string(h.ValidFrom) + " 至 " + string(h.ValidTo), r.StatusOn(h, v.u.today())}
	})
	v.entPanel = newPanel("选择一位享受购买服务的老人，登记服务记录")
	v.entList.onSelect = func(id uuid.UUID) { v.u.guard("查看其他老人", func() { v.openEntitlement(id) }) }
	add := newButtonWithIcon("新建服务资格", theme.ContentAddIcon(), func() {
		v.svcForm = nil
		v.entForm = newRecordForm(v.u, &store.HomecareEntitlement{ValidFrom: v.u.today()}, formOptions{
			onSaved: func(*recordForm, store.Entity) { v.loadEntitlements() },
		})
		v.entPanel.set(titled("新建购买服务资格", v.entForm.content))
	})
	split := listSplit(v.entList, container.NewBorder(flow(add), nil, nil, nil, v.entList.obj), v.entPanel.box)
	return split
}

func (v *visitsScreen) loadEntitlements() {
	v.u.async(func() {
		var ids []uuid.UUID
		err := v.u.st.View(func(r *store.Reader) error {
			return r.EachID(store.KindHomecareEntitlement, v.u.scope(), func(id uuid.UUID, _ string) error {
				ids = append(ids, id)
				return nil
			})
		})
		fyne.Do(func() {
			if err == nil {
				v.entList.set(ids, len(ids))
			}
		})
	})
}

func (v *visitsScreen) openEntitlement(id uuid.UUID) {
	e, err := v.u.st.Get(id)
	if err != nil {
		v.u.showError("读取失败", err)
		return
	}
	h := e.(*store.HomecareEntitlement)
	v.entForm = nil
	var lines []string
	_ = v.u.st.View(func(r *store.Reader) error {
		svcs, _ := r.RefEntities(id, store.KindServiceRecord)
		sort.Slice(svcs, func(i, j int) bool {
			return svcs[i].(*store.ServiceRecord).ServiceDate > svcs[j].(*store.ServiceRecord).ServiceDate
		})
		for i, x := range svcs {
			if i == 20 {
				break
			}
			s := x.(*store.ServiceRecord)
			lines = append(lines, fmt.Sprintf("%s %s–%s %s小时 %s %s %s", s.ServiceDate, s.StartTime, s.EndTime, hoursText(s.HalfHours), strings.Join(s.Items, "、"), s.Caregiver, s.Status))
		}
		return nil
	})
	history := para(strings.Join(lines, "\n"))
	if len(lines) == 0 {
		history.SetText("尚无服务记录")
	}
	v.svcForm = newRecordForm(v.u, &store.ServiceRecord{EntitlementID: id.String(), ServiceDate: v.u.today()}, formOptions{
		readOnly:  []string{"entitlement_id"},
		hide:      []string{"person_id"},
		saveLabel: "登记服务",
		onSaved: func(f *recordForm, _ store.Entity) {
			v.openEntitlement(id)
		},
		before: []fyne.CanvasObject{newDetailView(v.u, h).obj, heading("登记一次服务")},
		after:  []fyne.CanvasObject{heading("最近服务记录"), history},
	})
	v.entPanel.set(titled(v.u.titleOf(id.String()), v.svcForm.content))
}

// hoursText shows half-hours as hours: 3 → "1.5".
func hoursText(half int) string {
	if half%2 == 0 {
		return fmt.Sprint(half / 2)
	}
	return fmt.Sprintf("%d.5", half/2)
}

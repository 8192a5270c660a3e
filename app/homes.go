package app

import (
	"encoding/json"
	"fmt"
	"image/color"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// homesScreen is 幸福院: the homes, a grid of rooms and beds, residents,
// admission and discharge, and ability assessments with the score and level
// shown as the items are entered.
type homesScreen struct {
	u *UI

	homeList *lazyList
	panel    *panel
	homeID   uuid.UUID

	beds      *fyne.Container
	residents *widget.Label
	tabs      *container.AppTabs

	editor *recordForm // the form open in the panel, if any
	// scores and result belong to the open assessment form.
	scores *scoreGrid
	result *widget.Label
	// bedTiles maps a bed number to its tile (tests tap them).
	bedTiles map[string]*bedTile
}

func newHomesScreen(u *UI) *homesScreen { return &homesScreen{u: u, bedTiles: map[string]*bedTile{}} }

func (h *homesScreen) form() *recordForm { return h.editor }
func (h *homesScreen) dirty() bool       { return h.editor.dirty() }

func (h *homesScreen) build() fyne.CanvasObject {
	h.homeList = newLazyList(h.u, []column{{title: "幸福院", sample: "甲村互助幸福院"}, {title: "床位", sample: "88"}}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindHome)
		home, ok := e.(*store.Home)
		if !ok {
			return []string{"（已删除）"}
		}
		return []string{home.Name, fmt.Sprint(len(mustRefs(r, id, store.KindBed)))}
	})
	h.homeList.onSelect = func(id uuid.UUID) { h.u.guard("查看其他幸福院", func() { h.openHome(id) }) }
	add := newButtonWithIcon("新建幸福院", theme.ContentAddIcon(), func() {
		h.u.guard("新建", func() {
			h.edit("新建幸福院", &store.Home{VillageCode: h.u.scope(), Status: "运营"}, formOptions{})
		})
	})
	h.panel = newPanel("在左侧选择一个幸福院")
	split := listSplit(h.homeList, container.NewBorder(flow(add), nil, nil, nil, h.homeList.obj), h.panel.box)
	return split
}

func (h *homesScreen) refresh() {
	h.u.async(func() {
		var ids []uuid.UUID
		err := h.u.st.View(func(r *store.Reader) error {
			return r.EachID(store.KindHome, h.u.scope(), func(id uuid.UUID, _ string) error {
				ids = append(ids, id)
				return nil
			})
		})
		fyne.Do(func() {
			if err != nil {
				h.u.showError("读取幸福院失败", err)
				return
			}
			h.homeList.set(ids, len(ids))
			if h.homeID == uuid.Nil && len(ids) > 0 {
				h.openHome(ids[0])
			} else if h.homeID != uuid.Nil && h.editor == nil {
				h.openHome(h.homeID)
			}
		})
	})
}

// edit puts a record form in the panel; saving or going back returns to
// the home.
func (h *homesScreen) edit(title string, e store.Entity, opts formOptions) *recordForm {
	return h.u.editIn(&h.editor, h.panel, title, e, opts, func() {
		if h.homeID != uuid.Nil {
			h.openHome(h.homeID)
		}
	})
}

// openHome shows one home: its beds, residents, admissions and
// assessments.
func (h *homesScreen) openHome(id uuid.UUID) {
	h.homeID = id
	h.editor = nil
	e, err := h.u.st.Get(id)
	if err != nil {
		h.u.showError("读取失败", err)
		return
	}
	home := e.(*store.Home)
	h.beds = container.NewVBox()
	h.bedTiles = map[string]*bedTile{}
	h.residents = widget.NewLabel("")
	h.residents.Wrapping = fyne.TextWrapBreak
	h.loadBeds(home)

	admissions := newLazyList(h.u, []column{colName, colVillage, colBorn, {title: "登记编号", sample: "RZ-130131190201-2025-001"}, {title: "入住日期", sample: "2025-11-30"}, colStatus}, func(r *store.Reader, aid uuid.UUID) []string {
		x, _ := r.Live(aid, store.KindAdmission)
		a, ok := x.(*store.Admission)
		if !ok {
			return []string{"（已删除）"}
		}
		p := personOf(r, a.PersonID)
		return []string{p.name, p.village, p.born, a.AdmissionNo, string(a.CheckinDate), r.StatusOn(a, h.u.today())}
	})
	admissions.onSelect = h.openAdmission
	var admIDs []uuid.UUID
	_ = h.u.st.View(func(r *store.Reader) error {
		admIDs, _ = r.Refs(id, store.KindAdmission)
		return nil
	})
	admissions.set(admIDs, len(admIDs))
	newAdm := newButtonWithIcon("入住登记", theme.ContentAddIcon(), func() { h.admit(home, "") })

	assessments := newLazyList(h.u, []column{colName, colBorn, {title: "评估日期", sample: "2025-11-30"}, {title: "标准", sample: "GB/T 42195-2022"}, {title: "等级", sample: "中度失能"}}, func(r *store.Reader, aid uuid.UUID) []string {
		x, _ := r.Live(aid, store.KindAssessment)
		a, ok := x.(*store.Assessment)
		if !ok {
			return []string{"（已删除）"}
		}
		p := personOf(r, a.PersonID)
		return []string{p.name, p.born, string(a.AssessDate), a.Instrument, a.LevelName}
	})
	assessments.onSelect = func(aid uuid.UUID) {
		x, err := h.u.st.Get(aid)
		if err != nil {
			h.u.showError("读取失败", err)
			return
		}
		h.assess(x.(*store.Assessment))
	}
	assessments.set(h.residentAssessments(admIDs))
	newAssess := newButtonWithIcon("新建能力评估", theme.ContentAddIcon(), func() {
		h.assess(&store.Assessment{Instrument: store.InstrumentGB, Reason: "首次评估", AssessDate: h.u.today(), Status: "已完成"})
	})

	addRoom := newButtonWithIcon("添加房间", theme.ContentAddIcon(), func() {
		h.edit("添加房间", &store.Room{HomeID: id.String(), RoomType: "双人"}, formOptions{readOnly: []string{"home_id"}})
	})
	addBed := newButtonWithIcon("添加床位", theme.ContentAddIcon(), func() {
		h.edit("添加床位", &store.Bed{HomeID: id.String(), Status: "空闲"}, formOptions{
			readOnly: []string{"home_id"},
			refFilter: map[string]func(r *store.Reader, e store.Entity) bool{
				"room_id": func(r *store.Reader, e store.Entity) bool { return e.(*store.Room).HomeID == id.String() },
			},
		})
	})
	editHome := newButtonWithIcon("修改基本信息", theme.DocumentCreateIcon(), func() {
		h.edit("修改 "+home.Name, home, formOptions{})
	})

	legend := flow(widget.NewLabel("图例："))
	for _, st := range []string{"空闲", "预留", "占用", "维修", "停用"} {
		legend.Add(newBedTile(st, st, "", nil).obj)
	}
	h.tabs = container.NewAppTabs(
		container.NewTabItem("床位", container.NewBorder(container.NewVBox(flow(addRoom, addBed), legend), nil, nil, nil, container.NewVScroll(h.beds))),
		container.NewTabItem("在住老人", container.NewVScroll(h.residents)),
		container.NewTabItem("入住登记", container.NewBorder(flow(newAdm), nil, nil, nil, admissions.obj)),
		container.NewTabItem("能力评估", container.NewBorder(flow(newAssess), nil, nil, nil, assessments.obj)),
		container.NewTabItem("运营补贴", h.claimsTab(home)),
		container.NewTabItem("基本信息", scrolled(container.NewVBox(flow(editHome), newDetailView(h.u, home).obj))),
	)
	h.panel.set(container.NewBorder(heading(home.Name+"（"+home.HomeType+"，"+home.Status+"）"), nil, nil, nil, h.tabs))
}

// residentAssessments lists the assessments of the home's residents, newest
// first.
func (h *homesScreen) residentAssessments(admIDs []uuid.UUID) ([]uuid.UUID, int) {
	var out []uuid.UUID
	seen := map[string]bool{}
	_ = h.u.st.View(func(r *store.Reader) error {
		for _, aid := range admIDs {
			x, _ := r.Live(aid, store.KindAdmission)
			a, ok := x.(*store.Admission)
			if !ok || seen[a.PersonID] {
				continue
			}
			seen[a.PersonID] = true
			pid, err := uuid.Parse(a.PersonID)
			if err != nil {
				continue
			}
			ids, _ := r.Refs(pid, store.KindAssessment)
			out = append(out, ids...)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].String() > out[j].String() })
	return out, len(out)
}

// loadBeds draws the rooms of a home with a tile per bed, and the list of
// residents.
func (h *homesScreen) loadBeds(home *store.Home) {
	type bedInfo struct {
		bed      *store.Bed
		state    string
		resident string
		adm      *store.Admission
	}
	rooms := map[string][]bedInfo{}
	roomNames := map[string]string{}
	var residents []string
	_ = h.u.st.View(func(r *store.Reader) error {
		beds, _ := r.RefEntities(store.MetaOf(home).ID, store.KindBed)
		for _, x := range beds {
			b := x.(*store.Bed)
			info := bedInfo{bed: b, state: r.BedState(b)}
			admIDs, _ := r.Refs(store.MetaOf(b).ID, store.KindAdmission)
			for _, aid := range admIDs {
				y, _ := r.Live(aid, store.KindAdmission)
				if a, ok := y.(*store.Admission); ok && oneOf(a.Status, store.ActiveAdmission) {
					info.adm = a
					if p, _ := r.LiveByString(a.PersonID, store.KindPerson); p != nil {
						info.resident = p.(*store.Person).Name
					}
					residents = append(residents, fmt.Sprintf("%s  %s  %s入住  %s", info.resident, r.Title(b), a.CheckinDate, a.Status))
				}
			}
			rooms[b.RoomID] = append(rooms[b.RoomID], info)
			if _, ok := roomNames[b.RoomID]; !ok {
				if rm, _ := r.LiveByString(b.RoomID, store.KindRoom); rm != nil {
					room := rm.(*store.Room)
					roomNames[b.RoomID] = room.RoomNo + "室（" + room.RoomType + "）"
				}
			}
		}
		return nil
	})
	var roomIDs []string
	for id := range rooms {
		roomIDs = append(roomIDs, id)
	}
	sort.Slice(roomIDs, func(i, j int) bool { return roomNames[roomIDs[i]] < roomNames[roomIDs[j]] })
	for _, rid := range roomIDs {
		infos := rooms[rid]
		sort.Slice(infos, func(i, j int) bool { return infos[i].bed.BedNo < infos[j].bed.BedNo })
		grid := container.NewGridWrap(fyne.NewSize(150, 84))
		for _, info := range infos {
			info := info
			t := newBedTile(info.bed.BedNo, info.state, info.resident, func() {
				switch {
				case info.adm != nil:
					h.openAdmission(store.MetaOf(info.adm).ID)
				case info.state == "空闲":
					h.admit(home, store.MetaOf(info.bed).ID.String())
				default:
					h.edit("床位 "+info.bed.BedNo, info.bed, formOptions{readOnly: []string{"home_id", "room_id"}})
				}
			})
			h.bedTiles[info.bed.BedNo] = t
			grid.Add(t.obj)
		}
		h.beds.Add(heading(roomNames[rid]))
		h.beds.Add(grid)
	}
	if len(roomIDs) == 0 {
		h.beds.Add(para("还没有房间和床位，请先“添加房间”，再“添加床位”。"))
	}
	sort.Strings(residents)
	if len(residents) == 0 {
		h.residents.SetText("目前没有在住老人。")
	} else {
		h.residents.SetText(fmt.Sprintf("在住/预留 %d 人：\n", len(residents)) + strings.Join(residents, "\n"))
	}
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bedTile is one bed in the grid, coloured by state.
type bedTile struct {
	obj   fyne.CanvasObject
	state string
	tap   func()
	btn   *widget.Button
}

var bedColors = map[string]color.NRGBA{
	"空闲": {R: 0xd8, G: 0xf0, B: 0xdc, A: 0xff},
	"预留": {R: 0xfd, G: 0xec, B: 0xc8, A: 0xff},
	"占用": {R: 0xcf, G: 0xe0, B: 0xf7, A: 0xff},
	"维修": {R: 0xf2, G: 0xd0, B: 0xd0, A: 0xff},
	"停用": {R: 0xe0, G: 0xe0, B: 0xe0, A: 0xff},
}

func newBedTile(no, state, resident string, tap func()) *bedTile {
	bg := canvas.NewRectangle(bedColors[state])
	bg.CornerRadius = 6
	bg.StrokeColor = color.NRGBA{R: 0x90, G: 0x90, B: 0x90, A: 0xff}
	bg.StrokeWidth = 1
	t := &bedTile{state: state, tap: tap}
	if tap == nil {
		// A legend swatch.
		l := canvas.NewText(state, color.Black)
		bg.SetMinSize(fyne.NewSize(56, 26))
		t.obj = container.NewStack(bg, container.NewCenter(l))
		return t
	}
	lines := no + "\n" + state
	if resident != "" {
		lines += "\n" + resident
	}
	t.btn = newButton("", tap)
	t.btn.Importance = widget.LowImportance
	// Dark text on the light state colours, whatever the theme says.
	text := container.NewVBox()
	for i, l := range strings.Split(lines, "\n") {
		ct := canvas.NewText(l, color.NRGBA{R: 0x20, G: 0x20, B: 0x20, A: 0xff})
		ct.Alignment = fyne.TextAlignCenter
		if i == 0 {
			ct.TextStyle.Bold = true
		}
		text.Add(ct)
	}
	t.obj = container.NewStack(bg, t.btn, container.NewCenter(text))
	return t
}

// admit opens the admission form for a home, on a bed when one was tapped.
func (h *homesScreen) admit(home *store.Home, bedID string) {
	homeID := store.MetaOf(home).ID
	today := h.u.today()
	a := &store.Admission{HomeID: homeID.String(), BedID: bedID, StayType: "长期入住", ApplyDate: today, Status: "在住",
		AgreementParties: []string{"老人", "赡养人", "村委会", "幸福院"}, AgreementSignedDate: today}
	// What the chosen elder still lacks for moving in is said as soon as
	// the elder is chosen, with a way to do it.
	missing := container.NewVBox()
	h.edit("入住登记 — "+home.Name, a, formOptions{
		sections: []formSection{
			{"入住安排", []string{"home_id", "person_id", "bed_id", "stay_type", "apply_date", "checkin_date", "status"}},
			{"家庭与赡养", []string{"living_before", "supporters", "emergency_contact"}},
			{"身体与能力", []string{"health_summary", "assessment_id"}},
			{"费用与协议", []string{"meal_fee_fen", "utility_fee_fen", "own_grain", "fee_terms", "agreement_signed_date", "agreement_parties", "note"}},
		},
		readOnly: []string{"home_id"},
		before:   []fyne.CanvasObject{missing},
		refFilter: map[string]func(r *store.Reader, e store.Entity) bool{
			"bed_id": func(r *store.Reader, e store.Entity) bool { return r.BedState(e.(*store.Bed)) == "空闲" },
			"assessment_id": func(r *store.Reader, e store.Entity) bool {
				return e.(*store.Assessment).Status == "已完成"
			},
		},
		refWithin: map[string]func(f *recordForm, r *store.Reader) ([]uuid.UUID, error){
			"bed_id": func(_ *recordForm, r *store.Reader) ([]uuid.UUID, error) { return r.Refs(homeID, store.KindBed) },
			"assessment_id": func(f *recordForm, r *store.Reader) ([]uuid.UUID, error) {
				pid, err := uuid.Parse(f.str("person_id"))
				if err != nil {
					return nil, nil
				}
				return r.Refs(pid, store.KindAssessment)
			},
		},
		refCreate: map[string]func(f *recordForm, done func(uuid.UUID)){
			"person_id": func(_ *recordForm, done func(uuid.UUID)) { h.u.createPerson(done) },
		},
		onChange: func(f *recordForm, field string) {
			if field == "person_id" {
				h.sayMissing(f, missing)
			}
		},
		saveLabel: "办理入住",
	})
}

// sayMissing tells, for the elder chosen in an admission, what moving in
// still needs: a completed ability assessment (the store refuses an
// admission without one); it picks the latest one when there is.
func (h *homesScreen) sayMissing(f *recordForm, box *fyne.Container) {
	box.Objects = nil
	defer box.Refresh()
	pid, err := uuid.Parse(f.str("person_id"))
	if err != nil {
		return
	}
	var latest *store.Assessment
	_ = h.u.st.View(func(r *store.Reader) error {
		as, _ := r.RefEntities(pid, store.KindAssessment)
		for _, x := range as {
			if a := x.(*store.Assessment); a.Status == "已完成" && (latest == nil || a.AssessDate > latest.AssessDate) {
				latest = a
			}
		}
		return nil
	})
	if latest != nil {
		if f.str("assessment_id") == "" {
			f.setValue("assessment_id", store.MetaOf(latest).ID.String())
		}
		return
	}
	name := h.u.titleOf(pid.String())
	assess := newButtonWithIcon("先为"+name+"做能力评估", theme.ContentAddIcon(), func() {
		h.u.guard("去做能力评估", func() {
			h.assess(&store.Assessment{PersonID: pid.String(), Instrument: store.InstrumentGB, Reason: "首次评估", AssessDate: h.u.today(), Status: "已完成"})
		})
	})
	note := para(name + "还没有完成的能力评估。入住须有能力评估（评估后再回来办理入住）。")
	note.Importance = widget.DangerImportance
	box.Objects = []fyne.CanvasObject{card("还缺什么", container.NewVBox(note, flow(assess)))}
}

// openAdmission shows an admission with the moves its status allows:
// discharge, leave, return.
func (h *homesScreen) openAdmission(id uuid.UUID) {
	x, err := h.u.st.Get(id)
	if err != nil {
		h.u.showError("读取失败", err)
		return
	}
	a := x.(*store.Admission)
	// Leave, return, move-in and discharge are the store's moves: a
	// discharge asks for its date, reason and note; moving in fills the
	// check-in date.
	actions := h.u.moveButtons(a, func(to string) {
		h.u.move(&h.editor, h.panel, a, to, func() { h.openAdmission(id) }, func(store.Entity) {
			if to == "已退住" {
				h.openHome(h.homeID)
				return
			}
			h.openAdmission(id)
		})
	})
	edit := newButtonWithIcon("修改登记", theme.DocumentCreateIcon(), func() {
		h.edit("修改入住登记", a, formOptions{readOnly: []string{"home_id", "person_id"}})
	})
	back := newButtonWithIcon("返回", theme.NavigateBackIcon(), func() { h.openHome(h.homeID) })
	actions = append(actions, edit)
	h.editor = nil
	h.panel.set(scrolled(container.NewVBox(
		container.NewHBox(back, heading("入住登记："+h.u.titleOf(id.String()))),
		flow(actions...),
		newDetailView(h.u, a).obj,
	)))
}

// assess opens the assessment form: item scores by domain, with the total,
// domain scores and the preliminary and final level recomputed by the store
// as each score is typed.
func (h *homesScreen) assess(a *store.Assessment) {
	result := widget.NewLabel("")
	result.Wrapping = fyne.TextWrapBreak
	h.result = result
	var items *scoreGrid
	opts := formOptions{
		sections: []formSection{
			{"评估信息", []string{"person_id", "instrument", "reason", "assess_date", "assessors", "informant", "status"}},
			{"条目评分", []string{"item_scores"}},
			{"调整因素", []string{"adjustments"}},
			{"评估结果", []string{"total_score", "level_name", "next_due"}},
		},
		refCreate: map[string]func(f *recordForm, done func(uuid.UUID)){
			"person_id": func(_ *recordForm, done func(uuid.UUID)) { h.u.createPerson(done) },
		},
		custom: map[string]func(f *recordForm, spec store.FieldSpec) *fieldCtl{
			"item_scores": func(f *recordForm, spec store.FieldSpec) *fieldCtl {
				items = newScoreGrid(f, f.str("instrument"))
				h.scores = items
				return items.ctl(spec)
			},
			"adjustments": adjustmentsCtl,
		},
		onChange: func(f *recordForm, field string) {
			if field == "instrument" && items != nil {
				items.setInstrument(f.str("instrument"))
			}
		},
		onChecked: func(f *recordForm, res *store.CheckResult) {
			x := res.Record.(*store.Assessment)
			if items != nil {
				items.showDomains(x.DomainScores)
			}
			if x.LevelName == "" {
				result.SetText("填完全部条目后显示总分与等级。")
				return
			}
			result.SetText(fmt.Sprintf("总分 %d；初步等级 %d，最终等级 %d：%s；下次评估 %s", x.TotalScore, x.PreliminaryLevel, x.FinalLevel, x.LevelName, x.NextDue))
		},
	}
	opts.after = []fyne.CanvasObject{card("评估结果（随输入自动计算）", result)}
	h.edit("老年人能力评估", a, opts)
}

// scoreGrid enters the item scores of an assessment, one small entry per
// item, grouped by domain with the domain subtotal.
type scoreGrid struct {
	f       *recordForm
	box     *fyne.Container
	scores  map[string]int
	entries map[string]*keyEntry
	domains map[string]*widget.Label
}

func newScoreGrid(f *recordForm, instrument string) *scoreGrid {
	g := &scoreGrid{f: f, box: container.NewVBox(), scores: map[string]int{}}
	_ = json.Unmarshal(f.vals["item_scores"], &g.scores)
	g.setInstrument(instrument)
	return g
}

func (g *scoreGrid) ctl(spec store.FieldSpec) *fieldCtl {
	return &fieldCtl{spec: spec, obj: g.box, set: func(raw json.RawMessage) {
		g.scores = map[string]int{}
		_ = json.Unmarshal(raw, &g.scores)
		for code, e := range g.entries {
			if v, ok := g.scores[code]; ok {
				e.SetText(strconv.Itoa(v))
			}
		}
	}}
}

func (g *scoreGrid) setInstrument(instrument string) {
	g.box.Objects = nil
	g.entries = map[string]*keyEntry{}
	g.domains = map[string]*widget.Label{}
	items := store.AssessItems(instrument)
	if len(items) == 0 {
		g.box.Add(widget.NewLabel("请先选择评估标准。"))
		g.box.Refresh()
		return
	}
	var grid *fyne.Container
	domain := ""
	for _, it := range items {
		it := it
		if it.Domain != domain {
			domain = it.Domain
			sub := widget.NewLabel("")
			g.domains[domain] = sub
			g.box.Add(container.NewHBox(heading(domain), sub))
			grid = container.New(layout.NewGridLayout(2))
			g.box.Add(grid)
		}
		e := newKeyEntry()
		e.SetPlaceHolder(allowedText(it.Scores))
		if v, ok := g.scores[it.Code]; ok {
			e.SetText(strconv.Itoa(v))
		}
		e.OnChanged = func(s string) { g.put(it.Code, s) }
		g.entries[it.Code] = e
		grid.Add(labelled(it.Name, e))
	}
	g.box.Refresh()
}

func allowedText(scores []int) string {
	parts := make([]string, len(scores))
	for i, s := range scores {
		parts[i] = strconv.Itoa(s)
	}
	if len(parts) > 4 {
		return parts[0] + "–" + parts[len(parts)-1]
	}
	return strings.Join(parts, "/")
}

func (g *scoreGrid) put(code, s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		delete(g.scores, code)
	} else if n, err := store.ParseInt(s); err == nil {
		g.scores[code] = n
	} else {
		g.f.flagUnread("item_scores", "评分只能填整数")
		return
	}
	g.f.flagUnread("item_scores", "")
	b, _ := json.Marshal(g.scores)
	g.f.put("item_scores", b)
}

func (g *scoreGrid) showDomains(scores map[string]int) {
	for d, l := range g.domains {
		if v, ok := scores[d]; ok {
			l.SetText(fmt.Sprintf("小计 %d", v))
		} else {
			l.SetText("")
		}
	}
}

// adjustmentsCtl enters the conditions that raise the level: coma,
// dementia, other mental disorders, and risk events in the last 30 days.
func adjustmentsCtl(f *recordForm, spec store.FieldSpec) *fieldCtl {
	var adj store.Adjustments
	_ = json.Unmarshal(f.vals[spec.Name], &adj)
	write := func() {
		b, _ := json.Marshal(adj)
		f.put(spec.Name, b)
	}
	// Each box shows the stored value before it starts reporting changes.
	check := func(label string, v *bool) *widget.Check {
		c := widget.NewCheck(label, nil)
		c.SetChecked(*v)
		c.OnChanged = func(on bool) { *v = on; write() }
		return c
	}
	coma := check("昏迷", &adj.Coma)
	dementia := check("痴呆", &adj.Dementia)
	mental := check("其他精神和行为障碍", &adj.MentalDisorder)
	events := container.NewGridWrap(fyne.NewSize(130, 36))
	for _, k := range store.RiskEventKinds {
		k := k
		e := newKeyEntry()
		e.SetPlaceHolder("0")
		if n := adj.RiskEvents[k]; n > 0 {
			e.SetText(strconv.Itoa(n))
		}
		e.OnChanged = func(s string) {
			n, _ := store.ParseInt(s)
			if adj.RiskEvents == nil {
				adj.RiskEvents = map[string]int{}
			}
			if n > 0 {
				adj.RiskEvents[k] = n
			} else {
				delete(adj.RiskEvents, k)
			}
			write()
		}
		events.Add(labelled(k, e))
	}
	conditions := container.NewGridWrap(fyne.NewSize(mental.MinSize().Width, mental.MinSize().Height), coma, dementia, mental)
	return &fieldCtl{spec: spec, obj: container.NewVBox(conditions, widget.NewLabel("近30天风险事件次数："), events)}
}

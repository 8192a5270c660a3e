package app

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/report"
)

// homeScreen is 首页: this month's visit coverage per village, who is not
// yet visited, loans due and overdue, and the beds of the homes.
type homeScreen struct {
	u *UI

	month    *widget.Label
	chart    *fyne.Container
	total    *widget.Label
	notSeen  *focusList
	notCount *widget.Label
	notCols  *colWidths
	// steps are a new station's first steps, until they are done.
	steps *fyne.Container
	// covCols are the columns of the coverage bars: name, bar, counts.
	covCols  *colWidths
	loanCols *colWidths
	due      *focusList
	overdue  *focusList
	loanNote *widget.Label
	beds     *widget.Label

	data homeData
	// loaded counts completed loads (tests wait on nothing: they run
	// synchronously, and read this to know the screen has data).
	loaded int
}

// homeData is everything the dashboard shows, read in one snapshot.
type homeData struct {
	month    store.Month
	coverage *report.CoverageData
	// notSeen is the work list: everyone on the register not yet visited
	// this month, including those enrolled too recently to count in the
	// rate (marked new).
	notSeen []store.DueVisit
	counted map[uuid.UUID]bool // in the rate's denominator
	due     []store.LoanRow
	overdue []store.LoanRow
	beds    map[string]int
	// people are the persons of the first rows of the work list.
	people map[uuid.UUID]person
}

func newHomeScreen(u *UI) *homeScreen { return &homeScreen{u: u} }

func (h *homeScreen) dirty() bool { return false }

func (h *homeScreen) build() fyne.CanvasObject {
	h.covCols = newColWidths([]column{{sample: "　示例社区"}, {sample: "一二三", grow: true}, {sample: "888/888  100.00%"}})
	h.month = widget.NewLabel("")
	h.chart = container.NewVBox()
	h.total = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.total.Wrapping = fyne.TextWrapWord
	h.month.Wrapping = fyne.TextWrapWord
	coverage := card("本月探访覆盖率", container.NewBorder(h.month, h.total, nil, nil, container.NewVScroll(h.chart)))

	h.notCount = widget.NewLabel("")
	h.notCount.Wrapping = fyne.TextWrapBreak
	h.notCols = newColWidths([]column{colName, colVillage, colBorn, {title: "风险", sample: "高风险"}, {title: "上次探访", sample: "从未探访"}})
	h.notSeen = newFocusList(
		func() int { return len(h.data.notSeen) },
		func() fyne.CanvasObject { return tableRow(h.notCols, false) },
		func(i widget.ListItemID, o fyne.CanvasObject) { setRow(o, h.notSeenRow(i)) },
	)
	h.notSeen.OnSelected = func(i widget.ListItemID) {
		h.notSeen.UnselectAll()
		id := h.data.notSeen[i].ProfileID
		h.u.showScreen(h.u.visits)
		h.u.visits.startNew(&id)
	}
	notSeen := card("本月尚未探访（点击登记探访）", container.NewBorder(container.NewVBox(h.notCount, tableRow(h.notCols, true)), nil, nil, nil, h.notSeen.box))

	h.loanCols = newColWidths([]column{{title: "借款人", sample: "欧阳秀兰"}, {title: "合同号", sample: "PSXYS-2024-0105"}, {title: "应还/逾期", sample: "2025-12-20"}, {title: "余额（元）", sample: "50,000.00"}})
	h.due = loanRowList(h.loanCols, func() []store.LoanRow { return h.data.due }, false)
	h.overdue = loanRowList(h.loanCols, func() []store.LoanRow { return h.data.overdue }, true)
	h.loanNote = widget.NewLabel("")
	h.loanNote.Wrapping = fyne.TextWrapWord
	loans := card("贷款：30天内到期与逾期", container.NewBorder(container.NewVBox(h.loanNote, tableRow(h.loanCols, true)), nil, nil, nil,
		container.NewVSplit(
			container.NewBorder(widget.NewLabel("30天内到期"), nil, nil, nil, h.due.box),
			container.NewBorder(widget.NewLabel("逾期（按逾期天数）"), nil, nil, nil, h.overdue.box),
		)))
	h.beds = widget.NewLabel("")
	h.beds.Wrapping = fyne.TextWrapBreak
	beds := card("幸福院床位", h.beds)

	left := container.NewVSplit(coverage, beds)
	left.Offset = 0.7
	right := container.NewVSplit(notSeen, loans)
	h.steps = container.NewVBox()
	return container.NewPadded(container.NewBorder(h.steps, nil, nil, nil, container.NewGridWithColumns(2, left, right)))
}

// loanRowList lists loans: borrower, contract, due date or days overdue,
// balance.
func loanRowList(cols *colWidths, rows func() []store.LoanRow, overdue bool) *focusList {
	return newFocusList(
		func() int { return len(rows()) },
		func() fyne.CanvasObject { return tableRow(cols, false) },
		func(i widget.ListItemID, o fyne.CanvasObject) { setRow(o, loanCells(rows()[i], overdue)) },
	)
}

func loanCells(lr store.LoanRow, overdue bool) []string {
	when := string(lr.Position.NextDue)
	if overdue {
		when = fmt.Sprintf("逾期%d天", lr.Position.DaysOverdue)
	}
	return []string{lr.Borrower, lr.Loan.ContractNo, when, store.Yuan(lr.Position.BalanceFen)}
}

// notSeenRow is a row of the not-yet-visited list.
func (h *homeScreen) notSeenRow(i int) []string {
	nv := h.data.notSeen[i]
	p := h.data.people[nv.PersonID]
	last := "从未探访"
	if nv.LastVisit != "" {
		last = fmt.Sprintf("上次 %s（%d天前）", nv.LastVisit, nv.LastVisit.DaysUntil(h.u.today()))
	}
	if !h.data.counted[nv.ProfileID] {
		last += "  新入册"
	}
	return []string{nv.Name, villageName(nv.Scope), p.born, nv.RiskTier, last}
}

// refresh reads the dashboard's figures in the background: the window
// shows at once and fills in when the numbers are ready.
func (h *homeScreen) refresh() {
	h.steps.Objects = h.u.alarmCards()
	if c := h.u.firstStepsCard(); c != nil {
		h.steps.Objects = append(h.steps.Objects, c)
	}
	h.steps.Refresh()
	today := h.u.today()
	month := store.MonthOf(today)
	scope := h.u.scope()
	h.month.SetText(fmt.Sprintf("%s年%s月（按%s的记录）", string(month)[:4], strings.TrimLeft(string(month)[5:], "0"), today))
	h.u.async(func() {
		var d homeData
		d.month = month
		err := h.u.st.View(func(r *store.Reader) error {
			rep, err := report.VisitCoverage(r, scope, month)
			if err != nil {
				return err
			}
			d.coverage = rep.Data.(*report.CoverageData)
			d.counted = map[uuid.UUID]bool{}
			for _, nv := range d.coverage.NotVisited {
				d.counted[nv.ProfileID] = true
			}
			if d.notSeen, _, err = r.DueVisits(scope, month, 200); err != nil {
				return err
			}
			d.people = map[uuid.UUID]person{}
			for i, nv := range d.notSeen {
				if i == 200 {
					break
				}
				d.people[nv.PersonID] = personOf(r, nv.PersonID.String())
			}
			if d.due, err = r.LoansDue(scope, today, 30); err != nil {
				return err
			}
			if d.overdue, err = r.Overdue(scope, today); err != nil {
				return err
			}
			d.beds, err = r.BedCounts(scope)
			return err
		})
		// The coverage figures read every elder of the scope: hand the
		// pages and the garbage back before the screen waits for the user.
		h.u.releaseMemory()
		fyne.Do(func() {
			if err != nil {
				h.total.SetText("读取失败：" + store.MessageOf(err))
				return
			}
			h.show(d)
		})
	})
}

func (h *homeScreen) show(d homeData) {
	h.data = d
	h.loaded++
	cov := d.coverage
	h.chart.Objects = nil
	// Each township with its villages under it; a station of one township
	// shows only the villages (the total line says the rest).
	placed := map[string]bool{}
	for _, tw := range cov.Townships {
		if len(cov.Townships) > 1 {
			h.chart.Add(newCoverageBar(h.covCols, tw, false))
		}
		for _, v := range cov.Villages {
			if strings.HasPrefix(v.Code, tw.Code) {
				h.chart.Add(newCoverageBar(h.covCols, v, len(cov.Townships) > 1))
				placed[v.Code] = true
			}
		}
	}
	for _, v := range cov.Villages {
		if !placed[v.Code] {
			h.chart.Add(newCoverageBar(h.covCols, v, false))
		}
	}
	h.chart.Refresh()
	h.total.SetText(fmt.Sprintf("合计：应访 %d 人，已访 %d 人，覆盖率 %s（由人数合计计算）", cov.Total.N, cov.Total.V, rateText(cov.Total.Rate)))
	note := fmt.Sprintf("共 %d 人", len(d.notSeen))
	if n := len(d.notSeen) - len(cov.NotVisited); n > 0 {
		note += fmt.Sprintf("（其中 %d 人入册不满 %d 天，本月不计入覆盖率）", n, h.u.st.Policy().VisitGraceDays)
	}
	h.notCount.SetText(note)
	var rows [][]string
	for i := range d.notSeen {
		if i == measureRows {
			break
		}
		rows = append(rows, h.notSeenRow(i))
	}
	h.notCols.fitRows(rows)
	rows = nil
	for _, lr := range d.due {
		rows = append(rows, loanCells(lr, false))
	}
	for _, lr := range d.overdue {
		rows = append(rows, loanCells(lr, true))
	}
	h.loanCols.fitRows(rows)
	h.notSeen.Refresh()
	var overdueFen int64
	for _, lr := range d.overdue {
		overdueFen += lr.Position.BalanceFen
	}
	h.loanNote.SetText(fmt.Sprintf("30天内到期 %d 笔；逾期 %d 笔，余额 %s 元", len(d.due), len(d.overdue), store.Yuan(overdueFen)))
	h.due.Refresh()
	h.overdue.Refresh()
	total := 0
	for _, n := range d.beds {
		total += n
	}
	h.beds.SetText(fmt.Sprintf("共 %d 张床位：占用 %d，预留 %d，空闲 %d，维修 %d，停用 %d",
		total, d.beds["占用"], d.beds["预留"], d.beds["空闲"], d.beds["维修"], d.beds["停用"]))
}

func rateText(r report.Rate) string {
	if !r.Valid {
		return "—"
	}
	return r.Text
}

// newCoverageBar draws one village's coverage as a bar with its counts:
// green at 100%, amber below.
func newCoverageBar(cols *colWidths, row report.CoverageRow, indent bool) fyne.CanvasObject {
	frac := float32(0)
	if row.Rate.Valid {
		frac = float32(row.Rate.BP) / 10000
	}
	fill := color.NRGBA{R: 0x2e, G: 0x8b, B: 0x57, A: 0xff}
	if row.Rate.Valid && row.Rate.BP < 10000 {
		fill = color.NRGBA{R: 0xe0, G: 0x9b, B: 0x1a, A: 0xff}
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameDisabledButton))
	fg := canvas.NewRectangle(fill)
	bar := container.New(&fractionLayout{frac: frac}, bg, fg)
	name := widget.NewLabel(row.Name)
	if indent {
		name.SetText("　" + row.Name)
	} else {
		name.TextStyle = fyne.TextStyle{Bold: true}
	}
	name.Truncation = fyne.TextTruncateEllipsis
	value := widget.NewLabel(fmt.Sprintf("%d/%d  %s", row.V, row.N, rateText(row.Rate)))
	return container.New(columnsLayout{cols}, name, bar, value)
}

// fractionLayout stretches its first object over the whole width and its
// second over frac of it, both a bar's height, centred.
type fractionLayout struct{ frac float32 }

func (f *fractionLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := float32(18)
	y := (size.Height - h) / 2
	if len(objs) > 0 {
		objs[0].Move(fyne.NewPos(0, y))
		objs[0].Resize(fyne.NewSize(size.Width, h))
	}
	if len(objs) > 1 {
		objs[1].Move(fyne.NewPos(0, y))
		objs[1].Resize(fyne.NewSize(size.Width*f.frac, h))
	}
}

func (f *fractionLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(60, 24) }

package app

import (
	"fmt"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// A home's operating-subsidy claims (运营补贴申报, form A7): the store counts
// a draft's lines from the admissions and fixes them when it is submitted;
// these screens list the claims, draft one for a year, and move it along
// its review chain with the store's steps.

// claimsTab lists the home's claims, newest year first.
func (h *homesScreen) claimsTab(home *store.Home) fyne.CanvasObject {
	list := newLazyList(h.u, []column{{title: "年度", sample: "2025年度"}, {title: "申报编号", sample: "130131190201-01-B2025-0001", grow: true},
		{title: "人数", sample: "100"}, {title: "金额（元）", sample: "10,000.00"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		x, _ := r.Live(id, store.KindSubsidyClaim)
		c, ok := x.(*store.OperatingSubsidyClaim)
		if !ok {
			return []string{"（已删除）"}
		}
		return []string{strconv.Itoa(c.Year) + "年", c.ClaimNo, strconv.Itoa(len(c.Lines)), store.Yuan(c.TotalFen), c.Status}
	})
	list.onSelect = h.openClaim
	var ids []uuid.UUID
	claimed := map[int]bool{}
	_ = h.u.st.View(func(r *store.Reader) error {
		cs, _ := r.RefEntities(home.ID, store.KindSubsidyClaim)
		sortByYear(cs)
		for _, c := range cs {
			ids = append(ids, store.MetaOf(c).ID)
			if c := c.(*store.OperatingSubsidyClaim); c.Status != "作废" {
				claimed[c.Year] = true
			}
		}
		return nil
	})
	list.set(ids, len(ids))
	// A new claim is for this year, or else the latest of the last few
	// years the home has not claimed.
	this, _ := strconv.Atoi(string(h.u.today())[:4])
	year := this
	for y := this; y > this-5; y-- {
		if !claimed[y] {
			year = y
			break
		}
	}
	add := newButtonWithIcon("新建年度申报", theme.ContentAddIcon(), func() {
		var c *store.OperatingSubsidyClaim
		err := h.u.st.View(func(r *store.Reader) error {
			var err error
			c, err = r.NewClaim(home.ID, year)
			return err
		})
		if err != nil {
			h.u.showError("新建申报", err)
			return
		}
		h.editClaim("新建运营补贴申报", c)
	})
	pol := h.u.st.Policy()
	hint := para("草稿的明细按本院入住登记自动计算（" + store.SubsidyRule(&pol) + "）；提交村审核后明细固定，退回后重新计算。")
	return container.NewBorder(container.NewVBox(flow(add), hint), nil, nil, nil, list.obj)
}

func sortByYear(cs []store.Entity) {
	sort.SliceStable(cs, func(i, j int) bool {
		return cs[i].(*store.OperatingSubsidyClaim).Year > cs[j].(*store.OperatingSubsidyClaim).Year
	})
}

// editClaim opens a draft claim's form: the year, with the lines and total
// recounted by the store as it changes.
func (h *homesScreen) editClaim(title string, c *store.OperatingSubsidyClaim) {
	lines := container.NewVBox(claimLinesView(c.Lines))
	total := widget.NewLabel("")
	h.edit(title, c, formOptions{
		sections: []formSection{{"申报", []string{"home_id", "year", "claim_no", "total_fen"}}},
		readOnly: []string{"home_id"},
		onChecked: func(f *recordForm, res *store.CheckResult) {
			r := res.Record.(*store.OperatingSubsidyClaim)
			lines.Objects = []fyne.CanvasObject{claimLinesView(r.Lines)}
			lines.Refresh()
			total.SetText(fmt.Sprintf("%d 人，合计 %s 元", len(r.Lines), store.Yuan(r.TotalFen)))
		},
		onSaved: func(_ *recordForm, e store.Entity) { h.openClaim(store.MetaOf(e).ID) },
		after:   []fyne.CanvasObject{card("补贴明细（按入住登记自动计算）", container.NewVBox(total, lines))},
	})
}

// openClaim shows a claim: its steps, its lines and, once submitted, how
// they compare with a recount from today's records.
func (h *homesScreen) openClaim(id uuid.UUID) {
	x, err := h.u.st.Get(id)
	if err != nil {
		h.u.showError("读取失败", err)
		return
	}
	c := x.(*store.OperatingSubsidyClaim)
	actions := h.u.moveButtons(c, func(to string) {
		h.u.move(&h.editor, h.panel, c, to, func() { h.openClaim(id) }, func(store.Entity) { h.openClaim(id) })
	})
	if c.Status == "草稿" || c.Status == "已退回" {
		actions = append(actions, newButtonWithIcon("修改申报", theme.DocumentCreateIcon(), func() { h.editClaim("修改运营补贴申报", c) }))
	}
	back := newButtonWithIcon("返回", theme.NavigateBackIcon(), func() { h.openHome(h.homeID) })
	check := para("")
	if c.Status != "草稿" && c.Status != "已退回" {
		_ = h.u.st.View(func(r *store.Reader) error {
			diffs, recount, err := r.CheckClaim(c)
			switch {
			case err != nil:
				check.SetText("无法核对：" + store.MessageOf(err))
			case len(diffs) == 0:
				check.SetText("与现有入住登记核对一致。")
			default:
				check.SetText(fmt.Sprintf("与现有入住登记不一致：按现有记录应为 %s 元，%d 行不同（如需更正，请由审核方退回后重新计算）。", store.Yuan(recount), len(diffs)))
			}
			return nil
		})
	}
	h.editor = nil
	h.panel.set(scrolled(container.NewVBox(
		container.NewHBox(back, heading(fmt.Sprintf("运营补贴申报：%d年度（%s）", c.Year, c.Status))),
		flow(actions...),
		newDetailView(h.u, c, "lines").obj,
		card(fmt.Sprintf("补贴明细（%d 人，合计 %s 元）", len(c.Lines), store.Yuan(c.TotalFen)), container.NewVBox(check, claimLinesView(c.Lines))),
	)))
}

// claimLinesView is the claim's lines, one wrapped line per resident: a
// grid of equal columns would make the window as wide as six times the
// longest cell.
func claimLinesView(lines []store.SubsidyLine) fyne.CanvasObject {
	if len(lines) == 0 {
		return para("该年度没有可申报的在住老人。")
	}
	box := container.NewVBox()
	for i, l := range lines {
		what := "本地户籍"
		if !l.LocalHukou {
			what = "非本地户籍"
		}
		if l.Disabled {
			what += "，失能"
		}
		text := fmt.Sprintf("%d. %s（%s）：%d个月 × %s元 = %s元", i+1, l.Name, what, l.Months, store.Yuan(l.MonthlyFen), store.Yuan(l.AmountFen))
		if l.Reason != "" {
			text += "（" + l.Reason + "）"
		}
		box.Add(para(text))
	}
	return box
}

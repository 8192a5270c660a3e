package app

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// loansScreen is 贷款: households, credit ratings, applications with the
// village → township → county → bank steps, loans with their repayments,
// the overdue list, risk-compensation claims and the enterprises' links
// with their dividends and wages (payouts.go).
type loansScreen struct {
	u    *UI
	tabs *container.AppTabs

	hhSearch *searchBox
	hhList   *lazyList
	hhPanel  *panel

	ratingList  *lazyList
	ratingPanel *panel

	appList  *lazyList
	appPanel *panel

	loanList  *lazyList
	loanPanel *panel

	overdueList *focusList
	overdueCols *colWidths
	overdue     []store.LoanRow
	overdueNote *widget.Label

	pay payoutTabs

	editor *recordForm
}

func newLoansScreen(u *UI) *loansScreen { return &loansScreen{u: u} }

func (l *loansScreen) form() *recordForm { return l.editor }
func (l *loansScreen) dirty() bool       { return l.editor.dirty() }

func (l *loansScreen) build() fyne.CanvasObject {
	l.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("农户", theme.AccountIcon(), l.buildHouseholds()),
		container.NewTabItemWithIcon("评级授信", theme.ListIcon(), l.buildRatings()),
		container.NewTabItemWithIcon("贷款申请", theme.DocumentCreateIcon(), l.buildApplications()),
		container.NewTabItemWithIcon("贷款与还款", theme.StorageIcon(), l.buildLoans()),
		container.NewTabItemWithIcon("逾期", theme.WarningIcon(), l.buildOverdue()),
		container.NewTabItemWithIcon("风险补偿", theme.ErrorIcon(), l.buildCompensation()),
		container.NewTabItemWithIcon("带贫分红", theme.AccountIcon(), l.buildLinks()),
	)
	l.tabs.OnSelected = func(*container.TabItem) { l.refresh() }
	return l.tabs
}

func (l *loansScreen) refresh() {
	if l.tabs == nil {
		return
	}
	switch l.tabs.SelectedIndex() {
	case 0:
		l.hhSearch.search()
	case 1:
		l.loadKind(store.KindCreditRating, l.ratingList)
	case 2:
		l.loadKind(store.KindLoanApplication, l.appList)
	case 3:
		l.loadKind(store.KindLoan, l.loanList)
	case 4:
		l.loadOverdue()
	case tabCompensation:
		l.loadKind(store.KindCompensationClaim, l.pay.compList)
	case tabLinks:
		l.loadKind(store.KindEnterpriseLink, l.pay.linkList)
	}
}

// loadKind fills a list with every record of a kind in scope, newest first.
func (l *loansScreen) loadKind(k store.Kind, list *lazyList) {
	l.u.async(func() {
		var ids []uuid.UUID
		err := l.u.st.View(func(r *store.Reader) error {
			return r.EachID(k, l.u.scope(), func(id uuid.UUID, _ string) error {
				ids = append(ids, id)
				return nil
			})
		})
		sort.Slice(ids, func(i, j int) bool { return ids[i].String() > ids[j].String() })
		fyne.Do(func() {
			if err != nil {
				l.u.showError("读取失败", err)
				return
			}
			list.set(ids, len(ids))
		})
	})
}

// edit puts a record form into a panel, with a way back.
func (l *loansScreen) edit(p *panel, title string, e store.Entity, opts formOptions, back func()) *recordForm {
	return l.u.editIn(&l.editor, p, title, e, opts, back)
}

// ---- households ----

func (l *loansScreen) buildHouseholds() fyne.CanvasObject {
	l.hhList = newLazyList(l.u, []column{{title: "户编号", sample: "130131190201-J001"}, {title: "户主", sample: "欧阳秀兰"}, colVillage, {title: "户类型", sample: "建档立卡脱贫户"}, {title: "小组", sample: "10组"}}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindHousehold)
		h, ok := e.(*store.Household)
		if !ok {
			return []string{"（已删除）"}
		}
		head := personOf(r, h.HeadPersonID)
		return []string{h.HouseholdNo, head.name, villageName(h.VillageCode), h.HouseholdType, h.GroupName}
	})
	l.hhSearch = newSearchBox(l.u, "按户编号、户内人员姓名或拼音首字母查找", l.hhList, l.householdQuery)
	l.hhPanel = newPanel("选择一户查看成员、评级和贷款")
	l.hhList.onSelect = func(id uuid.UUID) { l.u.guard("查看其他农户", func() { l.openHousehold(id) }) }
	add := newButtonWithIcon("新建农户", theme.ContentAddIcon(), func() {
		l.u.guard("新建", func() {
			l.edit(l.hhPanel, "新建农户", &store.Household{VillageCode: l.u.scope(), Status: "正常"}, formOptions{
				onSaved: func(_ *recordForm, e store.Entity) { l.openHousehold(store.MetaOf(e).ID) },
			}, func() { l.hhPanel.set(widget.NewLabel("")) })
		})
	})
	imp := newButtonWithIcon("导入Excel…", theme.UploadIcon(), func() { l.u.guard("导入Excel表格", l.u.importExcel) })
	exp := newButtonWithIcon("导出花名册…", theme.DownloadIcon(), func() { l.u.guard("导出花名册", l.u.exportRoster) })
	left := container.NewBorder(container.NewVBox(l.hhSearch.entry, flow(add, imp, exp)), nil, nil, nil, l.hhList.obj)
	split := listSplit(l.hhList, left, l.hhPanel.box)
	return split
}

func (l *loansScreen) householdQuery(r *store.Reader, q string) ([]uuid.UUID, int, error) {
	scope := l.u.scope()
	q = strings.TrimSpace(q)
	var ids []uuid.UUID
	if q == "" {
		err := r.EachID(store.KindHousehold, scope, func(id uuid.UUID, _ string) error {
			ids = append(ids, id)
			return nil
		})
		return ids, len(ids), err
	}
	seen := map[uuid.UUID]bool{}
	add := func(id uuid.UUID) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if byNo, _ := r.ByNumber(q); len(byNo) > 0 {
		for _, id := range byNo {
			if e, _ := r.Live(id, store.KindHousehold); e != nil {
				add(id)
			}
		}
	}
	hits, _, err := r.Search(q, scope, 500)
	for _, h := range hits {
		if e, _ := r.Live(h.ID, store.KindPerson); e != nil {
			if hid, err := uuid.Parse(e.(*store.Person).HouseholdID); err == nil {
				add(hid)
			}
		}
	}
	return ids, len(ids), err
}

func (l *loansScreen) openHousehold(id uuid.UUID) {
	e, err := l.u.st.Get(id)
	if err != nil {
		l.u.showError("读取失败", err)
		return
	}
	h := e.(*store.Household)
	var members, ratings, apps, loans, links []store.Entity
	_ = l.u.st.View(func(r *store.Reader) error {
		members, _ = r.RefEntities(id, store.KindPerson)
		ratings, _ = r.RefEntities(id, store.KindCreditRating)
		apps, _ = r.RefEntities(id, store.KindLoanApplication)
		loans, _ = r.RefEntities(id, store.KindLoan)
		links, _ = r.RefEntities(id, store.KindEnterpriseLink)
		return nil
	})
	back := func() { l.openHousehold(id) }
	memberBox := container.NewVBox()
	for _, m := range members {
		p := m.(*store.Person)
		line := fmt.Sprintf("%s  %s  %s  %s  %s", p.Name, p.Relation, p.Sex, p.BirthDate, p.Status)
		memberBox.Add(newButton(line, func() {
			x, _ := l.u.st.Get(store.MetaOf(p).ID)
			l.edit(l.hhPanel, "修改成员 "+p.Name, x, formOptions{readOnly: []string{"household_id"}, onSaved: func(*recordForm, store.Entity) { back() }}, back)
		}))
	}
	recordButtons := func(list []store.Entity, open func(uuid.UUID)) fyne.CanvasObject {
		box := container.NewVBox()
		_ = l.u.st.View(func(r *store.Reader) error {
			for _, x := range list {
				x := x
				box.Add(newButton(r.Title(x), func() { open(store.MetaOf(x).ID) }))
			}
			return nil
		})
		if len(list) == 0 {
			box.Add(widget.NewLabel("（无）"))
		}
		return box
	}
	addMember := newButtonWithIcon("添加成员", theme.ContentAddIcon(), func() {
		l.edit(l.hhPanel, "添加成员", &store.Person{HouseholdID: id.String(), Status: "在册"}, formOptions{
			readOnly: []string{"household_id"},
			onSaved:  func(*recordForm, store.Entity) { back() },
		}, back)
	})
	editHH := newButtonWithIcon("修改户信息", theme.DocumentCreateIcon(), func() {
		l.edit(l.hhPanel, "修改户信息", h, formOptions{onSaved: func(*recordForm, store.Entity) { back() }}, back)
	})
	newRating := newButtonWithIcon("新建评级", theme.ContentAddIcon(), func() {
		l.tabs.SelectIndex(1)
		l.editRating(&store.CreditRating{HouseholdID: id.String(), ValidFrom: l.u.today(), Status: "草稿"})
	})
	newApp := newButtonWithIcon("新建贷款申请", theme.ContentAddIcon(), func() {
		l.tabs.SelectIndex(2)
		l.editApplication(&store.LoanApplication{HouseholdID: id.String(), ApplyDate: l.u.today(), Mode: store.ModeHuDaiHuYong, TermMonths: 36, Status: "草稿"})
	})
	l.editor = nil
	l.hhPanel.set(scrolled(container.NewVBox(
		heading(l.u.titleOf(id.String())),
		flow(editHH, addMember, newRating, newApp),
		newDetailView(l.u, h).obj,
		heading("家庭成员"), memberBox,
		heading("评级授信"), recordButtons(ratings, func(x uuid.UUID) { l.tabs.SelectIndex(1); l.openRating(x) }),
		heading("贷款申请"), recordButtons(apps, func(x uuid.UUID) { l.tabs.SelectIndex(2); l.openApplication(x) }),
		heading("贷款"), recordButtons(loans, func(x uuid.UUID) { l.tabs.SelectIndex(3); l.openLoan(x) }),
		heading("带贫关系"), recordButtons(links, func(x uuid.UUID) { l.tabs.SelectIndex(tabLinks); l.openLink(x) }),
	)))
}

// ---- credit ratings ----

func (l *loansScreen) buildRatings() fyne.CanvasObject {
	l.ratingList = newLazyList(l.u, []column{{title: "农户", sample: "130131190201-J001 欧阳秀兰户"}, {title: "等级", sample: "★★★★★"}, {title: "授信额度", sample: "50,000.00"}, {title: "有效期至", sample: "2025-11-30"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindCreditRating)
		x, ok := e.(*store.CreditRating)
		if !ok {
			return []string{"（已删除）"}
		}
		hh := ""
		if h, _ := r.LiveByString(x.HouseholdID, store.KindHousehold); h != nil {
			hh = r.Title(h)
		}
		return []string{hh, x.Grade, store.Yuan(x.CreditLimitFen), string(x.ValidTo), r.StatusOn(x, l.u.today())}
	})
	l.ratingPanel = newPanel("选择一条评级查看；新评级从“农户”页发起")
	l.ratingList.onSelect = func(id uuid.UUID) { l.u.guard("查看其他评级", func() { l.openRating(id) }) }
	split := listSplit(l.ratingList, l.ratingList.obj, l.ratingPanel.box)
	return split
}

func (l *loansScreen) openRating(id uuid.UUID) {
	e, err := l.u.st.Get(id)
	if err != nil {
		l.u.showError("读取失败", err)
		return
	}
	x := e.(*store.CreditRating)
	l.editor = nil
	edit := newButtonWithIcon("修改/办理", theme.DocumentCreateIcon(), func() { l.editRating(x) })
	l.ratingPanel.set(scrolled(container.NewVBox(heading(l.u.titleOf(id.String())), flow(edit), newDetailView(l.u, x).obj)))
}

// editRating enters a rating with the scheme's scored items and the
// household survey; the total, grade and credit line follow as the scores
// are typed, and the survey's totals (as C3 prints them) as its amounts
// are.
func (l *loansScreen) editRating(x *store.CreditRating) {
	result, totals := widget.NewLabel(""), widget.NewLabel("")
	totals.Wrapping = fyne.TextWrapBreak
	scheme := l.u.st.Policy().RatingScheme
	back := func() {
		if id := store.MetaOf(x).ID; id != uuid.Nil {
			l.openRating(id)
		} else {
			l.ratingPanel.set(widget.NewLabel(""))
		}
	}
	l.edit(l.ratingPanel, "评级授信（"+scheme.Name+"）", x, formOptions{
		sections: []formSection{
			{"农户与评分", []string{"household_id", "item_scores"}},
			{"信息采集（采集表的资产、其他负债、收入、支出）", []string{"assets", "other_debts", "income", "expenses"}},
			{"评定结果", []string{"total_score", "grade", "credit_limit_fen", "valid_from", "valid_to"}},
			{"评议与公示", []string{"panel", "notice_from", "notice_to", "objection"}},
			{"审定", []string{"bank_name", "approved_at", "approver", "status", "rating_no"}},
		},
		hide: []string{"scheme_id"},
		custom: map[string]func(f *recordForm, spec store.FieldSpec) *fieldCtl{
			"item_scores": func(f *recordForm, spec store.FieldSpec) *fieldCtl { return ratingScoresCtl(f, spec, scheme) },
		},
		onChecked: func(f *recordForm, res *store.CheckResult) {
			r := res.Record.(*store.CreditRating)
			result.SetText(fmt.Sprintf("总分 %d → %s级，授信额度 %s 元", r.TotalScore, r.Grade, store.Yuan(r.CreditLimitFen)))
			last, next := r.Income.Totals()
			// One figure a line: a narrow panel would otherwise break a
			// number in two.
			totals.SetText(fmt.Sprintf("家庭资产合计 %s 元\n纯收入合计（上年实际）%s 元\n纯收入合计（本年预计）%s 元\n家庭年支出合计 %s 元",
				store.Yuan(r.Assets.Total()), store.Yuan(last), store.Yuan(next), store.Yuan(r.Expenses.Total())))
		},
		onSaved: func(_ *recordForm, e store.Entity) {
			l.loadKind(store.KindCreditRating, l.ratingList)
			l.openRating(store.MetaOf(e).ID)
		},
		after: []fyne.CanvasObject{card("评定（随评分和采集表自动计算）", container.NewVBox(result, totals))},
	}, back)
}

func ratingScoresCtl(f *recordForm, spec store.FieldSpec, scheme store.RatingScheme) *fieldCtl {
	scores := map[string]int{}
	_ = json.Unmarshal(f.vals[spec.Name], &scores)
	grid := container.New(layout.NewFormLayout())
	for _, it := range scheme.Items {
		it := it
		e := newKeyEntry()
		e.SetPlaceHolder(fmt.Sprintf("0–%d", it.Max))
		if v, ok := scores[it.Code]; ok {
			e.SetText(strconv.Itoa(v))
		}
		e.OnChanged = func(s string) {
			s = strings.TrimSpace(s)
			if s == "" {
				delete(scores, it.Code)
			} else if n, err := store.ParseInt(s); err == nil {
				scores[it.Code] = n
			} else {
				f.flagUnread(spec.Name, "评分只能填整数")
				return
			}
			f.flagUnread(spec.Name, "")
			b, _ := json.Marshal(scores)
			f.put(spec.Name, b)
		}
		grid.Add(widget.NewLabel(fmt.Sprintf("%s（满分%d）", it.Name, it.Max)))
		grid.Add(e)
	}
	return &fieldCtl{spec: spec, obj: grid}
}

// ---- applications ----

func (l *loansScreen) buildApplications() fyne.CanvasObject {
	l.appList = newLazyList(l.u, []column{colName, colVillage, colBorn, {title: "申请编号", sample: "SQ-130131190201-2025-001"}, {title: "金额", sample: "50,000.00"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindLoanApplication)
		x, ok := e.(*store.LoanApplication)
		if !ok {
			return []string{"（已删除）"}
		}
		p := personOf(r, x.ApplicantPersonID)
		return []string{p.name, p.village, p.born, x.ApplicationNo, store.Yuan(x.AmountFen), x.Status}
	})
	l.appPanel = newPanel("选择一份申请办理推荐审核；新申请从“农户”页发起")
	l.appList.onSelect = func(id uuid.UUID) { l.u.guard("查看其他申请", func() { l.openApplication(id) }) }
	split := listSplit(l.appList, l.appList.obj, l.appPanel.box)
	return split
}

func (l *loansScreen) openApplication(id uuid.UUID) {
	e, err := l.u.st.Get(id)
	if err != nil {
		l.u.showError("读取失败", err)
		return
	}
	a := e.(*store.LoanApplication)
	l.editor = nil
	// The chain as the store knows it: each step with who does it and
	// what they wrote.
	steps := container.NewVBox()
	at := store.StepIndex(store.KindLoanApplication, a.Status)
	for i, s := range store.StepsOf(store.KindLoanApplication) {
		mark := "○"
		if at >= i {
			mark = "●"
		}
		text := fmt.Sprintf("%s %d. %s", mark, i+1, s.Who)
		if detail := stepSummary(a, s); detail != "" {
			text += "：" + detail
		}
		steps.Add(para(text))
	}
	if a.Status == "已拒绝" {
		steps.Add(para("已拒绝：" + a.RejectReason))
	}
	back := func() { l.openApplication(id) }
	actions := l.u.moveButtons(a, func(to string) {
		l.u.move(&l.editor, l.appPanel, a, to, back, func(store.Entity) { l.openApplication(id) })
	}, "已放款")
	if a.Status == "已批准" {
		actions = append(actions, newButtonWithIcon("登记放款", theme.ContentAddIcon(), func() { l.disburse(a) }))
	}
	if a.Status == "草稿" {
		actions = append(actions, newButtonWithIcon("修改申请", theme.DocumentCreateIcon(), func() { l.editApplication(a) }))
	}
	l.appPanel.set(scrolled(container.NewVBox(
		heading(l.u.titleOf(id.String())),
		flow(actions...),
		card("认定推荐流程", steps),
		newDetailView(l.u, a).obj,
	)))
}

// stepSummary is what a step of the chain recorded: its opinion and
// signers, and its date in brackets.
func stepSummary(a *store.LoanApplication, s store.Step) string {
	vals := store.FieldValues(a)
	var parts []string
	for _, f := range s.Fields {
		if f == "capacity_declared" || f == s.DateField || vals[f] == nil {
			continue
		}
		parts = append(parts, textOf(fieldSpec(store.KindLoanApplication, f), vals[f]))
	}
	out := strings.Join(parts, "，")
	if d := vals[s.DateField]; s.DateField != "" && d != nil {
		out += "（" + textOf(fieldSpec(store.KindLoanApplication, s.DateField), d) + "）"
	}
	return out
}

func (l *loansScreen) editApplication(a *store.LoanApplication) {
	back := func() {
		if id := store.MetaOf(a).ID; id != uuid.Nil {
			l.openApplication(id)
		} else {
			l.appPanel.set(widget.NewLabel(""))
		}
	}
	hh := a.HouseholdID
	l.edit(l.appPanel, "贷款申请", a, formOptions{
		sections: []formSection{
			{"申请人", []string{"household_id", "applicant_person_id", "apply_date", "capacity_declared"}},
			{"申请", []string{"amount_fen", "term_months", "mode", "purpose", "purpose_text", "project_desc", "enterprise_id"}},
			{"状态", []string{"status", "application_no"}},
		},
		readOnly: []string{"household_id"},
		refFilter: map[string]func(r *store.Reader, e store.Entity) bool{
			"applicant_person_id": func(r *store.Reader, e store.Entity) bool { return e.(*store.Person).HouseholdID == hh },
		},
		onSaved: func(_ *recordForm, e store.Entity) {
			l.loadKind(store.KindLoanApplication, l.appList)
			l.openApplication(store.MetaOf(e).ID)
		},
	}, back)
}

// disburse enters the loan of an approved application and marks the
// application 已放款 in the same transaction.
func (l *loansScreen) disburse(a *store.LoanApplication) {
	loan := store.LoanFromApplication(a, l.u.today())
	id := store.MetaOf(a).ID
	l.edit(l.appPanel, "登记放款", loan, formOptions{
		sections: []formSection{
			{"合同", []string{"contract_no", "note_no", "bank_name", "branch", "household_id", "borrower_person_id", "enterprise_id", "application_id"}},
			{"金额与期限", []string{"principal_fen", "disbursed_on", "due_on", "annual_rate_bp", "rate_basis", "spread_bp", "repay_method", "subsidy_ratio_pct"}},
			{"用途与管理", []string{"mode", "purpose", "officer", "status"}},
		},
		readOnly: []string{"application_id", "household_id"},
		saveWith: func(b *store.Batch, e store.Entity, author string) error {
			_, err := b.Disburse(e.(*store.Loan), author)
			return err
		},
		onSaved: func(_ *recordForm, e store.Entity) {
			l.tabs.SelectIndex(3)
			l.openLoan(store.MetaOf(e).ID)
		},
	}, func() { l.openApplication(id) })
}

// ---- loans and repayments ----

func (l *loansScreen) buildLoans() fyne.CanvasObject {
	l.loanList = newLazyList(l.u, []column{{title: "借款人", sample: "欧阳秀兰"}, colVillage, {title: "合同号", sample: "PSXYS-2024-0105"}, {title: "本金", sample: "50,000.00"}, {title: "到期日", sample: "2025-11-30"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindLoan)
		x, ok := e.(*store.Loan)
		if !ok {
			return []string{"（已删除）"}
		}
		row, _ := r.LoanRowFor(x, l.u.today())
		return []string{row.Borrower, villageName(store.MetaOf(x).Scope), x.ContractNo, store.Yuan(x.PrincipalFen), string(x.DueOn), row.Status}
	})
	l.loanPanel = newPanel("选择一笔贷款查看余额、还款计划与还款记录")
	l.loanList.onSelect = func(id uuid.UUID) { l.u.guard("查看其他贷款", func() { l.openLoan(id) }) }
	split := listSplit(l.loanList, l.loanList.obj, l.loanPanel.box)
	return split
}

func (l *loansScreen) openLoan(id uuid.UUID) {
	var loan *store.Loan
	var row store.LoanRow
	var reps, visits []store.Entity
	err := l.u.st.View(func(r *store.Reader) error {
		e, err := r.Get(id)
		if err != nil {
			return err
		}
		loan = e.(*store.Loan)
		row, err = r.LoanRowFor(loan, l.u.today())
		reps, _ = r.RefEntities(id, store.KindRepayment)
		visits, _ = r.RefEntities(id, store.KindPostLoanVisit)
		return err
	})
	if err != nil {
		l.u.showError("读取失败", err)
		return
	}
	l.editor = nil
	pos := row.Position
	summary := fmt.Sprintf("余额 %s 元（已还本金 %s 元）", store.Yuan(pos.BalanceFen), store.Yuan(pos.RepaidFen))
	if pos.DaysOverdue > 0 {
		summary += fmt.Sprintf("；逾期 %d 天，逾期本金 %s 元（自 %s）", pos.DaysOverdue, store.Yuan(pos.OverdueFen), pos.OverdueSince)
	} else if pos.NextDue != "" {
		summary += fmt.Sprintf("；下次应还 %s，%s 元", pos.NextDue, store.Yuan(pos.NextDueFen))
	}
	var sched []string
	for _, in := range loan.Schedule {
		sched = append(sched, fmt.Sprintf("%s  应还本金 %s 元", in.DueDate, store.Yuan(in.PrincipalFen)))
	}
	sort.Slice(reps, func(i, j int) bool { return reps[i].(*store.Repayment).PaidDate < reps[j].(*store.Repayment).PaidDate })
	repBox := container.NewVBox()
	for _, x := range reps {
		rp := x.(*store.Repayment)
		text := fmt.Sprintf("%s  本金 %s  利息 %s  %s", rp.PaidDate, store.Yuan(rp.PrincipalFen), store.Yuan(rp.InterestFen), rp.Source)
		if rp.Voided {
			text += "  （已作废：" + rp.VoidReason + "）"
			repBox.Add(para(text))
			continue
		}
		void := newButtonWithIcon("作废", theme.CancelIcon(), func() { l.voidRepayment(rp, id) })
		void.Importance = widget.DangerImportance
		repBox.Add(container.NewBorder(nil, nil, nil, void, para(text)))
	}
	if len(reps) == 0 {
		repBox.Add(para("（尚无还款）"))
	}
	var visitLines []string
	_ = l.u.st.View(func(r *store.Reader) error {
		for _, x := range visits {
			v := x.(*store.PostLoanVisit)
			visitLines = append(visitLines, fmt.Sprintf("%s  %s  %s  %s", v.VisitDate, v.Method, v.RiskFlag, v.Result))
		}
		return nil
	})
	repay := newButtonWithIcon("登记还款", theme.ContentAddIcon(), func() {
		// The store fills in what is due and the interest accrued.
		var rp *store.Repayment
		err := l.u.st.View(func(r *store.Reader) error {
			var err error
			rp, err = r.NewRepayment(id, l.u.today())
			return err
		})
		if err != nil {
			l.u.showError("不能登记还款", err)
			return
		}
		l.edit(l.loanPanel, "登记还款", rp, formOptions{
			readOnly: []string{"loan_id"},
			hide:     []string{"voided", "void_reason"},
			onSaved:  func(*recordForm, store.Entity) { l.openLoan(id) },
		}, func() { l.openLoan(id) })
	})
	visit := newButtonWithIcon("贷后回访/催收", theme.ContentAddIcon(), func() {
		l.edit(l.loanPanel, "贷后回访", &store.PostLoanVisit{LoanID: id.String(), VisitDate: l.u.today(), Visitor: l.u.operator, Method: "上门", RiskFlag: "正常"}, formOptions{
			readOnly: []string{"loan_id"},
			onSaved:  func(*recordForm, store.Entity) { l.openLoan(id) },
		}, func() { l.openLoan(id) })
	})
	var moves []fyne.CanvasObject
	if pos.BalanceFen > 0 {
		moves = append(moves, repay)
	}
	moves = append(moves, visit)
	moves = append(moves, l.u.moveButtons(loan, func(to string) {
		l.u.move(&l.editor, l.loanPanel, loan, to, func() { l.openLoan(id) }, func(store.Entity) { l.openLoan(id) })
	})...)
	l.loanPanel.set(scrolled(container.NewVBox(
		heading(l.u.titleOf(id.String())),
		card("当前状况", para(summary)),
		flow(moves...),
		heading("还款记录"), repBox,
		heading("还款计划"), para(strings.Join(sched, "\n")),
		heading("贷后回访"), para(orNone(visitLines)),
		heading("风险补偿代偿"), l.loanClaims(id, pos.BalanceFen > 0),
		heading("合同信息"), newDetailView(l.u, loan, "schedule").obj,
	)))
}

func orNone(lines []string) string {
	if len(lines) == 0 {
		return "（无）"
	}
	return strings.Join(lines, "\n")
}

// voidRepayment marks a wrong repayment void with a reason; amounts never
// change.
func (l *loansScreen) voidRepayment(rp *store.Repayment, loan uuid.UUID) {
	l.u.confirmDanger("作废还款", fmt.Sprintf("作废 %s 的这笔还款（本金 %s 元，利息 %s 元）？作废后它不再计入余额，记录仍然保留。", rp.PaidDate, store.Yuan(rp.PrincipalFen), store.Yuan(rp.InterestFen)), func() {
		x, err := l.u.st.Get(store.MetaOf(rp).ID)
		if err != nil {
			l.u.showError("读取失败", err)
			return
		}
		f := l.edit(l.loanPanel, "作废还款", x, formOptions{
			sections:  []formSection{{"", []string{"paid_date", "principal_fen", "interest_fen", "voided", "void_reason"}}},
			readOnly:  []string{"paid_date", "principal_fen", "interest_fen", "voided"},
			saveLabel: "确定作废",
			onSaved:   func(*recordForm, store.Entity) { l.openLoan(loan) },
		}, func() { l.openLoan(loan) })
		f.setValue("voided", true)
		f.saveBtn.Importance = widget.DangerImportance
		f.saveBtn.Refresh()
	})
}

// ---- overdue ----

func (l *loansScreen) buildOverdue() fyne.CanvasObject {
	l.overdueNote = widget.NewLabel("")
	l.overdueNote.Wrapping = fyne.TextWrapBreak
	l.overdueCols = newColWidths([]column{{title: "借款人", sample: "欧阳秀兰"}, colVillage, {title: "合同号", sample: "PSXYS-2024-0105"}, {title: "逾期", sample: "888天"},
		{title: "档次", sample: "91–180天"}, {title: "余额", sample: "50,000.00"}, {title: "责任人", sample: "欧阳秀兰"}})
	l.overdueList = newFocusList(
		func() int { return len(l.overdue) },
		func() fyne.CanvasObject { return tableRow(l.overdueCols, false) },
		func(i widget.ListItemID, o fyne.CanvasObject) { setRow(o, overdueCells(l.overdue[i])) },
	)
	l.overdueList.OnSelected = func(i widget.ListItemID) {
		l.overdueList.UnselectAll()
		l.tabs.SelectIndex(3)
		l.openLoan(store.MetaOf(l.overdue[i].Loan).ID)
	}
	return container.NewBorder(container.NewVBox(l.overdueNote, tableRow(l.overdueCols, true)), nil, nil, nil, l.overdueList.box)
}

func overdueCells(lr store.LoanRow) []string {
	return []string{lr.Borrower, villageName(store.MetaOf(lr.Loan).Scope), lr.Loan.ContractNo, fmt.Sprintf("%d天", lr.Position.DaysOverdue),
		store.OverdueBuckets[store.BucketOf(lr.Position.DaysOverdue)].Label, store.Yuan(lr.Position.BalanceFen), lr.Loan.Officer}
}

func (l *loansScreen) loadOverdue() {
	l.u.async(func() {
		var rows []store.LoanRow
		err := l.u.st.View(func(r *store.Reader) error {
			var err error
			rows, err = r.Overdue(l.u.scope(), l.u.today())
			return err
		})
		fyne.Do(func() {
			if err != nil {
				l.u.showError("读取失败", err)
				return
			}
			l.overdue = rows
			var cells [][]string
			for _, lr := range rows {
				cells = append(cells, overdueCells(lr))
			}
			l.overdueCols.fitRows(cells)
			var sum int64
			for _, r := range rows {
				sum += r.Position.BalanceFen
			}
			l.overdueNote.SetText(fmt.Sprintf("截至 %s，逾期 %d 笔，余额合计 %s 元（点击一行办理回访或还款）", l.u.today(), len(rows), store.Yuan(sum)))
			l.overdueList.Refresh()
		})
	})
}

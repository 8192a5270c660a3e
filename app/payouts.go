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

// The loans screen's 风险补偿 and 带贫分红 tabs, the records behind the forms
// C10 and C9: a long-overdue loan's claim on the county's risk-compensation
// fund, started from the loan's page and moved along its review chain with
// the store's steps; and the enterprises' links with households, with the
// dividends and wages paid under them. The store computes every figure
// (what a claim asks for, what a year's dividend owes); these screens show
// them and hand what is typed to the store.

// The tabs' places among the loans screen's tabs.
const (
	tabCompensation = 5
	tabLinks        = 6
)

// payoutTabs holds the two tabs' lists and panels.
type payoutTabs struct {
	compList  *lazyList
	compPanel *panel
	linkList  *lazyList
	linkPanel *panel
}

// ---- risk compensation ----

func (l *loansScreen) buildCompensation() fyne.CanvasObject {
	l.pay.compList = newLazyList(l.u, []column{{title: "借款人", sample: "欧阳秀兰"}, colVillage, {title: "合同号", sample: "PSXYS-2024-0105"},
		{title: "基准日", sample: "2025-11-30"}, {title: "逾期", sample: "888天"}, {title: "申请金额", sample: "50,000.00"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindCompensationClaim)
		cl, ok := e.(*store.CompensationClaim)
		if !ok {
			return []string{"（已删除）"}
		}
		who, contract := "", ""
		if x, _ := r.LiveByString(cl.LoanID, store.KindLoan); x != nil {
			row, _ := r.LoanRowFor(x.(*store.Loan), l.u.today())
			who, contract = row.Borrower, x.(*store.Loan).ContractNo
		}
		return []string{who, villageName(store.MetaOf(cl).Scope), contract, string(cl.ClaimDate), fmt.Sprintf("%d天", cl.DaysOverdue), store.Yuan(cl.AmountFen), cl.Status}
	})
	pol := l.u.st.Policy()
	l.pay.compPanel = newPanel(fmt.Sprintf("选择一份代偿申请办理审核；新申请从逾期满%d天的贷款页发起", pol.CompensationMinDays))
	l.pay.compList.onSelect = func(id uuid.UUID) { l.u.guard("查看其他代偿申请", func() { l.openCompensation(id) }) }
	return listSplit(l.pay.compList, l.pay.compList.obj, l.pay.compPanel.box)
}

// compensationText is a claim's figures as the store computed them.
func compensationText(cl *store.CompensationClaim) string {
	if !cl.ClaimDate.Valid() {
		return "请填写代偿计算基准日。"
	}
	lines := []string{fmt.Sprintf("基准日 %s，贷款余额 %s 元", cl.ClaimDate, store.Yuan(cl.BalanceFen))}
	if cl.DaysOverdue > 0 {
		lines = append(lines, fmt.Sprintf("逾期 %d 天（自 %s），逾期本金 %s 元", cl.DaysOverdue, cl.OverdueSince, store.Yuan(cl.OverduePrincipalFen)))
	} else {
		lines = append(lines, "基准日没有逾期")
	}
	if cl.InterestFrom != "" {
		lines = append(lines, fmt.Sprintf("欠息 %s 元（自 %s 起至基准日前一日）", store.Yuan(cl.OverdueInterestFen), cl.InterestFrom))
	}
	lines = append(lines, fmt.Sprintf("申请代偿金额 =（%s + %s）× %d%% = %s 元", store.Yuan(cl.OverduePrincipalFen), store.Yuan(cl.OverdueInterestFen), cl.SharePct, store.Yuan(cl.AmountFen)))
	return strings.Join(lines, "\n")
}

// openCompensation shows a claim: its figures, its review chain with what
// each step wrote, the moves it may make now and, once submitted, how its
// figures compare with a recount from the loan's records today.
func (l *loansScreen) openCompensation(id uuid.UUID) {
	e, err := l.u.st.Get(id)
	if err != nil {
		l.u.showError("读取失败", err)
		return
	}
	cl := e.(*store.CompensationClaim)
	l.editor = nil
	back := func() { l.openCompensation(id) }
	actions := l.u.moveButtons(cl, func(to string) {
		l.u.move(&l.editor, l.pay.compPanel, cl, to, back, func(store.Entity) {
			l.loadKind(store.KindCompensationClaim, l.pay.compList)
			l.openCompensation(id)
		})
	})
	draft := cl.Status == "草稿" || cl.Status == "已退回"
	if draft {
		actions = append(actions, newButtonWithIcon("修改申请", theme.DocumentCreateIcon(), func() { l.editCompensation("修改风险补偿金代偿申请", cl) }))
	}
	if loan, err := uuid.Parse(cl.LoanID); err == nil {
		actions = append(actions, newButtonWithIcon("查看贷款", theme.NavigateNextIcon(), func() {
			l.tabs.SelectIndex(3)
			l.openLoan(loan)
		}))
	}
	check := para("")
	if !draft {
		_ = l.u.st.View(func(r *store.Reader) error {
			recount, same, err := r.RecountCompensation(cl)
			switch {
			case err != nil:
				check.SetText("无法核对：" + store.MessageOf(err))
			case same:
				check.SetText("与现有贷款记录核对一致。")
			default:
				check.SetText(fmt.Sprintf("与现有贷款记录不一致：按现有记录应为 %s 元（逾期本金 %s 元，欠息 %s 元）；如需更正，请由审核方退回后重新计算。",
					store.Yuan(recount.AmountFen), store.Yuan(recount.OverduePrincipalFen), store.Yuan(recount.OverdueInterestFen)))
			}
			return nil
		})
	}
	l.pay.compPanel.set(scrolled(container.NewVBox(
		heading(l.u.titleOf(id.String())),
		flow(actions...),
		card("代偿计算", container.NewVBox(para(compensationText(cl)), check)),
		card("审核流程", chainView(store.KindCompensationClaim, cl)),
		newDetailView(l.u, cl).obj,
	)))
}

// chainView lists a record's chain of steps, each with who takes it and
// what it wrote, the steps taken marked ●; a record that left the chain
// says why.
func chainView(k store.Kind, e store.Entity) fyne.CanvasObject {
	box := container.NewVBox()
	status := statusOf(e)
	at := store.StepIndex(k, status)
	vals := store.FieldValues(e)
	for i, s := range store.StepsOf(k) {
		mark := "○"
		if at >= i {
			mark = "●"
		}
		var parts []string
		for _, f := range s.Fields {
			if f != s.DateField && vals[f] != nil {
				parts = append(parts, textOf(fieldSpec(k, f), vals[f]))
			}
		}
		text := fmt.Sprintf("%s %d. %s", mark, i+1, s.Who)
		if detail := strings.Join(parts, "，"); detail != "" {
			text += "：" + detail
		}
		if d := vals[s.DateField]; s.DateField != "" && d != nil {
			text += "（" + textOf(fieldSpec(k, s.DateField), d) + "）"
		}
		box.Add(para(text))
	}
	for _, f := range []string{"reject_reason", "void_reason"} {
		if at == store.StepOff && vals[f] != nil {
			box.Add(para(status + "：" + textOf(fieldSpec(k, f), vals[f])))
		}
	}
	return box
}

// editCompensation opens a draft claim's form: the loan and the claim
// date, with the figures recomputed by the store as the date changes.
func (l *loansScreen) editCompensation(title string, cl *store.CompensationClaim) {
	figures := para(compensationText(cl))
	back := func() {
		if id := store.MetaOf(cl).ID; id != uuid.Nil {
			l.openCompensation(id)
		} else {
			l.pay.compPanel.set(widget.NewLabel(""))
		}
	}
	l.edit(l.pay.compPanel, title, cl, formOptions{
		sections: []formSection{
			{"申请", []string{"loan_id", "claim_date", "claim_no"}},
			{"代偿计算（按基准日自动计算）", []string{"bank_name", "balance_fen", "overdue_since", "days_overdue", "overdue_principal_fen", "interest_from", "overdue_interest_fen", "share_pct", "amount_fen"}},
		},
		readOnly: []string{"loan_id"},
		onChecked: func(f *recordForm, res *store.CheckResult) {
			figures.SetText(compensationText(res.Record.(*store.CompensationClaim)))
		},
		onSaved: func(_ *recordForm, e store.Entity) {
			l.loadKind(store.KindCompensationClaim, l.pay.compList)
			l.openCompensation(store.MetaOf(e).ID)
		},
		after: []fyne.CanvasObject{card("计算过程", figures)},
	}, back)
}

// loanClaims is the compensation part of a loan's page: the loan's claims,
// and a new claim, offered disabled with the store's reason while the
// loan does not qualify (not yet overdue long enough, a claim under way).
func (l *loansScreen) loanClaims(id uuid.UUID, outstanding bool) fyne.CanvasObject {
	box := container.NewVBox()
	var draft *store.CompensationClaim
	_ = l.u.st.View(func(r *store.Reader) error {
		claims, _ := r.RefEntities(id, store.KindCompensationClaim)
		for _, x := range claims {
			cid := store.MetaOf(x).ID
			cl := x.(*store.CompensationClaim)
			box.Add(newButton(fmt.Sprintf("%s 申请代偿 %s 元（%s）", cl.ClaimDate, store.Yuan(cl.AmountFen), cl.Status), func() {
				l.tabs.SelectIndex(tabCompensation)
				l.openCompensation(cid)
			}))
		}
		if outstanding {
			draft, _ = r.NewCompensationClaim(id, l.u.today())
		}
		return nil
	})
	if draft == nil {
		if len(box.Objects) == 0 {
			box.Add(para("（无）"))
		}
		return box
	}
	add := newButtonWithIcon("申请风险补偿代偿", theme.ContentAddIcon(), func() {
		l.tabs.SelectIndex(tabCompensation)
		l.editCompensation("新建风险补偿金代偿申请", draft)
	})
	box.Add(flow(add))
	if res, err := l.u.st.Check(draft); err == nil && len(res.Problems) > 0 {
		add.Disable()
		var why []string
		for _, p := range res.Problems {
			why = append(why, p.Message)
		}
		box.Add(para("暂不能申请：" + strings.Join(why, "；")))
	}
	return box
}

// ---- enterprise links, dividends and wages ----

func (l *loansScreen) buildLinks() fyne.CanvasObject {
	l.pay.linkList = newLazyList(l.u, []column{{title: "企业", sample: "示例种养专业合作社"}, {title: "农户", sample: "欧阳秀兰户"}, colVillage,
		{title: "带贫方式", sample: "户贷企用-入股分红"}, {title: "协议期", sample: "2016-05-10至2019-05-10"}, colStatus}, func(r *store.Reader, id uuid.UUID) []string {
		e, _ := r.Live(id, store.KindEnterpriseLink)
		k, ok := e.(*store.EnterpriseLink)
		if !ok {
			return []string{"（已删除）"}
		}
		enterprise, household := "", ""
		if x, _ := r.LiveByString(k.EnterpriseID, store.KindEnterprise); x != nil {
			enterprise = x.(*store.Enterprise).Name
		}
		if x, _ := r.LiveByString(k.HouseholdID, store.KindHousehold); x != nil {
			if head := personOf(r, x.(*store.Household).HeadPersonID).name; head != "" {
				household = head + "户"
			}
		}
		return []string{enterprise, household, villageName(store.MetaOf(k).Scope), k.LinkType, linkPeriod(k), k.Status}
	})
	l.pay.linkPanel = newPanel("选择一条带贫关系查看并登记分红或务工工资的发放")
	l.pay.linkList.onSelect = func(id uuid.UUID) { l.u.guard("查看其他带贫关系", func() { l.openLink(id) }) }
	add := newButtonWithIcon("新建带贫关系", theme.ContentAddIcon(), func() {
		l.u.guard("新建", func() {
			l.editLink("新建带贫关系", &store.EnterpriseLink{AgreementFrom: l.u.today(), Status: "有效"})
		})
	})
	left := container.NewBorder(flow(add), nil, nil, nil, l.pay.linkList.obj)
	return listSplit(l.pay.linkList, left, l.pay.linkPanel.box)
}

func linkPeriod(k *store.EnterpriseLink) string {
	to := string(k.AgreementTo)
	if to == "" {
		to = "今"
	}
	return string(k.AgreementFrom) + "至" + to
}

// openLink shows a link: for a 户贷企用 dividend, each year of the
// agreement with what it owed and what was paid (R8 for the one
// household); every payment, with a way to void a wrong one; and the
// buttons to enter a payment, edit or end the link.
func (l *loansScreen) openLink(id uuid.UUID) {
	var k *store.EnterpriseLink
	var years []store.DividendYear
	var pays []store.Entity
	err := l.u.st.View(func(r *store.Reader) error {
		e, err := r.Get(id)
		if err != nil {
			return err
		}
		k = e.(*store.EnterpriseLink)
		if years, err = r.DividendYears(k, l.u.today()); err != nil {
			return err
		}
		pays, err = r.RefEntities(id, store.KindDividendPayment)
		return err
	})
	if err != nil {
		l.u.showError("读取失败", err)
		return
	}
	l.editor = nil
	back := func() { l.openLink(id) }
	var actions []fyne.CanvasObject
	if kind := store.PayTypeOf(k.LinkType); kind != "" {
		actions = append(actions, newButtonWithIcon("登记"+kind+"发放", theme.ContentAddIcon(), func() { l.newPayment(id, 0) }))
	}
	actions = append(actions, newButtonWithIcon("修改带贫关系", theme.DocumentCreateIcon(), func() { l.editLink("修改带贫关系", k) }))
	actions = append(actions, l.u.moveButtons(k, func(to string) {
		l.u.move(&l.editor, l.pay.linkPanel, k, to, back, func(store.Entity) {
			l.loadKind(store.KindEnterpriseLink, l.pay.linkList)
			l.openLink(id)
		})
	})...)
	if loan, err := uuid.Parse(k.LoanID); err == nil {
		actions = append(actions, newButtonWithIcon("查看贷款", theme.NavigateNextIcon(), func() {
			l.tabs.SelectIndex(3)
			l.openLoan(loan)
		}))
	}

	content := []fyne.CanvasObject{heading(l.u.titleOf(id.String())), flow(actions...)}
	if len(years) > 0 {
		pol := l.u.st.Policy()
		box := container.NewVBox(para(fmt.Sprintf("应发分红＝贷款本金×年分红率%d.%02d%%×协议在期天数÷全年天数；实发为登记的分红（不含已作废）。", pol.DividendRateBP/100, pol.DividendRateBP%100)))
		for _, y := range years {
			text := fmt.Sprintf("%d年  应发 %s 元  实发 %s 元（%d笔）", y.Year, store.Yuan(y.DueFen), store.Yuan(y.PaidFen), y.Payments)
			if short := y.ShortFen(); short > 0 {
				year := y.Year
				more := newButtonWithIcon("补登", theme.ContentAddIcon(), func() { l.newPayment(id, year) })
				box.Add(container.NewBorder(nil, nil, nil, more, para(text+fmt.Sprintf("  少发 %s 元", store.Yuan(short)))))
				continue
			}
			box.Add(para(text))
		}
		content = append(content, card("历年分红核对", box))
	}
	sort.Slice(pays, func(i, j int) bool {
		a, b := pays[i].(*store.DividendPayment), pays[j].(*store.DividendPayment)
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		return a.PaidDate < b.PaidDate
	})
	payBox := container.NewVBox()
	for _, x := range pays {
		p := x.(*store.DividendPayment)
		text := fmt.Sprintf("%d年%s %s %s 元  %s 发放，%s，经办 %s", p.Year, p.Period, p.PayType, store.Yuan(p.AmountFen), p.PaidDate, p.Method, p.PaidBy)
		if p.Voided {
			payBox.Add(para(text + "  （已作废：" + p.VoidReason + "）"))
			continue
		}
		void := newButtonWithIcon("作废", theme.CancelIcon(), func() { l.voidPayment(p, id) })
		void.Importance = widget.DangerImportance
		payBox.Add(container.NewBorder(nil, nil, nil, void, para(text)))
	}
	if len(pays) == 0 {
		payBox.Add(para("（尚无发放记录）"))
	}
	content = append(content, heading("发放记录"), payBox, heading("带贫关系"), newDetailView(l.u, k).obj)
	l.pay.linkPanel.set(scrolled(container.NewVBox(content...)))
}

// editLink opens a link's form.
func (l *loansScreen) editLink(title string, k *store.EnterpriseLink) {
	back := func() {
		if id := store.MetaOf(k).ID; id != uuid.Nil {
			l.openLink(id)
		} else {
			l.pay.linkPanel.set(widget.NewLabel(""))
		}
	}
	l.edit(l.pay.linkPanel, title, k, formOptions{
		sections: []formSection{
			{"带贫关系", []string{"enterprise_id", "household_id", "link_type", "loan_id"}},
			{"协议", []string{"agreement_from", "agreement_to", "annual_dividend_fen", "wage_fen", "status"}},
		},
		onSaved: func(_ *recordForm, e store.Entity) {
			l.loadKind(store.KindEnterpriseLink, l.pay.linkList)
			l.openLink(store.MetaOf(e).ID)
		},
	}, back)
}

// newPayment opens a payment under a link, as the store prefills it: the
// year still owed (or the one asked for), what it still owes.
func (l *loansScreen) newPayment(link uuid.UUID, year int) {
	var p *store.DividendPayment
	err := l.u.st.View(func(r *store.Reader) error {
		var err error
		p, err = r.NewDividendPayment(link, year, l.u.today())
		return err
	})
	if err != nil {
		l.u.showError("不能登记发放", err)
		return
	}
	l.edit(l.pay.linkPanel, "登记"+p.PayType+"发放", p, formOptions{
		sections: []formSection{
			{"发放", []string{"link_id", "pay_type", "year", "period", "expected_fen", "amount_fen"}},
			{"经办", []string{"paid_date", "paid_by", "method", "account", "note"}},
		},
		readOnly: []string{"link_id"},
		onSaved:  func(*recordForm, store.Entity) { l.openLink(link) },
	}, func() { l.openLink(link) })
}

// voidPayment marks a wrong payment void with a reason; amounts never
// change.
func (l *loansScreen) voidPayment(p *store.DividendPayment, link uuid.UUID) {
	l.u.confirmDanger("作废发放记录", fmt.Sprintf("作废 %d年%s 的这笔%s（%s 元）？作废后它不再计入实发，记录仍然保留。", p.Year, p.Period, p.PayType, store.Yuan(p.AmountFen)), func() {
		x, err := l.u.st.Get(store.MetaOf(p).ID)
		if err != nil {
			l.u.showError("读取失败", err)
			return
		}
		f := l.edit(l.pay.linkPanel, "作废发放记录", x, formOptions{
			sections:  []formSection{{"", []string{"year", "period", "amount_fen", "paid_date", "voided", "void_reason"}}},
			readOnly:  []string{"year", "period", "amount_fen", "paid_date", "voided"},
			saveLabel: "确定作废",
			onSaved:   func(*recordForm, store.Entity) { l.openLink(link) },
		}, func() { l.openLink(link) })
		f.setValue("voided", true)
		f.saveBtn.Importance = widget.DangerImportance
		f.saveBtn.Refresh()
	})
}

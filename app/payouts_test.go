package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// loanByContract finds a demo loan's id.
func loanByContract(t *testing.T, st *store.Store, no string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	_ = st.View(func(r *store.Reader) error {
		ids, _ := r.ByNumber(no)
		for _, x := range ids {
			if e, _ := r.Live(x, store.KindLoan); e != nil {
				id = x
			}
		}
		return nil
	})
	if id == uuid.Nil {
		t.Fatalf("no loan %s", no)
	}
	return id
}

// A loan 45 days overdue offers no claim yet, with the store's reason; the
// demo's claim for the loan 120 days overdue is on its page, and moves
// through the store's steps: sent back, re-dated (the figures follow the
// date as it is typed), submitted again with the bank's claim.
func TestCompensationClaimInTheWindow(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.loans))
	l := u.loans
	l.tabs.SelectIndex(3)
	l.openLoan(loanByContract(t, st, "PSXYS-2024-0101"))
	if b := button(t, l.loanPanel.box, "申请风险补偿代偿"); !b.Disabled() || !hasText(l.loanPanel.box, "逾期45天，未满90天") {
		t.Error("a claim is offered for a loan 45 days overdue, or without the reason")
	}
	l.openLoan(loanByContract(t, st, "PSXYS-2023-0102"))
	if b := button(t, l.loanPanel.box, "申请风险补偿代偿"); !b.Disabled() || !hasText(l.loanPanel.box, "该贷款已有风险补偿代偿申请") {
		t.Error("a second claim is offered for the loan with a claim under way")
	}
	test.Tap(button(t, l.loanPanel.box, "2025-11-20 申请代偿 26,663.17 元（乡镇审核）"))
	if l.tabs.SelectedIndex() != tabCompensation {
		t.Fatalf("the claim opened on tab %d", l.tabs.SelectedIndex())
	}
	p := l.pay.compPanel.box
	for _, want := range []string{"逾期 110 天（自 2025-08-02）", "欠息 3,328.96 元（自 2023-08-02", "=（30,000.00 + 3,328.96）× 80% = 26,663.17 元",
		"与现有贷款记录核对一致", "● 2. 乡镇审核：经核实", "○ 3. 县级审定"} {
		if !hasText(p, want) {
			t.Errorf("the claim's page lacks %q", want)
		}
	}
	button(t, p, "办理：县审定")
	test.Tap(button(t, p, "退回修改"))
	f := l.editor
	test.Tap(f.saveBtn)
	if f.errorOf("reject_reason") == "" {
		t.Fatal("sent back without a reason")
	}
	typeInto(entryOf(t, f, "reject_reason"), "请按月末重新计算欠息")
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("not sent back: %v", f.problems())
	}
	// Re-dated to 2025-11-30, worked by hand: 120 days; interest
	// 2023-08-02 … 2025-11-29, 851 days: 3,000,000 × 4.75% × 851 ÷ 360 =
	// 336,854.17 → ¥3,368.54; (¥30,000 + ¥3,368.54) × 80% = ¥26,694.83.
	test.Tap(button(t, l.pay.compPanel.box, "修改申请"))
	f = l.editor
	typeInto(entryOf(t, f, "claim_date"), "2025-11-30")
	if !hasText(l.pay.compPanel.box, "=（30,000.00 + 3,368.54）× 80% = 26,694.83 元") {
		t.Error("the figures do not follow the date typed")
	}
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("not saved: %v", f.problems())
	}
	test.Tap(button(t, l.pay.compPanel.box, "办理：已提交"))
	f = l.editor
	typeInto(entryOf(t, f, "bank_opinion"), "已按月末重新计算")
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("not submitted: %v", f.problems())
	}
	var cl *store.CompensationClaim
	_ = st.View(func(r *store.Reader) error {
		cs, _ := store.All[*store.CompensationClaim](r, store.KindCompensationClaim, "")
		cl = cs[0]
		return nil
	})
	if cl.Status != "已提交" || cl.DaysOverdue != 120 || cl.AmountFen != 2_669_483 || cl.TownshipOpinion != "" || cl.BankDate != "2025-11-30" {
		t.Errorf("resubmitted: %s %d days %d, township %q, bank %s", cl.Status, cl.DaysOverdue, cl.AmountFen, cl.TownshipOpinion, cl.BankDate)
	}
	if !strings.Contains(l.pay.compList.cell(0, 6), "已提交") {
		t.Errorf("the list shows %q", l.pay.compList.cell(0, 6))
	}
}

// The 2018 dividend of the second 户贷企用 household is ¥500 short: its
// link's page says so and offers to enter the rest, prefilled by the
// store; once entered the year is paid in full.
func TestDividendShortfallInTheWindow(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.loans))
	l := u.loans
	l.tabs.SelectIndex(tabLinks)
	if n := len(l.pay.linkList.ids); n != 4 {
		t.Fatalf("%d links, want the demo's 4", n)
	}
	found := false
	for _, id := range l.pay.linkList.ids {
		l.openLink(id)
		if hasText(l.pay.linkPanel.box, "少发 500.00 元") {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("no link shows the 2018 shortfall")
	}
	p := l.pay.linkPanel.box
	for _, want := range []string{"2018年  应发 2,500.00 元  实发 2,000.00 元（1笔）", "2016年  应发 1,612.02 元  实发 1,612.02 元", "2018年全年 分红 2,000.00 元"} {
		if !hasText(p, want) {
			t.Errorf("the link's page lacks %q", want)
		}
	}
	test.Tap(button(t, p, "补登"))
	f := l.editor
	if got := entryOf(t, f, "amount_fen").Text; got != "500.00" {
		t.Errorf("prefilled amount %q", got)
	}
	test.Tap(f.saveBtn)
	if f.errorOf("paid_by") == "" {
		t.Fatal("saved without who paid")
	}
	typeInto(entryOf(t, f, "paid_by"), "钱进")
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("not saved: %v", f.problems())
	}
	if hasText(l.pay.linkPanel.box, "少发") || !hasText(l.pay.linkPanel.box, "2018年  应发 2,500.00 元  实发 2,500.00 元（2笔）") {
		t.Error("the year is still short after the rest was paid")
	}
}

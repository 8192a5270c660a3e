package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
)

// householdOf finds a household by its number through the search box.
func householdOf(t *testing.T, l *loansScreen, no string) uuid.UUID {
	t.Helper()
	typeInto(l.hhSearch.entry, no)
	if len(l.hhList.ids) != 1 {
		t.Fatalf("search %s: %d households", no, len(l.hhList.ids))
	}
	return l.hhList.ids[0]
}

// A member with a wrong ID number check digit is refused with the store's
// Chinese message under the field, and nothing is written.
func TestNewMemberWithBadIDIsRefused(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.loans))
	l := u.loans
	hh := householdOf(t, l, "130131190201-J001")
	l.hhList.list.Select(0)
	test.Tap(button(t, l.hhPanel.box, "添加成员"))
	f := l.editor
	typeInto(entryOf(t, f, "name"), "杨小梅")
	typeInto(entryOf(t, f, "id_number"), "130131200001010024")
	msg := f.problemOf("id_number")
	if !strings.Contains(msg, "校验") {
		t.Fatalf("message under the ID number = %q", msg)
	}
	before := members(t, st, hh)
	test.Tap(f.saveBtn)
	if members(t, st, hh) != before {
		t.Fatal("a refused member was written")
	}
	// The right check digit (by hand: Σ weights×digits = 89, 89 mod 11 = 1 → 0) is accepted, and sex
	// and birth date are filled from the number.
	typeInto(entryOf(t, f, "id_number"), "130131200001010020")
	if msg := f.problemOf("id_number"); msg != "" {
		t.Fatalf("valid number still flagged: %q", msg)
	}
	test.Tap(f.saveBtn)
	if members(t, st, hh) != before+1 {
		t.Fatalf("member not saved: %v", f.problems())
	}
}

func members(t *testing.T, st *store.Store, hh uuid.UUID) int {
	t.Helper()
	n := 0
	_ = st.View(func(r *store.Reader) error {
		ps, _ := r.RefEntities(hh, store.KindPerson)
		n = len(ps)
		return nil
	})
	return n
}

// An application is drafted for a rated household from its page, then
// moves village → township: each step asks for its opinion and date, and
// the store refuses a step without them.
func TestApplicationRecommendationSteps(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.loans))
	l := u.loans
	// A household with a rating in force on the day and a working-age
	// member.
	var hh uuid.UUID
	var applicant string
	_ = st.View(func(r *store.Reader) error {
		return r.Each(store.KindHousehold, "", func(e store.Entity) error {
			id := store.MetaOf(e).ID
			if hh != uuid.Nil || store.ValidRating(r, id, "2025-11-30") == nil {
				return nil
			}
			ps, _ := r.RefEntities(id, store.KindPerson)
			for _, p := range ps {
				if b := p.(*store.Person).BirthDate; b > "1961-01-01" && b < "2007-01-01" {
					hh, applicant = id, p.(*store.Person).Name
				}
			}
			return nil
		})
	})
	if hh == uuid.Nil {
		t.Fatal("the data set has no rated household with a working-age member")
	}
	l.openHousehold(hh)
	test.Tap(button(t, l.hhPanel.box, "新建贷款申请"))
	f := l.editor
	pick(t, f, "applicant_person_id", applicant)
	typeInto(entryOf(t, f, "amount_fen"), "10000")
	f.ctls["purpose"].obj.(*widget.Select).SetSelected("养殖")
	typeInto(entryOf(t, f, "project_desc"), "养羊20只")
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("draft not saved: %v", f.problems())
	}
	var draft uuid.UUID
	_ = st.View(func(r *store.Reader) error {
		apps, _ := r.RefEntities(hh, store.KindLoanApplication)
		for _, a := range apps {
			if a.(*store.LoanApplication).Status == "草稿" {
				draft = store.MetaOf(a).ID
			}
		}
		return nil
	})
	if draft == uuid.Nil {
		t.Fatal("no draft application stored")
	}

	test.Tap(button(t, l.appPanel.box, "办理：村推荐"))
	f = l.editor
	test.Tap(f.saveBtn)
	if f.errorOf("village_opinion") == "" {
		t.Fatalf("村推荐 without an opinion was not flagged: %v", f.problems())
	}
	typeInto(entryOf(t, f, "village_opinion"), "同意推荐")
	typeInto(entryOf(t, f, "village_signers"), "张书记、李主任")
	test.Tap(f.saveBtn)
	if f.errorOf("capacity_declared") == "" {
		t.Fatal("the applicant's declaration of capacity is not asked for")
	}
	f.ctls["capacity_declared"].obj.(*widget.Check).SetChecked(true)
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("village step not saved: %v", f.problems())
	}
	a, _ := store.GetAs[*store.LoanApplication](st, draft)
	if a.Status != "村推荐" || a.VillageDate != "2025-11-30" || len(a.VillageSigners) != 2 {
		t.Fatalf("after the step: %s %s %v", a.Status, a.VillageDate, a.VillageSigners)
	}
	if !hasText(l.appPanel.box, "● 1. 村服务点认定推荐：同意推荐") {
		t.Error("the step list does not show the village recommendation as done")
	}
	test.Tap(button(t, l.appPanel.box, "办理：乡镇审核"))
	f = l.editor
	typeInto(entryOf(t, f, "township_opinion"), "审核通过")
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("township step not saved: %v", f.problems())
	}
	if !hasText(l.appPanel.box, "● 2. 乡镇工作站审核：审核通过（2025-11-30）") {
		t.Error("the township step is not shown as done")
	}
}

// A repayment larger than the balance is refused with the balance named.
func TestRepaymentOverBalanceIsRefused(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.loans))
	l := u.loans
	l.tabs.SelectIndex(4)
	if len(l.overdue) != 2 {
		t.Fatalf("overdue list: %d loans", len(l.overdue))
	}
	l.overdueList.Select(0) // 120 days overdue, balance 30,000
	test.Tap(button(t, l.loanPanel.box, "登记还款"))
	f := l.editor
	typeInto(entryOf(t, f, "principal_fen"), "30,000.01")
	if msg := f.problemOf("principal_fen"); !strings.Contains(msg, "30,000.00") {
		t.Fatalf("message = %q", msg)
	}
	typeInto(entryOf(t, f, "principal_fen"), "5000")
	test.Tap(f.saveBtn)
	if l.editor != nil {
		t.Fatalf("repayment not saved: %v", f.problems())
	}
	if !hasText(l.loanPanel.box, "余额 25,000.00 元") {
		t.Error("the loan page does not show the new balance")
	}
}

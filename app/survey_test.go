package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/cunzhan/cunzhan/store"
)

// partEntry is the text box of one part of a nested field: the box
// beside the part's label (房产) in a group, or the box whose hint names
// it (债权人) on a line of a list.
func partEntry(t *testing.T, f *recordForm, field, part string) *keyEntry {
	t.Helper()
	root := f.ctls[field].obj
	if grid, ok := root.(*fyne.Container); ok {
		for i, o := range grid.Objects {
			if l, ok := o.(*widget.Label); ok && l.Text == part && i+1 < len(grid.Objects) {
				if e := find(grid.Objects[i+1], func(o fyne.CanvasObject) bool { _, ok := o.(*keyEntry); return ok }); e != nil {
					return e.(*keyEntry)
				}
			}
		}
	}
	e := find(root, func(o fyne.CanvasObject) bool {
		k, ok := o.(*keyEntry)
		return ok && k.PlaceHolder == part
	})
	if e == nil {
		t.Fatalf("%s has no box %q", field, part)
	}
	return e.(*keyEntry)
}

// A rating's survey is typed in yuan in the rating's own form: an amount
// the store cannot read is named under the field and blocks the save;
// once right, the amounts and an other debt are saved in fen and the
// rating's detail shows them.
func TestRatingSurveyInTheWindow(t *testing.T) {
	st := openDemo(t)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.loans))
	l := u.loans
	var cr *store.CreditRating
	_ = st.View(func(r *store.Reader) error {
		return r.Each(store.KindCreditRating, "", func(e store.Entity) error {
			if x := e.(*store.CreditRating); cr == nil && x.Assets.Total() == 0 && x.Status == "有效" {
				cr = x
			}
			return nil
		})
	})
	if cr == nil {
		t.Fatal("the data set has no rating without a survey")
	}
	l.editRating(cr)
	f := l.editor
	if f == nil {
		t.Fatal("no rating form")
	}
	// One amount read, one not: the save is refused whole.
	typeInto(partEntry(t, f, "assets", "存款"), "８０００.５") // full-width, as a Chinese IME types
	typeInto(partEntry(t, f, "assets", "房产"), "12万")
	if msg := f.problemOf("assets"); !strings.Contains(msg, "房产") {
		t.Fatalf("message under 家庭资产 = %q", msg)
	}
	test.Tap(f.saveBtn)
	if x, _ := st.Get(cr.ID); x.(*store.CreditRating).Assets.DepositFen != 0 {
		t.Fatal("a survey with a part the form could not read was saved")
	}
	typeInto(partEntry(t, f, "assets", "房产"), "120,000")
	typeInto(partEntry(t, f, "income", "养殖（上年实际）"), "30000")
	typeInto(partEntry(t, f, "expenses", "医疗支出"), "3,500")
	if msg := f.problemOf("assets"); msg != "" {
		t.Fatalf("still flagged: %q", msg)
	}
	// The totals follow the amounts as typed, as C3 will print them:
	// 120,000 + 8,000.50 in assets.
	if !hasText(l.ratingPanel.box, "家庭资产合计 128,000.50 元\n纯收入合计（上年实际）30,000.00 元") {
		t.Errorf("the form does not show the survey's totals")
	}
	test.Tap(button(t, f.ctls["other_debts"].obj, "添加"))
	typeInto(partEntry(t, f, "other_debts", "债权人"), "亲戚王某")
	typeInto(partEntry(t, f, "other_debts", "余额（元）"), "10000")
	// A due date half typed stays in its box, still flagged, when another
	// line is added and removed.
	typeInto(partEntry(t, f, "other_debts", "到期日（年-月-日）"), "2026年13月")
	test.Tap(button(t, f.ctls["other_debts"].obj, "添加"))
	if msg := f.problemOf("other_debts"); !strings.Contains(msg, "第1项「到期日」") {
		t.Fatalf("after adding a line, the message under 其他负债 = %q", msg)
	}
	due := partEntry(t, f, "other_debts", "到期日（年-月-日）")
	if due.Text != "2026年13月" {
		t.Fatalf("after adding a line the first due date reads %q", due.Text)
	}
	deletes := 0
	find(f.ctls["other_debts"].obj, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == "" {
			deletes++
			if deletes == 2 { // the second line's
				test.Tap(b)
				return true
			}
		}
		return false
	})
	if f.problemOf("other_debts") == "" || partEntry(t, f, "other_debts", "到期日（年-月-日）").Text != "2026年13月" {
		t.Fatalf("after removing the new line: %q", f.problemOf("other_debts"))
	}
	typeInto(partEntry(t, f, "other_debts", "到期日（年-月-日）"), "2026年6月30日")
	kind := find(f.ctls["other_debts"].obj, func(o fyne.CanvasObject) bool {
		sel, ok := o.(*widget.Select)
		return ok && sel.PlaceHolder == "负债类别"
	})
	if kind == nil {
		t.Fatal("no list of kinds for the debt")
	}
	kind.(*widget.Select).SetSelected("社会融资")
	test.Tap(f.saveBtn)
	x, err := st.Get(cr.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := x.(*store.CreditRating)
	// 120,000 + 8,000.50 yuan = 12,800,050 fen.
	if got.Assets.Total() != 12_800_050 || got.Income.LivestockLastFen != 3_000_000 || got.Expenses.MedicalFen != 350_000 {
		t.Fatalf("saved survey %+v %+v %+v (problems %v)", got.Assets, got.Income, got.Expenses, f.problems())
	}
	if len(got.OtherDebts) != 1 || got.OtherDebts[0] != (store.OtherDebt{Kind: "社会融资", Creditor: "亲戚王某", BalanceFen: 1_000_000, DueOn: "2026-06-30"}) {
		t.Fatalf("saved debts %+v", got.OtherDebts)
	}
	if !hasText(l.ratingPanel.box, "房产：120,000.00 元") {
		t.Errorf("the rating's detail does not show the survey")
	}
}

package app

import (
	"testing"
)

// A status a person reads comes from the store's one rule, as of the day
// shown: in the loan list the demo's two overdue loans (吴建, 120 days past
// 2025-08-02; 赵珍, 45 days past 2025-10-16; domain.md §8.4) read 逾期, as
// in the overdue list, not the stored 正常; the home-care entitlement that
// ended on 2025-10-31 reads 已到期, not 有效.
func TestListsShowTheStatusOfTheDay(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	u.show(u.screenIndex(u.loans))
	l := u.loans
	l.tabs.SelectIndex(3)
	status := map[string]string{}
	for i := range l.loanList.ids {
		status[l.loanList.cell(i, 0)] = l.loanList.cell(i, 5)
	}
	for _, who := range []string{"吴建", "赵珍"} {
		if status[who] != "逾期" {
			t.Errorf("%s's overdue loan reads %q in the loan list", who, status[who])
		}
	}
	if status["马凤"] != "正常" {
		t.Errorf("马凤's loan, due 2025-12-20, reads %q", status["马凤"])
	}

	u.show(u.screenIndex(u.visits))
	v := u.visits
	v.tabs.SelectIndex(4)
	var ended, valid int
	for i := range v.entList.ids {
		period, st := v.entList.cell(i, 4), v.entList.cell(i, 5)
		switch {
		case period[len(period)-10:] == "2025-10-31":
			if st != "已到期" {
				t.Errorf("the entitlement ended 2025-10-31 reads %q", st)
			}
			ended++
		case st == "有效":
			valid++
		}
	}
	if ended != 1 || valid == 0 {
		t.Errorf("entitlements: %d ended on 2025-10-31, %d in force", ended, valid)
	}
}

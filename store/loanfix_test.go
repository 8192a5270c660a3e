package store

import "testing"

// loanFixture is a rated household of 甲村 with a borrower aged 61 and an
// application in 草稿 for ¥30,000 over 12 months.
type loanFixture struct {
	s   *Store
	h   *Household
	p   *Person
	app *LoanApplication
}

func fullRatingScores() map[string]int {
	return map[string]int{"population": 8, "labor": 8, "assets": 13, "net_assets": 13, "shares": 4, "income": 14, "overall": 30, "record": 10}
}

func newLoanFixture(t *testing.T) *loanFixture {
	t.Helper()
	f := &loanFixture{s: openTest(t, "130131190201-01")}
	f.h = newHousehold(t, f.s, "H101")
	f.p = newPerson(t, f.s, f.h, "赵建国", "130131196406150372")
	mustCreate(t, f.s, &CreditRating{HouseholdID: f.h.ID.String(), ItemScores: fullRatingScores(), ValidFrom: "2025-01-01",
		Panel: []string{"甲", "乙", "丙"}, NoticeFrom: "2024-12-01", NoticeTo: "2024-12-07", Objection: "无异议",
		BankName: "平山县农村信用合作联社", ApprovedAt: "2024-12-20", Approver: "信贷科", Status: "有效"})
	f.app = &LoanApplication{HouseholdID: f.h.ID.String(), ApplicantPersonID: f.p.ID.String(), ApplyDate: "2025-11-01",
		Mode: ModeHuDaiHuYong, AmountFen: 3_000_000, TermMonths: 12, Purpose: "养殖", ProjectDesc: "扩大肉羊养殖", CapacityDeclared: true, Status: "草稿"}
	mustCreate(t, f.s, f.app)
	return f
}

// step moves a stored record with PrepareStep, sets fields from typed text
// and saves it.
func step(t *testing.T, s *Store, e Entity, to string, on Date, set map[string]string) (Entity, error) {
	t.Helper()
	rec, err := s.Get(e.meta().ID)
	if err != nil {
		t.Fatal(err)
	}
	var next Entity
	err = s.View(func(r *Reader) error {
		var err error
		next, err = r.PrepareStep(rec, to, on, "钱进")
		return err
	})
	if err != nil {
		return nil, err
	}
	for k, v := range set {
		if err := SetField(next, k, v); err != nil {
			t.Fatalf("set %s=%s: %v", k, v, err)
		}
	}
	_, err = s.Save(next, "测试员")
	return next, err
}

// approve walks the fixture's application to 已批准.
func (f *loanFixture) approve(t *testing.T) {
	t.Helper()
	for _, st := range []struct {
		to  string
		on  Date
		set map[string]string
	}{
		{"村推荐", "2025-11-03", map[string]string{"village_opinion": "同意推荐"}},
		{"乡镇审核", "2025-11-06", map[string]string{"township_opinion": "符合条件"}},
		{"县推荐", "2025-11-10", map[string]string{"county_opinion": "同意推荐"}},
		{"银行受理", "2025-11-12", map[string]string{"bank_name": "平山县农村信用合作联社"}},
		{"已批准", "2025-11-20", nil},
	} {
		if _, err := step(t, f.s, f.app, st.to, st.on, st.set); err != nil {
			t.Fatalf("%s: %v", st.to, err)
		}
	}
}

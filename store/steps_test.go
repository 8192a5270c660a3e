package store

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func TestStepsOfAndIndex(t *testing.T) {
	var got []string
	for _, s := range StepsOf(KindLoanApplication) {
		got = append(got, s.Status+"/"+s.DateField)
	}
	want := []string{"村推荐/village_date", "乡镇审核/township_date", "县推荐/county_date", "银行受理/", "已批准/bank_decision_date", "已放款/"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("application chain %v, want %v", got, want)
	}
	if StepsOf(KindLoan) != nil || StepsOf(KindVisit) != nil {
		t.Error("kinds without a chain have steps")
	}
	cases := []struct {
		k      Kind
		status string
		want   int
	}{
		{KindLoanApplication, "草稿", -1},
		{KindLoanApplication, "村推荐", 0},
		{KindLoanApplication, "银行受理", 3},
		{KindLoanApplication, "已批准", 4},
		{KindLoanApplication, "已放款", 5},
		{KindLoanApplication, "已拒绝", StepOff},
		{KindAdmission, "草稿", -1},
		{KindAdmission, "在住", 3},
		{KindAdmission, "请假外出", 3},
		{KindAdmission, "已退住", 4},
		{KindAdmission, "不符合条件", StepOff},
		{KindAdmission, "已取消", StepOff},
		{KindCreditRating, "草稿", -1},
		{KindCreditRating, "复议", 0},
		{KindCreditRating, "公示中", 1},
		{KindCreditRating, "到期", 4},
		{KindCreditRating, "撤销", StepOff},
		{KindLoan, "正常", -1},
	}
	for _, c := range cases {
		if got := StepIndex(c.k, c.status); got != c.want {
			t.Errorf("StepIndex(%s, %s) = %d, want %d", c.k, c.status, got, c.want)
		}
	}
}

func TestStepFields(t *testing.T) {
	cases := []struct {
		k        Kind
		from, to string
		want     []string
	}{
		{KindLoanApplication, "草稿", "村推荐", []string{"capacity_declared", "village_opinion", "village_signers", "village_date"}},
		{KindLoanApplication, "村推荐", "已拒绝", []string{"reject_reason"}},
		{KindLoanApplication, "银行受理", "已拒绝", []string{"reject_reason", "bank_decision_date"}},
		{KindLoanApplication, "草稿", "已批准", nil}, // not a move the workflow allows
		{KindAdmission, "在住", "已退住", []string{"checkout_date", "checkout_reason", "note"}},
		{KindAdmission, "请假外出", "已退住", []string{"checkout_date", "checkout_reason", "note"}},
		{KindAdmission, "已批准", "在住", []string{"checkin_date", "bed_id", "assessment_id"}},
		{KindAdmission, "请假外出", "在住", nil}, // back from leave: nothing to ask
		{KindAdmission, "在住", "请假外出", []string{"note"}},
		{KindElderlyProfile, "在册", "暂停", []string{"pause_reason", "expected_return"}},
		{KindElderlyProfile, "暂停", "退出", []string{"exit_date", "exit_reason"}},
		{KindCreditRating, "村评议", "公示中", []string{"notice_from", "notice_to"}},
		{KindReferral, "待处理", "已办结", []string{"outcome", "closed_at"}},
	}
	for _, c := range cases {
		if got := StepFields(c.k, c.from, c.to); !reflect.DeepEqual(got, c.want) {
			t.Errorf("StepFields(%s, %s → %s) = %v, want %v", c.k, c.from, c.to, got, c.want)
		}
	}
}

// chinese reports whether a message is written in Chinese.
func chinese(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// problemFields lists the fields a save was refused for.
func problemFields(err error) []string {
	var p Problems
	if !errors.As(err, &p) {
		return nil
	}
	var out []string
	for _, e := range p {
		out = append(out, e.Field)
	}
	return out
}

// Each step of the chain, prepared and saved with nothing filled in, is
// refused only for fields StepFields asks for: a form that asks for those
// fields asks for everything the store will require.
func TestStepsAskForWhatSavingRequires(t *testing.T) {
	f := newLoanFixture(t)
	for _, st := range []struct {
		from, to string
		on       Date
		fill     map[string]string
	}{
		{"草稿", "村推荐", "2025-11-03", map[string]string{"village_opinion": "同意推荐"}},
		{"村推荐", "乡镇审核", "2025-11-06", map[string]string{"township_opinion": "符合条件"}},
		{"乡镇审核", "县推荐", "2025-11-10", map[string]string{"county_opinion": "同意推荐"}},
		{"县推荐", "银行受理", "2025-11-12", map[string]string{"bank_name": "平山县农村信用合作联社"}},
	} {
		_, err := step(t, f.s, f.app, st.to, st.on, nil)
		if err == nil {
			t.Fatalf("%s → %s saved with nothing filled in", st.from, st.to)
		}
		asked := StepFields(KindLoanApplication, st.from, st.to)
		for _, field := range problemFields(err) {
			if !oneOf(field, asked) {
				t.Errorf("%s → %s refused for %s, which StepFields %v does not ask for (%v)", st.from, st.to, field, asked, err)
			}
		}
		if _, err := step(t, f.s, f.app, st.to, st.on, st.fill); err != nil {
			t.Fatalf("%s → %s: %v", st.from, st.to, err)
		}
	}
	got, _ := GetAs[*LoanApplication](f.s, f.app.ID)
	// The dates each step stamped, and the operator as the village signer.
	if got.VillageDate != "2025-11-03" || got.TownshipDate != "2025-11-06" || got.CountyDate != "2025-11-10" ||
		!reflect.DeepEqual(got.VillageSigners, []string{"钱进"}) || got.Status != "银行受理" {
		t.Errorf("after the chain: %+v", got)
	}

	// A discharge asks for date, reason and note; saved without a reason it
	// is refused for checkout_reason only (the date is stamped).
	fx := newFixture(t)
	_, err := step(t, fx.s, fx.adm, "已退住", "2025-11-28", nil)
	if fs := problemFields(err); !reflect.DeepEqual(fs, []string{"checkout_reason"}) {
		t.Errorf("discharge without a reason refused for %v (%v)", fs, err)
	}
	next, err := step(t, fx.s, fx.adm, "已退住", "2025-11-28", map[string]string{"checkout_reason": "回家居住"})
	if err != nil {
		t.Fatal(err)
	}
	if a := next.(*Admission); a.CheckoutDate != "2025-11-28" || a.CheckinDate != "2025-10-05" {
		t.Errorf("discharge: checkout %s checkin %s", a.CheckoutDate, a.CheckinDate)
	}
	// A pause asks for its reason.
	_, err = step(t, fx.s, fx.profile, "暂停", "2025-11-28", nil)
	if err == nil {
		t.Fatal("pause without a reason saved")
	}
	for _, field := range problemFields(err) {
		if !oneOf(field, StepFields(KindElderlyProfile, "在册", "暂停")) {
			t.Errorf("pause refused for %s", field)
		}
	}
}

// Refusals of PrepareStep carry a code and a Chinese message and change
// nothing.
func TestPrepareStepRefusals(t *testing.T) {
	f := newLoanFixture(t)
	f.approve(t)
	var before bytes.Buffer
	f.s.Dump(&before, true)
	rec, _ := f.s.Get(f.app.ID)
	cases := []struct {
		to, code string
	}{
		{"已放款", "USE_DISBURSE"},
		{"村推荐", "STATUS_TRANSITION"},
		{"已批准", "STEP_SAME"},
		{"没有这个状态", "STATUS_TRANSITION"},
	}
	for _, c := range cases {
		var err error
		f.s.View(func(r *Reader) error { _, err = r.PrepareStep(rec, c.to, "2025-11-25", ""); return nil })
		if CodeOf(err) != c.code || !chinese(MessageOf(err)) {
			t.Errorf("to %s: %v, want %s", c.to, err, c.code)
		}
	}
	var loan error
	f.s.View(func(r *Reader) error { _, loan = r.PrepareStep(&Repayment{}, "作废", "2025-11-25", ""); return nil })
	if CodeOf(loan) != "NO_WORKFLOW" {
		t.Errorf("repayment step: %v", loan)
	}
	var after bytes.Buffer
	f.s.Dump(&after, true)
	if !bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Error("a refused step wrote something")
	}
	if got, _ := GetAs[*LoanApplication](f.s, f.app.ID); got.Status != "已批准" || got.BankDecisionDate != "2025-11-20" {
		t.Errorf("approved application: %s %s", got.Status, got.BankDecisionDate)
	}
}

// A rating's notice runs for the policy's minimum days from the day it is
// posted; an objection sends it back to the panel, and a new notice gets
// new dates.
func TestRatingNoticeStep(t *testing.T) {
	f := newLoanFixture(t)
	cr := &CreditRating{HouseholdID: f.h.ID.String(), ItemScores: fullRatingScores(), ValidFrom: "2025-12-01", Status: "草稿"}
	mustCreate(t, f.s, cr)
	if _, err := step(t, f.s, cr, "村评议", "2025-11-01", map[string]string{"panel": "甲、乙、丙"}); err != nil {
		t.Fatal(err)
	}
	next, err := step(t, f.s, cr, "公示中", "2025-11-02", nil)
	if err != nil {
		t.Fatal(err)
	}
	// 5 days (the default minimum) from 2 November: 2–6 November.
	if r := next.(*CreditRating); r.NoticeFrom != "2025-11-02" || r.NoticeTo != "2025-11-06" {
		t.Errorf("notice %s–%s, want 2025-11-02–2025-11-06", r.NoticeFrom, r.NoticeTo)
	}
	next, err = step(t, f.s, cr, "有异议", "2025-11-04", nil)
	if err != nil || next.(*CreditRating).Objection != "有异议" {
		t.Fatalf("objection: %v", err)
	}
	if _, err := step(t, f.s, cr, "复议", "2025-11-08", nil); err != nil {
		t.Fatal(err)
	}
	next, err = step(t, f.s, cr, "公示中", "2025-11-10", map[string]string{"objection": "无异议"})
	if err != nil {
		t.Fatal(err)
	}
	if r := next.(*CreditRating); r.NoticeFrom != "2025-11-10" || r.NoticeTo != "2025-11-14" {
		t.Errorf("second notice %s–%s", r.NoticeFrom, r.NoticeTo)
	}
}

// Moving in is done on a day: a resident registered as 在住, or moved to
// 在住, without a check-in date gets today's (the store's clock is
// 2025-12-01), through Check as through Save; a return from leave keeps the
// date of moving in.
func TestMoveInFillsCheckinDate(t *testing.T) {
	f := newFixture(t)
	h2 := newHousehold(t, f.s, "H002")
	p2 := newPerson(t, f.s, h2, "李建国", "130131193807220112")
	as2 := &Assessment{PersonID: p2.ID.String(), Instrument: InstrumentGB, Reason: "首次评估", AssessDate: "2025-10-01",
		Assessors: []string{"甲", "乙"}, Informant: Informant{Name: "李明", Relation: "子女"}, ItemScores: gbFull(80), Status: "已完成"}
	mustCreate(t, f.s, as2)
	a := &Admission{HomeID: f.home.ID.String(), PersonID: p2.ID.String(), StayType: "长期入住", ApplyDate: "2025-11-20",
		BedID: f.beds[1].ID.String(), Supporters: []Supporter{{Name: "李明", Relation: "子"}}, EmergencyContact: Contact{Name: "李明", Relation: "子", Mobile: "13812345679"},
		AssessmentID: as2.ID.String(), Status: "在住"}
	res, err := f.s.Check(a)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("check: %v %v", err, res.Problems)
	}
	if got := res.Record.(*Admission).CheckinDate; got != "2025-12-01" {
		t.Errorf("checked record's check-in date %q, want 2025-12-01", got)
	}
	if a.CheckinDate != "" {
		t.Error("Check changed the caller's record")
	}
	a.Status = "已申请"
	mustCreate(t, f.s, a)
	for _, to := range []string{"待评估", "已批准"} {
		if _, err := step(t, f.s, a, to, "2025-11-25", nil); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := GetAs[*Admission](f.s, a.ID)
	got.Status = "在住"
	if _, err := f.s.Save(got, "x"); err != nil {
		t.Fatal(err)
	}
	got, _ = GetAs[*Admission](f.s, a.ID)
	if got.CheckinDate != "2025-12-01" {
		t.Errorf("moved in without a date: check-in %q, want 2025-12-01", got.CheckinDate)
	}
	// The resident of the fixture moved in on 2025-10-05; leave and return
	// keep that date.
	if _, err := step(t, f.s, f.adm, "请假外出", "2025-11-20", nil); err != nil {
		t.Fatal(err)
	}
	back, err := step(t, f.s, f.adm, "在住", "2025-11-25", nil)
	if err != nil {
		t.Fatal(err)
	}
	if back.(*Admission).CheckinDate != "2025-10-05" {
		t.Errorf("return from leave changed the check-in date to %s", back.(*Admission).CheckinDate)
	}
}

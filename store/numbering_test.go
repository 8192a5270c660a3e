package store

import "testing"

// Referrals, service records and post-loan visits are numbered when
// written, <station>-<letter><yyyymm>-<seq4>, in sequence per month (a
// referral's the month of its visit, though written on 1 December); a
// referral keeps its number through its steps.
func TestSlipsAreNumbered(t *testing.T) {
	f := newFixture(t)
	v := &Visit{ElderlyID: f.profile.ID.String(), VisitDate: "2025-11-10", StartTime: "09:00", EndTime: "09:30", Method: "上门入户", Visitors: []string{"网格员"},
		SawElder: true, MentalCheck: "良好", RiskAfterVisit: "关注", Confirmation: "老人签字", Status: "已提交"}
	mustCreate(t, f.s, v)
	var refs []*Referral
	for i := 0; i < 2; i++ {
		r := &Referral{VisitID: v.ID.String(), NeedType: "就医", ReferredTo: "村医", Urgency: "紧急", Status: "待处理"}
		mustCreate(t, f.s, r)
		got, _ := GetAs[*Referral](f.s, r.ID)
		refs = append(refs, got)
	}
	prefix := "130131190201-01-Z202511-" // the month of the visit that found the need
	if refs[0].ReferralNo != prefix+"0001" || refs[1].ReferralNo != prefix+"0002" {
		t.Errorf("referrals numbered %q, %q; want %s0001, %s0002", refs[0].ReferralNo, refs[1].ReferralNo, prefix, prefix)
	}
	refs[0].Status, refs[0].Outcome = "已办结", "村医已上门"
	if _, err := f.s.Save(refs[0], "x"); err != nil {
		t.Fatal(err)
	}
	if got, _ := GetAs[*Referral](f.s, refs[0].ID); got.ReferralNo != prefix+"0001" {
		t.Errorf("closing the referral changed its number to %q", got.ReferralNo)
	}

	s := &ServiceRecord{EntitlementID: f.ent.ID.String(), ServiceDate: "2025-11-03", StartTime: "09:00", EndTime: "11:00",
		Items: []string{"助餐"}, Caregiver: "护理员", Confirmation: "老人/家属签字", Status: "待确认"}
	mustCreate(t, f.s, s)
	if got, _ := GetAs[*ServiceRecord](f.s, s.ID); got.ServiceNo != "130131190201-01-S202511-0001" {
		t.Errorf("service record numbered %q", got.ServiceNo)
	}
}

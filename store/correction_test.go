package store

import "testing"

// A correction copies the visit, names it, and needs its own reason.
func TestNewVisitCorrection(t *testing.T) {
	f := newFixture(t)
	v := &Visit{ElderlyID: f.profile.ID.String(), VisitDate: "2025-11-10", StartTime: "09:00", EndTime: "09:30", Method: "上门入户", Visitors: []string{"网格员"},
		SawElder: true, MentalCheck: "良好", RiskAfterVisit: "正常", Confirmation: "老人签字", Issues: "无", Status: "已提交"}
	mustCreate(t, f.s, v)
	var fix *Visit
	if err := f.s.View(func(r *Reader) error { var err error; fix, err = r.NewVisitCorrection(v.ID); return err }); err != nil {
		t.Fatal(err)
	}
	if fix.CorrectsVisitID != v.ID.String() || fix.VisitNo != "" || fix.Issues != "无" || fix.Status != "已提交" || MetaOf(fix).ID == v.ID {
		t.Errorf("correction %+v", fix)
	}
	_, err := f.s.Create(fix, "x")
	wantCode(t, err, "REQUIRED") // correction_reason
	fix.CorrectionReason, fix.Issues = "漏记安全隐患", "燃气管老化"
	fix.SafetyHazards, fix.SafetyAction = []string{"燃气"}, "已通知燃气公司"
	mustCreate(t, f.s, fix)
	if old, _ := GetAs[*Visit](f.s, v.ID); old.Issues != "无" {
		t.Error("the corrected visit changed")
	}
	var err2 error
	f.s.View(func(r *Reader) error { _, err2 = r.NewVisitCorrection(f.profile.ID); return nil })
	wantCode(t, err2, CodeNotFound)
}

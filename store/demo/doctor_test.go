package demo_test

import (
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/report"
)

// The signing rate of November 2025 as the data set makes it (demo/doctor.go):
// 甲村 A1 A2 A3 A6 A7 of A1–A4 A6–A8 (A5 and X1 died, the residents live in
// the home); 乙村 B1–B4 and B6 of B1–B6 and X2 (B2 registered twice, counted
// once); 示例社区 its one elder; 丙村 two of three.
func TestGoldenDoctorSigning(t *testing.T) {
	s := dataset(t)
	rep := run(t, s, "doctor-signing", report.Params{Scope: demo.County, Month: "2025-11"})
	d := rep.Data.(*report.SigningData)
	rows := map[string]report.SigningRow{}
	for _, v := range append(append([]report.SigningRow{}, d.Villages...), d.Townships...) {
		rows[v.Code] = v
	}
	check := func(code string, n, signed, doctor int, rate string) {
		t.Helper()
		r := rows[code]
		if r.N != n || r.Signed != signed || r.Rate.Text != rate || r.DoctorVisited != doctor {
			t.Errorf("%s: %d/%d %s (doctor %d), want %d/%d %s (doctor %d)", code, r.Signed, r.N, r.Rate.Text, r.DoctorVisited, signed, n, rate, doctor)
		}
	}
	check(demo.VillageJia, 7, 5, 3, "71.43%")
	check(demo.VillageYi, 7, 5, 2, "71.43%")
	check(demo.VillageShequ, 1, 1, 0, "100.00%")
	check(demo.VillageBing, 3, 2, 0, "66.67%")
	check(demo.TownshipShili, 15, 11, 5, "73.33%")
	check("130131290", 3, 2, 0, "66.67%")
	if d.Total.N != 18 || d.Total.Signed != 13 || d.Total.Rate.Text != "72.22%" {
		t.Errorf("county %d/%d %s, want 13/18 72.22%%", d.Total.Signed, d.Total.N, d.Total.Rate.Text)
	}
	why := map[string]int{}
	for _, u := range d.Unsigned {
		why[u.Why]++
	}
	if len(d.Unsigned) != 5 || why["从未签约"] != 3 || why["已解约"] != 1 || why["签约已到期"] != 1 {
		t.Errorf("unsigned %+v", d.Unsigned)
	}

	// The doctors' visits leave the visit coverage as it was (13 of 14).
	cov := run(t, s, "visit-coverage", report.Params{Scope: demo.TownshipShili, Month: "2025-11"}).Data.(*report.CoverageData)
	if cov.Total.V != 13 || cov.Total.N != 14 {
		t.Errorf("coverage %d/%d with the doctors' visits", cov.Total.V, cov.Total.N)
	}

	// A5 died on 20 November: her signing ended that day.
	err := s.View(func(r *store.Reader) error {
		hits, _, err := r.Search("13013119470808018X", "", 5)
		if err != nil || len(hits) != 1 {
			t.Fatalf("A5: %v %v", hits, err)
		}
		sigs, err := r.Signings(hits[0].ID)
		if err != nil || len(sigs) != 1 {
			t.Fatalf("A5's signings: %v %v", sigs, err)
		}
		if x := sigs[0]; x.Status != store.SigningEnded || x.EndedOn != "2025-11-20" || x.EndReason != "死亡" {
			t.Errorf("A5's signing after her death: %s %s %s", x.Status, x.EndedOn, x.EndReason)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

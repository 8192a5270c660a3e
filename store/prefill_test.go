package store

import (
	"slices"
	"testing"
)

func TestNextVisitDue(t *testing.T) {
	tests := []struct {
		freq string
		from Date
		want Date
	}{
		{"每周", "2025-11-28", "2025-12-05"},
		{"每月", "2025-11-20", "2025-12-20"},
		{"每月", "2025-01-31", "2025-02-28"},
		{"每季度", "2025-11-30", "2026-02-28"},
		{"每月", "", ""},
	}
	for _, tc := range tests {
		if got := NextVisitDue(tc.freq, tc.from); got != tc.want {
			t.Errorf("NextVisitDue(%s, %s) = %s, want %s", tc.freq, tc.from, got, tc.want)
		}
	}
}

func TestNewVisitDefaultsSaveAsTheyAre(t *testing.T) {
	f := newFixture(t)
	p, _ := GetAs[*Person](f.s, f.p.ID)
	p.DibaoFrom = "2024-01-01"
	if _, err := f.s.Save(p, "测试员"); err != nil {
		t.Fatal(err)
	}
	var v *Visit
	err := f.s.View(func(r *Reader) error {
		var err error
		v, err = r.NewVisit(f.profile.ID, "2025-11-20", "张三")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.VisitDate != "2025-11-20" || v.NextVisitDate != "2025-12-20" || !slices.Equal(v.Visitors, []string{"网格员"}) {
		t.Errorf("defaults: date %s next %s visitors %v", v.VisitDate, v.NextVisitDate, v.Visitors)
	}
	if !slices.Equal(v.Benefits, []string{"低保"}) {
		t.Errorf("benefits = %v, want the 低保 on the person's record", v.Benefits)
	}
	// An in-person visit needs a start time; with it the defaults save.
	v.StartTime, v.EndTime = "09:00", "09:30"
	if _, err := f.s.Create(v, "张三"); err != nil {
		t.Fatalf("the prefilled visit does not save: %v", err)
	}
	if v.VisitNo == "" {
		t.Error("no visit number issued")
	}
}

package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
)

// The dashboard reproduces domain.md §8.3 for 2025-11: 甲村 8/8, 乙村 5/6,
// the township 13/14 = 92.86% from summed counts (not 91.67%, the mean of
// the village rates); one elder not yet visited; the loan figures of §8.4.
func TestDashboardShowsTheMonthsGoldenFigures(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	h := u.home
	if h.loaded == 0 {
		t.Fatal("the dashboard did not load")
	}
	bars := map[string]string{}
	for _, vr := range h.data.coverage.Villages {
		bars[vr.Name] = vr.Rate.Text
	}
	if bars["甲村"] != "100.00%" || bars["乙村"] != "83.33%" {
		t.Errorf("village rates = %v", bars)
	}
	if !strings.Contains(h.total.Text, "应访 14 人，已访 13 人，覆盖率 92.86%") {
		t.Errorf("total line = %q", h.total.Text)
	}
	if strings.Contains(h.total.Text, "91.67") {
		t.Error("the total must come from summed counts, not the mean of village rates")
	}
	if !hasText(h.chart, "13/14  92.86%") || !hasText(h.chart, "5/6  83.33%") {
		t.Error("the bar chart does not show the counts next to the bars")
	}
	// The work list holds the elder missing from the rate and the one
	// enrolled too recently to count in it.
	if h.notSeen.Length() != 2 || !strings.Contains(h.notCount.Text, "其中 1 人入册不满 7 天") {
		t.Errorf("not-yet-visited list has %d rows: %q", h.notSeen.Length(), h.notCount.Text)
	}
	if !strings.Contains(h.loanNote.Text, "逾期 2 笔，余额 80,000.00 元") {
		t.Errorf("loan line = %q", h.loanNote.Text)
	}
	if !strings.Contains(h.beds.Text, "共 14 张床位") {
		t.Errorf("beds = %q", h.beds.Text)
	}
}

// Tapping the elder not yet visited opens a prefilled visit form for them.
func TestDashboardNotVisitedOpensAVisit(t *testing.T) {
	u := newTestUI(t, openDemo(t))
	for i, nv := range u.home.data.notSeen {
		if nv.Name == "林建秀" {
			u.home.notSeen.Select(i)
		}
	}
	if u.screens[u.current].s != u.visits {
		t.Fatalf("showing %s, want 探访", u.screens[u.current].name)
	}
	f := u.visits.visitForm
	if f == nil {
		t.Fatal("no visit form opened")
	}
	if got := f.ctls["elderly_id"].obj.(*widget.Label).Text; !strings.Contains(got, "林建秀") {
		t.Errorf("visit form is for %q, want 林建秀", got)
	}
	if f.str("visit_date") != "2025-11-30" {
		t.Errorf("visit date defaults to %q, want the day", f.str("visit_date"))
	}
}

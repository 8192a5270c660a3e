package store

import (
	"strings"
	"testing"
)

const schemeFile = `{
  "id": "pingshan-2025",
  "name": "平山县扶贫小额信贷评级（2025）",
  "items": [{"code": "credit", "name": "信用观念", "max": 40}, {"code": "labor", "name": "劳动能力", "max": 30}, {"code": "project", "name": "致富项目", "max": 30}],
  "tiers": [{"min_score": 85, "grade": "AAA", "limit_fen": 5000000}, {"min_score": 70, "grade": "AA", "limit_fen": 3000000}, {"min_score": 0, "grade": "不授信", "limit_fen": 0}],
  "validity_months": 36
}`

func TestParsePolicyFile(t *testing.T) {
	base := DefaultPolicy()
	// A rating scheme on its own replaces the scheme and nothing else.
	p, err := ParsePolicyFile([]byte("\xef\xbb\xbf"+schemeFile), base)
	if err != nil {
		t.Fatal(err)
	}
	if p.RatingScheme.ID != "pingshan-2025" || len(p.RatingScheme.Items) != 3 || p.RatingScheme.Grade(86).Grade != "AAA" || p.LoanMaxFen != base.LoanMaxFen {
		t.Errorf("scheme file gave %+v", p.RatingScheme)
	}
	// Policy settings: only those named change; a map is replaced, not merged.
	p, err = ParsePolicyFile([]byte(`{"notice_min_days": 7, "homecare_hours": {"重度失能": 60, "中度失能": 45}}`), base)
	if err != nil {
		t.Fatal(err)
	}
	if p.NoticeMinDays != 7 || p.LoanMaxFen != base.LoanMaxFen || len(p.HomecareHours) != 2 || p.RatingScheme.ID != base.RatingScheme.ID {
		t.Errorf("partial policy gave %+v", p)
	}
	if base.NoticeMinDays != 5 || len(base.HomecareHours) != 3 {
		t.Error("ParsePolicyFile changed its base")
	}
	// A whole policy with a scheme inside.
	whole := strings.Replace(`{"loan_max_fen": 5000000, "rating_scheme": SCHEME}`, "SCHEME", schemeFile, 1)
	if p, err = ParsePolicyFile([]byte(whole), base); err != nil || p.RatingScheme.ID != "pingshan-2025" {
		t.Errorf("whole policy: %v %+v", err, p.RatingScheme)
	}

	refused := []struct{ file, code string }{
		{`[1, 2]`, "POLICY_FORMAT"},
		{`not json`, "POLICY_FORMAT"},
		{`{"notice_min_day": 7}`, "POLICY_UNKNOWN_FIELD"}, // misspelt
		{`{"notice_min_days": "七"}`, "POLICY_FORMAT"},
		{`{"notice_min_days": 0}`, "POLICY_INVALID"},
		{strings.Replace(schemeFile, `"max": 40`, `"max": 50`, 1), "POLICY_INVALID"},                       // items add to 110
		{strings.Replace(schemeFile, `"limit_fen": 5000000`, `"limit_fen": 6000000`, 1), "POLICY_INVALID"}, // over the loan limit
		{strings.Replace(schemeFile, `"id": "pingshan-2025",`, ``, 1), "POLICY_INVALID"},                   // no id
		{strings.Replace(schemeFile, `"name": "信用观念"`, `"name": "信用观念", "weight": 2`, 1), "POLICY_UNKNOWN_FIELD"},
		{`{"notice_min_days": 7} {"x": 1}`, "POLICY_FORMAT"},
	}
	for _, r := range refused {
		_, err := ParsePolicyFile([]byte(r.file), base)
		if CodeOf(err) != r.code || !chinese(MessageOf(err)) {
			t.Errorf("%.40s: %v, want %s", r.file, err, r.code)
		}
	}
	// A changed scheme under the id in use is refused; the same scheme
	// again is fine.
	withScheme, _ := ParsePolicyFile([]byte(schemeFile), base)
	if _, err := ParsePolicyFile([]byte(schemeFile), withScheme); err != nil {
		t.Errorf("the same scheme again: %v", err)
	}
	changed := strings.Replace(schemeFile, `"min_score": 85`, `"min_score": 80`, 1)
	if _, err := ParsePolicyFile([]byte(changed), withScheme); CodeOf(err) != "SCHEME_ID_REUSED" {
		t.Errorf("changed scheme, same id: %v", err)
	}
}

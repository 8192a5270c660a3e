package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

// The demo's risk-compensation claim for L2 waits for the county's
// decision: the command line shows the move and what it asks for, takes
// the county's 审定 and the payment through the store's steps (the loan
// follows: 风险补偿代偿中, then 已代偿), and refuses a claim for L1, only 45
// days overdue.
func TestCompensationClaimThroughCLI(t *testing.T) {
	db := demoCopy(t)
	claim := find(t, db, "risk_compensation_claim", "status", "乡镇审核")
	out, errOut, code := run(t, "", "--data", db, "record", "moves", claim)
	if code != 0 {
		t.Fatal(errOut)
	}
	for _, want := range []string{"风险补偿金代偿申请", "● 2. 乡镇审核（乡镇审核）", "○ 3. 县级审定（县审定）", "可改为“县审定”：填写 county_opinion、county_date", "可改为“已退回”：填写 reject_reason"} {
		if !strings.Contains(out, want) {
			t.Errorf("moves lack %q:\n%s", want, out)
		}
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "step", claim, "--to", "县审定", "--on", "2025-11-30"); code != 1 || !strings.Contains(errOut, "REQUIRED: 请填写「县审定意见」") {
		t.Errorf("审定 without an opinion: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "step", claim, "--to", "县审定", "--on", "2025-11-30", "--set", "county_opinion=审定同意代偿"); code != 0 {
		t.Fatal(errOut)
	}
	loan := find(t, db, "loan", "contract_no", "PSXYS-2023-0102")
	if got := get(t, db, loan)["status"]; got != "风险补偿代偿中" {
		t.Errorf("after 审定 the loan is %v", got)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "step", claim, "--to", "已代偿", "--on", "2025-11-30"); code != 0 {
		t.Fatal(errOut)
	}
	if got := get(t, db, claim); got["status"] != "已代偿" || got["paid_date"] != "2025-11-30" || got["amount_fen"] != 2666317.0 {
		t.Errorf("paid claim %v", got)
	}
	if got := get(t, db, loan)["status"]; got != "已代偿" {
		t.Errorf("after payment the loan is %v", got)
	}

	l1 := find(t, db, "loan", "contract_no", "PSXYS-2024-0101")
	out, errOut, code = run(t, "", "--data", db, "record", "new", "risk_compensation_claim", "--for", l1, "--on", "2025-11-30")
	if code != 0 {
		t.Fatal(errOut)
	}
	var draft map[string]any
	json.Unmarshal([]byte(out), &draft)
	if draft["days_overdue"] != 45.0 || draft["overdue_principal_fen"] != 5e6 || draft["status"] != "草稿" {
		t.Errorf("prefill %v", draft)
	}
	if _, errOut, code := run(t, out, "--data", db, "record", "put", "risk_compensation_claim"); code != 1 || !strings.Contains(errOut, "COMPENSATION_TOO_EARLY: ") || !strings.Contains(errOut, "未满90天") {
		t.Errorf("a claim 45 days overdue: %d %s", code, errOut)
	}
}

// R8 through the command line, then the missing ¥500 of 2018 entered
// from the store's prefill: the report then finds nothing short.
func TestDividendThroughCLI(t *testing.T) {
	db := demoCopy(t)
	out, errOut, code := run(t, "", "--data", db, "report", "dividend-check", "--year", "2018")
	if code != 0 {
		t.Fatal(errOut)
	}
	for _, want := range []string{"户贷企用分红核对表", "5,000.00", "4,500.00", "500.00", "少发1户"} {
		if !strings.Contains(out, want) {
			t.Errorf("R8 lacks %q:\n%s", want, out)
		}
	}
	var short map[string]any
	for _, link := range listRecords(t, db, "enterprise_link") {
		if link["link_type"] != "户贷企用-入股分红" {
			continue
		}
		out, errOut, code := run(t, "", "--data", db, "record", "new", "dividend_payment", "--for", link["id"].(string), "--year", "2018", "--on", "2025-11-30")
		if code != 0 {
			t.Fatal(errOut)
		}
		var p map[string]any
		json.Unmarshal([]byte(out), &p)
		if p["expected_fen"] != 250000.0 || p["pay_type"] != "分红" || p["period"] != "全年" {
			t.Errorf("prefill %v", p)
		}
		if p["amount_fen"] == 50000.0 {
			short = p
		}
	}
	if short == nil {
		t.Fatal("no prefill for the ¥500 still owed for 2018")
	}
	short["paid_by"] = "钱进"
	b, _ := json.Marshal(short)
	if _, errOut, code := run(t, string(b), "--data", db, "record", "put", "dividend_payment"); code != 0 {
		t.Fatal(errOut)
	}
	out, _, _ = run(t, "", "--data", db, "report", "dividend-check", "--year", "2018")
	if !strings.Contains(out, "少发0户") {
		t.Errorf("after paying the rest:\n%s", out)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "new", "dividend_payment", "--for", find(t, db, "enterprise", "name", "示例种养专业合作社")); code != 1 || !strings.Contains(errOut, "NOT_FOUND") {
		t.Errorf("a payment for an enterprise, not a link: %d %s", code, errOut)
	}
}

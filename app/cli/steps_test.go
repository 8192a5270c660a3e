package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store/demo"
)

// listRecords returns the records of a kind as record list prints them.
func listRecords(t *testing.T, db, kind string) []map[string]any {
	t.Helper()
	out, errOut, code := run(t, "", "--data", db, "--unmasked", "record", "list", kind, "--size", "1000", "--format", "json")
	if code != 0 {
		t.Fatalf("list %s: %s", kind, errOut)
	}
	var v struct{ Records []map[string]any }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	return v.Records
}

// find returns the id of the first record of a kind whose field has a value.
func find(t *testing.T, db, kind, field, value string) string {
	t.Helper()
	for _, r := range listRecords(t, db, kind) {
		if r[field] == value {
			return r["id"].(string)
		}
	}
	t.Fatalf("no %s with %s = %s", kind, field, value)
	return ""
}

// get reads one record, unmasked.
func get(t *testing.T, db, id string) map[string]any {
	t.Helper()
	out, errOut, code := run(t, "", "--data", db, "--unmasked", "record", "get", id)
	if code != 0 {
		t.Fatalf("get %s: %s", id, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// The demo application recommended by the village on 2025-11-20 goes up
// the chain step by step; each refusal names what is missing and changes
// nothing.
func TestRecordStepThroughCLI(t *testing.T) {
	db := demoCopy(t)
	app := find(t, db, "loan_application", "status", "村推荐")
	before := get(t, db, app)

	_, errOut, code := run(t, "", "--data", db, "record", "step", app, "--to", "乡镇审核", "--on", "2025-11-22")
	if code != 1 || !strings.Contains(errOut, "REQUIRED: 请填写「乡镇审核意见」（township_opinion）") {
		t.Errorf("step without the opinion: %d %s", code, errOut)
	}
	if after := get(t, db, app); after["_version"] != before["_version"] || after["status"] != "村推荐" {
		t.Errorf("a refused step changed the record: %v", after["status"])
	}
	for _, bad := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"--to", "已放款"}, 1, "USE_DISBURSE: "},
		{[]string{"--to", "已批准"}, 1, "STATUS_TRANSITION: "},
		{[]string{"--to", "乡镇审核", "--set", "no_such=1"}, 1, "UNKNOWN_FIELD: "},
		{[]string{"--to", "乡镇审核", "--set", "township_date=11月22日"}, 1, "DATE_FORMAT: "},
		{[]string{"--to", "乡镇审核", "--on", "昨天"}, 1, "BAD_DATE: "},
		{[]string{}, 2, "USAGE: "},
		{[]string{"--to", "乡镇审核", "--set", "township_opinion"}, 2, "USAGE: "},
	} {
		_, errOut, code := run(t, "", append([]string{"--data", db, "record", "step", app}, bad.args...)...)
		if code != bad.code || !strings.HasPrefix(errOut, bad.err) {
			t.Errorf("step %v: %d %s, want %d %s", bad.args, code, errOut, bad.code, bad.err)
		}
	}
	out, errOut, code := run(t, "", "--data", db, "record", "step", app, "--to", "乡镇审核", "--on", "２０２５－１１－２２", "--set", "township_opinion=经审核符合条件")
	if code != 0 || !strings.HasPrefix(out, "已办理“乡镇审核” "+app) || !strings.Contains(out, `"township_date": "2025-11-22"`) {
		t.Fatalf("step: %d %s %s", code, out, errOut)
	}
	after := get(t, db, app)
	if after["status"] != "乡镇审核" || after["township_opinion"] != "经审核符合条件" || after["township_date"] != "2025-11-22" {
		t.Errorf("after the step: %v", after)
	}
	// Where it stands and what comes next, as the window shows it.
	out, _, _ = run(t, "", "--data", db, "record", "moves", app, "--format", "json")
	var moves struct {
		Steps []struct{ Done bool }
		Moves []struct {
			To     string
			Fields []string
		}
	}
	json.Unmarshal([]byte(out), &moves)
	if len(moves.Steps) != 6 || !moves.Steps[1].Done || moves.Steps[2].Done || len(moves.Moves) != 2 || moves.Moves[0].To != "县推荐" ||
		strings.Join(moves.Moves[0].Fields, ",") != "county_opinion,county_date" || moves.Moves[1].To != "已拒绝" {
		t.Errorf("moves: %s", out)
	}
}

// approve walks the demo's recommended application to 已批准.
func approve(t *testing.T, db, app string) {
	t.Helper()
	for _, st := range [][]string{
		{"--to", "乡镇审核", "--on", "2025-11-22", "--set", "township_opinion=符合条件"},
		{"--to", "县推荐", "--on", "2025-11-24", "--set", "county_opinion=同意推荐"},
		{"--to", "银行受理", "--on", "2025-11-25", "--set", "bank_name=平山县农村信用合作联社"},
		{"--to", "已批准", "--on", "2025-11-27"},
	} {
		if _, errOut, code := run(t, "", append([]string{"--data", db, "record", "step", app}, st...)...); code != 0 {
			t.Fatalf("step %v: %s", st, errOut)
		}
	}
}

// The loan of an approved application: prefilled by record new, entered by
// loan disburse, which moves the application to 已放款 in the same write.
func TestDisburseThroughCLI(t *testing.T) {
	db := demoCopy(t)
	app := find(t, db, "loan_application", "status", "村推荐")
	if _, errOut, code := run(t, "", "--data", db, "record", "new", "loan", "--for", app); code != 1 || !strings.HasPrefix(errOut, "APPLICATION_NOT_APPROVED: ") {
		t.Errorf("loan of an application not approved: %d %s", code, errOut)
	}
	approve(t, db, app)
	out, errOut, code := run(t, "", "--data", db, "record", "new", "loan", "--for", app, "--on", "2025-11-28")
	if code != 0 {
		t.Fatal(errOut)
	}
	var tmpl map[string]any
	if err := json.Unmarshal([]byte(out), &tmpl); err != nil {
		t.Fatalf("template: %v\n%s", err, out)
	}
	// ¥20,000 for 24 months (the application), disbursed 2025-11-28.
	if tmpl["kind"] != "loan" || tmpl["application_id"] != app || tmpl["principal_fen"] != 2e6 || tmpl["disbursed_on"] != "2025-11-28" || tmpl["due_on"] != "2027-11-28" {
		t.Errorf("template %v", tmpl)
	}
	file := filepath.Join(t.TempDir(), "loan.json")
	os.WriteFile(file, []byte(out), 0o600)
	_, errOut, code = run(t, "", "--data", db, "loan", "disburse", "--application", app, "--file", file)
	if code != 1 || !strings.Contains(errOut, "REQUIRED: 请填写「借款合同号」") {
		t.Errorf("disburse without a contract: %d %s", code, errOut)
	}
	if got := get(t, db, app); got["status"] != "已批准" {
		t.Errorf("a refused disbursement moved the application to %v", got["status"])
	}
	out, errOut, code = run(t, "", "--data", db, "loan", "disburse", "--application", app, "--file", file,
		"--set", "contract_no=PSXYS-2025-0999", "--set", "annual_rate_bp=３４５", "--set", "repay_method=到期一次还本、按季付息", "--format", "json")
	if code != 0 {
		t.Fatalf("disburse: %s", errOut)
	}
	var res struct{ ID string }
	json.Unmarshal([]byte(out), &res)
	loan := get(t, db, res.ID)
	if loan["application_id"] != app || loan["annual_rate_bp"] != 345.0 || loan["contract_no"] != "PSXYS-2025-0999" || loan["status"] != "正常" {
		t.Errorf("loan %v", loan)
	}
	if got := get(t, db, app); got["status"] != "已放款" {
		t.Errorf("application after disbursement: %v", got["status"])
	}
	_, errOut, code = run(t, "", "--data", db, "loan", "disburse", "--application", app, "--set", "contract_no=PSXYS-2025-0998")
	if code != 1 || !strings.HasPrefix(errOut, "APPLICATION_DISBURSED: ") {
		t.Errorf("second disbursement: %d %s", code, errOut)
	}
}

// A repayment prefilled for L1 (¥50,000 at 4.35%, due 2025-10-16, nothing
// paid) on 2025-11-30: principal ¥50,000; interest for the 410 days from
// 2024-10-16, 5,000,000 × 0.0435 × 410 ÷ 360 = 247,708 fen. Entered, then
// voided: the void needs a reason, the amounts never change.
func TestRepaymentThroughCLI(t *testing.T) {
	db := demoCopy(t)
	loan := find(t, db, "loan", "contract_no", "PSXYS-2024-0101")
	out, errOut, code := run(t, "", "--data", db, "record", "new", "repayment", "--for", loan, "--on", "2025-11-30")
	if code != 0 {
		t.Fatal(errOut)
	}
	var rp map[string]any
	json.Unmarshal([]byte(out), &rp)
	if rp["principal_fen"] != 5e6 || rp["interest_fen"] != 247708.0 || rp["paid_date"] != "2025-11-30" || rp["source"] != "本人" {
		t.Errorf("prefill %v", rp)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "new", "repayment"); code != 2 || !strings.Contains(errOut, "--for") {
		t.Errorf("repayment without a loan: %d %s", code, errOut)
	}
	out, errOut, code = run(t, out, "--data", db, "record", "put", "repayment", "--format", "json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var created struct{ ID string }
	json.Unmarshal([]byte(out), &created)
	if _, errOut, code := run(t, "", "--data", db, "record", "edit", created.ID, "--set", "voided=是"); code != 1 || !strings.Contains(errOut, "REQUIRED: 请填写「作废理由」") {
		t.Errorf("void without a reason: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "edit", created.ID, "--set", "principal_fen=100"); code != 1 || !strings.HasPrefix(errOut, "FROZEN: ") {
		t.Errorf("changing an amount: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "edit", created.ID, "--set", "voided=是", "--set", "void_reason=金额录错"); code != 0 {
		t.Fatalf("void: %s", errOut)
	}
	if got := get(t, db, created.ID); got["voided"] != true || got["void_reason"] != "金额录错" || got["principal_fen"] != 5e6 {
		t.Errorf("voided repayment %v", got)
	}
}

// Lists read statuses as of today (the test clock: 2025-12-01): the two
// overdue loans read 逾期, as on the overdue list; the entitlement that
// ended on 2025-10-31 reads 已到期.
func TestListShowsStatusAsOfToday(t *testing.T) {
	db := demoCopy(t)
	out, _, _ := run(t, "", "--data", db, "record", "list", "loan")
	for _, want := range []string{"PSXYS-2024-0101 2024-10-16 逾期", "PSXYS-2023-0102 2023-08-02 逾期", "PSXYS-2025-0103 2025-03-10 正常"} {
		if !strings.Contains(out, want) {
			t.Errorf("loan list lacks %q:\n%s", want, out)
		}
	}
	overdue, _, _ := run(t, "", "--data", db, "due", "overdue")
	if strings.Count(overdue, "逾期") != strings.Count(out, " 逾期\n") {
		t.Errorf("overdue list and loan list disagree:\n%s\n%s", overdue, out)
	}
	ended := find(t, db, "homecare_entitlement", "valid_to", "2025-10-31")
	js, _, _ := run(t, "", "--data", db, "record", "list", "homecare_entitlement", "--format", "json")
	var v struct {
		AsOf     string            `json:"as_of"`
		StatusOn map[string]string `json:"status_on"`
	}
	json.Unmarshal([]byte(js), &v)
	if v.AsOf != "2025-12-01" || v.StatusOn[ended] != "已到期" || len(v.StatusOn) != 4 {
		t.Errorf("entitlements: %s", js)
	}
}

// A discharge through record step: the date is the day given, the reason
// is asked for.
func TestDischargeThroughCLI(t *testing.T) {
	db := demoCopy(t)
	adm := find(t, db, "admission", "status", "在住")
	if _, errOut, code := run(t, "", "--data", db, "record", "step", adm, "--to", "已退住", "--on", "2025-11-29"); code != 1 || !strings.Contains(errOut, "checkout_reason") {
		t.Errorf("discharge without a reason: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "--data", db, "record", "step", adm, "--to", "已退住", "--on", "2025-11-29", "--set", "checkout_reason=回家居住"); code != 0 {
		t.Fatal(errOut)
	}
	if got := get(t, db, adm); got["status"] != "已退住" || got["checkout_date"] != "2025-11-29" || got["checkout_reason"] != "回家居住" {
		t.Errorf("after discharge %v", got)
	}
}

// The demo's one conflict (a household's phone entered at 乙村 and at the
// county): reviewed, then the review undone, then undone again (refused).
func TestResolveUndoThroughCLI(t *testing.T) {
	db := demoCopy(t)
	out, _, _ := run(t, "", "--data", db, "conflicts", "--format", "json")
	var cs []struct {
		ID, Field string
		Siblings  []struct{ Value json.RawMessage }
	}
	json.Unmarshal([]byte(out), &cs)
	if len(cs) != 1 || len(cs[0].Siblings) != 2 {
		t.Fatalf("conflicts: %s", out)
	}
	id, field := cs[0].ID, cs[0].Field
	if _, errOut, code := run(t, "", "--data", db, "resolve", id, field, "--undo"); code != 1 || !strings.HasPrefix(errOut, "UNDO_CHANGED: ") {
		t.Errorf("undo before any review: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "--data", db, "resolve", id, field, "--pick", "1", "--author", "王五"); code != 0 {
		t.Fatal(errOut)
	}
	if out, _, _ := run(t, "", "--data", db, "conflicts"); !strings.Contains(out, "没有待审核") {
		t.Fatalf("after review: %s", out)
	}
	out, errOut, code := run(t, "", "--data", db, "resolve", id, field, "--undo", "--author", "李四")
	if code != 0 || !strings.Contains(out, "2个值重新列入待审核") {
		t.Fatalf("undo: %d %s %s", code, out, errOut)
	}
	out, _, _ = run(t, "", "--data", db, "conflicts", "--format", "json")
	var again []struct {
		Siblings []struct {
			Value  json.RawMessage
			Author string
		}
	}
	json.Unmarshal([]byte(out), &again)
	if len(again) != 1 || len(again[0].Siblings) != 2 {
		t.Fatalf("after undo: %s", out)
	}
	vals := map[string]bool{}
	for _, s := range again[0].Siblings {
		vals[string(s.Value)] = true
		// The undo is the logged-in operator's, whatever --author says.
		if !strings.Contains(s.Author, demo.HeadName+"撤销审核后恢复") {
			t.Errorf("restored value by %q", s.Author)
		}
	}
	for _, s := range cs[0].Siblings {
		if !vals[string(s.Value)] {
			t.Errorf("value %s not restored: %s", s.Value, out)
		}
	}
	if _, errOut, code := run(t, "", "--data", db, "resolve", id, field, "--undo"); code != 1 || !strings.HasPrefix(errOut, "UNDO_CHANGED: ") {
		t.Errorf("second undo: %d %s", code, errOut)
	}
}

// policy set takes a rating scheme file on its own, the way the county
// hands it out, and refuses a misspelt setting without changing anything.
func TestPolicySetScheme(t *testing.T) {
	db := demoCopy(t)
	dir := t.TempDir()
	scheme := filepath.Join(dir, "scheme.json")
	os.WriteFile(scheme, []byte(`{"id":"pingshan-2025","name":"平山县评级（2025）","items":[{"code":"credit","name":"信用观念","max":60},{"code":"labor","name":"劳动能力","max":40}],
		"tiers":[{"min_score":80,"grade":"AAA","limit_fen":5000000},{"min_score":0,"grade":"不授信","limit_fen":0}],"validity_months":24}`), 0o600)
	out, errOut, code := run(t, "", "--data", db, "policy", "set", scheme)
	if code != 0 || !strings.Contains(out, "评级授信方案改为“平山县评级（2025）”（pingshan-2025）") {
		t.Fatalf("scheme: %d %s %s", code, out, errOut)
	}
	typo := filepath.Join(dir, "typo.json")
	os.WriteFile(typo, []byte(`{"notice_min_day": 7}`), 0o600)
	if _, errOut, code := run(t, "", "--data", db, "policy", "set", typo); code != 1 || !strings.HasPrefix(errOut, "POLICY_UNKNOWN_FIELD: ") {
		t.Errorf("typo: %d %s", code, errOut)
	}
	out, _, _ = run(t, "", "--data", db, "policy", "show")
	var p struct {
		NoticeMinDays int                 `json:"notice_min_days"`
		RatingScheme  struct{ ID string } `json:"rating_scheme"`
	}
	json.Unmarshal([]byte(out), &p)
	if p.RatingScheme.ID != "pingshan-2025" || p.NoticeMinDays != 5 {
		t.Errorf("policy after: %s", out)
	}
}

// record check shows what saving would store (sex and birth date from the
// ID number) without writing; problems exit with 1. 130131195601010020:
// born 1956-01-01, 17th digit 2 (even) → 女, check digit worked by hand.
func TestRecordCheckThroughCLI(t *testing.T) {
	db := demoCopy(t)
	hh := find(t, db, "household", "household_no", "130131190202-Y002")
	person := `{"household_id":"` + hh + `","name":"张秀英","id_number":"130131195601010020","relation":"其他","status":"在册"}`
	out, errOut, code := run(t, person, "--data", db, "--unmasked", "record", "check", "person")
	if code != 0 || !strings.Contains(out, `"sex": "女"`) || !strings.Contains(out, `"birth_date": "1956-01-01"`) {
		t.Errorf("check: %d %s %s", code, out, errOut)
	}
	bad := strings.Replace(person, `"status":"在册"`, `"status":"在册","sex":"男"`, 1)
	out, _, code = run(t, bad, "--data", db, "record", "check", "person", "--format", "json")
	var v struct {
		OK       bool
		Problems []struct{ Code string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != 1 || v.OK || len(v.Problems) != 1 || v.Problems[0].Code != "ID_SEX_MISMATCH" {
		t.Errorf("check with a wrong sex: %d %v %s", code, err, out)
	}
	if n := len(listRecords(t, db, "person")); n == 0 {
		t.Fatal("no persons")
	}
	if out, _, _ := run(t, "", "--data", db, "record", "search", "张秀英"); !strings.Contains(out, "找到 0 条") {
		t.Errorf("check wrote the record: %s", out)
	}
}

// A visit started from the elder's register entry, as the window's 登记探访
// does, saves as it is.
func TestRecordNewVisitThroughCLI(t *testing.T) {
	db := demoCopy(t)
	profile := find(t, db, "elderly_profile", "status", "在册")
	out, errOut, code := run(t, "", "--data", db, "record", "new", "visit", "--for", profile, "--on", "2025-11-30")
	if code != 0 || !strings.Contains(out, `"visit_date": "2025-11-30"`) || !strings.Contains(out, `"method": "上门入户"`) {
		t.Fatalf("new visit: %s %s", out, errOut)
	}
	// A home visit needs its start time; the template leaves it to the visitor.
	withTime := strings.Replace(out, `"method"`, `"start_time": "09:30", "method"`, 1)
	out, errOut, code = run(t, withTime, "--data", db, "record", "put", "visit", "--format", "json")
	var created struct{ ID string }
	if json.Unmarshal([]byte(out), &created) != nil || code != 0 {
		t.Fatalf("put visit: %d %s %s", code, out, errOut)
	}
	// --for a visit starts its correction, which needs a reason.
	fix, _, code := run(t, "", "--data", db, "record", "new", "visit", "--for", created.ID)
	if code != 0 || !strings.Contains(fix, `"corrects_visit_id": "`+created.ID+`"`) || !strings.Contains(fix, `"start_time": "09:30"`) {
		t.Errorf("correction: %s", fix)
	}
	if _, errOut, code := run(t, fix, "--data", db, "record", "put", "visit"); code != 1 || !strings.Contains(errOut, "correction_reason") {
		t.Errorf("correction without a reason: %d %s", code, errOut)
	}
	withReason := strings.Replace(fix, `"kind"`, `"correction_reason": "探访时间记错", "kind"`, 1)
	if _, errOut, code := run(t, withReason, "--data", db, "record", "put", "visit"); code != 0 {
		t.Errorf("correction: %s", errOut)
	}
	blank, _, code := run(t, "", "--data", db, "record", "new", "admission")
	if code != 0 || !strings.Contains(blank, `"status": "草稿"`) || !strings.Contains(blank, `"kind": "admission"`) {
		t.Errorf("blank admission: %s", blank)
	}
}

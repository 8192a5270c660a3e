package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/ident"
)

// run invokes the command line in-process with a pinned clock.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, format: "text", registry: "-",
		now:     func() time.Time { return time.Date(2025, 12, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)) },
		environ: testLogin}
	code := e.main(args)
	return out.String(), errOut.String(), code
}

// testLogin is the environment of a script run by the demo file's 负责人,
// who also sets up the tests' new stations.
var testLogin = map[string]string{envOperator: demo.HeadName, envPassword: demo.HeadPassword}

// newStation sets up a new station file at path, with the demo's 负责人.
func newStation(t *testing.T, path string) string {
	t.Helper()
	if out, errOut, code := run(t, "", "--data", path, "operator", "setup", "--name", demo.HeadName); code != 0 {
		t.Fatalf("operator setup: %s %s", out, errOut)
	}
	return path
}

var (
	demoOnce sync.Once
	demoDir  string
)

// demoCopy returns a fresh copy of the demo database, generated once.
func demoCopy(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, _ = os.MkdirTemp("", "cunzhan-cli-test-")
		var out, errOut bytes.Buffer
		e := &env{stdout: &out, stderr: &errOut, format: "text", registry: "-", now: time.Now}
		if code := e.main([]string{"demo", "--out", filepath.Join(demoDir, "demo.db")}); code != 0 {
			panic("demo: " + errOut.String())
		}
	})
	b, err := os.ReadFile(filepath.Join(demoDir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "demo.db")
	os.WriteFile(p, b, 0o600)
	return p
}

func TestIDCheck(t *testing.T) {
	cases := []struct {
		arg    string
		code   int
		stdout string
		stderr string
	}{
		{"130131194503150025", 0, "130131194503150025\n出生日期：1945-03-15\n性别：女", ""},
		{"13013119470808018x", 0, "13013119470808018X", ""},
		{"130131450315002", 0, "已由15位旧号码升级", ""},
		{"130131194503150205", 1, "", "ID_CHECKSUM: "},
		{"130131195302290245", 1, "", "ID_BIRTH_INVALID: "},
		{"130131209901010019", 1, "", "ID_BIRTH_FUTURE: "},
		{"1301311945", 1, "", "ID_LENGTH: "},
	}
	for _, c := range cases {
		out, errOut, code := run(t, "", "id", "check", c.arg)
		if code != c.code || !strings.Contains(out, c.stdout) || !strings.Contains(errOut, c.stderr) {
			t.Errorf("id check %s: exit %d\n%s\n%s", c.arg, code, out, errOut)
		}
		if c.code != 0 && strings.Contains(errOut, c.arg) {
			t.Errorf("the error repeats the number")
		}
	}
	out, _, code := run(t, "", "--format", "json", "id", "check", "130131194593150025")
	var v struct {
		Error    struct{ Code string }
		Problems []struct{ Code string }
	}
	if code != 1 || json.Unmarshal([]byte(out), &v) != nil || v.Error.Code != "ID_BIRTH_INVALID" || len(v.Problems) != 2 {
		t.Errorf("json error output: %d %s", code, out)
	}
}

func TestUsageAndMissingFiles(t *testing.T) {
	if _, errOut, code := run(t, "", "frobnicate"); code != 2 || !strings.Contains(errOut, "USAGE") {
		t.Errorf("unknown command: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "--data", filepath.Join(t.TempDir(), "none.db"), "report", "visit-coverage"); code != 1 || !strings.HasPrefix(errOut, "NOT_FOUND: ") {
		t.Errorf("missing file: %d %s", code, errOut)
	}
	db := demoCopy(t)
	if _, errOut, code := run(t, "", "--data", db, "report", "no-such-report"); code != 1 || !strings.HasPrefix(errOut, "UNKNOWN_REPORT: ") {
		t.Errorf("unknown report: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "--data", db, "report", "visit-coverage", "--month", "2025-13"); code != 1 || !strings.HasPrefix(errOut, "BAD_MONTH: ") {
		t.Errorf("bad month: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "demo", "--out", db); code != 1 || !strings.HasPrefix(errOut, "FILE_EXISTS: ") {
		t.Errorf("demo over an existing file: %d %s", code, errOut)
	}
}

func TestReportGoldenThroughCLI(t *testing.T) {
	db := demoCopy(t)
	out, errOut, code := run(t, "", "--data", db, "report", "visit-coverage", "--month", "2025-11", "--scope", "130131190", "--format", "json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	total := raw["data"].(map[string]any)["total"].(map[string]any)
	if total["targets"].(float64) != 14 || total["visited"].(float64) != 13 || total["rate"].(map[string]any)["text"] != "92.86%" {
		t.Errorf("total %v", total)
	}
	out, _, code = run(t, "", "--data", db, "report", "homecare-hours", "--month", "2025-11", "--format", "csv")
	if code != 0 || !strings.Contains(out, "2,630.00") || !strings.HasPrefix(out, "\xef\xbb\xbf") {
		t.Errorf("csv: %s", out)
	}
	out, _, _ = run(t, "", "--data", db, "report", "interest-subsidy", "--quarter", "2025Q2")
	if !strings.Contains(out, "549.79") || !strings.Contains(out, "384.85") {
		t.Errorf("interest subsidy:\n%s", out)
	}
	out, _, _ = run(t, "", "--data", db, "report", "home-subsidy", "--year", "2025")
	if !strings.Contains(out, "3,600.00") {
		t.Errorf("home subsidy:\n%s", out)
	}
}

// A record read masked and written back keeps its real ID number; a change
// made with an old _version next to a newer edit leaves both for review.
func TestRecordRoundTrip(t *testing.T) {
	db := demoCopy(t)
	out, errOut, code := run(t, "", "--data", db, "record", "search", "130131194503150025", "--format", "json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var hits struct {
		Hits []struct{ ID string }
	}
	json.Unmarshal([]byte(out), &hits)
	if len(hits.Hits) != 1 {
		t.Fatalf("search by ID: %s", out)
	}
	id := hits.Hits[0].ID
	masked, _, _ := run(t, "", "--data", db, "record", "get", id)
	if !strings.Contains(masked, "1301**********0025") || strings.Contains(masked, "130131194503150025") {
		t.Fatalf("get is not masked:\n%s", masked)
	}
	edited := strings.Replace(masked, `"marital_status": "已婚"`, `"marital_status": "丧偶"`, 1)
	if out, errOut, code := run(t, edited, "--data", db, "record", "put", "person"); code != 0 || !strings.Contains(out, "已更新") {
		t.Fatalf("put: %s %s", out, errOut)
	}
	full, _, _ := run(t, "", "--data", db, "--unmasked", "record", "get", id)
	if !strings.Contains(full, `"id_number": "130131194503150025"`) || !strings.Contains(full, "丧偶") {
		t.Fatalf("after put:\n%s", full)
	}
	// Two scripts start from the same _version (the masked read above) and
	// both change the marital status: the second becomes a sibling.
	second := strings.Replace(masked, `"marital_status": "已婚"`, `"marital_status": "离婚"`, 1)
	if _, errOut, code := run(t, second, "--data", db, "record", "put", "person"); code != 0 {
		t.Fatal(errOut)
	}
	after, _, _ := run(t, "", "--data", db, "record", "get", id)
	if !strings.Contains(after, `"_conflicts": [`) || !strings.Contains(after, "marital_status") {
		t.Fatalf("no conflict after two concurrent puts:\n%s", after)
	}
	// Invalid input changes nothing.
	if _, errOut, code := run(t, `{"id":"`+id+`","nickname":"老王"}`, "--data", db, "record", "put", "person"); code != 1 || !strings.Contains(errOut, "BAD_REQUEST") {
		t.Errorf("unknown field accepted: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, `{"id":"`+id+`","mobile":"12012345678"}`, "--data", db, "record", "put", "person"); code != 1 || !strings.Contains(errOut, "MOBILE_FORMAT") {
		t.Errorf("bad mobile accepted: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, `{"name":"张三","id_number":"130131194503150205","household_id":"`+id+`"}`, "--data", db, "record", "put", "person"); code != 1 || !strings.Contains(errOut, "ID_CHECKSUM") {
		t.Errorf("bad person accepted: %d %s", code, errOut)
	}
	now, _, _ := run(t, "", "--data", db, "--unmasked", "record", "get", id)
	if !strings.Contains(now, "130131194503150025") {
		t.Errorf("record changed by rejected puts")
	}
}

func TestDumpIsMaskedByDefault(t *testing.T) {
	db := demoCopy(t)
	out, _, code := run(t, "", "--data", db, "dump")
	if code != 0 || strings.Contains(out, "130131194503150025") || !strings.Contains(out, "1301**********0025") {
		t.Errorf("masked dump leaks or lacks the masked number")
	}
	full, _, _ := run(t, "", "--data", db, "dump", "--unmasked")
	again, _, _ := run(t, "", "--data", db, "dump", "--unmasked")
	if !strings.Contains(full, "130131194503150025") || full != again {
		t.Errorf("unmasked dump not stable or lacks the number")
	}
}

func TestImportRosterCLI(t *testing.T) {
	db := newStation(t, filepath.Join(t.TempDir(), "s.db"))
	if _, errOut, code := run(t, "", "--data", db, "import", "roster", "../../store/roster/testdata/roster.csv"); code != 1 || !strings.HasPrefix(errOut, "NO_STATION: ") {
		t.Errorf("import without station: %d %s", code, errOut)
	}
	if out, errOut, code := run(t, "", "--data", db, "station", "set", "130131190201-01", "甲村服务点"); code != 0 {
		t.Fatal(out, errOut)
	}
	out, _, code := run(t, "", "--data", db, "import", "roster", "../../store/roster/testdata/roster.csv", "--dry-run")
	if code != 0 || !strings.Contains(out, "试导入结果") || !strings.Contains(out, "导入 3 人，跳过 0 行，拒绝 5 行") {
		t.Errorf("dry run:\n%s", out)
	}
	out, _, _ = run(t, "", "--data", db, "import", "roster", "../../store/roster/testdata/roster.csv")
	if !strings.Contains(out, "第5行 拒绝") || !strings.Contains(out, "MOBILE_FORMAT") {
		t.Errorf("import report:\n%s", out)
	}
	if strings.Contains(out, "130131194503150025") {
		t.Error("the import report shows an unmasked ID number")
	}
}

func TestWindowArgs(t *testing.T) {
	tests := []struct {
		args   []string
		data   string
		window bool
	}{
		{nil, "", true},
		{[]string{"--data", "a.db"}, "a.db", true},
		{[]string{"--data=b.db"}, "b.db", true},
		{[]string{"-data", "c.db"}, "c.db", true},
		{[]string{"--data", "a.db", "report", "visit-coverage"}, "", false},
		{[]string{"demo", "--out", "x.db"}, "", false},
		{[]string{"--data"}, "", false},
		{[]string{"--format", "json"}, "", false},
		{[]string{"--data", "a.db", "--screenshots", "shots"}, "a.db", true},
	}
	for _, tc := range tests {
		w, window := WindowArgs(tc.args)
		if w.Data != tc.data || window != tc.window {
			t.Errorf("WindowArgs(%q) = %q, %v; want %q, %v", tc.args, w.Data, window, tc.data, tc.window)
		}
	}
	if w, _ := WindowArgs([]string{"--screenshots=shots"}); w.Screenshots != "shots" {
		t.Errorf("screenshots folder = %q", w.Screenshots)
	}
}

// runEnv is run with another environment.
func runEnv(t *testing.T, environ map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, format: "text", registry: "-", now: time.Now, environ: environ}
	code := e.main(args)
	return out.String(), errOut.String(), code
}

// A protected file opens for its operators only, whichever command opens
// it: without credentials, with a wrong password (five of them lock the
// account, through reading commands too), and a 录入员 gets no unmasked
// output.
func TestCommandsLogIn(t *testing.T) {
	db := demoCopy(t)
	if _, errOut, code := runEnv(t, map[string]string{}, "--data", db, "dump"); code != 1 || !strings.HasPrefix(errOut, "LOGIN_REQUIRED: ") {
		t.Fatalf("no credentials: %d %s", code, errOut)
	}
	wrong := map[string]string{envOperator: demo.HeadName, envPassword: "wrong2025x"}
	for i := 1; i <= 5; i++ {
		want := "LOGIN_FAILED: "
		if i == 5 {
			want = "ACCOUNT_LOCKED: "
		}
		if _, errOut, code := runEnv(t, wrong, "--data", db, "dump"); code != 1 || !strings.HasPrefix(errOut, want) {
			t.Fatalf("wrong password %d: %d %s", i, code, errOut)
		}
	}
	if _, errOut, code := run(t, "", "--data", db, "dump"); code != 1 || !strings.HasPrefix(errOut, "ACCOUNT_LOCKED: ") {
		t.Fatalf("right password while locked: %d %s", code, errOut)
	}
	// The right password, through a reading command too, starts the
	// count again: four more wrong ones do not lock.
	db = demoCopy(t)
	for i := 0; i < 3; i++ {
		runEnv(t, wrong, "--data", db, "dump")
	}
	if _, errOut, code := run(t, "", "--data", db, "dump"); code != 0 {
		t.Fatalf("right password: %d %s", code, errOut)
	}
	for i := 0; i < 4; i++ {
		if _, errOut, code := runEnv(t, wrong, "--data", db, "dump"); code != 1 || !strings.HasPrefix(errOut, "LOGIN_FAILED: ") {
			t.Fatalf("wrong password %d after a login: %d %s", i+1, code, errOut)
		}
	}

	db = demoCopy(t)
	clerk := map[string]string{envOperator: "李录入", envPassword: "lulu2025ok"}
	if out, errOut, code := runEnv(t, map[string]string{envOperator: demo.HeadName, envPassword: demo.HeadPassword, envNewPassword: "lulu2025ok"},
		"--data", db, "operator", "add", "李录入"); code != 0 {
		t.Fatalf("add a clerk: %s %s", out, errOut)
	}
	if _, errOut, code := runEnv(t, clerk, "--data", db, "dump", "--unmasked"); code != 1 || !strings.HasPrefix(errOut, "FORBIDDEN: ") {
		t.Fatalf("clerk's unmasked dump: %d %s", code, errOut)
	}
	if out, errOut, code := runEnv(t, clerk, "--data", db, "dump"); code != 0 || strings.Contains(out, "130131194503150025") {
		t.Fatalf("clerk's masked dump: %d %s", code, errOut)
	}
	if _, errOut, code := runEnv(t, clerk, "--data", db, "operator", "remove", demo.HeadName); code != 1 || !strings.HasPrefix(errOut, "FORBIDDEN: ") {
		t.Fatalf("clerk removed the 负责人: %d %s", code, errOut)
	}
}

// What the command line does with personal data is in the station's
// audit log under the operator who did it, which only a 负责人 reads;
// a wrong password is there too.
func TestCommandLineIsAudited(t *testing.T) {
	db := demoCopy(t)
	out := t.TempDir()
	runEnv(t, map[string]string{envOperator: demo.HeadName, envPassword: "wrong2025x"}, "--data", db, "dump")
	steps := [][]string{
		{"dump", "--out", out + "/d.json"},
		{"dump", "--unmasked", "--out", out + "/u.json"},
		{"print", "assessment-due", "--month", "2025-11", "--out", out + "/a.pdf", "--unmasked", "--purpose", "核对"},
	}
	for _, s := range steps {
		if o, errOut, code := run(t, "", append([]string{"--data", db}, s...)...); code != 0 {
			t.Fatalf("%v: %s %s", s, o, errOut)
		}
	}
	o, errOut, code := run(t, "", "--data", db, "--format", "json", "audit", "--limit", "7")
	if code != 0 {
		t.Fatalf("audit: %s", errOut)
	}
	var list []store.AuditEntry
	if err := json.Unmarshal([]byte(o), &list); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.User+" "+e.Action+" "+e.Detail)
	}
	want := []string{
		demo.HeadName + " print 命令行，未遮盖",
		demo.HeadName + " login ",
		demo.HeadName + " export 命令行，未遮盖",
		demo.HeadName + " login ",
		demo.HeadName + " export 命令行，遮盖",
		demo.HeadName + " login ",
		demo.HeadName + " login_failed 密码错误（第 1 次）",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("newest entries:\n got %q\nwant %q", got, want)
	}
	if !strings.Contains(list[0].Target, "assessment-due") {
		t.Errorf("print entry names no form: %+v", list[0])
	}
	if o, errOut, code := run(t, "", "--data", db, "audit", "verify"); code != 0 || !strings.Contains(o, "审计日志完整") {
		t.Fatalf("verify: %s %s", o, errOut)
	}
	clerk := map[string]string{envOperator: "李录入", envPassword: "lulu2025ok"}
	runEnv(t, map[string]string{envOperator: demo.HeadName, envPassword: demo.HeadPassword, envNewPassword: "lulu2025ok"}, "--data", db, "operator", "add", "李录入")
	if _, errOut, code := runEnv(t, clerk, "--data", db, "audit"); code != 1 || !strings.HasPrefix(errOut, "FORBIDDEN: ") {
		t.Fatalf("a clerk read the audit log: %d %s", code, errOut)
	}
}

// The command line re-keys a station to the national suite: records read
// as before, the other operator needs a new password, the log says so.
func TestRekeyThroughCLI(t *testing.T) {
	db := demoCopy(t)
	runEnv(t, map[string]string{envOperator: demo.HeadName, envPassword: demo.HeadPassword, envNewPassword: "lulu2025ok"}, "--data", db, "operator", "add", "李录入")
	before, _, _ := run(t, "", "--data", db, "dump")
	if out, errOut, code := run(t, "", "--data", db, "operator", "rekey", "--suite", "national"); code != 0 || !strings.Contains(out, "国密") || !strings.Contains(out, "1 名操作员") {
		t.Fatalf("rekey: %d %s %s", code, out, errOut)
	}
	if after, _, _ := run(t, "", "--data", db, "dump"); after != before {
		t.Error("the dump changed with the re-key")
	}
	clerk := map[string]string{envOperator: "李录入", envPassword: "lulu2025ok"}
	if _, errOut, code := runEnv(t, clerk, "--data", db, "dump"); code != 1 || !strings.HasPrefix(errOut, "PASSWORD_RESET_NEEDED: ") {
		t.Fatalf("voided clerk: %d %s", code, errOut)
	}
	if _, errOut, code := runEnv(t, clerk, "--data", db, "operator", "rekey"); code != 1 || !strings.HasPrefix(errOut, "PASSWORD_RESET_NEEDED: ") {
		t.Fatalf("clerk re-key: %d %s", code, errOut)
	}
}

// A village's own roster: no household number or village code, a column
// the program does not know until told (--map), remembered for the next
// file laid out the same way.
func TestImportVillageRosterWithMap(t *testing.T) {
	dir := t.TempDir()
	db := newStation(t, filepath.Join(dir, "s.db"))
	run(t, "", "--data", db, "station", "set", "130131190201-01", "甲村服务点")
	csv := "甲村花名册\n序号,家长,关系,姓名,身份证号,联系方式\n" +
		"1,王建国,户主,王建国,130131196003120013,13800138000\n" +
		"2,王建国,妻,李秀兰,130131196204050023,\n" +
		"合计,,,,,\n"
	path := filepath.Join(dir, "甲村.csv")
	os.WriteFile(path, []byte(csv), 0o600)
	out, _, code := run(t, "", "--data", db, "import", "roster", path, "--dry-run")
	if code != 0 || !strings.Contains(out, "家长 → （不导入）") {
		t.Fatalf("proposal:\n%s", out)
	}
	out, errOut, code := run(t, "", "--data", db, "import", "roster", path, "--map", "家长=户主姓名")
	if code != 0 || !strings.Contains(out, "家长 → 户主姓名") || !strings.Contains(out, "导入 2 人") || !strings.Contains(out, "新建农户 1 户") {
		t.Fatalf("import with --map:\n%s%s", out, errOut)
	}
	if out, _, _ := run(t, "", "--data", db, "import", "roster", path, "--dry-run"); !strings.Contains(out, "家长 → 户主姓名") {
		t.Errorf("the mapping was not remembered:\n%s", out)
	}
	if _, errOut, code := run(t, "", "--data", db, "import", "roster", path, "--map", "没有这列=姓名"); code != 1 || !strings.HasPrefix(errOut, "ROSTER_MAP: ") {
		t.Errorf("unknown column: %d %s", code, errOut)
	}
}

// A report goes to Excel with dates as dates, money as numbers, the header
// frozen, and ID numbers never as numbers.
func TestReportToXLSX(t *testing.T) {
	db := demoCopy(t)
	out := filepath.Join(t.TempDir(), "overdue.xlsx")
	if o, errOut, code := run(t, "", "--data", db, "report", "overdue", "--month", "2025-11", "--xlsx", out); code != 0 {
		t.Fatalf("%s %s", o, errOut)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[0]
	shown, _ := f.GetRows(sheet)
	raw, _ := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	dates, money := 0, 0
	for i := range shown {
		for j, v := range shown[i] {
			r := raw[i][j]
			switch {
			case regexp.MustCompile(`^20[0-9]{2}-[01][0-9]-[0-3][0-9]$`).MatchString(v):
				if _, err := strconv.Atoi(r); err != nil {
					t.Errorf("date %s stored as text %q", v, r)
				}
				dates++
			case regexp.MustCompile(`^[0-9,]+\.[0-9]{2}$`).MatchString(v):
				if _, err := strconv.ParseFloat(r, 64); err != nil {
					t.Errorf("money %s stored as %q", v, r)
				}
				money++
			case strings.Contains(v, "E+"):
				t.Errorf("a number shown as %s", v)
			}
		}
	}
	if dates == 0 || money == 0 {
		t.Errorf("%d dates, %d money cells", dates, money)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit == 0 {
		t.Errorf("header not frozen: %+v %v", panes, err)
	}
}

// A village's roster exported (unmasked, by its 负责人) imports into an
// empty station as the same households and people: equal on everything
// a roster carries. Masked, it says so and does not import.
func TestRosterRoundTrip(t *testing.T) {
	db := demoCopy(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "甲村.xlsx")
	if o, errOut, code := run(t, "", "--data", db, "export", "roster", "--out", out, "--scope", "130131190201", "--unmasked"); code != 0 {
		t.Fatalf("export: %s %s", o, errOut)
	}
	fresh := newStation(t, filepath.Join(dir, "new.db"))
	run(t, "", "--data", fresh, "station", "set", "130131190201-01", "甲村服务点")
	o, errOut, code := run(t, "", "--data", fresh, "import", "roster", out)
	if code != 0 || !strings.Contains(o, "拒绝 0 行") {
		t.Fatalf("import:\n%s%s", o, errOut)
	}
	project := func(path string) map[string]string {
		s, err := store.Open(path, &store.Options{RegistryDir: "-", ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Unlock(demo.HeadName, demo.HeadPassword); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		s.View(func(r *store.Reader) error {
			return r.Each(store.KindPerson, "130131190201", func(e store.Entity) error {
				p := e.(*store.Person)
				he, _ := r.Get(uuid.MustParse(p.HouseholdID))
				h := he.(*store.Household)
				head := ""
				if h.HeadPersonID == store.MetaOf(p).ID.String() {
					head = "户主"
				}
				got[p.IDNumber] = strings.Join([]string{p.Name, p.Sex, string(p.BirthDate), p.Relation, p.Ethnicity, p.Education, p.Health, p.Labor, p.Mobile, p.Status,
					h.HouseholdNo, h.VillageCode, h.GroupName, h.HouseholdType, h.Address, h.BankName, h.BankAccount, head}, "|")
				return nil
			})
		})
		return got
	}
	want, got := project(db), project(fresh)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d people back of %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s:\n got %s\nwant %s", ident.MaskID(id), got[id], w)
		}
	}
	// Masked: the title says nothing sensitive is in it, and its numbers
	// are refused on import rather than taken.
	masked := filepath.Join(dir, "masked.xlsx")
	run(t, "", "--data", db, "export", "roster", "--out", masked, "--scope", "130131190201")
	other := newStation(t, filepath.Join(dir, "other.db"))
	run(t, "", "--data", other, "station", "set", "130131190201-01", "甲村服务点")
	if o, _, _ := run(t, "", "--data", other, "import", "roster", masked); !strings.Contains(o, "导入 0 人") {
		t.Errorf("a masked roster imported:\n%s", o)
	}
}

// The elderly register goes in through the command line too.
func TestImportElderlyCLI(t *testing.T) {
	db := demoCopy(t)
	path := filepath.Join(t.TempDir(), "台账.csv")
	os.WriteFile(path, []byte("序号,姓名,身份证号,困难类型\n1,不在册,130131194001010153,独居\n"), 0o600)
	out, errOut, code := run(t, "", "--data", db, "import", "elderly", path, "--dry-run")
	if code != 0 || !strings.Contains(out, "特殊困难老年人台账试导入结果") || !strings.Contains(out, "ELDERLY_NOT_ON_ROSTER") {
		t.Fatalf("%s %s", out, errOut)
	}
}

// A home's resident list goes in through the command line: the home named
// with --home when the station has more than one.
func TestImportResidentsCLI(t *testing.T) {
	db := demoCopy(t)
	path := filepath.Join(t.TempDir(), "入住老人花名册.csv")
	os.WriteFile(path, []byte("甲村互助幸福院入住老人花名册\n序号,姓名,身份证号,入住日期,房间号,床位号,伙食费\n1,不在册,130131194001010153,2025-03-01,101,1,300元\n"), 0o600)
	if _, errOut, code := run(t, "", "--data", db, "import", "residents", path, "--dry-run"); code != 1 || !strings.HasPrefix(errOut, "RESIDENT_HOME: ") {
		t.Errorf("two homes, none named: %d %s", code, errOut)
	}
	out, errOut, code := run(t, "", "--data", db, "import", "residents", path, "--dry-run", "--home", "甲村互助幸福院")
	if code != 0 || !strings.Contains(out, "入住老人花名册试导入结果") || !strings.Contains(out, "RESIDENT_NOT_ON_ROSTER") {
		t.Fatalf("%s %s", out, errOut)
	}
	if _, errOut, code := run(t, "", "--data", db, "import", "roster", path, "--home", "甲村互助幸福院"); code != 2 {
		t.Errorf("--home on a roster: %d %s", code, errOut)
	}
}

// A bank's loan ledger goes in through the command line after the roster:
// its date from the title or --as-of, the bank's balance carried over;
// imported again, the loan is skipped.
func TestImportLoansCLI(t *testing.T) {
	dir := t.TempDir()
	db := newStation(t, filepath.Join(dir, "s.db"))
	run(t, "", "--data", db, "station", "set", "130131190201-01", "甲村服务点")
	people := filepath.Join(dir, "花名册.csv")
	os.WriteFile(people, []byte("序号,户主姓名,与户主关系,姓名,身份证号\n1,王建国,户主,王建国,130131196003120013\n"), 0o600)
	if out, errOut, code := run(t, "", "--data", db, "import", "roster", people); code != 0 {
		t.Fatalf("roster: %s %s", out, errOut)
	}
	ledger := filepath.Join(dir, "贷款台账.csv")
	os.WriteFile(ledger, []byte("平山县农村信用合作联社扶贫小额信贷台账\n截至2025年10月31日\n"+
		"序号,借款人姓名,借款人身份证号,借款合同号,借据号,贷款金额（万元）,放款日期,到期日期,年利率,贷款余额（万元）,承贷银行,还款方式\n"+
		"1,王建国,130131196003120013,PSXYS-2024-0101,JJ-0101,5,2024-03-15,2027-03-15,4.35%,3,平山县农村信用合作联社,按季付息、到期还本\n"), 0o600)
	out, errOut, code := run(t, "", "--data", db, "import", "loans", ledger, "--dry-run")
	if code != 0 || !strings.Contains(out, "贷款台账（截至2025-10-31）试导入结果") || !strings.Contains(out, "：导入 1 ") {
		t.Fatalf("dry run: %s %s", out, errOut)
	}
	out, errOut, code = run(t, "", "--data", db, "import", "loans", ledger, "--as-of", "2025-11-30")
	if code != 0 || !strings.Contains(out, "截至2025-11-30") || !strings.Contains(out, "已还本金20,000.00元按“台账结转”登记于2025-11-30") {
		t.Fatalf("import: %s %s", out, errOut)
	}
	if out, _, _ := run(t, "", "--data", db, "import", "loans", ledger); !strings.Contains(out, "ALREADY_HELD") || !strings.Contains(out, "导入 0") {
		t.Errorf("again:\n%s", out)
	}
	if _, _, code := run(t, "", "--data", db, "import", "loans", ledger, "--as-of", "2025-13-01"); code != 1 {
		t.Errorf("a bad --as-of: %d", code)
	}
}

// An old Excel file (.xls) imports as an .xlsx does; the dry run shows
// the first rows as the mapping reads them, numbers masked, dates as
// dates, and writes nothing.
func TestImportXLSRosterCLI(t *testing.T) {
	dir := t.TempDir()
	db := newStation(t, filepath.Join(dir, "s.db"))
	run(t, "", "--data", db, "station", "set", "130131190201-01", "甲村服务点")
	xls := filepath.Join("..", "..", "store", "roster", "testdata", "xls", "village.xls")
	out, errOut, code := run(t, "", "--data", db, "import", "roster", xls, "--dry-run")
	if code != 0 {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
	for _, want := range []string{"导入 3 人", "ID_AS_NUMBER", "前3行按上面的对应读作", "身份证号=1301**********0013", "出生日期=1960-03-12", "联系电话=138****8000"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "130131196003120013") || strings.Contains(out, "13800138000") {
		t.Errorf("the dry run shows a whole number:\n%s", out)
	}
	out, _, _ = run(t, "", "--data", db, "dump")
	if strings.Contains(out, "王建国") {
		t.Error("the dry run wrote")
	}
	if out, errOut, code := run(t, "", "--data", db, "import", "roster", xls); code != 0 || !strings.Contains(out, "导入 3 人") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	if out, _, _ = run(t, "", "--data", db, "dump"); !strings.Contains(out, "王建国") {
		t.Error("the import did not write (or dump does not show names)")
	}
}

package console

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/demo"
)

// get fetches a download: its status, headers and bytes.
func (c *client) get(path string) (int, http.Header, []byte) {
	c.t.Helper()
	resp, err := c.http.Get(c.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// fileName is the download's name as the browser saves it.
func fileName(t *testing.T, h http.Header) string {
	t.Helper()
	_, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
	if err != nil {
		t.Fatalf("Content-Disposition %q: %v", h.Get("Content-Disposition"), err)
	}
	return params["filename"] // mime decodes filename* into it
}

// sheetOf is a downloaded sheet, read back as Excel would.
type sheetOf struct {
	t     *testing.T
	f     *excelize.File
	name  string
	rows  [][]string
	index map[string]int // header name → column (1-based)
}

func openSheet(t *testing.T, b []byte, name string) *sheetOf {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("not a workbook: %.300s", b)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatalf("sheet %s: %v (sheets %v)", name, err, f.GetSheetList())
	}
	if len(rows) < 2 {
		t.Fatalf("sheet %s has no header: %v", name, rows)
	}
	s := &sheetOf{t: t, f: f, name: name, rows: rows, index: map[string]int{}}
	for i, h := range rows[1] {
		s.index[h] = i + 1
	}
	return s
}

// cell is the reference of a column's cell in a row (1-based, as Excel
// numbers them).
func (s *sheetOf) cell(col string, row int) string {
	s.t.Helper()
	i, ok := s.index[col]
	if !ok {
		s.t.Fatalf("sheet %s has no column %s: %v", s.name, col, s.rows[1])
	}
	ref, _ := excelize.CoordinatesToCellName(i, row)
	return ref
}

func (s *sheetOf) value(col string, row int) string {
	s.t.Helper()
	v, _ := s.f.GetCellValue(s.name, s.cell(col, row))
	return v
}

// find is the row whose column col reads want, or 0.
func (s *sheetOf) find(col, want string) int {
	s.t.Helper()
	for r := 3; r <= len(s.rows); r++ {
		if s.value(col, r) == want {
			return r
		}
	}
	return 0
}

// numFmt is a cell's number format: a built-in's id or a custom code.
func (s *sheetOf) numFmt(ref string) (int, string) {
	s.t.Helper()
	id, err := s.f.GetCellStyle(s.name, ref)
	if err != nil {
		s.t.Fatal(err)
	}
	st, err := s.f.GetStyle(id)
	if err != nil {
		s.t.Fatal(err)
	}
	custom := ""
	if st.CustomNumFmt != nil {
		custom = *st.CustomNumFmt
	}
	return st.NumFmt, custom
}

// isText reports whether a cell holds text (never a number Excel could
// turn into 1.3E+17).
func (s *sheetOf) isText(ref string) bool {
	typ, _ := s.f.GetCellType(s.name, ref)
	return typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString
}

// number is a cell's stored number; ok false when it holds none.
func (s *sheetOf) number(ref string) (float64, bool) {
	if s.isText(ref) {
		return 0, false
	}
	raw, _ := s.f.GetCellValue(s.name, ref, excelize.Options{RawCellValue: true})
	n, err := strconv.ParseFloat(raw, 64)
	return n, err == nil
}

var fullID = regexp.MustCompile(`[1-9]\d{16}[\dX]`)

// knownPerson is a person of 甲村 with an ID number and a birth date.
func knownPerson(t *testing.T, c *Console) *store.Person {
	t.Helper()
	var p *store.Person
	c.s.View(func(r *store.Reader) error {
		return r.Each(store.KindPerson, demo.VillageJia, func(e store.Entity) error {
			if x := e.(*store.Person); p == nil && len(x.IDNumber) == 18 && x.BirthDate.Valid() && x.Name != "" {
				p = x
			}
			return nil
		})
	})
	if p == nil {
		t.Fatal("no person with an ID number in 甲村")
	}
	return p
}

// Each list downloads as a workbook with the page's scope and filters: the
// header under a title row and frozen, typed cells (ID numbers and codes
// text, dates date cells, money 0.00), masked personal data, and an audit
// entry.
func TestListsDownloadAsXLSX(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	person := knownPerson(t, c)
	app := waitingApplication(t, c)
	var loan *store.LoanApplication
	if e, _ := c.s.Get(app); e != nil {
		loan = e.(*store.LoanApplication)
	}
	var applicantID string
	if e, _ := c.s.Get(uuid.MustParse(loan.ApplicantPersonID)); e != nil {
		applicantID = e.(*store.Person).IDNumber
	}
	if _, err := c.n.EnrolStation(demo.VillageJia, "甲村服务点", "https://county.example"); err != nil {
		t.Fatal(err)
	}
	var claimNo string
	c.s.View(func(r *store.Reader) error {
		return r.Each(store.KindSubsidyClaim, demo.County, func(e store.Entity) error {
			if cl := e.(*store.OperatingSubsidyClaim); cl.Status == "乡镇审核" {
				claimNo = cl.ClaimNo
			}
			return nil
		})
	})
	if claimNo == "" {
		t.Fatal("no claim waiting for the county in the demo data")
	}
	phone := store.FieldLabel(store.KindHousehold, "phone")
	type check struct {
		col, want string
	}
	cases := []struct {
		name, who, path, sheet string
		header                 []string // the first columns
		key                    check    // finds the known row
		want                   []check  // its other cells, as Excel shows them
		text, date, money      string   // a column whose cell is text, a date, money
		masked                 string   // a column that must be masked in the row
		action, target, scope  string   // the audit entry
	}{
		{name: "people", who: "admin", path: "/people?q=" + url.QueryEscape(person.IDNumber), sheet: "人员查询",
			header: []string{"序号", "名称", "类别", "地区", "区划代码", "身份证号", "性别", "出生日期"},
			key:    check{"名称", person.Name}, want: []check{{"身份证号", store.MaskValue("id", person.IDNumber)}, {"出生日期", string(person.BirthDate)}, {"区划代码", person.Scope}},
			text: "身份证号", date: "出生日期", masked: "身份证号", action: audit.Export, target: "人员查询", scope: demo.County},
		{name: "approvals", who: "shili", path: "/approvals", sheet: "贷款申请",
			header: []string{"序号", "待办", "申请编号", "申请人", "身份证号", "地区", "申请日期", "申请金额（元）", "期限（月）"},
			key:    check{"记录编号", app.String()}, want: []check{{"申请编号", loan.ApplicationNo}, {"申请日期", string(loan.ApplyDate)},
				{"申请金额（元）", strconv.FormatFloat(float64(loan.AmountFen)/100, 'f', 2, 64)}, {"期限（月）", strconv.Itoa(loan.TermMonths)}, {"身份证号", store.MaskValue("id", applicantID)}},
			text: "身份证号", date: "申请日期", money: "申请金额（元）", masked: "身份证号", action: audit.Export, target: "审批待办", scope: demo.TownshipShili},
		{name: "claims", who: "admin", path: "/approvals?scope=" + demo.County, sheet: "运营补贴申报",
			header: []string{"序号", "待办", "申报编号", "幸福院", "地区", "年度", "人数", "申报金额（元）"},
			key:    check{"申报编号", claimNo}, want: []check{{"申报金额（元）", "3600.00"}, {"人数", "6"}, {"核对", "与入住记录一致"}},
			text: "申报编号", money: "申报金额（元）", action: audit.Export, target: "审批待办", scope: demo.County},
		{name: "conflicts", who: "admin", path: "/conflicts", sheet: "并发修改",
			header: []string{"序号", "类别", "记录", "地区", "项目", "第几个值", "值", "站点", "修改人", "修改时间"},
			key:    check{"项目", phone}, text: "记录编号", date: "修改时间", masked: "值",
			action: audit.Export, target: "并发修改", scope: demo.County},
		{name: "stations", who: "xian", path: "/stations?scope=" + demo.TownshipShili, sheet: "站点",
			header: []string{"编码", "名称", "范围", "区划代码", "登记时间", "上次同步", "待发"},
			key:    check{"名称", "甲村服务点"}, want: []check{{"区划代码", demo.VillageJia}, {"数据核对", "尚未核对"}, {"状态", "正常"}},
			text: "编码", date: "登记时间", action: audit.Export, target: "站点", scope: demo.TownshipShili},
		{name: "accounts", who: "admin", path: "/accounts", sheet: "账号",
			header: []string{"登录名", "姓名", "角色", "范围", "区划代码", "新建时间", "上次登录", "状态"},
			key:    check{"登录名", "shili"}, want: []check{{"角色", RoleNames[RoleTownship]}, {"区划代码", demo.TownshipShili}, {"状态", "正常"}},
			text: "区划代码", date: "新建时间", action: audit.Export, target: "账号", scope: demo.County},
		{name: "audit log", who: "shenji", path: "/audit?user=shenji&action=login", sheet: "审计日志",
			header: []string{"序号", "时间", "账号", "角色", "操作", "对象", "地区", "说明"},
			key:    check{"账号", "shenji"}, want: []check{{"操作", "登录"}, {"角色", RoleNames[RoleAuditor]}},
			date: "时间", text: "校验值", action: audit.AuditExport, target: "审计日志", scope: demo.County},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := newClient(t, srv)
			if code := u.login(tc.who, pw); code != http.StatusSeeOther {
				t.Fatalf("login %s: %d", tc.who, code)
			}
			// The page offers the download with its own query kept.
			_, page := u.do("GET", tc.path, nil)
			href := regexp.MustCompile(`id="export-xlsx" href="([^"]+)"|href="([^"]+)" id="export-xlsx"`).FindStringSubmatch(page)
			if href == nil {
				t.Fatalf("no 导出Excel link on %s", tc.path)
			}
			link, _ := url.Parse(strings.ReplaceAll(href[1]+href[2], "&amp;", "&"))
			want, _ := url.Parse(tc.path)
			if link.Path != want.Path || link.Query().Get("format") != "xlsx" {
				t.Errorf("link %s", link)
			}
			for k := range want.Query() {
				if link.Query().Get(k) != want.Query().Get(k) {
					t.Errorf("link %s lost %s=%s", link, k, want.Query().Get(k))
				}
			}
			code, h, b := u.get(link.String())
			if code != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("download %s: %d %s %.300s", link, code, h.Get("Content-Type"), b)
			}
			name := fileName(t, h)
			if !strings.HasSuffix(name, ".xlsx") || !strings.HasPrefix(name, tc.target+"_") || strings.Contains(name, sensitiveMark) {
				t.Errorf("file name %q", name)
			}
			s := openSheet(t, b, tc.sheet)
			if title := s.rows[0][0]; title == "" || strings.Contains(title, sensitiveMark) {
				t.Errorf("title row %q", title)
			}
			for i, col := range tc.header {
				if i >= len(s.rows[1]) || s.rows[1][i] != col {
					t.Fatalf("header %v, want it to start %v", s.rows[1], tc.header)
				}
			}
			panes, err := s.f.GetPanes(tc.sheet)
			if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
				t.Errorf("header not frozen: %+v %v", panes, err)
			}
			row := s.find(tc.key.col, tc.key.want)
			if row == 0 {
				t.Fatalf("no row with %s %s in %v", tc.key.col, tc.key.want, s.rows)
			}
			for _, w := range tc.want {
				if got := s.value(w.col, row); got != w.want {
					t.Errorf("%s = %q, want %q", w.col, got, w.want)
				}
			}
			if tc.text != "" {
				if ref := s.cell(tc.text, row); !s.isText(ref) {
					t.Errorf("%s (%s) is not a text cell", tc.text, ref)
				}
			}
			if tc.date != "" {
				ref := s.cell(tc.date, row)
				n, ok := s.number(ref)
				_, code := s.numFmt(ref)
				if !ok || n <= 1 || !strings.Contains(code, "yyyy-mm-dd") {
					t.Errorf("%s (%s) is not a date cell: %v %v %q", tc.date, ref, n, ok, code)
				}
			}
			if tc.money != "" {
				ref := s.cell(tc.money, row)
				id, code := s.numFmt(ref)
				if _, ok := s.number(ref); !ok || id != 2 && code != "0.00" {
					t.Errorf("%s (%s) is not money 0.00: %d %q", tc.money, ref, id, code)
				}
			}
			if tc.masked != "" {
				if v := s.value(tc.masked, row); !strings.Contains(v, "*") {
					t.Errorf("%s not masked: %q", tc.masked, v)
				}
			}
			for _, r := range s.rows {
				for _, v := range r {
					if fullID.MatchString(v) {
						t.Errorf("a full ID number in a masked download: %q", v)
					}
				}
			}
			last, _ := c.audit.List(audit.Filter{Limit: 1})
			if len(last) != 1 || last[0].Action != tc.action || last[0].Target != tc.target || last[0].Scope != tc.scope ||
				last[0].User != tc.who || !strings.Contains(last[0].Detail, name) || strings.Contains(last[0].Detail, "未遮盖") ||
				tc.masked != "" && !strings.Contains(last[0].Detail, "已遮盖") {
				t.Errorf("audit entry %+v, want %s of %s in %s", last, tc.action, tc.target, tc.scope)
			}
		})
	}
}

// The dashboard's coverage downloads as its report (B4) does, for the
// scope and month shown; a list's link carries the page's filters and
// nothing else of its address.
func TestDashboardAndLinksDownload(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	u := newClient(t, srv)
	u.login("shili", pw)
	_, page := u.do("GET", "/?month=2025-11", nil)
	m := regexp.MustCompile(`href="([^"]+)" id="coverage-xlsx"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no Excel link on the dashboard")
	}
	link := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(link, "scope="+demo.TownshipShili) || !strings.Contains(link, "month=2025-11") {
		t.Errorf("dashboard link %s", link)
	}
	if code, h, b := u.get(link); code != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("dashboard download %s: %d %s", link, code, h.Get("Content-Type"))
	}
	_, page = u.do("GET", "/approvals?scope="+demo.VillageYi+"&done=XYZ62220000&partial=1", nil)
	m = regexp.MustCompile(`href="([^"]+)" id="export-xlsx"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no Excel link on the approvals page")
	}
	if link := strings.ReplaceAll(m[1], "&amp;", "&"); link != "/approvals?format=xlsx&scope="+demo.VillageYi {
		t.Errorf("approvals link %s", link)
	}
	if strings.Contains(page, "XYZ62220000") {
		t.Error("a word from the address reached the page")
	}
}

// An administrator may download a list unmasked, with a reason: the file
// says so in its title and name, and the log says it was unmasked, why.
// Nobody else may, and a download without a reason is refused.
func TestUnmaskedListDownload(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	person := knownPerson(t, c)
	q := "/people?q=" + url.QueryEscape(person.Name) + "&scope=" + demo.VillageJia + "&format=xlsx&unmasked=1"
	admin := newClient(t, srv)
	admin.login("admin", pw)
	if code, _, _ := admin.get(q); code != http.StatusBadRequest {
		t.Errorf("unmasked without a reason: %d, want 400", code)
	}
	code, h, b := admin.get(q + "&reason=" + url.QueryEscape("核对低保名单"))
	if code != http.StatusOK {
		t.Fatalf("unmasked: %d %s", code, b)
	}
	if name := fileName(t, h); !strings.Contains(name, sensitiveMark) {
		t.Errorf("file name %q lacks %s", name, sensitiveMark)
	}
	s := openSheet(t, b, "人员查询")
	if !strings.Contains(s.rows[0][0], sensitiveMark) {
		t.Errorf("title row %q", s.rows[0][0])
	}
	row := s.find("身份证号", person.IDNumber)
	if row == 0 {
		t.Fatalf("the unmasked ID number is not in the sheet: %v", s.rows)
	}
	if ref := s.cell("身份证号", row); !s.isText(ref) {
		t.Errorf("the ID number %s is stored as a number", ref)
	}
	last, _ := c.audit.List(audit.Filter{Limit: 1})
	if len(last) != 1 || last[0].Action != audit.Export || !strings.Contains(last[0].Detail, "未遮盖") || !strings.Contains(last[0].Detail, "核对低保名单") {
		t.Errorf("audit entry of the unmasked download: %+v", last)
	}
	if fullID.MatchString(last[0].Detail) {
		t.Errorf("the log holds an ID number: %q", last[0].Detail)
	}
	// The conflicts' values too.
	code, _, b = admin.get("/conflicts?format=xlsx&unmasked=1&reason=" + url.QueryEscape("核对电话"))
	if code != http.StatusOK {
		t.Fatalf("conflicts unmasked: %d", code)
	}
	cs := openSheet(t, b, "并发修改")
	if row := cs.find("项目", store.FieldLabel(store.KindHousehold, "phone")); row == 0 || strings.Contains(cs.value("值", row), "*") {
		t.Errorf("conflict value not unmasked: %v", cs.rows)
	}
	// A page without masked columns has nothing to unmask.
	if code, _, _ := admin.get("/accounts?format=xlsx&unmasked=1&reason=x"); code != http.StatusBadRequest {
		t.Errorf("accounts unmasked: %d, want 400", code)
	}
	// A link on another site does not make the browser fetch it.
	if code, _ := admin.do("GET", q+"&reason=x", nil, "Sec-Fetch-Site", "cross-site"); code != http.StatusForbidden {
		t.Errorf("cross-site unmasked download: %d, want 403", code)
	}
	// Other roles may reveal one record, not download a list unmasked.
	for _, who := range []string{"xian", "shili"} {
		u := newClient(t, srv)
		u.login(who, pw)
		for _, p := range []string{q + "&reason=x", "/approvals?format=xlsx&unmasked=1&reason=x", "/conflicts?format=xlsx&unmasked=1&reason=x"} {
			code, _, b := u.get(p)
			if code != http.StatusForbidden {
				t.Errorf("%s %s: %d, want 403", who, p, code)
			}
			if fullID.Match(b) {
				t.Errorf("%s %s: an ID number reached the browser", who, p)
			}
		}
	}
	// The page offers the unmasked download to the administrator only.
	if _, page := admin.do("GET", "/people?q="+url.QueryEscape(person.Name), nil); !strings.Contains(page, `id="export-unmasked"`) {
		t.Error("the administrator's page lacks the unmasked download")
	}
	staff := newClient(t, srv)
	staff.login("xian", pw)
	if _, page := staff.do("GET", "/people?q="+url.QueryEscape(person.Name), nil); strings.Contains(page, `id="export-unmasked"`) || !strings.Contains(page, `id="export-xlsx"`) {
		t.Error("the staff's page offers the unmasked download, or no download")
	}
}

// Whatever a list page refuses its download refuses, with a clear answer
// and nothing of the list: another township's scope, a role without the
// page, an unknown format, a scope that is no division.
func TestListDownloadsRefused(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	_, otherName := firstOf(t, c, store.KindPerson, "130131290") // 示例乡
	shili := newClient(t, srv)
	shili.login("shili", pw)
	auditor := newClient(t, srv)
	auditor.login("shenji", pw)
	staff := newClient(t, srv)
	staff.login("xian", pw)
	q := url.QueryEscape(otherName)
	cases := []struct {
		who  *client
		path string
		code int
		msg  string
	}{
		{shili, "/people?q=" + q + "&scope=130131290&format=xlsx", http.StatusForbidden, "不在您的管辖范围内"},
		{shili, "/people?q=" + q + "&scope=130131&format=xlsx", http.StatusForbidden, "不在您的管辖范围内"},
		{shili, "/approvals?scope=130131290&format=xlsx", http.StatusForbidden, "不在您的管辖范围内"},
		{shili, "/approvals?scope=130131290201&format=xlsx", http.StatusForbidden, "不在您的管辖范围内"},
		{shili, "/conflicts?scope=130131290&format=xlsx", http.StatusForbidden, "不在您的管辖范围内"},
		{shili, "/stations?format=xlsx", http.StatusForbidden, "没有使用此页面的权限"},
		{shili, "/accounts?format=xlsx", http.StatusForbidden, "没有使用此页面的权限"},
		{shili, "/audit?format=xlsx", http.StatusForbidden, "没有使用此页面的权限"},
		{staff, "/accounts?format=xlsx", http.StatusForbidden, "没有使用此页面的权限"},
		{auditor, "/people?q=" + q + "&format=xlsx", http.StatusForbidden, "没有使用此页面的权限"},
		{shili, "/approvals?format=csv", http.StatusBadRequest, "导出格式只能是 xlsx"},
		{auditor, "/audit?format=pdf", http.StatusBadRequest, "导出格式只能是 xlsx"},
		{shili, "/conflicts?scope=abc&format=xlsx", http.StatusBadRequest, "地区代码只能由数字组成"},
		{shili, "/approvals?scope=1301311&format=xlsx", http.StatusBadRequest, "地区代码不对"},
		{shili, "/people?format=xlsx", http.StatusBadRequest, "请先输入查询条件"},
		{shili, "/approvals?unmasked=1&reason=x", http.StatusBadRequest, "只能随Excel导出"},
		{auditor, "/audit/station?format=xlsx", http.StatusBadRequest, "请先选择站点"},
		// The pages refuse the same scopes.
		{shili, "/approvals?scope=130131290", http.StatusForbidden, "不在您的管辖范围内"},
		{shili, "/people?q=" + q + "&scope=130131290", http.StatusForbidden, "不在您的管辖范围内"},
	}
	before, _ := c.audit.List(audit.Filter{Action: audit.Export})
	for _, tc := range cases {
		code, h, b := tc.who.get(tc.path)
		if code != tc.code || !strings.Contains(string(b), tc.msg) {
			t.Errorf("%s: %d, want %d with %q: %.200s", tc.path, code, tc.code, tc.msg, b)
		}
		if strings.Contains(h.Get("Content-Type"), "spreadsheetml") || bytes.Contains(b, []byte(otherName)) {
			t.Errorf("%s: the list reached the browser", tc.path)
		}
	}
	after, _ := c.audit.List(audit.Filter{Action: audit.Export})
	if len(after) != len(before) {
		t.Errorf("a refused download was logged as an export: %+v", after[:len(after)-len(before)])
	}
	denied, _ := c.audit.List(audit.Filter{Action: audit.Denied, User: "shili"})
	if len(denied) < 5 {
		t.Errorf("refusals of another township's lists not in the log: %d", len(denied))
	}
	// The township's own list leaves out the other township's records.
	code, _, b := shili.get("/people?q=" + q + "&format=xlsx")
	if code != http.StatusOK {
		t.Fatalf("own people download: %d", code)
	}
	s := openSheet(t, b, "人员查询")
	for _, r := range s.rows[2:] {
		if len(r) > 4 && !strings.HasPrefix(r[4], demo.TownshipShili) && r[0] != "" && !strings.HasPrefix(r[0], "共") {
			t.Errorf("a record outside 示例镇 in its download: %v", r)
		}
	}
}

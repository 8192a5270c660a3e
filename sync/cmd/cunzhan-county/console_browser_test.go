package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// demoFacts are what the test looks up in the demo county before serving
// it: a record of 示例乡 (another township than the demo township user's),
// and the application waiting for 示例镇's step.
type demoFacts struct {
	otherID, otherName string
	appID              uuid.UUID
	appVillage         string
}

func readDemo(t *testing.T, data string) demoFacts {
	t.Helper()
	s, err := openFile(t, data, &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var f demoFacts
	s.View(func(r *store.Reader) error {
		r.Each(store.KindPerson, demo.VillageBing, func(e store.Entity) error {
			if f.otherID == "" {
				p := e.(*store.Person)
				f.otherID, f.otherName = p.ID.String(), p.Name
			}
			return nil
		})
		return r.Each(store.KindLoanApplication, demo.TownshipShili, func(e store.Entity) error {
			if a := e.(*store.LoanApplication); a.Status == "村推荐" && f.appID == uuid.Nil {
				f.appID, f.appVillage = a.ID, a.Scope
			}
			return nil
		})
	})
	if f.otherID == "" || f.appID == uuid.Nil {
		t.Fatalf("demo data lacks what the test needs: %+v", f)
	}
	return f
}

func TestConsoleInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser walk runs in make test's own step")
	}
	exe := chromium(t)
	bin := countyBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "county.db")
	if out, err := exec.Command(bin, "--data", data, "demo").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	facts := readDemo(t, data)
	where := []string{"--data", data}
	// A second server for the session-expiry test: on a copy of the file,
	// or on the same PostgreSQL database (several processes share one).
	key := strings.TrimSuffix(data, ".db") + ".key"
	short := []string{"--data", filepath.Join(dir, "short.db"), "--key", key}
	if b, err := os.ReadFile(data); err != nil || os.WriteFile(short[1], b, 0o600) != nil {
		t.Fatal(err)
	}
	if pgtest.OnPostgres() {
		db := pgtest.URL(t)
		if out, err := exec.Command(bin, "migrate", "--from", data, "--to", db).CombinedOutput(); err != nil {
			t.Fatalf("migrate: %v\n%s", err, out)
		}
		where = []string{"--db", db, "--key", key}
		short = where
	}
	base := serveCounty(t, bin, where)
	b := newBrowser(t, exe, base)

	t.Run("plain http is sent to https", func(t *testing.T) {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(strings.Replace(base, "https://", "http://", 1) + "people")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
			t.Fatalf("plain HTTP: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("wrong passwords lock the account", func(t *testing.T) {
		b := b.in(t)
		b.open("/")
		if !strings.Contains(b.url(), "/login") {
			t.Fatalf("not sent to log in: %s", b.url())
		}
		b.photo("01-login")
		for i := 0; i < 5; i++ {
			b.login("xian", "wrong-password-1")
		}
		if msg := b.text(".error"); !strings.Contains(msg, "已锁定") {
			t.Fatalf("after five wrong passwords: %q", msg)
		}
		b.photo("02-locked")
		b.login("xian", demoPassword)
		if msg := b.text(".error"); !strings.Contains(msg, "已锁定") {
			t.Fatalf("the right password let a locked account in: %q", msg)
		}
	})

	t.Run("dashboard shows the golden figures", func(t *testing.T) {
		b := b.in(t)
		b.login("admin", demoPassword)
		if !strings.HasSuffix(b.url(), "/") {
			t.Fatalf("after login: %s", b.url())
		}
		// domain.md §8.3: 示例镇 13 of 14 visited in 2025-11.
		if got := b.text("#total-rate"); got != "92.86%" {
			t.Errorf("county rate %q", got)
		}
		if v, n := b.text("#total-v"), b.text("#total-n"); v != "13" || n != "14" {
			t.Errorf("county %s/%s", v, n)
		}
		row := b.text("#coverage tbody")
		if !strings.Contains(row, "示例镇") || !regexp.MustCompile(`示例镇\s+14\s+13\s+92\.86%`).MatchString(row) {
			t.Errorf("township row: %q", row)
		}
		b.photo("03-dashboard")
		b.submit(chromedp.Click(`//table[@id="coverage"]//a[text()="示例镇"]`))
		rows := b.text("#coverage tbody")
		for _, want := range []string{`甲村\s+8\s+8\s+100\.00%`, `乙村\s+6\s+5\s+83\.33%`} {
			if !regexp.MustCompile(want).MatchString(rows) {
				t.Errorf("village rows lack %s: %q", want, rows)
			}
		}
		b.photo("04-township")
		b.submit(chromedp.Click(`//table[@id="coverage"]//a[text()="乙村"]`))
		n := get(b, chromedp.Evaluate[int](`document.querySelectorAll("#not-visited tbody tr").length`))
		if n != 1 {
			t.Errorf("乙村 not visited: %d rows", n)
		}
		b.photo("05-village")
	})

	var personPath string
	t.Run("search, detail and reveal", func(t *testing.T) {
		b := b.in(t)
		first := []rune(facts.otherName)[:1]
		b.open("/people")
		b.run(chromedp.SendKeys(chromedp.CSS("#q"), string(first)), chromedp.WaitVisible(chromedp.CSS("#hits")))
		if hits := b.text("#hits"); !strings.Contains(hits, facts.otherName) {
			t.Fatalf("search %q lacks %s: %s", string(first), facts.otherName, hits)
		}
		b.photo("06-search")
		personPath = "/record/" + facts.otherID
		b.open(personPath)
		idRow := b.text(`tr[data-field="id_number"] td`)
		if !strings.Contains(idRow, "*") || regexp.MustCompile(`\d{17}[\dX]`).MatchString(idRow) {
			t.Fatalf("ID number not masked: %q", idRow)
		}
		b.photo("07-record")
		b.run(chromedp.SetValue(chromedp.CSS(`input[name="reason"]`), "核对户籍"))
		b.submit(chromedp.Click(chromedp.CSS("#reveal")))
		if idRow := b.text(`tr[data-field="id_number"] td`); !regexp.MustCompile(`\d{17}[\dX]`).MatchString(idRow) {
			t.Fatalf("revealed ID: %q", idRow)
		}
		b.photo("08-revealed")
		b.open("/audit")
		first5 := b.text("#audit tbody tr")
		if !strings.Contains(first5, "查看完整信息") || !strings.Contains(first5, facts.otherID) || !strings.Contains(first5, "核对户籍") {
			t.Fatalf("reveal not the newest audit entry: %q", first5)
		}
		b.photo("09-audit")
		// Each station's own log, as the county received it: the demo
		// county has enrolled none yet, and says so.
		b.open("/audit/station")
		if got := b.text("#no-stations"); !strings.Contains(got, "尚未登记站点") {
			t.Errorf("station audit page without stations: %s", b.body())
		}
		b.photo("09b-station-audit")
	})

	t.Run("a township user sees only its township", func(t *testing.T) {
		b := b.in(t)
		b.logout()
		b.login("shili", demoPassword)
		if got := b.text("#total-n"); got != "14" {
			t.Errorf("示例镇 dashboard: %s elders", got)
		}
		for _, path := range []string{"/?scope=130131290", "/?scope=130131", personPath, "/reports/B4?scope=130131290&month=2025-11", "/stations", "/accounts", "/audit", "/audit/station?code=130131190201-01"} {
			f := b.fetch("GET", path, "")
			if f.Status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", path, f.Status)
			}
			if bytes.Contains(f.bytes, []byte(facts.otherName)) {
				t.Errorf("%s: the other township's person reached the browser", path)
			}
		}
		b.open(personPath)
		if !strings.Contains(b.text("#message"), "不在您的管辖范围") {
			t.Errorf("refusal page: %s", b.body())
		}
		b.photo("10-forbidden")
	})

	t.Run("two clerks approve at once: a conflict, not an overwrite", func(t *testing.T) {
		b := b.in(t)
		// Two clerks at two computers, both on the approvals page.
		one, two := b, newBrowser(t, exe, base)
		two.login("shili", demoPassword)
		one.open("/approvals")
		two.open("/approvals")
		form := `#app-` + facts.appID.String()
		one.photo("11-approvals")
		one.run(chromedp.SetValue(chromedp.CSS(form+` input[name="opinion"]`), "同意，材料齐全"))
		one.submit(chromedp.Click(chromedp.CSS(form + ` button[value="approve"]`)))
		if got := one.text("main"); !strings.Contains(got, "已办理：乡镇审核") {
			t.Fatalf("first approval: %s", got)
		}
		two.run(chromedp.SetValue(chromedp.CSS(form+` input[name="opinion"]`), "同意，已电话核实"))
		two.submit(chromedp.Click(chromedp.CSS(form + ` button[value="approve"]`)))
		if got := two.text("main"); !strings.Contains(got, "已办理：乡镇审核") {
			t.Fatalf("second approval, from the page opened before the first: %s", got)
		}
		two.open("/conflicts")
		list := two.text("main")
		if !strings.Contains(list, "同意，材料齐全") || !strings.Contains(list, "同意，已电话核实") {
			t.Fatalf("both opinions should be kept for review: %s", list)
		}
		two.photo("12-conflicts")
		cf := `#cf-` + facts.appID.String() + `-township_opinion`
		two.submit(chromedp.Click(`//div[@id="` + cf[1:] + `"]//div[b[text()="同意，材料齐全"]]/button`))
		if n := get(two, chromedp.Evaluate[int](`document.querySelectorAll("`+cf+`").length`)); n != 0 {
			t.Errorf("the application is still under review after keeping one value")
		}
	})

	var station *store.Store
	t.Run("the county's step reaches the station", func(t *testing.T) {
		b := b.in(t)
		b.logout()
		b.login("admin", demoPassword)
		b.open("/approvals")
		form := `#app-` + facts.appID.String()
		b.run(chromedp.SetValue(chromedp.CSS(form+` input[name="opinion"]`), "同意推荐至承贷银行（控制台）"))
		b.submit(chromedp.Click(chromedp.CSS(form + ` button[value="approve"]`)))
		b.open("/stations")
		b.photo("12-stations")
		cred := b.fetch("POST", "/stations/enrol", "csrf="+b.csrf()+"&scope="+facts.appVillage+"&name=测试村服务点")
		if cred.Status != 200 || !strings.Contains(cred.Disp, ".cred") {
			t.Fatalf("enrol: %d %s %s", cred.Status, cred.Disp, cred.bytes)
		}
		st, err := openFile(t, filepath.Join(dir, "station.db"), &store.Options{RegistryDir: "-"})
		if err != nil {
			t.Fatal(err)
		}
		station = st
		t.Cleanup(func() { st.Close() })
		if _, err := czsync.Enrol(st, cred.bytes); err != nil {
			t.Fatal(err)
		}
		n, err := czsync.Open(st)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := n.Sync(ctx, n.Server(), &czsync.Client{}, nil); err != nil {
			t.Fatalf("station sync: %v", err)
		}
		e, err := st.Get(facts.appID)
		if err != nil || e == nil {
			t.Fatalf("application not at the station: %v", err)
		}
		a := e.(*store.LoanApplication)
		if a.Status != "县推荐" || a.CountyOpinion != "同意推荐至承贷银行（控制台）" || a.TownshipOpinion != "同意，材料齐全" {
			t.Fatalf("at the station: %s / %q / %q", a.Status, a.CountyOpinion, a.TownshipOpinion)
		}
		b.open("/record/" + facts.appID.String())
		hist := b.text("#history")
		for _, want := range []string{"县中心推荐意见：同意推荐至承贷银行（控制台）", "乡镇审核意见：同意，已电话核实", "同时修改", "演示管理员"} {
			if !strings.Contains(hist, want) {
				t.Errorf("the application's history lacks %q: %s", want, hist)
			}
		}
		b.photo("13-history")
		b.open("/audit?action=approve")
		if got := b.text("#audit tbody"); strings.Count(got, "审批") < 3 {
			t.Errorf("approvals in the audit log: %s", got)
		}
	})

	t.Run("the county decides a home's subsidy claim", func(t *testing.T) {
		b := b.in(t)
		b.logout()
		b.login("admin", demoPassword) // xian is locked by then
		b.open("/approvals")
		card := "#claims-县民政审定 .claim"
		if got := b.text(card + " dl"); !strings.Contains(got, "3,600.00 元（6 人）") || !strings.Contains(got, "与入住记录一致") {
			t.Fatalf("the claim waiting for 审定: %s", got)
		}
		b.photo("11-claims")
		b.run(chromedp.SetValue(chromedp.CSS(card+` input[name="opinion"]`), "审定同意"))
		b.submit(chromedp.Click(chromedp.CSS(card + ` button[value="approve"]`)))
		if got := b.text("main"); !strings.Contains(got, "已办理：县民政审定") || !strings.Contains(got, "幸福院运营补贴待拨付（1）") {
			t.Fatalf("after 审定: %s", got)
		}
		b.submit(chromedp.Click(chromedp.CSS(`#claims-已拨付 .claim button[value="approve"]`)))
		if got := b.text("main"); !strings.Contains(got, "已办理：已拨付") || !strings.Contains(got, "幸福院运营补贴待拨付（0）") {
			t.Fatalf("after payment: %s", got)
		}
	})

	t.Run("reports download as CSV and PDF", func(t *testing.T) {
		b := b.in(t)
		b.open("/reports")
		b.photo("14-reports")
		b.open("/reports/B4?scope=130131&month=2025-11")
		if got := b.text("main"); !strings.Contains(got, "92.86%") {
			t.Errorf("B4 table: %s", got)
		}
		b.photo("15-report")
		csv := b.fetch("GET", "/reports/B4?scope=130131&month=2025-11&format=csv", "")
		if csv.Status != 200 || !strings.Contains(csv.Type, "text/csv") || !bytes.Contains(csv.bytes, []byte("92.86%")) || !bytes.Contains(csv.bytes, []byte("示例镇")) {
			t.Errorf("CSV: %d %s %q", csv.Status, csv.Type, csv.bytes)
		}
		xlsx := b.fetch("GET", "/reports/B4?scope=130131&month=2025-11&format=xlsx", "")
		if xlsx.Status != 200 || !strings.Contains(xlsx.Disp, ".xlsx") || !bytes.HasPrefix(xlsx.bytes, []byte("PK")) {
			t.Errorf("XLSX: %d %s", xlsx.Status, xlsx.Disp)
		} else if f, err := excelize.OpenReader(bytes.NewReader(xlsx.bytes)); err != nil {
			t.Errorf("XLSX does not open: %v", err)
		} else if rows, _ := f.GetRows("报表"); len(rows) < 5 || !strings.Contains(fmt.Sprint(rows), "示例镇") {
			t.Errorf("XLSX rows: %v", rows)
		}
		// A list's 导出Excel link keeps the page's query: the search's
		// matches, masked, with the ID number a text cell.
		b.open("/people?q=" + url.QueryEscape(facts.otherName) + "&scope=130131290")
		href := get(b, chromedp.Evaluate[string](`document.querySelector("#export-xlsx").getAttribute("href")`))
		if !strings.Contains(href, "format=xlsx") || !strings.Contains(href, "scope=130131290") || !strings.Contains(href, url.QueryEscape(facts.otherName)) {
			t.Errorf("导出Excel link %q", href)
		}
		list := b.fetch("GET", href, "")
		if list.Status != 200 || !strings.Contains(list.Disp, ".xlsx") || !bytes.HasPrefix(list.bytes, []byte("PK")) {
			t.Errorf("people XLSX: %d %s", list.Status, list.Disp)
		} else if f, err := excelize.OpenReader(bytes.NewReader(list.bytes)); err != nil {
			t.Errorf("people XLSX does not open: %v", err)
		} else if rows, _ := f.GetRows("人员查询"); len(rows) < 3 || rows[1][5] != "身份证号" || !strings.Contains(fmt.Sprint(rows[2:]), facts.otherName) {
			t.Errorf("people XLSX rows: %v", rows)
		} else if typ, _ := f.GetCellType("人员查询", "F3"); typ != excelize.CellTypeInlineString || !strings.Contains(rows[2][5], "*") {
			t.Errorf("people XLSX ID cell %q (type %v): text, masked", rows[2][5], typ)
		}
		pdf := b.fetch("GET", "/reports/B4?scope=130131&month=2025-11&format=pdf", "")
		if pdf.Status != 200 || !bytes.HasPrefix(pdf.bytes, []byte("%PDF-")) {
			t.Fatalf("PDF: %d %s", pdf.Status, pdf.Type)
		}
		if text := pdfText(t, pdf.bytes); !strings.Contains(text, "月度探访情况统计表") || !strings.Contains(text, "92.86%") {
			t.Errorf("PDF text: %s", text)
		}
		b.open("/audit?action=export")
		if got := b.text("#audit tbody"); strings.Count(got, "导出") < 3 {
			t.Errorf("exports in the audit log: %s", got)
		}
	})

	t.Run("accounts and the audit chain", func(t *testing.T) {
		b := b.in(t)
		b.open("/accounts")
		b.photo("16-accounts")
		b.submit(chromedp.Click(`//form[@action="/accounts/xian"]//button[text()="解锁"]`))
		b.open("/audit")
		b.submit(chromedp.Click(chromedp.CSS("#verify")))
		if got := b.text("#verify-result"); !strings.Contains(got, "链条完整") {
			t.Errorf("audit chain: %s", got)
		}
		b.photo("17-audit-verified")
		b.logout()
		b.login("xian", demoPassword)
		if !strings.HasSuffix(b.url(), "/") {
			t.Errorf("unlocked account cannot log in: %s %s", b.url(), b.body())
		}
	})

	t.Run("an idle session expires", func(t *testing.T) {
		u := serveCounty(t, bin, short, "--idle", "2s")
		s := newBrowser(t, exe, u)
		s.login("admin", demoPassword)
		if !strings.HasSuffix(s.url(), "/") {
			t.Fatalf("login: %s", s.url())
		}
		time.Sleep(3 * time.Second)
		s.open("/people")
		if !strings.Contains(s.url(), "/login") {
			t.Fatalf("an idle session still works: %s", s.url())
		}
	})
	_ = station
}

const demoPassword = DemoPassword

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

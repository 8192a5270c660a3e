package console

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/demo"
)

// firstOf finds a live record of kind in scope and its name.
func firstOf(t *testing.T, c *Console, kind store.Kind, scope string) (uuid.UUID, string) {
	t.Helper()
	var id uuid.UUID
	var name string
	c.s.View(func(r *store.Reader) error {
		return r.Each(kind, scope, func(e store.Entity) error {
			if id == uuid.Nil {
				id, name = store.MetaOf(e).ID, r.Title(e)
			}
			return nil
		})
	})
	if id == uuid.Nil {
		t.Fatalf("no %s in %s", kind, scope)
	}
	return id, name
}

// waitingApplication is the demo application waiting for 示例镇's step.
func waitingApplication(t *testing.T, c *Console) uuid.UUID {
	t.Helper()
	var app uuid.UUID
	c.s.View(func(r *store.Reader) error {
		return r.Each(store.KindLoanApplication, demo.TownshipShili, func(e store.Entity) error {
			if a := e.(*store.LoanApplication); a.Status == "村推荐" {
				app = a.ID
			}
			return nil
		})
	})
	if app == uuid.Nil {
		t.Fatal("no application at 村推荐 in the demo data")
	}
	return app
}

// Every route a township user could be handed for another township answers
// 403, and what it would show never reaches the browser.
func TestTownshipUserRefusedOtherTownship(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	other, otherName := firstOf(t, c, store.KindPerson, "130131290") // 示例乡
	app := waitingApplication(t, c)
	u := newClient(t, srv)
	if code := u.login("shixiang", pw); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	tok := u.csrf()
	u2 := newClient(t, srv)
	u2.login("shili", pw)
	tok2 := u2.csrf()
	cases := []struct {
		who    *client
		method string
		path   string
		form   url.Values
	}{
		{u2, "GET", "/record/" + other.String(), nil},
		{u2, "POST", "/record/" + other.String() + "/reveal", url.Values{"csrf": {tok2}}},
		{u2, "GET", "/record/" + other.String() + "/pdf", nil},
		{u2, "GET", "/?scope=130131290", nil},
		{u2, "GET", "/?scope=130131", nil},
		{u2, "GET", "/?scope=130131290201", nil},
		{u2, "GET", "/reports/B4?scope=130131290&month=2025-11", nil},
		{u2, "GET", "/reports/B4?scope=130131290&month=2025-11&format=csv", nil},
		{u2, "GET", "/reports/B1?scope=130131290201&month=2025-11&format=pdf", nil},
		{u2, "POST", "/conflicts/" + other.String(), url.Values{"csrf": {tok2}, "field": {"name"}, "keep": {"0"}}},
		{u2, "GET", "/stations", nil},
		{u2, "POST", "/stations/enrol", url.Values{"csrf": {tok2}, "scope": {"130131190201"}, "name": {"x"}}},
		{u2, "GET", "/accounts", nil},
		{u2, "GET", "/audit", nil},
		{u2, "GET", "/audit/export", nil},
		{u, "POST", "/approvals/" + app.String(), url.Values{"csrf": {tok}, "opinion": {"同意"}, "date": {"2025-11-30"}, "decision": {"approve"}}},
	}
	for _, tc := range cases {
		code, body := tc.who.do(tc.method, tc.path, tc.form)
		if code != http.StatusForbidden {
			t.Errorf("%s %s: %d, want 403", tc.method, tc.path, code)
		}
		if strings.Contains(body, otherName) {
			t.Errorf("%s %s: the other township's record reached the browser", tc.method, tc.path)
		}
	}
	// Nothing was written: no reveal in the log, the application unmoved.
	list, _ := c.audit.List(audit.Filter{Action: audit.Reveal})
	if len(list) != 0 {
		t.Errorf("a refused reveal was logged as done: %+v", list)
	}
	e, _ := c.s.Get(app)
	if e.(*store.LoanApplication).Status != "村推荐" {
		t.Errorf("a refused approval moved the application")
	}
	// The auditor reads the log and nothing else.
	a := newClient(t, srv)
	a.login("shenji", pw)
	if code, _ := a.do("GET", "/", nil); code != http.StatusSeeOther {
		t.Errorf("auditor GET /: %d, want sent to the log", code)
	}
	for _, p := range []string{"/people?q=王", "/record/" + other.String(), "/reports", "/approvals"} {
		if code, _ := a.do("GET", p, nil); code != http.StatusForbidden {
			t.Errorf("auditor GET %s: %d", p, code)
		}
	}
	if code, _ := a.do("GET", "/audit", nil); code != http.StatusOK {
		t.Errorf("auditor GET /audit: %d", code)
	}
}

// A POST needs the session's form token, and is refused when a page of
// another site makes it.
func TestPostsNeedTokenAndSameSite(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	u := newClient(t, srv)
	u.login("admin", pw)
	tok := u.csrf()
	add := func(name string) url.Values {
		return url.Values{"csrf": {tok}, "name": {name}, "role": {"staff"}, "password": {"abcdefgh123"}}
	}
	noTok := add("a1")
	noTok.Del("csrf")
	if code, _ := u.do("POST", "/accounts", noTok); code != http.StatusForbidden {
		t.Errorf("without token: %d", code)
	}
	if code, _ := u.do("POST", "/accounts", add("a2"), "Origin", "https://evil.example"); code != http.StatusForbidden {
		t.Errorf("from another origin: %d", code)
	}
	if code, _ := u.do("POST", "/accounts", add("a3"), "Sec-Fetch-Site", "cross-site"); code != http.StatusForbidden {
		t.Errorf("cross-site: %d", code)
	}
	if code, _ := u.do("POST", "/accounts", add("a4"), "Origin", srv.URL); code != http.StatusSeeOther {
		t.Errorf("the console's own form: %d", code)
	}
	list, _ := c.accounts.List()
	made := map[string]bool{}
	for _, a := range list {
		made[a.Name] = true
	}
	if made["a1"] || made["a2"] || made["a3"] || !made["a4"] {
		t.Errorf("accounts made: %v", made)
	}
}

func TestLockoutAndIdleSessions(t *testing.T) {
	c, clock := demoCounty(t)
	srv := serve(t, c)
	u := newClient(t, srv)
	for i := 0; i < MaxFailures-1; i++ {
		if code := u.login("xian", "wrong-1234567"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	if code := u.login("xian", pw); code != http.StatusSeeOther {
		t.Fatalf("the right password before the limit: %d", code)
	}
	// The count starts again after a success.
	u = newClient(t, srv)
	for i := 0; i < MaxFailures; i++ {
		u.login("xian", "wrong-1234567")
	}
	_, body := u.do("POST", "/login", url.Values{"name": {"xian"}, "password": {pw}})
	if !strings.Contains(body, "已锁定") {
		t.Fatalf("locked account let in: %s", body)
	}
	clock.add(LockFor - time.Minute)
	if code := u.login("xian", pw); code != http.StatusUnauthorized {
		t.Errorf("still locked: %d", code)
	}
	clock.add(2 * time.Minute)
	if code := u.login("xian", pw); code != http.StatusSeeOther {
		t.Fatalf("after the lock: %d", code)
	}
	if code, _ := u.do("GET", "/", nil); code != http.StatusOK {
		t.Fatalf("dashboard: %d", code)
	}
	// A request keeps the session alive; idleness ends it.
	clock.add(20 * time.Minute)
	if code, _ := u.do("GET", "/people", nil); code != http.StatusOK {
		t.Fatalf("after 20 minutes: %d", code)
	}
	clock.add(20 * time.Minute)
	if code, _ := u.do("GET", "/people", nil); code != http.StatusOK {
		t.Fatalf("20 minutes after the last request: %d", code)
	}
	clock.add(31 * time.Minute)
	code, _ := u.do("GET", "/people", nil)
	if code != http.StatusSeeOther {
		t.Fatalf("an idle session still works: %d", code)
	}
	// Unknown names fail like wrong passwords, and are logged.
	if code := u.login("nobody", pw); code != http.StatusUnauthorized {
		t.Errorf("unknown name: %d", code)
	}
	list, _ := c.audit.List(audit.Filter{})
	counts := map[string]int{}
	for _, e := range list {
		counts[e.Action]++
	}
	if counts[audit.LoginFailed] < MaxFailures+MaxFailures-1 || counts[audit.LoginLocked] != 1 || counts[audit.Login] != 2 {
		t.Errorf("audit of logins: %v", counts)
	}
	if rep, _ := c.audit.Verify(); !rep.OK() {
		t.Errorf("chain: %+v", rep.Problems)
	}
}

func TestNextStaysOnSite(t *testing.T) {
	for in, want := range map[string]string{
		"/people?q=x": "/people?q=x", "//evil.example/": "", "https://evil.example": "", "/\\evil.example": "", "": "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{"short1": false, "onlyletterslong": false, "1234567890123": false, "goodpass123": true, "admin12345x": false} {
		if got := CheckPasswordRule(pw, "admin") == ""; got != ok {
			t.Errorf("%q accepted=%v, want %v", pw, got, ok)
		}
	}
	h := HashPassword("goodpass123")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") || !checkPassword(h, "goodpass123") || checkPassword(h, "goodpass124") {
		t.Errorf("argon2id hash %q", h)
	}
	if checkPassword("$argon2id$v=19$m=9999999999,t=1,p=1$AAAA$AAAA", "x") {
		t.Error("a hash with absurd parameters was accepted")
	}
}

// A name typed at the login page reaches the audit log; exported, it must
// not become a spreadsheet formula.
func TestAuditExportDefusesFormulas(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	u := newClient(t, srv)
	u.login(`=HYPERLINK("http://evil.example","x")`, "whatever123")
	a := newClient(t, srv)
	a.login("shenji", pw)
	code, body := a.do("GET", "/audit/export", nil)
	if code != http.StatusOK {
		t.Fatalf("export: %d", code)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, row := range rows {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "+") || strings.HasPrefix(cell, "@") {
				t.Errorf("a cell reads as a formula: %q", cell)
			}
			seen = seen || strings.Contains(cell, "HYPERLINK")
		}
	}
	if !seen {
		t.Error("the failed login's name is not in the export")
	}
}

// What a tester sent the console, each refused with a clear answer and
// nothing changed.
func TestOddRequestsRefused(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	u := newClient(t, srv)
	u.login("shili", pw)
	for _, p := range []string{"/?month=9999-12", "/?month=2025-13", "/?month=0001-01", "/reports/B4?scope=130131190&month=9999-12"} {
		if code, _ := u.do("GET", p, nil); code != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", p, code)
		}
	}
	app := waitingApplication(t, c)
	var seen store.Seen
	c.s.View(func(r *store.Reader) error { seen, _ = r.SeenOf(app); return nil })
	tok := u.csrf()
	form := url.Values{"csrf": {tok}, "seen": {encodeVV(seen.Context)}, "opinion": {"同意"}, "date": {"2025-11-30"}}
	for _, d := range []string{"maybe", ""} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("decision", d)
		if code, _ := u.do("POST", "/approvals/"+app.String(), f); code != http.StatusBadRequest {
			t.Errorf("decision %q: %d, want 400", d, code)
		}
	}
	long := url.Values{}
	for k, v := range form {
		long[k] = v
	}
	long.Set("decision", "approve")
	long.Set("opinion", strings.Repeat("长", maxOpinion+1))
	if code, _ := u.do("POST", "/approvals/"+app.String(), long); code != http.StatusBadRequest {
		t.Errorf("an opinion over %d characters: %d", maxOpinion, code)
	}
	// Two decisions on one page: a status under review. A merged value
	// cannot be written into a status.
	for _, to := range []string{"乡镇审核", "已拒绝"} {
		field := map[string]string{"乡镇审核": "township_opinion", "已拒绝": "reject_reason"}[to]
		err := c.s.Batch(func(b *store.Batch) error {
			_, err := b.StepSeen(app, seen, to, "2025-11-30", "甲", func(e store.Entity) error {
				if err := store.SetField(e, field, "意见"); err != nil {
					return err
				}
				if to == "乡镇审核" {
					return store.SetField(e, "township_date", "2025-11-30")
				}
				return nil
			}, "甲")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	code, _ := u.do("POST", "/conflicts/"+app.String(), url.Values{"csrf": {tok}, "field": {"status"}, "merged": {"<b>x</b>"}})
	if code != http.StatusBadRequest {
		t.Errorf("a merged status: %d", code)
	}
	e, _ := c.s.Get(app)
	if st := e.(*store.LoanApplication).Status; st != "乡镇审核" && st != "已拒绝" {
		t.Errorf("status became %q", st)
	}
	if got := safeNext("/\t/evil.example"); got != "" {
		t.Errorf("a tab in next: %q", got)
	}
}

// A stranger cannot learn which names are accounts: a name that is none
// answers every wrong password, and the lock after MaxFailures, as an
// account does; a stopped account says so only to its right password.
func TestLoginAnswersDoNotTellNamesApart(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	answers := func(name string) []string {
		u := newClient(t, srv)
		var out []string
		for i := 0; i <= MaxFailures; i++ {
			code, body := u.do("POST", "/login", url.Values{"name": {name}, "password": {"wrong-1234567"}})
			out = append(out, fmt.Sprint(code)+" "+between(body, `role="alert">`, "<"))
		}
		return out
	}
	real, ghost := answers("xian"), answers("no-such-clerk")
	if strings.Join(real, "|") != strings.Join(ghost, "|") || !strings.Contains(real[MaxFailures], "已锁定") {
		t.Errorf("an account answers\n%q\na name that is none\n%q", real, ghost)
	}
	x := c.accounts
	if _, err := x.Edit("shenji", func(a *Account) error { a.Disabled = true; return nil }, "", nil); err != nil {
		t.Fatal(err)
	}
	u := newClient(t, srv)
	if _, body := u.do("POST", "/login", url.Values{"name": {"shenji"}, "password": {"wrong-1234567"}}); strings.Contains(body, "停用") {
		t.Error("a wrong password learnt that the account is stopped")
	}
	if _, body := u.do("POST", "/login", url.Values{"name": {"shenji"}, "password": {pw}}); !strings.Contains(body, "停用") {
		t.Error("the right password of a stopped account is not told why")
	}
}

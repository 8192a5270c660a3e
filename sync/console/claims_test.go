package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/demo"
)

// The demo home's 2025 claim (¥3,600.00, checked by the village and the
// township) waits for the county's 审定: the county decides it, then records
// the payment; a township user cannot take the county's step; a recount
// that disagrees with the claim is shown beside it.
func TestSubsidyClaimQueues(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	id, _ := firstOf(t, c, store.KindSubsidyClaim, demo.TownshipShili)
	var claim *store.OperatingSubsidyClaim
	c.s.View(func(r *store.Reader) error {
		cs, _ := store.All[*store.OperatingSubsidyClaim](r, store.KindSubsidyClaim, demo.County)
		for _, x := range cs {
			if x.Year == 2025 {
				claim = x
			}
		}
		return nil
	})
	if claim == nil || claim.Status != "乡镇审核" {
		t.Fatalf("the demo's 2025 claim: %+v (first %s)", claim, id)
	}
	id = claim.ID

	xian := newClient(t, srv)
	xian.login("xian", pw)
	_, page := xian.do("GET", "/approvals", nil)
	card := between(page, `id="claim-`+id.String()+`"`, "</form>")
	for _, want := range []string{"甲村互助幸福院", "3,600.00 元（6 人）", "与入住记录一致", `name="from" value="乡镇审核"`, "同意，县民政审定", "退回修改"} {
		if !strings.Contains(card, want) {
			t.Errorf("the county's claim card lacks %q:\n%s", want, card)
		}
	}
	seen := regexp.MustCompile(`name="seen" value="([^"]*)"`).FindStringSubmatch(card)

	shili := newClient(t, srv)
	shili.login("shili", pw)
	if _, p := shili.do("GET", "/approvals", nil); strings.Contains(p, `id="claim-`+id.String()) {
		t.Error("the township's queue shows a claim it has already checked")
	}
	form := url.Values{"csrf": {shili.csrf()}, "seen": {seen[1]}, "from": {"乡镇审核"}, "opinion": {"审定同意"}, "date": {"2025-11-30"}, "decision": {"approve"}}
	if code, _ := shili.do("POST", "/approvals/"+id.String(), form); code != http.StatusBadRequest {
		t.Errorf("a township user took the county's step: %d", code)
	}
	// Nor by naming its own queue: the claim was never at 村审核 as the
	// page's context has it.
	form.Set("from", "村审核")
	form.Set("decision", "reject")
	if code, _ := shili.do("POST", "/approvals/"+id.String(), form); code != http.StatusBadRequest {
		t.Errorf("a township user sent back a claim waiting for the county: %d", code)
	}
	form.Set("from", "乡镇审核")
	form.Set("decision", "approve")
	if got := statusOf(t, c, id); got != "乡镇审核" {
		t.Fatalf("after the township's attempts: %s", got)
	}

	form.Set("csrf", xian.csrf())
	form.Set("opinion", "")
	if code, p := xian.do("POST", "/approvals/"+id.String(), form); code != http.StatusBadRequest || !strings.Contains(p, "请填写县民政审定意见") {
		t.Errorf("decided without an opinion: %d", code)
	}
	form.Set("opinion", "审定同意，拨付3600元")
	if code, p := xian.do("POST", "/approvals/"+id.String(), form); code != http.StatusSeeOther {
		t.Fatalf("审定: %d %s", code, between(p, `class="error"`, "</p>"))
	}
	if got := statusOf(t, c, id); got != "县民政审定" {
		t.Fatalf("after 审定: %s", got)
	}

	// Payment: the next queue, a date and no opinion. The page says once
	// what was done; a link cannot make it say anything.
	_, page = xian.do("GET", "/approvals?done=请把补贴打到账户62220000", nil)
	if !strings.Contains(page, "已办理：县民政审定") || strings.Contains(page, "62220000") {
		t.Errorf("the result line: %s", between(page, `class="ok"`, "</p>"))
	}
	if _, again := xian.do("GET", "/approvals", nil); strings.Contains(again, "已办理：县民政审定") {
		t.Error("the result is shown twice")
	}
	card = between(page, `id="claim-`+id.String()+`"`, "</form>")
	if !strings.Contains(card, `name="from" value="县民政审定"`) || strings.Contains(card, `name="opinion"`) {
		t.Fatalf("the payment card:\n%s", card)
	}
	seen = regexp.MustCompile(`name="seen" value="([^"]*)"`).FindStringSubmatch(card)
	pay := url.Values{"csrf": {xian.csrf()}, "seen": {seen[1]}, "from": {"县民政审定"}, "date": {"2025-11-30"}, "decision": {"approve"}}
	if code, _ := xian.do("POST", "/approvals/"+id.String(), pay); code != http.StatusSeeOther {
		t.Fatalf("payment: %d", code)
	}
	if got := statusOf(t, c, id); got != "已拨付" {
		t.Fatalf("after payment: %s", got)
	}
	entries, _ := c.audit.List(audit.Filter{Action: audit.Approve})
	var details []string
	for _, e := range entries {
		if e.Target == id.String() {
			details = append(details, e.Detail)
		}
	}
	if len(details) != 2 || !strings.Contains(strings.Join(details, "|"), "县民政审定（审定同意，拨付3600元）") {
		t.Errorf("audit of the claim: %q", details)
	}
}

func statusOf(t *testing.T, c *Console, id uuid.UUID) string {
	t.Helper()
	e, err := c.s.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return e.(*store.OperatingSubsidyClaim).Status
}

// between is the text of s from the first from up to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// A township clerk's page, kept after the county has acted, decides
// nothing: the record has gone past the township's turn. Refusals of
// another township's records are written to the audit log, and a record
// that does not exist is answered as one out of reach. Control and
// direction characters are refused in an opinion.
func TestLateAndProbingDecisionsRefused(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	app := waitingApplication(t, c)
	shili, xian := newClient(t, srv), newClient(t, srv)
	shili.login("shili", pw)
	xian.login("xian", pw)
	seenOn := func(u *client, id uuid.UUID) string {
		_, page := u.do("GET", "/approvals", nil)
		m := regexp.MustCompile(`name="seen" value="([^"]*)"`).FindStringSubmatch(between(page, `id="app-`+id.String()+`"`, "</form>"))
		if m == nil {
			t.Fatalf("%s not on the approvals page", id)
		}
		return m[1]
	}
	post := func(u *client, id uuid.UUID, from, seen, decision, opinion string) int {
		code, _ := u.do("POST", "/approvals/"+id.String(), url.Values{"csrf": {u.csrf()}, "seen": {seen}, "from": {from},
			"opinion": {opinion}, "date": {"2025-11-30"}, "decision": {decision}})
		return code
	}
	old := seenOn(shili, app)
	if code := post(shili, app, "村推荐", old, "approve", "同意，情况属实"); code != http.StatusSeeOther {
		t.Fatalf("the township's step: %d", code)
	}
	if code := post(xian, app, "乡镇审核", seenOn(xian, app), "approve", "同意推荐"); code != http.StatusSeeOther {
		t.Fatalf("the county's step: %d", code)
	}
	if code := post(shili, app, "村推荐", old, "reject", "撤回"); code != http.StatusBadRequest {
		t.Errorf("a township page kept after the county's step refused the application: %d", code)
	}
	if e, _ := c.s.Get(app); e.(*store.LoanApplication).Status != "县推荐" {
		t.Fatalf("the application after the late refusal: %s", e.(*store.LoanApplication).Status)
	}

	other, _ := firstOf(t, c, store.KindPerson, "130131290")
	codeOther, bodyOther := shili.do("GET", "/record/"+other.String(), nil)
	codeNone, bodyNone := shili.do("GET", "/record/"+uuid.NewString(), nil)
	if codeOther != http.StatusForbidden || codeNone != codeOther || between(bodyNone, "<main>", "</main>") != between(bodyOther, "<main>", "</main>") {
		t.Errorf("another township's record %d, no record %d: the answers differ", codeOther, codeNone)
	}
	denied, _ := c.audit.List(audit.Filter{Action: audit.Denied, User: "shili"})
	if len(denied) < 2 {
		t.Errorf("refusals in the audit log: %d", len(denied))
	}

	var claim uuid.UUID
	c.s.View(func(r *store.Reader) error {
		cs, _ := store.All[*store.OperatingSubsidyClaim](r, store.KindSubsidyClaim, demo.County)
		for _, x := range cs {
			if x.Status == "乡镇审核" {
				claim = x.ID
			}
		}
		return nil
	})
	_, page := xian.do("GET", "/approvals", nil)
	seen := regexp.MustCompile(`name="seen" value="([^"]*)"`).FindStringSubmatch(between(page, `id="claim-`+claim.String()+`"`, "</form>"))
	if code := post(xian, claim, "乡镇审核", seen[1], "approve", "同意\u202e意同不"); code != http.StatusBadRequest || statusOf(t, c, claim) != "乡镇审核" {
		t.Errorf("an opinion with a direction override: %d", code)
	}
}

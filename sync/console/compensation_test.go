package console

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// The demo's risk-compensation claim for L2 (¥26,663.17, checked by the
// township) waits for the county's 审定 beside the homes' claims: a
// township user neither sees it in its queue nor can take the county's
// step; the county decides it (the loan goes into compensation), then
// records the payment (the loan is compensated); the download lists it.
func TestCompensationClaimQueues(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	id, _ := firstOf(t, c, store.KindCompensationClaim, demo.County)
	if id == uuid.Nil {
		t.Fatal("the demo has no compensation claim")
	}
	xian := newClient(t, srv)
	xian.login("xian", pw)
	_, page := xian.do("GET", "/approvals", nil)
	card := between(page, `id="comp-`+id.String()+`"`, "</form>")
	for _, want := range []string{"风险补偿金代偿申请待县级审定", "PSXYS-2023-0102", "110 天（自 2025-08-02）", "逾期本金 30,000.00 元，欠息 3,328.96 元",
		"26,663.17 元（分担 80%）", "与贷款记录一致", "同意上报县级审定", `name="from" value="乡镇审核"`, "同意，县审定", "退回修改"} {
		if !strings.Contains(page, want) && !strings.Contains(card, want) {
			t.Errorf("the county's compensation card lacks %q:\n%s", want, card)
		}
	}
	seen := regexp.MustCompile(`name="seen" value="([^"]*)"`).FindStringSubmatch(card)
	if seen == nil {
		t.Fatalf("no card:\n%s", page)
	}

	shili := newClient(t, srv)
	shili.login("shili", pw)
	if _, p := shili.do("GET", "/approvals", nil); strings.Contains(p, `id="comp-`+id.String()) || !strings.Contains(p, "风险补偿金代偿申请待乡镇审核（0）") {
		t.Error("the township's queue shows a claim it has already checked, or no compensation queue")
	}
	form := url.Values{"csrf": {shili.csrf()}, "seen": {seen[1]}, "from": {"乡镇审核"}, "opinion": {"同意代偿"}, "date": {"2025-11-30"}, "decision": {"approve"}}
	if code, _ := shili.do("POST", "/approvals/"+id.String(), form); code != http.StatusBadRequest {
		t.Errorf("a township user took the county's step: %d", code)
	}

	form.Set("csrf", xian.csrf())
	if code, p := xian.do("POST", "/approvals/"+id.String(), form); code != http.StatusSeeOther {
		t.Fatalf("审定: %d %s", code, between(p, `class="error"`, "</p>"))
	}
	claim := func() *store.CompensationClaim {
		e, err := c.s.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		return e.(*store.CompensationClaim)
	}
	loanStatus := func() string {
		e, err := c.s.Get(uuid.MustParse(claim().LoanID))
		if err != nil {
			t.Fatal(err)
		}
		return e.(*store.Loan).Status
	}
	if cl := claim(); cl.Status != "县审定" || cl.CountyOpinion != "同意代偿" || cl.CountyDate != "2025-11-30" || loanStatus() != "风险补偿代偿中" {
		t.Fatalf("after 审定: %s %s %s, loan %s", cl.Status, cl.CountyOpinion, cl.CountyDate, loanStatus())
	}

	_, page = xian.do("GET", "/approvals", nil)
	card = between(page, `id="comp-`+id.String()+`"`, "</form>")
	if !strings.Contains(card, `name="from" value="县审定"`) || strings.Contains(card, `name="opinion"`) || !strings.Contains(card, "已代偿") {
		t.Fatalf("the payment card:\n%s", card)
	}
	code, _, b := xian.get("/approvals?format=xlsx")
	if code != http.StatusOK {
		t.Fatalf("download: %d", code)
	}
	s := openSheet(t, b, "风险补偿代偿")
	row := s.find("记录编号", id.String())
	if row == 0 {
		t.Fatalf("the claim is not in the download: %v", s.rows)
	}
	for col, want := range map[string]string{"申请代偿金额（元）": "26663.17", "逾期天数": "110", "欠息（元）": "3328.96", "核对": "与贷款记录一致", "待办": "县审定 → 已代偿"} {
		if got := s.value(col, row); got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}

	seen = regexp.MustCompile(`name="seen" value="([^"]*)"`).FindStringSubmatch(card)
	pay := url.Values{"csrf": {xian.csrf()}, "seen": {seen[1]}, "from": {"县审定"}, "date": {"2025-11-30"}, "decision": {"approve"}}
	if code, _ := xian.do("POST", "/approvals/"+id.String(), pay); code != http.StatusSeeOther {
		t.Fatalf("payment: %d", code)
	}
	if cl := claim(); cl.Status != "已代偿" || cl.PaidDate != "2025-11-30" || loanStatus() != "已代偿" {
		t.Errorf("after payment: %s %s, loan %s", cl.Status, cl.PaidDate, loanStatus())
	}
}

package console

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
)

// A record's page offers every form of its kind, each printed on request
// and in the audit log; asking a record for another kind's form prints
// nothing.
func TestRecordPageOffersEachOfItsForms(t *testing.T) {
	c, _ := demoCounty(t)
	srv := serve(t, c)
	id, _ := firstOf(t, c, store.KindLoan, demo.TownshipShili)
	xian := newClient(t, srv)
	xian.login("xian", pw)
	_, page := xian.do("GET", "/record/"+id.String(), nil)
	if !strings.Contains(page, "/record/"+id.String()+"/pdf?form=C6") || !strings.Contains(page, "到期还款提醒通知书") {
		t.Fatalf("the loan's page offers no C6")
	}
	code, body := xian.do("GET", "/record/"+id.String()+"/pdf?form=C6", nil)
	if code != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("C6 of a loan: %d %.40q", code, body)
	}
	code, body = xian.do("GET", "/record/"+id.String()+"/pdf?form=A2", nil)
	if code == http.StatusOK || strings.HasPrefix(body, "%PDF-") || !strings.Contains(body, "不是贷款的表") {
		t.Errorf("A2 of a loan: %d %.200q", code, body)
	}
}

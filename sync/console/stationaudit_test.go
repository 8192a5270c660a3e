package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/crypt"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// enrolledStation is a station of the test county, protected, enrolled,
// with exchange doing one bundle each way with the county.
func enrolledStation(t *testing.T, c *Console) (*store.Store, *czsync.Credential, func()) {
	t.Helper()
	cred, err := c.n.EnrolStation("130131190201", "甲村服务点", "http://county")
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(t.TempDir(), "st.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.ProtectWithKey(crypt.Standard, testCountyKey); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(cred)
	if _, err := czsync.Enrol(s, b); err != nil {
		t.Fatal(err)
	}
	st, err := czsync.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	exchange := func() {
		t.Helper()
		out, err := st.Outgoing(st.CountyID(), 0)
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.n.Import(out[0])
		if err != nil {
			t.Fatal(err)
		}
		back, err := c.n.Outgoing(res.From, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Import(back[0]); err != nil {
			t.Fatal(err)
		}
	}
	return s, cred, exchange
}

// A station's audit log, once synced, is on the console for the county's
// auditor, with the check of its chain, and for nobody else.
func TestStationAuditOnConsole(t *testing.T) {
	c, _ := demoCounty(t)
	s, cred, exchange := enrolledStation(t, c)
	exchange()
	if err := s.Audit(store.AuditPrint, "A2 <script>", "打印未遮盖"); err != nil {
		t.Fatal(err)
	}
	exchange()

	srv := serve(t, c)
	a := newClient(t, srv)
	a.login("shenji", pw)
	code, body := a.do("GET", "/audit/station?code="+cred.Station.Code, nil)
	if code != http.StatusOK {
		t.Fatalf("auditor: %d", code)
	}
	for _, want := range []string{"打印未遮盖的表格", "登记站点", "A2 &lt;script&gt;", "链条完整"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	other := newClient(t, srv)
	other.login("shixiang", pw)
	if code, body := other.do("GET", "/audit/station?code="+cred.Station.Code, nil); code != http.StatusForbidden || strings.Contains(body, "打印未遮盖的表格") {
		t.Errorf("another township's account: %d", code)
	}
}

// The county's administrator issues a recovery file from the stations
// page: the code shows once, the file downloads from the page, and the
// county's audit log records it; a staff account may not.
func TestRecoveryFileFromConsole(t *testing.T) {
	c, _ := demoCounty(t)
	_, cred, exchange := enrolledStation(t, c)
	exchange()
	exchange()
	srv := serve(t, c)
	staff := newClient(t, srv)
	staff.login("xian", pw)
	if code, body := staff.do("POST", "/stations/recovery", url.Values{"csrf": {staff.csrf()}, "station": {cred.Station.Code}}); code != http.StatusForbidden || strings.Contains(body, "recovery-code") {
		t.Fatalf("staff issued a recovery file: %d", code)
	}
	a := newClient(t, srv)
	a.login("admin", pw)
	code, body := a.do("POST", "/stations/recovery", url.Values{"csrf": {a.csrf()}, "station": {cred.Station.Code}})
	if code != http.StatusOK || !strings.Contains(body, `id="recovery-code"`) || !strings.Contains(body, "data:application/octet-stream;base64,") {
		t.Fatalf("admin: %d %s", code, body)
	}
	list, _ := c.audit.List(audit.Filter{Action: audit.RecoveryIssue})
	if len(list) != 1 || list[0].User != "admin" || list[0].Target != cred.Station.Code {
		t.Errorf("audit: %+v", list)
	}
}

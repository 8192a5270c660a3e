package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/audit"
	"github.com/cunzhan/cunzhan/store/demo"
	czsync "github.com/cunzhan/cunzhan/sync"
)

func county(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestCountyCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "county.db")
	if _, errOut, code := county(t, "--data", db, "stations"); code != 1 || !strings.HasPrefix(errOut, "NOT_INITIALISED: ") {
		t.Errorf("stations before init: %d %s", code, errOut)
	}
	if out, errOut, code := county(t, "--data", db, "init", "--county", "130131", "--name", "平山县级中心"); code != 0 || !strings.Contains(out, "130131000000-01") {
		t.Fatalf("init: %s %s", out, errOut)
	}
	if _, errOut, code := county(t, "--data", db, "init", "--county", "130131", "--name", "again"); code != 1 || !strings.HasPrefix(errOut, "ALREADY_INITIALISED") {
		t.Errorf("second init: %s", errOut)
	}
	if ss, _ := openFile(t, db, &store.Options{RegistryDir: "-", ReadOnly: true}); ss != nil {
		if st := ss.Station(); st.Name != "平山县级中心" {
			t.Errorf("a refused second init renamed the county to %q", st.Name)
		}
		ss.Close()
	}
	cred := filepath.Join(dir, "jia.cred")
	if out, errOut, code := county(t, "--data", db, "enroll", "--scope", "130131190201", "--name", "甲村服务点", "--out", cred); code != 0 || !strings.Contains(out, "130131190201-01") {
		t.Fatalf("enroll: %s %s", out, errOut)
	}
	if _, errOut, code := county(t, "--data", db, "enroll", "--scope", "130131190201", "--name", "x", "--out", cred); code != 1 || !strings.HasPrefix(errOut, "FILE_EXISTS") {
		t.Errorf("overwrote a credential: %s", errOut)
	}
	if _, errOut, code := county(t, "--data", db, "enroll", "--scope", "1301311902", "--name", "x", "--out", cred+"2"); code != 1 || !strings.HasPrefix(errOut, "DIV_LENGTH") {
		t.Errorf("bad scope: %s", errOut)
	}
	if fi, err := os.Stat(cred); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("credential file mode: %v %v", fi, err)
	}
	// The station side: enrol, write, export to a stick.
	ss, err := openFile(t, filepath.Join(dir, "jia.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(cred)
	if _, err := czsync.Enrol(ss, b); err != nil {
		t.Fatal(err)
	}
	ss.Create(&store.Household{HouseholdNo: "130131190201-J1", VillageCode: "130131190201", HouseholdType: "一般农户"}, "x")
	station, _ := czsync.Open(ss)
	stick := t.TempDir()
	paths, err := station.ExportTo(stick, station.CountyID())
	if err != nil {
		t.Fatal(err)
	}
	reply := t.TempDir()
	out, errOut, code := county(t, "--data", db, "import", paths[0], "--reply-to", reply)
	if code != 0 || !strings.Contains(out, "回复文件") {
		t.Fatalf("import: %s %s", out, errOut)
	}
	files, _ := os.ReadDir(reply)
	if len(files) != 1 {
		t.Fatalf("%d reply files", len(files))
	}
	if res, err := station.ImportFile(filepath.Join(reply, files[0].Name()), ""); err != nil || res.Entries == 0 {
		t.Fatalf("station import of the reply: %+v %v", res, err)
	}
	out, _, _ = county(t, "--data", db, "--format", "json", "stations")
	var list []czsync.StationStatus
	// The station has not acknowledged the reply yet (it would with its
	// next bundle), so the county still counts it as a backlog.
	// (the county's own identity record).
	if json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 || list[0].LastSync == "" || list[0].Backlog != 1 {
		t.Errorf("stations: %s", out)
	}
	if out, _, code := county(t, "--data", db, "revoke", "130131190201-01"); code != 0 || !strings.Contains(out, "已吊销") {
		t.Errorf("revoke: %s", out)
	}
	if _, errOut, code := county(t, "--data", db, "import", paths[0], "--reply-to", reply); code != 1 || !strings.HasPrefix(errOut, "BUNDLE_SENDER_REVOKED") {
		t.Errorf("revoked station's bundle: %s", errOut)
	}
	ss.Close()
}

// serving is a county initialised by the command line and served over
// loopback with its administration token, as `serve` does.
func serving(t *testing.T) (dir, db string, n *czsync.Node, srv *httptest.Server, token string) {
	t.Helper()
	dir = t.TempDir()
	db = filepath.Join(dir, "county.db")
	county(t, "--data", db, "init", "--county", "130131", "--name", "平山县级中心")
	s, err := openFile(t, db, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	n, _ = czsync.Open(s)
	if token, err = czsync.NewAdminToken(czsync.AdminTokenPath(db)); err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(n.Handler(nil, token))
	t.Cleanup(srv.Close)
	return dir, db, n, srv, token
}

// While the server holds the database, the county's own commands go through
// its loopback administration endpoints.
func TestCountyCommandsWhileServing(t *testing.T) {
	dir, db, n, srv, _ := serving(t)
	cred := filepath.Join(dir, "jia.cred")
	if out, errOut, code := county(t, "--data", db, "--server", srv.URL, "enroll", "--scope", "130131190201", "--name", "甲村服务点", "--out", cred); code != 0 {
		t.Fatalf("enroll while serving: %s %s", out, errOut)
	}
	// In the county's audit log, as the console's enrolments are.
	if list, _ := audit.Open(n.Store()).List(audit.Filter{Action: audit.Enrol}); len(list) != 1 || list[0].User != "命令行" || list[0].Target != "130131190201-01" {
		t.Errorf("enrolment in the audit log: %+v", list)
	}
	ss, _ := openFile(t, filepath.Join(dir, "jia.db"), &store.Options{RegistryDir: "-"})
	defer ss.Close()
	b, _ := os.ReadFile(cred)
	czsync.Enrol(ss, b)
	ss.Create(&store.Household{HouseholdNo: "130131190201-J1", VillageCode: "130131190201", HouseholdType: "一般农户"}, "x")
	station, _ := czsync.Open(ss)
	paths, _ := station.ExportTo(t.TempDir(), station.CountyID())
	reply := t.TempDir()
	if out, errOut, code := county(t, "--data", db, "--server", srv.URL, "import", paths[0], "--reply-to", reply); code != 0 || !strings.Contains(out, "运行中") {
		t.Fatalf("import while serving: %s %s", out, errOut)
	}
	files, _ := os.ReadDir(reply)
	if len(files) != 1 || !strings.Contains(files[0].Name(), "130131190201-01") {
		t.Fatalf("reply files %v", files)
	}
	out, _, _ := county(t, "--data", db, "--server", srv.URL, "--format", "json", "stations")
	if !strings.Contains(out, "130131190201-01") {
		t.Errorf("stations while serving: %s", out)
	}
}

// The administration endpoints answer the county's own command line only:
// a web page the clerk opens can reach 127.0.0.1, so loopback proves
// nothing. Without the token, or looking like a browser's request, enrol,
// revoke and the station list are refused and nothing changes.
func TestAdminRefusesWebPages(t *testing.T) {
	_, db, n, srv, token := serving(t)
	if _, err := n.EnrolStation("130131190202", "乙村服务点", ""); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(czsync.AdminTokenPath(db)); fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v", fi.Mode().Perm())
	}
	enrol := `{"scope":"130131190201","name":"甲村服务点"}`
	revoke := `{"station":"130131190202-01"}`
	cases := []struct {
		name, path, body string
		header           map[string]string
	}{
		{"enrol, no token, text/plain (a page's simple request)", "/v1/admin/enroll", enrol, map[string]string{"Content-Type": "text/plain"}},
		{"revoke, no token, text/plain", "/v1/admin/revoke", revoke, map[string]string{"Content-Type": "text/plain"}},
		{"enrol, wrong token", "/v1/admin/enroll", enrol, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer 00"}},
		{"enrol with the token but text/plain", "/v1/admin/enroll", enrol, map[string]string{"Content-Type": "text/plain", "Authorization": "Bearer " + token}},
		{"enrol with the token from a page (Origin)", "/v1/admin/enroll", enrol, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token, "Origin": "http://evil.example"}},
		{"revoke with the token under a rebinding host", "/v1/admin/revoke", revoke, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + token, "Host": "evil.example:8787"}},
		{"station list, no token", "/v1/admin/stations", "", nil},
	}
	for _, c := range cases {
		method := http.MethodPost
		if c.body == "" {
			method = http.MethodGet
		}
		req, _ := http.NewRequest(method, srv.URL+c.path, strings.NewReader(c.body))
		for k, v := range c.header {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), czsync.CodeAdminDenied) {
			t.Errorf("%s: %d %s", c.name, resp.StatusCode, body)
		}
		if strings.Contains(string(body), "private") || strings.Contains(string(body), "key") {
			t.Errorf("%s: the answer carries keys: %s", c.name, body)
		}
	}
	list, _ := n.Stations()
	if len(list) != 1 || list[0].Revoked {
		t.Errorf("stations after refused requests: %+v", list)
	}
	// A bundle posted as a page could (text/plain) is refused too.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/bundle", strings.NewReader("CZB\x01"))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("text/plain bundle: %d", resp.StatusCode)
	}
	// The command line, with the token file, still works.
	if out, errOut, code := county(t, "--data", db, "--server", srv.URL, "revoke", "130131190202-01"); code != 0 {
		t.Fatalf("revoke by the command line: %s %s", out, errOut)
	}
}

// openFile opens a store file the tests made, ready to read and write: a
// county with its key file beside it, a demo station as its 负责人; a
// file that is not protected as it is.
func openFile(t *testing.T, path string, opt *store.Options) (*store.Store, error) {
	t.Helper()
	s, err := store.Open(path, opt)
	if err != nil || !s.Protected() {
		return s, err
	}
	a := &app{data: path}
	if kp, _ := a.keyPath(); fileExists(kp) {
		err = a.unlock(s)
	} else {
		err = demo.Login(s)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

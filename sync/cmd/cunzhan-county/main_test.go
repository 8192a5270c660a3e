package main

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
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
	if ss, _ := store.Open(db, &store.Options{RegistryDir: "-", ReadOnly: true}); ss != nil {
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
	ss, err := store.Open(filepath.Join(dir, "jia.db"), &store.Options{RegistryDir: "-"})
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

// While the server holds the database, the county's own commands go through
// its loopback administration endpoints.
func TestCountyCommandsWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "county.db")
	county(t, "--data", db, "init", "--county", "130131", "--name", "平山县级中心")
	s, err := store.Open(db, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, _ := czsync.Open(s)
	srv := httptest.NewServer(n.Handler(nil))
	defer srv.Close()
	cred := filepath.Join(dir, "jia.cred")
	if out, errOut, code := county(t, "--data", db, "--server", srv.URL, "enroll", "--scope", "130131190201", "--name", "甲村服务点", "--out", cred); code != 0 {
		t.Fatalf("enroll while serving: %s %s", out, errOut)
	}
	ss, _ := store.Open(filepath.Join(dir, "jia.db"), &store.Options{RegistryDir: "-"})
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

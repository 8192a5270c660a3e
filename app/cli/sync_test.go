package cli

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/demo"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// The station's sync commands against a real county server on loopback:
// enrol, sync over HTTP, carry a bundle by hand, see and settle a conflict.
func TestStationSyncCommands(t *testing.T) {
	dir := t.TempDir()
	cs, err := store.Open(filepath.Join(dir, "county.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	county, err := czsync.InitCounty(cs, "130131", "平山县级中心")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(county.Handler(nil, ""))
	defer srv.Close()
	enrol := func(scope, name string) string {
		cred, err := county.EnrolStation(scope, name, srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(cred)
		p := filepath.Join(dir, cred.Station.Code+".cred")
		os.WriteFile(p, b, 0o600)
		return p
	}
	jia, town := newStation(t, filepath.Join(dir, "jia.db")), newStation(t, filepath.Join(dir, "town.db"))
	if out, errOut, code := run(t, "", "--data", jia, "enroll", enrol("130131190201", "甲村服务点")); code != 0 || !strings.Contains(out, "130131190201-01") {
		t.Fatalf("enroll: %s %s", out, errOut)
	}
	if _, _, code := run(t, "", "--data", town, "enroll", enrol("130131190", "示例镇工作站")); code != 0 {
		t.Fatal("enroll township")
	}
	// Not enrolled: a clear refusal.
	if _, errOut, code := run(t, "", "--data", newStation(t, filepath.Join(dir, "other.db")), "sync"); code != 1 || !strings.HasPrefix(errOut, "NOT_ENROLLED: ") {
		t.Errorf("sync without enrolment: %s", errOut)
	}
	out, _, _ := run(t, `{"household_no":"130131190201-J001","village_code":"130131190201","household_type":"一般农户","group_name":"一组"}`, "--data", jia, "record", "put", "household", "--format", "json")
	var created struct{ ID string }
	json.Unmarshal([]byte(out), &created)
	if out, errOut, code := run(t, "", "--data", jia, "sync"); code != 0 || !strings.Contains(out, "同步完成") {
		t.Fatalf("sync: %s %s", out, errOut)
	}
	run(t, "", "--data", town, "sync")
	// Concurrent edits, one carried by hand.
	run(t, `{"id":"`+created.ID+`","group_name":"二组"}`, "--data", jia, "record", "put", "household")
	run(t, `{"id":"`+created.ID+`","group_name":"三组"}`, "--data", town, "record", "put", "household")
	stick := t.TempDir()
	out, errOut, code := run(t, "", "--data", jia, "export", "--to", stick)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || !strings.HasSuffix(lines[0], ".czb") || !strings.HasSuffix(lines[len(lines)-1], ".czs") {
		t.Fatalf("export: %s %s", out, errOut)
	}
	res, err := county.ImportFile(lines[0], "")
	if err != nil || res.Applied == 0 {
		t.Fatalf("county import: %+v %v", res, err)
	}
	reply, err := county.ExportTo(stick, res.From)
	if err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := run(t, "", "--data", jia, "import", reply[0]); code != 0 || !strings.Contains(out, "收到") {
		t.Fatalf("import: %s %s", out, errOut)
	}
	if _, err := os.Stat(jia + ".inbox"); err != nil {
		t.Error("no inbox copy of the imported bundle")
	}
	out, _, _ = run(t, "", "--data", town, "sync")
	if !strings.Contains(out, "待审核") {
		t.Errorf("township sync did not report the conflict: %s", out)
	}
	out, _, _ = run(t, "", "--data", town, "conflicts")
	if !strings.Contains(out, `"二组"`) || !strings.Contains(out, `"三组"`) || !strings.Contains(out, "甲村服务点") {
		t.Fatalf("conflicts:\n%s", out)
	}
	if _, errOut, code := run(t, "", "--data", town, "resolve", created.ID, "group_name", "--pick", "9"); code != 1 || !strings.HasPrefix(errOut, "NOT_FOUND") {
		t.Errorf("bad pick: %s", errOut)
	}
	if _, errOut, code := run(t, "", "--data", town, "resolve", created.ID, "group_name", "--value", `"四组"`); code != 0 {
		t.Fatal(errOut)
	}
	run(t, "", "--data", town, "sync")
	run(t, "", "--data", jia, "sync")
	out, _, _ = run(t, "", "--data", jia, "conflicts", "--format", "json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("conflict not settled at the village: %s", out)
	}
	out, _, _ = run(t, "", "--data", jia, "record", "get", created.ID)
	if !strings.Contains(out, "四组") {
		t.Errorf("resolution did not reach the village:\n%s", out)
	}
	// A bundle meant for the township is refused at the village.
	toTown, _ := county.Outgoing(mustNode(t, town).ID(), 1)
	p := filepath.Join(stick, "for-town.czb")
	os.WriteFile(p, toTown[0], 0o600)
	if _, errOut, code := run(t, "", "--data", jia, "import", p); code != 1 || !strings.HasPrefix(errOut, "BUNDLE_WRONG_RECIPIENT: ") {
		t.Errorf("misdirected bundle: %s", errOut)
	}
}

func mustNode(t *testing.T, path string) *czsync.Node {
	s, err := store.Open(path, &store.Options{RegistryDir: "-", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Login(s); err != nil {
		t.Fatal(err)
	}
	n, err := czsync.Open(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A station set up with today's suite and enrolled with a county of the
// national one follows it: its file is re-keyed under SM4/SM3 as it
// enrols, its records read as before, and it syncs.
func TestEnrolFollowsTheCountysSuite(t *testing.T) {
	dir := t.TempDir()
	cs, err := store.Open(filepath.Join(dir, "county.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	if err := cs.ProtectWithKey(crypt.National, bytes.Repeat([]byte{9}, crypt.KeySize)); err != nil {
		t.Fatal(err)
	}
	county, err := czsync.InitCounty(cs, "130131", "平山县级中心")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(county.Handler(nil, ""))
	defer srv.Close()
	cred, err := county.EnrolStation("130131190201", "甲村服务点", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(cred)
	credPath := filepath.Join(dir, "a.cred")
	os.WriteFile(credPath, b, 0o600)
	db := newStation(t, filepath.Join(dir, "a.db")) // today's suite
	if out, errOut, code := run(t, "", "--data", db, "--format", "json", "enroll", credPath); code != 0 || !strings.Contains(out, `"suite_at_rest": "gm1"`) {
		t.Fatalf("enroll: %s %s", out, errOut)
	}
	if out, errOut, code := run(t, "", "--data", db, "sync"); code != 0 {
		t.Fatalf("sync after the re-key: %s %s", out, errOut)
	}
}

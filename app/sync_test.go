package app

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/cunzhan/cunzhan/store"
	csync "github.com/cunzhan/cunzhan/sync"
)

// county starts a county server on a real loopback HTTP server and writes a
// credential for a village station.
func county(t *testing.T) (*csync.Node, string, string) {
	t.Helper()
	dir := t.TempDir()
	cs, err := store.Open(filepath.Join(dir, "county.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	n, err := csync.InitCounty(cs, "130131", "平山县级中心")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(n.Handler(nil, ""))
	t.Cleanup(srv.Close)
	cred, err := n.EnrolStation("130131190201", "甲村服务点", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(cred)
	path := filepath.Join(dir, "甲村.cred")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return n, srv.URL, path
}

// A new station enrols with the county's credential file from the sync
// screen, records a household, and syncs over the network: every stage is
// reported, the result is in plain words, and the county holds the
// household afterwards.
func TestEnrolAndSyncWithTheCountyOnLoopback(t *testing.T) {
	cn, url, cred := county(t)
	st := newStation(t, cred)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.syncs))
	s := u.syncs
	if s.u.node == nil || s.server.Text != url {
		t.Fatalf("enrolled station: node %v, server %q", s.u.node, s.server.Text)
	}
	h := &store.Household{HouseholdNo: "130131190201-X001", VillageCode: "130131190201", HouseholdType: "一般农户"}
	if _, err := st.Create(h, "测试员"); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.syncBtn)
	stages := map[string]bool{}
	for _, p := range s.stages {
		stages[p.Stage] = true
	}
	for _, want := range []string{csync.StagePack, csync.StageSend, csync.StageApply, csync.StageDone} {
		if !stages[want] {
			t.Errorf("stage %s was not reported (got %v)", want, stages)
		}
	}
	if !strings.HasPrefix(s.result.Text, "同步完成") {
		t.Fatalf("result = %q", s.result.Text)
	}
	if s.syncBtn.Disabled() {
		t.Error("the sync button stayed disabled")
	}
	var found bool
	_ = cn.Store().View(func(r *store.Reader) error {
		e, _ := r.Get(store.MetaOf(h).ID)
		found = e != nil
		return nil
	})
	if !found {
		t.Error("the county does not hold the household after the sync")
	}
	if !strings.Contains(s.last.Text, "收到") {
		t.Errorf("last sync line = %q", s.last.Text)
	}
}

// A sync against a server that is not there ends with a plain-words reason
// and a code, and the screen is usable again.
func TestSyncFailureIsExplained(t *testing.T) {
	_, _, cred := county(t)
	st := newStation(t, "")
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.syncs))
	s := u.syncs
	if s.enrolBtn.Hidden {
		t.Fatal("an unenrolled station does not offer enrolment")
	}
	s.enrolFrom(cred)
	if u.node == nil || !s.enrolBtn.Hidden {
		t.Fatal("enrolment from the credential file did not take")
	}
	s.server.SetText("http://127.0.0.1:1")
	test.Tap(s.syncBtn)
	if !strings.Contains(s.result.Text, "同步没有完成") || !strings.Contains(s.result.Text, "NETWORK") {
		t.Fatalf("result = %q", s.result.Text)
	}
	if s.syncBtn.Disabled() {
		t.Error("the sync button stayed disabled after the failure")
	}
}

// USB: export writes a bundle into the chosen folder; importing a file
// that is not a bundle is refused and changes nothing.
func TestUSBExportAndRefusedImport(t *testing.T) {
	_, _, cred := county(t)
	st := newStation(t, cred)
	u := newTestUI(t, st)
	u.show(u.screenIndex(u.syncs))
	s := u.syncs
	stick := t.TempDir()
	s.exportTo(stick)
	files, _ := filepath.Glob(filepath.Join(stick, "*"+csync.BundleExt))
	if len(files) != 1 || !strings.Contains(s.usbResult.Text, "已导出 1 个同步文件") {
		t.Fatalf("export: %v %q", files, s.usbResult.Text)
	}
	bogus := filepath.Join(stick, "照片.jpg")
	os.WriteFile(bogus, []byte("\xff\xd8\xff\xe0 not a bundle"), 0o600)
	have, _ := st.Have()
	s.importFrom(bogus)
	if !strings.Contains(s.usbResult.Text, "导入没有完成") || !strings.Contains(s.usbResult.Text, "BUNDLE_") {
		t.Fatalf("import of a photo: %q", s.usbResult.Text)
	}
	after, _ := st.Have()
	if len(after) != len(have) {
		t.Error("a refused import changed the store")
	}
}

// newStation opens a new station database, enrolled with a credential file
// unless cred is empty.
func newStation(t *testing.T, cred string) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "station.db"), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if cred != "" {
		if _, err := csync.Enrol(st, mustRead(t, cred)); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

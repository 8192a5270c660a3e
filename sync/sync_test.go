package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/backend"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
	"github.com/cunzhan/cunzhan/store/storetest"
)

// world is a county server on a real loopback HTTP server and its stations,
// each on its own bbolt file.
type world struct {
	t      testing.TB
	dir    string
	county *Node
	srv    *httptest.Server
	client *Client
	// stationSuite, when set, seals every station's file under it (as
	// a station that follows its county's suite); otherwise each file's
	// suite follows its name.
	stationSuite crypt.Suite
}

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	s, err := store.Open(path, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	sealForTest(t, s, path)
	return s
}

// keyFor is the data key of a test store, by its file's name. The
// replication rules do not care how a key was given (an operator's
// password at a station, a key file at the county); every replica has a
// key and a suite of its own, as in the field, and a file reopened under
// its name (a station restored in place) opens again.
func keyFor(name string) []byte {
	h := sha256.Sum256([]byte("test data key " + filepath.Base(name)))
	return h[:]
}

// sealForTest protects a new test store, or opens a protected one, as the
// programs do before anything is read. Each file's suite follows its name,
// so that one world holds replicas of both suites side by side.
func sealForTest(t testing.TB, s *store.Store, name string) {
	t.Helper()
	var err error
	if s.Protected() {
		err = s.UnlockWithKey(keyFor(name))
	} else {
		err = s.ProtectWithKey(suiteFor(name), keyFor(name))
	}
	if err != nil {
		t.Fatalf("seal %s: %v", name, err)
	}
}

func suiteFor(name string) crypt.Suite {
	h := sha256.Sum256([]byte(filepath.Base(name)))
	return crypt.Suites[int(h[0])%len(crypt.Suites)]
}

// openCountyStore opens the county's store on the backend of this run: a
// bbolt file, or PostgreSQL (CUNZHAN_TEST_BACKEND=postgres). Stations are
// always files, as they are in the field.
func openCountyStore(t testing.TB, path string, onPostgres bool) *store.Store {
	return openCountyStoreWith(t, path, onPostgres, suiteFor(path))
}

// openCountyStoreWith opens a county's store sealed under a given suite,
// which is then the suite of its keys and of every bundle of its world.
func openCountyStoreWith(t testing.TB, path string, onPostgres bool, suite crypt.Suite) *store.Store {
	t.Helper()
	s, err := backend.Open(storetest.TargetOn(t, path, onPostgres), &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.Protected() {
		err = s.UnlockWithKey(keyFor(path))
	} else {
		err = s.ProtectWithKey(suite, keyFor(path))
	}
	if err != nil {
		t.Fatalf("seal %s: %v", path, err)
	}
	return s
}

func newWorld(t testing.TB) *world { return newWorldOn(t, pgtest.OnPostgres()) }

// newWorldOn is a county on a file or on PostgreSQL, whatever the run.
func newWorldOn(t testing.TB, onPostgres bool) *world {
	return newWorldWith(t, onPostgres, suiteFor("county.db"))
}

// newWorldWith is a county of a suite: its data at rest, its keys and
// its stations' keys, and every bundle between them.
func newWorldWith(t testing.TB, onPostgres bool, suite crypt.Suite) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir()}
	cs := openCountyStoreWith(t, filepath.Join(w.dir, "county.db"), onPostgres, suite)
	var err error
	if w.county, err = InitCounty(cs, "130131", "平山县级中心"); err != nil {
		t.Fatal(err)
	}
	w.srv = httptest.NewServer(w.county.Handler(nil, ""))
	t.Cleanup(w.srv.Close)
	w.client = &Client{Retries: 2, Backoff: time.Millisecond}
	return w
}

// station enrols a station at the county and opens its database.
func (w *world) station(scope, name string) *Node {
	w.t.Helper()
	cred, err := w.county.EnrolStation(scope, name, w.srv.URL)
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := json.Marshal(cred)
	path := filepath.Join(w.dir, cred.Station.Code+".db")
	var s *store.Store
	if w.stationSuite != "" {
		s = openCountyStoreWith(w.t, path, false, w.stationSuite)
	} else {
		s = openStore(w.t, path)
	}
	if _, err := Enrol(s, b); err != nil {
		w.t.Fatal(err)
	}
	n, err := Open(s)
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) sync(n *Node) *SyncResult {
	w.t.Helper()
	res, err := n.Sync(context.Background(), "", w.client, nil)
	if err != nil {
		w.t.Fatalf("sync %s: %v", n.s.Station().Code, err)
	}
	return res
}

// built builds what the county appended, as its server does in the
// background after a pause in imports.
func (w *world) built() {
	w.t.Helper()
	if _, err := w.county.s.CatchUp(); err != nil {
		w.t.Fatal(err)
	}
}

func household(t testing.TB, n *Node, no, village string) *store.Household {
	t.Helper()
	// With an address and a phone: values every replica seals at rest.
	h := &store.Household{HouseholdNo: no, VillageCode: village, HouseholdType: "一般农户", Address: "示例镇" + no, Phone: "13931110000"}
	if _, err := n.s.Create(h, n.s.Station().Name); err != nil {
		t.Fatal(err)
	}
	return h
}

func dumpScope(t testing.TB, s *store.Store, scope string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.DumpScope(&b, scope, true); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestStationsSyncThroughCounty(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	b := w.station("130131190202", "乙村服务点")
	town := w.station("130131190", "示例镇工作站")

	ha := household(t, a, "130131190201-A001", "130131190201")
	household(t, b, "130131190202-B001", "130131190202")
	for _, n := range []*Node{a, b, town, a, b} {
		w.sync(n)
	}
	// The township sees both villages, each village only itself.
	for _, c := range []struct {
		n     *Node
		scope string
	}{{a, "130131190201"}, {b, "130131190202"}, {town, "130131190"}} {
		if !bytes.Equal(dumpScope(t, c.n.s, c.scope), dumpScope(t, w.county.s, c.scope)) {
			t.Errorf("%s differs from the county's copy of its scope", c.scope)
		}
	}

	// The same field edited at the village and at the township.
	x, _ := store.GetAs[*store.Household](a.s, ha.ID)
	y, _ := store.GetAs[*store.Household](town.s, ha.ID)
	x.GroupName, y.GroupName = "二组", "三组"
	if _, err := a.s.Save(x, "甲村"); err != nil {
		t.Fatal(err)
	}
	if _, err := town.s.Save(y, "示例镇"); err != nil {
		t.Fatal(err)
	}
	w.sync(a)
	res := w.sync(town)
	w.sync(a)
	if res.Conflicts == 0 {
		t.Error("the township's sync reported no conflict")
	}
	for _, s := range []*store.Store{a.s, town.s, w.county.s} {
		got, _ := store.GetAs[*store.Household](s, ha.ID)
		if len(got.Conflicts) != 1 || got.Conflicts[0] != "group_name" {
			t.Errorf("%s: conflicts %v", s.Station().Code, got.Conflicts)
		}
	}
	if !bytes.Equal(dumpScope(t, a.s, "130131190201"), dumpScope(t, town.s, "130131190201")) {
		t.Error("village and township differ on the village after sync")
	}
}

func TestUSBRoundTrip(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	household(t, a, "130131190201-A001", "130131190201")
	stick := t.TempDir()
	paths, err := a.ExportTo(stick, a.CountyID())
	if err != nil || len(paths) != 1 {
		t.Fatalf("export: %v %v", paths, err)
	}
	reply := t.TempDir()
	res, err := w.county.ImportFile(paths[0], "")
	if err != nil || res.Applied == 0 {
		t.Fatalf("county import: %+v %v", res, err)
	}
	back, err := w.county.ExportTo(reply, res.From)
	if err != nil {
		t.Fatal(err)
	}
	res, err = a.ImportFile(back[0], filepath.Join(w.dir, "inbox"))
	if err != nil {
		t.Fatal(err)
	}
	// The reply acknowledged the station's changes: nothing left to send.
	out, _ := a.Outgoing(a.CountyID(), 0)
	env, _ := parseEnvelope(out[0], a.limits)
	if env.h.Entries != 0 {
		t.Errorf("after the round trip the station still sends %d entries", env.h.Entries)
	}
	if entries, _ := os.ReadDir(filepath.Join(w.dir, "inbox")); len(entries) != 1 {
		t.Errorf("inbox holds %d files", len(entries))
	}
	// Importing the same file again changes nothing.
	again, err := a.ImportFile(back[0], "")
	if err != nil || !again.Replayed || again.Applied != 0 {
		t.Errorf("replay: %+v %v", again, err)
	}
}

// When both sides hold the same changes the per-scope checksums are
// compared; a replica whose derived state went wrong is reported.
func TestChecksumsCatchDivergence(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	household(t, a, "130131190201-C1", "130131190201")
	if res := w.sync(a); res.ChecksumsMatch != nil {
		// The county has appended the household but not yet built it: its
		// checksum of the village would not stand for its log yet.
		t.Fatalf("checksums compared before the county built: %v", *res.ChecksumsMatch)
	}
	w.built()
	res := w.sync(a)
	if res.ChecksumsMatch == nil || !*res.ChecksumsMatch {
		t.Fatalf("healthy replicas: %v %v", res.ChecksumsMatch, res.Warnings)
	}
	// Damage the station's derived checksum of its village, as a bug or a
	// bad disk could.
	err := a.s.KV().Update(func(tx kv.Tx) error {
		return tx.Bucket([]byte("ix_scopesum")).Put([]byte("130131190201"), bytes.Repeat([]byte{7}, 16))
	})
	if err != nil {
		t.Fatal(err)
	}
	res = w.sync(a)
	if res.ChecksumsMatch == nil || *res.ChecksumsMatch || len(res.Alarms) == 0 {
		t.Fatalf("divergence not reported: %v %v", res.ChecksumsMatch, res.Alarms)
	}
	// The alarm is kept for the person, not only printed once.
	open, err := a.s.Alarms(false)
	if err != nil || len(open) == 0 || !strings.Contains(open[0].What, "核对不一致") {
		t.Fatalf("open alarms after the divergence: %v %v", open, err)
	}
	// Found again at the next sync, it is still one alarm to read.
	w.sync(a)
	if again, _ := a.s.Alarms(false); len(again) != len(open) {
		t.Errorf("open alarms after a second sync: %d, was %d", len(again), len(open))
	}
}

// A station put back from an old copy gets a new origin, is told that the
// county expected more, and receives again everything it had passed on.
func TestRestoredStationCatchesUp(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	household(t, a, "130131190201-R1", "130131190201")
	w.sync(a)
	backup := filepath.Join(w.dir, "backup.db")
	b, _ := os.ReadFile(a.s.Path())
	os.WriteFile(backup, b, 0o600)
	h := household(t, a, "130131190201-R2", "130131190201")
	w.sync(a)
	oldOrigin := a.s.Origin()
	path := a.s.Path()
	a.s.Close()
	os.Rename(backup, path)
	s := openStore(t, path)
	if s.Origin() == oldOrigin {
		t.Fatal("restored file kept its origin")
	}
	n, err := Open(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.GetAs[*store.Household](s, h.ID); err == nil {
		t.Fatal("the old copy already has the later household")
	}
	// A bundle the county made before it heard from the restored station
	// assumes the newer state: the station says so.
	stale, err := w.county.Outgoing(n.ID(), 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := n.Import(stale[0])
	if err != nil {
		t.Fatal(err)
	}
	warned := false
	for _, msg := range res.Warnings {
		warned = warned || strings.Contains(msg, "旧备份")
	}
	if !warned {
		t.Errorf("no warning about the old copy: %v", res.Warnings)
	}
	if _, err := n.Sync(context.Background(), "", w.client, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := store.GetAs[*store.Household](s, h.ID); err != nil {
		t.Fatalf("the later household did not come back: %v", err)
	}
	if !bytes.Equal(dumpScope(t, s, "130131190201"), dumpScope(t, w.county.s, "130131190201")) {
		t.Error("restored station differs from the county")
	}
}

// A USB import stopped part-way keeps what it wrote, reports progress per
// chunk, and the same file imported again completes it.
func TestImportCancelledBetweenChunksCompletesLater(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	for i := 0; i < 25; i++ {
		household(t, a, fmt.Sprintf("130131190201-C%03d", i), "130131190201")
	}
	paths, err := a.ExportTo(t.TempDir(), a.CountyID())
	if err != nil {
		t.Fatal(err)
	}
	w.county.chunk = 10
	ctx, cancel := context.WithCancel(context.Background())
	var reports [][2]int
	_, err = w.county.ImportFileWith(ctx, paths[0], "", func(done, total int) {
		reports = append(reports, [2]int{done, total})
		cancel() // stop after the first chunk
	})
	if store.CodeOf(err) != CodeCancelled {
		t.Fatalf("err = %v, want %s", err, CodeCancelled)
	}
	if len(reports) != 1 || reports[0][0] != 10 || reports[0][1] < 25 {
		t.Fatalf("progress = %v, want one report of 10 done", reports)
	}
	partial := dumpScope(t, w.county.s, "130131190201")
	// The first chunk holds the station's introduction and the first
	// households: some arrived, not all.
	if n := bytes.Count(partial, []byte(`"kind":"household"`)); n == 0 || n >= 25 {
		t.Fatalf("after cancelling, the county holds %d of 25 households, want the first chunk's", n)
	}
	res, err := w.county.ImportFile(paths[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied+res.Duplicate != res.Entries || res.Duplicate < 10 {
		t.Errorf("second import: %+v", res)
	}
	// The county holds every household exactly as the station does (the
	// county's own introduction reaches the station with the reply).
	if got, want := households(dumpScope(t, w.county.s, "130131190201")), households(dumpScope(t, a.s, "130131190201")); got != want || strings.Count(want, "\n") != 25 {
		t.Errorf("households differ after the completed import:\n%s\n%s", got, want)
	}
}

// households keeps the household lines of a dump.
func households(dump []byte) string {
	var out strings.Builder
	for _, line := range strings.Split(string(dump), "\n") {
		if strings.Contains(line, `"kind":"household"`) {
			out.WriteString(strings.TrimSuffix(line, ",") + "\n")
		}
	}
	return out.String()
}

// The county server builds what it appended once imports pause, without
// anyone reading: the clerk's next screen finds nothing to wait for.
func TestServerBuildsAfterImportsPause(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	household(t, a, "130131190201-B01", "130131190201")
	w.sync(a)
	lagging := func() (l bool) {
		_ = w.county.s.ViewLog(func(r *store.Reader) error { l = r.Lagging(); return nil })
		return l
	}
	if !lagging() {
		t.Fatal("the county built at import; it should only have appended")
	}
	deadline := time.Now().Add(buildIdle + buildMax + 5*time.Second)
	for lagging() {
		if time.Now().After(deadline) {
			t.Fatal("the server did not build after imports paused")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

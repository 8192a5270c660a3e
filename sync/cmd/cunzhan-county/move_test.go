package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
	czsync "github.com/cunzhan/cunzhan/sync"
)

// countyWithTwoVillages is a county file that has taken in two stations'
// households and people (ID numbers included) through the command line.
func countyWithTwoVillages(t *testing.T, loc ...string) {
	t.Helper()
	dir := t.TempDir()
	if out, errOut, code := county(t, append(loc, "init", "--county", "130131", "--name", "平山县级中心")...); code != 0 {
		t.Fatalf("init: %s %s", out, errOut)
	}
	for v, village := range []string{"130131190201", "130131190202"} {
		cred := filepath.Join(dir, village+".cred")
		if out, errOut, code := county(t, append(loc, "enroll", "--scope", village, "--name", fmt.Sprintf("%d村", v), "--out", cred)...); code != 0 {
			t.Fatalf("enroll: %s %s", out, errOut)
		}
		ss, err := store.Open(filepath.Join(dir, village+".db"), &store.Options{RegistryDir: "-"})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(cred)
		if _, err := czsync.Enrol(ss, b); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			h := &store.Household{HouseholdNo: fmt.Sprintf("%s-H%d", village, i), VillageCode: village, HouseholdType: "一般农户"}
			if _, err := ss.Create(h, "录入员"); err != nil {
				t.Fatal(err)
			}
			p := &store.Person{HouseholdID: h.ID.String(), Name: "王秀兰", IDNumber: idNumber(v*10 + i), Relation: "户主", Mobile: "13800138000"}
			if _, err := ss.Create(p, "录入员"); err != nil {
				t.Fatal(err)
			}
		}
		station, _ := czsync.Open(ss)
		paths, err := station.ExportTo(t.TempDir(), station.CountyID())
		if err != nil {
			t.Fatal(err)
		}
		if out, errOut, code := county(t, append(loc, "import", paths[0], "--reply-to", t.TempDir())...); code != 0 {
			t.Fatalf("import: %s %s", out, errOut)
		}
		ss.Close()
	}
}

// idNumber is a valid 18-digit ID number of a woman born in 1945 (check
// digit by GB 11643).
func idNumber(n int) string {
	body := fmt.Sprintf("13013119450315%03d", 2*n+2)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// A county moved from its file to PostgreSQL dumps byte for byte as before;
// the old file then refuses to serve (a second server on it would issue the
// county's numbers twice) but can still be read.
func TestMigrateKeepsDump(t *testing.T) {
	url := pgtest.URL(t)
	db := filepath.Join(t.TempDir(), "county.db")
	key := strings.TrimSuffix(db, ".db") + ".key" // the file's key file serves the database it moved to
	countyWithTwoVillages(t, "--data", db)
	before, errOut, code := county(t, "--data", db, "dump", "--unmasked")
	if code != 0 || !strings.Contains(before, idNumber(0)) {
		t.Fatalf("dump before: %d %s", code, errOut)
	}
	out, errOut, code := county(t, "migrate", "--from", db, "--to", url)
	if code != 0 || !strings.Contains(out, "已迁移") {
		t.Fatalf("migrate: %s %s", out, errOut)
	}
	after, errOut, code := county(t, "--db", url, "--key", key, "dump", "--unmasked")
	if code != 0 || after != before {
		t.Fatalf("dump after migrate differs (%d %s): %d bytes vs %d", code, errOut, len(after), len(before))
	}
	if _, errOut, code := county(t, "--data", db, "stations"); code != 1 || !strings.HasPrefix(errOut, store.CodeMoved+": ") {
		t.Errorf("the moved file still opens for the county's work: %d %s", code, errOut)
	}
	if again, _, code := county(t, "--data", db, "dump", "--unmasked"); code != 0 || again != before {
		t.Errorf("the moved file no longer reads (%d)", code)
	}
	// The county goes on on PostgreSQL: its stations, and a second
	// migration into the same database is refused.
	out, errOut, code = county(t, "--db", url, "--key", key, "stations")
	if code != 0 || !strings.Contains(out, "130131190201-01") || !strings.Contains(out, "130131190202-01") {
		t.Errorf("stations on PostgreSQL: %s %s", out, errOut)
	}
	if _, errOut, code := county(t, "migrate", "--from", filepath.Join(t.TempDir(), "none.db"), "--to", url); code != 1 || !strings.HasPrefix(errOut, store.CodeNotFound) {
		t.Errorf("migrate from a file that is not there: %d %s", code, errOut)
	}
	station := filepath.Join(t.TempDir(), "station.db")
	if s, err := store.Open(station, &store.Options{RegistryDir: "-"}); err == nil {
		s.Close()
	}
	if _, errOut, code := county(t, "migrate", "--from", station, "--to", pgtest.URL(t)); code != 1 || !strings.HasPrefix(errOut, "NOT_COUNTY") {
		t.Errorf("migrate of a file that is not a county: %d %s", code, errOut)
	}
	other := filepath.Join(t.TempDir(), "other.db")
	county(t, "--data", other, "init", "--county", "130132", "--name", "另一县")
	if _, errOut, code := county(t, "migrate", "--from", other, "--to", url); code != 1 || !strings.HasPrefix(errOut, "MOVE_TARGET") {
		t.Errorf("migrated into a database that holds a county: %d %s", code, errOut)
	}
	if masked, _, _ := county(t, "--db", url, "--key", key, "dump"); strings.Contains(masked, idNumber(0)) {
		t.Error("a dump without --unmasked shows ID numbers")
	}
	// Reports and the review list run the station's code on either home
	// and give the same answer.
	for _, args := range [][]string{
		{"report", "visit-coverage", "--month", "2025-11", "--scope", "130131190"},
		{"report", "subsidy-roster", "--month", "2025-11"},
		{"--format", "json", "conflicts", "--scope", "130131190201"},
	} {
		onFile, errOut, code := county(t, append([]string{"--data", db}, args...)...)
		if code != 0 {
			t.Fatalf("%v on the file: %d %s", args, code, errOut)
		}
		onPG, errOut, code := county(t, append([]string{"--db", url, "--key", key}, args...)...)
		if code != 0 || onPG != onFile {
			t.Errorf("%v on PostgreSQL (%d %s) differs from the file:\n%s\n%s", args, code, errOut, onPG, onFile)
		}
	}
	if _, errOut, code := county(t, "--db", url, "--key", key, "report", "no-such-report"); code != 1 || !strings.HasPrefix(errOut, "UNKNOWN_REPORT") {
		t.Errorf("unknown report through the county: %d %s", code, errOut)
	}
}

// Every command runs on PostgreSQL as on a file.
func TestCountyOnPostgres(t *testing.T) {
	url := pgtest.URL(t)
	key := filepath.Join(t.TempDir(), "county.key")
	countyWithTwoVillages(t, "--db", url, "--key", key)
	out, errOut, code := county(t, "--db", url, "--key", key, "--format", "json", "stations")
	if code != 0 || strings.Count(out, `"code"`) != 2 {
		t.Fatalf("stations: %s %s", out, errOut)
	}
	if _, errOut, code := county(t, "--db", url, "--key", key, "init", "--county", "130131", "--name", "again"); code != 1 || !strings.HasPrefix(errOut, "ALREADY_INITIALISED") {
		t.Errorf("second init: %s", errOut)
	}
	if _, errOut, code := county(t, "--db", "county.db", "stations"); code != 2 || !strings.Contains(errOut, "--data") {
		t.Errorf("a file given to --db: %d %s", code, errOut)
	}
	bad := strings.Replace(url, "postgres:///", "postgres://nobody:secret@/", 1)
	bad = strings.Replace(bad, "dbname=postgres", "dbname=nosuchdb", 1)
	_, errOut, code = county(t, "--db", bad, "stations")
	if code != 1 || !strings.HasPrefix(errOut, "DB_CONNECT: ") || strings.Contains(errOut, "secret") {
		t.Errorf("unreachable database: %d %s", code, errOut)
	}
	if out, _, code := county(t, "--db", url, "--key", key, "dump", "--scope", "130131190202"); code != 0 || strings.Contains(out, "130131190201-H") {
		t.Error("a scoped dump on PostgreSQL failed or held another village's households")
	}
}

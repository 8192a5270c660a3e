package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/pgkv"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// fixedNow is the test clock: 2025-12-01 10:00 in Shanghai, after the
// synthetic data's November so that every date of it is in the past.
var fixedNow = time.Date(2025, 12, 1, 10, 0, 0, 0, ChinaTZ)

// openTest opens a fresh store in a temporary directory with a station set
// and checks the bbolt file's consistency when the test ends.
func openTest(t testing.TB, station string) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "station.db"), station)
}

func openAt(t testing.TB, path, station string) *Store {
	t.Helper()
	clock := fixedNow
	s, err := openBackend(t, path, &Options{RegistryDir: "-", KDF: &crypt.FastKDF, Now: func() time.Time { clock = clock.Add(time.Millisecond); return clock }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	unlockForTest(t, s)
	if station != "" && s.Station() == nil {
		if err := s.SetStation(station, "测试站"); err != nil {
			t.Fatalf("set station: %v", err)
		}
	}
	t.Cleanup(func() {
		if s.closed.Load() || s.file == nil {
			s.Close()
			return
		}
		err := s.file.View(func(tx *bolt.Tx) error {
			for err := range tx.Check() {
				return err
			}
			return nil
		})
		if err != nil {
			t.Errorf("bbolt check: %v", err)
		}
		s.Close()
	})
	return s
}

// unlockForTest protects a new store (every test of the package runs on
// sealed values) or logs in to one protected before.
func unlockForTest(t testing.TB, s *Store) {
	t.Helper()
	var err error
	if s.Protected() {
		_, err = s.Unlock(testHead, testPassword)
	} else if !s.readOnly {
		err = s.Protect(crypt.Standard, testHead, testPassword)
	}
	if err != nil {
		t.Fatalf("protect or unlock: %v", err)
	}
}

// loginAs logs in to s as the operator name (a 负责人 with the test
// password, added first if the station has none of that name): the
// author of what s saves next.
func loginAs(t testing.TB, s *Store, name string) {
	t.Helper()
	if _, err := s.Unlock(testHead, testPassword); err != nil {
		t.Fatal(err)
	}
	if err := s.AddOperator(name, RoleHead, testPassword); err != nil && CodeOf(err) != CodeOperator {
		t.Fatal(err)
	}
	s.Lock()
	if _, err := s.Unlock(name, testPassword); err != nil {
		t.Fatal(err)
	}
}

const (
	testHead     = "测试负责人"
	testPassword = "test2025pw"
)

func mustCreate(t testing.TB, s *Store, e Entity) *SaveResult {
	t.Helper()
	res, err := s.Create(e, "测试员")
	if err != nil {
		t.Fatalf("create %T: %v", e, err)
	}
	return res
}

// household and person helpers for the village 甲村.
func newHousehold(t testing.TB, s *Store, no string) *Household {
	t.Helper()
	h := &Household{HouseholdNo: no, VillageCode: "130131190201", GroupName: "一组", HouseholdType: "建档立卡脱贫户"}
	mustCreate(t, s, h)
	return h
}

func newPerson(t testing.TB, s *Store, h *Household, name, id string) *Person {
	t.Helper()
	p := &Person{HouseholdID: h.ID.String(), Name: name, IDNumber: id, Relation: "户主"}
	mustCreate(t, s, p)
	return p
}

// openBackend opens the store at path, or on PostgreSQL a schema that
// stands for it (see pgtest.OnPostgres).
func openBackend(t testing.TB, path string, opt *Options) (*Store, error) {
	if !pgtest.OnPostgres() {
		return Open(path, opt)
	}
	db, err := pgkv.Open(context.Background(), pgtest.URLFor(t, path))
	if err != nil {
		return nil, err
	}
	s, err := OpenKV(db, path, opt)
	if err != nil {
		db.Close()
	}
	return s, err
}

// fileOnly marks a test of what only a bbolt file does (automatic copies,
// damaged files, the registry of issued numbers, the process lock).
func fileOnly(t testing.TB) {
	if pgtest.OnPostgres() {
		t.Skip("a bbolt file's own behaviour; PostgreSQL has its own backups and checks")
	}
}

// countKeys is how many keys b holds.
func countKeys(b kv.Bucket) int {
	n := 0
	b.ForEach(func(k, v []byte) error { n++; return nil })
	return n
}

// fieldOf is the schema of a field a test names.
func fieldOf(t *testing.T, k Kind, name string) FieldSpec {
	t.Helper()
	s, ok := fieldSpecOf(Schema(k), name)
	if !ok {
		t.Fatalf("no field %s.%s", k, name)
	}
	return s
}

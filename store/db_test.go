package store

import (
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/boltkv"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}

// A copied database must not reuse the original's sequence numbers: the
// copy gets a new origin on first open, and both keep writing without any
// (origin, seq) being issued twice.
func TestCopiedFileGetsNewOrigin(t *testing.T) {
	fileOnly(t)
	dir := t.TempDir()
	orig := filepath.Join(dir, "a.db")
	s := openAt(t, orig, "130131190201-01")
	newHousehold(t, s, "H001")
	o1 := s.Origin()
	s.Close()

	cp := filepath.Join(dir, "b.db")
	copyFile(t, orig, cp)
	c := openAt(t, cp, "")
	if c.Origin() == o1 {
		t.Fatal("copy kept the original origin")
	}
	// The copy announces its new origin with the station identity.
	o, err := c.Get(uuid.UUID(c.Origin()))
	if err != nil || o.(*Origin).Minted == "" {
		t.Fatalf("origin record of the copy: %v %+v", err, o)
	}
	// Reopening the copy keeps its new origin.
	o2 := c.Origin()
	c.Close()
	c = openAt(t, cp, "")
	if c.Origin() != o2 {
		t.Fatal("reopening minted yet another origin")
	}
	// The original is untouched.
	s = openAt(t, orig, "")
	if s.Origin() != o1 {
		t.Fatal("original lost its origin")
	}
}

// A backup put back in place (same file, older content) is noticed through
// the registry of sequence numbers outside the file.
func TestRestoredFileGetsNewOrigin(t *testing.T) {
	fileOnly(t)
	dir := t.TempDir()
	reg := filepath.Join(dir, "registry")
	path := filepath.Join(dir, "a.db")
	backup := filepath.Join(dir, "backup.db")
	open := func() *Store {
		s, err := Open(path, &Options{RegistryDir: reg, Now: func() time.Time { return fixedNow }})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	if err := s.SetStation("130131190201-01", "甲村服务点"); err != nil {
		t.Fatal(err)
	}
	newHousehold(t, s, "H001")
	s.Close()
	copyFile(t, path, backup)
	s = open()
	o1 := s.Origin()
	newHousehold(t, s, "H002")
	newHousehold(t, s, "H003")
	s.Close()
	// Overwrite in place: same inode, older content.
	data, _ := os.ReadFile(backup)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s = open()
	defer s.Close()
	if s.Origin() == o1 {
		t.Fatal("restored file kept the origin whose later numbers were already issued")
	}
}

// A second process opening the same database gets DB_LOCKED within about a
// second instead of hanging.
func TestLockedByAnotherProcess(t *testing.T) {
	fileOnly(t)
	if os.Getenv("CUNZHAN_HOLD_DB") != "" {
		s, err := Open(os.Getenv("CUNZHAN_HOLD_DB"), &Options{RegistryDir: "-"})
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("held\n")
		time.Sleep(30 * time.Second)
		s.Close()
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "a.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockedByAnotherProcess$")
	cmd.Env = append(os.Environ(), "CUNZHAN_HOLD_DB="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 5)
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != "held\n" {
		t.Fatalf("child did not open the database: %q %v", buf, err)
	}
	start := time.Now()
	_, err := Open(path, &Options{RegistryDir: "-"})
	waited := time.Since(start)
	if CodeOf(err) != CodeLocked {
		t.Fatalf("err = %v, want %s", err, CodeLocked)
	}
	if !strings.Contains(MessageOf(err), "另一个程序") {
		t.Errorf("message %q does not explain", MessageOf(err))
	}
	if waited > 5*time.Second {
		t.Errorf("waited %v for the lock", waited)
	}
}

func TestNotADatabase(t *testing.T) {
	fileOnly(t)
	path := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(path, []byte(strings.Repeat("这不是数据库", 2000)), 0o600)
	_, err := Open(path, &Options{RegistryDir: "-"})
	if CodeOf(err) != CodeCorrupt {
		t.Fatalf("err = %v, want %s", err, CodeCorrupt)
	}
}

// The hybrid clock never goes backwards, across restarts and when the wall
// clock is set back (a dead BIOS battery), and a remote reading far in the
// future is kept but does not drag the local clock.
func TestClockNeverGoesBackwards(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	wall := fixedNow
	open := func() *Store {
		s, err := Open(path, &Options{RegistryDir: "-", Now: func() time.Time { return wall }})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	s.SetStation("130131190201-01", "甲村")
	h := newHousehold(t, s, "H001")
	first, _ := GetAs[*Household](s, h.ID)
	s.Close()
	wall = time.Date(2001, 1, 1, 0, 0, 0, 0, ChinaTZ)
	s = open()
	defer s.Close()
	second := newHousehold(t, s, "H002")
	got, _ := GetAs[*Household](s, second.ID)
	if got.Created <= first.Created {
		t.Fatalf("clock went backwards: %v after %v", ClockTime(got.Created), ClockTime(first.Created))
	}
	wall = fixedNow
	future := MakeHLC(fixedNow.Add(365*24*time.Hour).UnixMilli(), 0)
	c := &Change{Origin: OriginID{9}, Seq: 1, HLC: future, Scope: "130131190201", Kind: KindHousehold, Record: h.ID,
		Fields: []Field{{Name: "group_name", Value: []byte(`"未来"`)}}, Schema: 1}
	st, err := s.Apply([]*Change{c})
	if err != nil || st.Flagged != 1 || st.Applied != 1 {
		t.Fatalf("future change: %+v %v", st, err)
	}
	third := newHousehold(t, s, "H003")
	got, _ = GetAs[*Household](s, third.ID)
	if ClockTime(got.Created).After(fixedNow.Add(time.Hour)) {
		t.Fatalf("local clock dragged to %v", ClockTime(got.Created))
	}
}

// A file written by a newer schema is refused with a clear message, and a
// registered migration step runs once and records the new version.
func TestSchemaVersionAndMigration(t *testing.T) {
	fileOnly(t)
	path := filepath.Join(t.TempDir(), "a.db")
	s := openAt(t, path, "130131190201-01")
	newHousehold(t, s, "H001")
	before, _ := s.DerivedDigest()
	s.Close()

	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	err = boltkv.New(db).Update(func(tx kv.Tx) error {
		steps := map[int]migration{dbSchema: func(tx kv.Tx, c codecIn) error {
			ran++
			return c.rebuild(tx)
		}}
		return migrate(tx, dbSchema, dbSchema+1, steps, codecIn{Dict, tx.Bucket(bMeta).Get(mHMAC)})
	})
	if err != nil || ran != 1 {
		t.Fatalf("migration: ran %d, %v", ran, err)
	}
	var v uint64
	boltkv.New(db).View(func(tx kv.Tx) error { v = binary.BigEndian.Uint64(tx.Bucket(bMeta).Get(mSchema)); return nil })
	db.Close()
	if v != dbSchema+1 {
		t.Fatalf("schema recorded as %d", v)
	}
	_, err = Open(path, &Options{RegistryDir: "-"})
	if CodeOf(err) != CodeTooNew {
		t.Fatalf("newer file opened: %v", err)
	}
	// Back to the current version: the rebuilt indexes equal the originals.
	db, _ = bolt.Open(path, 0o600, nil)
	boltkv.New(db).Update(func(tx kv.Tx) error { return tx.Bucket(bMeta).Put(mSchema, u64(dbSchema)) })
	db.Close()
	s = openAt(t, path, "")
	after, _ := s.DerivedDigest()
	if before != after {
		t.Fatal("rebuild in the migration changed the derived state")
	}
}

// A file of layout version 1 (name-suffix and pinyin buckets) is migrated
// on open: the old buckets go, the search entries are rebuilt from the log.
func TestMigrateVersion1(t *testing.T) {
	fileOnly(t)
	path := filepath.Join(t.TempDir(), "a.db")
	s := openAt(t, path, "130131190201-01")
	h := newHousehold(t, s, "H001")
	newPerson(t, s, h, "王秀兰", "130131194503150025")
	s.Close()
	db, _ := bolt.Open(path, 0o600, nil)
	boltkv.New(db).Update(func(tx kv.Tx) error {
		tx.DeleteBucket(bIxSearch)
		tx.CreateBucketIfNotExists([]byte("ix_name"))
		tx.CreateBucketIfNotExists([]byte("ix_py"))
		return tx.Bucket(bMeta).Put(mSchema, u64(1))
	})
	db.Close()
	s = openAt(t, path, "")
	var v uint64
	var old bool
	s.db.View(func(tx kv.Tx) error {
		v = binary.BigEndian.Uint64(tx.Bucket(bMeta).Get(mSchema))
		old = tx.Bucket([]byte("ix_name")) != nil
		return nil
	})
	if v != dbSchema || old {
		t.Fatalf("schema %d, old bucket kept %v", v, old)
	}
	var hits []Hit
	s.View(func(r *Reader) error { hits, _, _ = r.Search("wxl", "", 5); return nil })
	if len(hits) != 1 || hits[0].Name != "王秀兰" {
		t.Fatalf("search after migration: %v", hits)
	}
}

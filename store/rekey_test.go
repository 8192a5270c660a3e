package store_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
)

// A re-key, to the other suite too, keeps every record readable by the
// 负责人 who did it, with the same values and the same lookup by ID number,
// and what is written after seals under the new key; the other operator's
// password opens nothing until a 负责人 gives a new one; the audit log
// tells it and stays whole.
func TestRekeyKeepsRecordsAndVoidsOthers(t *testing.T) {
	for _, to := range crypt.Suites {
		t.Run(string(to), func(t *testing.T) {
			s, path := protectedStation(t)
			if err := s.AddOperator("李录入", store.RoleClerk, "lulu2025ok"); err != nil {
				t.Fatal(err)
			}
			h := &store.Household{HouseholdNo: "130131190201-K1", VillageCode: "130131190201", HouseholdType: "一般农户", Address: "甲村一组", Phone: "13931112222"}
			if _, err := s.Create(h, ""); err != nil {
				t.Fatal(err)
			}
			p := &store.Person{HouseholdID: h.ID.String(), Name: "王秀兰", IDNumber: "130131194503150025", Relation: "户主"}
			if _, err := s.Create(p, ""); err != nil {
				t.Fatal(err)
			}
			before := dumpOf(t, s)
			old, _ := os.ReadFile(path)
			if err := s.Rekey(to, "wrong-pass1"); store.CodeOf(err) != store.CodeLoginFailed {
				t.Fatalf("re-key with a wrong password: %v", err)
			}
			if err := s.Rekey(to, headPass); err != nil {
				t.Fatal(err)
			}
			if s.Suite() != to {
				t.Errorf("suite after re-key: %s", s.Suite())
			}
			if after := dumpOf(t, s); !bytes.Equal(before, after) {
				t.Fatalf("records changed by the re-key:\n%s\n---\n%s", before, after)
			}
			var hits []store.Hit
			err := s.View(func(r *store.Reader) (err error) { hits, _, err = r.Search("130131194503150025", "", 10); return err })
			if err != nil || len(hits) != 1 {
				t.Errorf("lookup by ID number after re-key: %v %v", hits, err)
			}
			// Writes after the re-key seal under the new key, and read.
			h2 := &store.Household{HouseholdNo: "130131190201-K2", VillageCode: "130131190201", HouseholdType: "一般农户", Phone: "13931113333"}
			if _, err := s.Create(h2, ""); err != nil {
				t.Fatal(err)
			}
			s.Lock()
			if _, err := s.Unlock("李录入", "lulu2025ok"); store.CodeOf(err) != store.CodePasswordReset {
				t.Fatalf("the voided password: %v", err)
			}
			if _, err := s.Unlock(headName, headPass); err != nil {
				t.Fatal(err)
			}
			if err := s.SetPassword("李录入", "", "lulu2026ok"); err != nil {
				t.Fatal(err)
			}
			s.Lock()
			if _, err := s.Unlock("李录入", "lulu2026ok"); err != nil {
				t.Fatalf("after a new password: %v", err)
			}
			if got, err := s.Get(h2.ID); err != nil || got.(*store.Household).Phone != "13931113333" {
				t.Fatalf("record written after the re-key: %v %v", got, err)
			}
			list, _ := s.StationAudit()
			var got []string
			for _, e := range list[len(list)-5:] {
				got = append(got, e.User+" "+e.Action)
			}
			if want := "王主任 rekey|李录入 login_failed|王主任 login|王主任 password_set|李录入 login"; strings.Join(got, "|") != want {
				t.Errorf("audit log ends %v, want %s", got, want)
			}
			if e := list[len(list)-5]; !strings.Contains(e.Detail, "1 名操作员") {
				t.Errorf("re-key recorded as %+v", e)
			}
			// The file no longer holds what the old key sealed.
			s.Close()
			cur, _ := os.ReadFile(path)
			if bytes.Equal(old, cur) {
				t.Fatal("the file did not change")
			}
			s2, err := store.Open(path, opts())
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			if _, err := s2.Unlock(headName, headPass); err != nil {
				t.Fatalf("reopen after re-key: %v", err)
			}
			if rep, _ := s2.VerifyStationAudit(); !rep.OK() {
				t.Errorf("audit chain after re-key: %+v", rep)
			}
		})
	}
}

// A re-key cut short after its commit (the program killed while the file
// is rewritten) is finished at the next login: the automatic copy under
// the old key, which the voided passwords still open, is deleted.
func TestRekeyCutShortIsFinishedAtLogin(t *testing.T) {
	s, path := protectedStation(t)
	if err := s.Rekey(crypt.National, headPass); err != nil {
		t.Fatal(err)
	}
	s.Close()
	old := filepath.Join(store.BackupDir(path), "2025-11-30.db")
	os.MkdirAll(store.BackupDir(path), 0o700)
	if err := os.WriteFile(old, []byte("a copy under the old key"), 0o600); err != nil {
		t.Fatal(err)
	}
	editFile(t, path, func(tx *bolt.Tx) error {
		meta := tx.Bucket([]byte("meta"))
		var ring map[string]any
		json.Unmarshal(meta.Get([]byte("keyring")), &ring)
		ring["tidy"] = true
		b, _ := json.Marshal(ring)
		return meta.Put([]byte("keyring"), b)
	})
	s2, err := store.Open(path, opts())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := os.Stat(old); err != nil {
		t.Fatal("the copy went before anyone logged in")
	}
	if _, err := s2.Unlock(headName, headPass); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatal("the copy under the old key is still there after the login")
	}
}

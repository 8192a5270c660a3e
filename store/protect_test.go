package store_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/demo"
)

const (
	headName = "王主任"
	headPass = "cunzhan2025"
)

// secretsOf collects, from an unmasked dump, what the fields the store
// masks hold: every run of seven or more digits (ID numbers, phones, bank
// accounts, supporters' and contacts' numbers) and every text of two or
// more characters (addresses, health notes) that no unmasked field holds
// too. The list comes from the dump, not from the code that seals.
func secretsOf(t *testing.T, dump []byte) map[string]bool {
	t.Helper()
	var d struct {
		Records []struct {
			Kind   store.Kind `json:"kind"`
			Fields map[string]struct {
				Versions []struct {
					Value json.RawMessage `json:"value"`
				} `json:"versions"`
			} `json:"fields"`
		} `json:"records"`
	}
	if err := json.Unmarshal(dump, &d); err != nil {
		t.Fatal(err)
	}
	digits := regexp.MustCompile(`[0-9]{7,}[0-9Xx]?`)
	texts := regexp.MustCompile(`"([^"\\]{2,})"`)
	out, open := map[string]bool{}, map[string]bool{}
	for _, r := range d.Records {
		sensitive := map[string]bool{}
		for _, f := range store.SensitiveFields(r.Kind) {
			sensitive[f] = true
		}
		for name, f := range r.Fields {
			for _, v := range f.Versions {
				for _, m := range texts.FindAllSubmatch(v.Value, -1) {
					if s := string(m[1]); sensitive[name] {
						out[s] = true
					} else {
						open[s] = true
					}
				}
				if sensitive[name] {
					for _, m := range digits.FindAll(v.Value, -1) {
						out[string(m)] = true
					}
				}
			}
		}
	}
	for s := range out {
		if isKey(s) || (!digits.MatchString(s) && len([]rune(s)) < 4) {
			delete(out, s)
			continue
		}
		for o := range open {
			if strings.Contains(o, s) {
				delete(out, s) // also shown in the clear, as part of another value
				break
			}
		}
	}
	return out
}

// isKey tells a JSON key or an enumerated word (a structured value's field
// names, 是/否) from a value worth looking for.
func isKey(s string) bool {
	if len(s) < 4 {
		return true
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return false
		}
	}
	return true
}

// leaks lists the secrets found in the file at path and in its automatic
// copies.
func leaks(t *testing.T, path string, secrets map[string]bool) []string {
	t.Helper()
	files := []string{path}
	bs, _ := store.Backups(path)
	for _, b := range bs {
		files = append(files, b.Path)
	}
	var found []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for s := range secrets {
			if bytes.Contains(raw, []byte(s)) {
				found = append(found, filepath.Base(f)+": "+s)
			}
		}
	}
	return found
}

func dumpOf(t *testing.T, s *store.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.Dump(&b, true); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var clock = time.Date(2025, 12, 1, 10, 0, 0, 0, store.ChinaTZ)

func opts() *store.Options {
	return &store.Options{RegistryDir: "-", KDF: &crypt.FastKDF, Now: func() time.Time { return clock }}
}

// A station's file, protected after the demo data set was written into it
// in the clear, holds none of its ID, phone or account numbers any more,
// nor do its automatic copies; it reads nothing until an operator logs in,
// and then reads exactly what it held.
func TestProtectSealsEveryIdentifier(t *testing.T) {
	for _, suite := range crypt.Suites {
		t.Run(string(suite), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "demo.db")
			if _, err := demo.Generate(path, demo.Options{Seed: 1, Store: opts(), Plain: true}); err != nil {
				t.Fatal(err)
			}
			s, err := store.Open(path, opts())
			if err != nil {
				t.Fatal(err)
			}
			before := dumpOf(t, s)
			secrets := secretsOf(t, before)
			if len(secrets) < 100 {
				t.Fatalf("only %d numbers to look for", len(secrets))
			}
			if got := leaks(t, path, secrets); len(got) == 0 {
				t.Fatal("the unprotected file should hold its numbers in the clear (the check finds nothing)")
			}
			if err := s.Protect(suite, headName, headPass); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(dumpOf(t, s), before) {
				t.Fatal("protecting changed what the file holds")
			}
			s.Close()
			if got := leaks(t, path, secrets); len(got) > 0 {
				t.Fatalf("%d values in the clear, e.g. %v", len(got), got[:min(3, len(got))])
			}

			s, err = store.Open(path, opts())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.View(func(*store.Reader) error { return nil }); store.CodeOf(err) != store.CodeLoginNeeded {
				t.Fatalf("locked read: %v", err)
			}
			if _, err := s.Unlock(headName, "wrong2025x"); store.CodeOf(err) != store.CodeLoginFailed {
				t.Fatalf("wrong password: %v", err)
			}
			if s.Unlocked() {
				t.Fatal("a wrong password unlocked the store")
			}
			op, err := s.Unlock(headName, headPass)
			if err != nil || op.Role != store.RoleHead {
				t.Fatalf("login: %v %v", op, err)
			}
			if !bytes.Equal(dumpOf(t, s), before) {
				t.Fatal("the protected file reads otherwise after login")
			}
			var id string
			for sec := range secrets {
				if len(sec) == 18 {
					id = sec
					break
				}
			}
			err = s.View(func(r *store.Reader) error {
				ids, err := r.PersonsByIDNumber(id)
				if err == nil && len(ids) == 0 {
					t.Errorf("ID number %s not found through the keyed hash", id)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func protectedStation(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := store.Open(path, opts())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.SetStation("130131190201-01", "甲村服务点"); err != nil {
		t.Fatal(err)
	}
	if err := s.Protect(crypt.Standard, headName, headPass); err != nil {
		t.Fatal(err)
	}
	return s, path
}

// Five wrong passwords lock the account for 15 minutes, the right one
// included; then it opens again.
func TestFiveFailuresLockTheAccount(t *testing.T) {
	s, _ := protectedStation(t)
	s.Lock()
	for i := 1; i <= store.MaxFailures; i++ {
		_, err := s.Unlock(headName, "nope12345")
		want := store.CodeLoginFailed
		if i == store.MaxFailures {
			want = store.CodeAccountLocked
		}
		if store.CodeOf(err) != want {
			t.Fatalf("attempt %d: %v, want %s", i, err, want)
		}
	}
	if _, err := s.Unlock(headName, headPass); store.CodeOf(err) != store.CodeAccountLocked {
		t.Fatalf("right password while locked: %v", err)
	}
	clock = clock.Add(16 * time.Minute)
	if _, err := s.Unlock(headName, headPass); err != nil {
		t.Fatalf("after 16 minutes: %v", err)
	}
	// A success resets the count: four more failures do not lock.
	s.Lock()
	for i := 0; i < store.MaxFailures-1; i++ {
		s.Unlock(headName, "nope12345")
	}
	if _, err := s.Unlock(headName, headPass); err != nil {
		t.Fatalf("after four failures: %v", err)
	}
}

// A 录入员 enters records, authored in their name whatever the caller
// says, but may not manage operators or change policy; a removed
// operator's password opens nothing.
func TestRolesAndAuthors(t *testing.T) {
	s, _ := protectedStation(t)
	if err := s.AddOperator("李录入", store.RoleClerk, "short"); store.CodeOf(err) != store.CodePassword {
		t.Fatalf("weak password: %v", err)
	}
	if err := s.AddOperator("李录入", store.RoleClerk, "lulu2025ok"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddOperator("李录入", store.RoleClerk, "lulu2025ok"); store.CodeOf(err) != store.CodeOperator {
		t.Fatalf("same name twice: %v", err)
	}
	s.Lock()
	if _, err := s.Unlock("李录入", "lulu2025ok"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []store.Permission{store.PermPolicy, store.PermUnmasked, store.PermEnrol, store.PermAccounts} {
		if err := s.Require(p); store.CodeOf(err) != store.CodeForbidden {
			t.Fatalf("clerk may %s: %v", p, err)
		}
	}
	if err := s.AddOperator("张三", store.RoleHead, "zhang2025x"); store.CodeOf(err) != store.CodeForbidden {
		t.Fatalf("clerk added an operator: %v", err)
	}
	h := &store.Household{HouseholdNo: "130131190201-H1", VillageCode: "130131190201", HouseholdType: "一般农户", Address: "甲村一组"}
	res, err := s.Create(h, "冒名")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(res.ID)
	if by := store.MetaOf(got).CreatedBy; by != "李录入" {
		t.Fatalf("authored by %q, want the operator", by)
	}
	if err := s.SetPassword("李录入", "wrong2025", "lulu2026ok"); store.CodeOf(err) != store.CodeLoginFailed {
		t.Fatalf("own password with a wrong old one: %v", err)
	}
	if err := s.SetPassword("李录入", "lulu2025ok", "lulu2026ok"); err != nil {
		t.Fatal(err)
	}
	s.Lock()
	if _, err := s.Unlock(headName, headPass); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveOperator(headName); store.CodeOf(err) != store.CodeOperator {
		t.Fatalf("removed oneself: %v", err)
	}
	if err := s.SetRole(headName, store.RoleClerk); store.CodeOf(err) != store.CodeOperator {
		t.Fatalf("demoted the last 负责人: %v", err)
	}
	if err := s.RemoveOperator("李录入"); err != nil {
		t.Fatal(err)
	}
	s.Lock()
	if _, err := s.Unlock("李录入", "lulu2026ok"); store.CodeOf(err) != store.CodeLoginFailed {
		t.Fatalf("removed operator: %v", err)
	}
}

// A 录入员 who can write the file cannot make herself a 负责人: a role
// raised in her record, or the 负责人's record (role and tag) given her own
// wrap, is refused at login.
func TestRoleEditedInTheFileIsRefused(t *testing.T) {
	edits := map[string]func(clerk, head map[string]any) map[string]any{
		"role raised": func(clerk, _ map[string]any) map[string]any {
			clerk["role"] = string(store.RoleHead)
			return clerk
		},
		"the head's record with her wrap": func(clerk, head map[string]any) map[string]any {
			head["kdf"], head["wrapped"] = clerk["kdf"], clerk["wrapped"]
			return head
		},
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			s, path := protectedStation(t)
			if err := s.AddOperator("李录入", store.RoleClerk, "lulu2025ok"); err != nil {
				t.Fatal(err)
			}
			s.Close()
			editFile(t, path, func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte("operators"))
				var clerk, head map[string]any
				json.Unmarshal(b.Get([]byte("李录入")), &clerk)
				json.Unmarshal(b.Get([]byte(headName)), &head)
				v, _ := json.Marshal(edit(clerk, head))
				return b.Put([]byte("李录入"), v)
			})
			s, err := store.Open(path, opts())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if op, err := s.Unlock("李录入", "lulu2025ok"); store.CodeOf(err) != store.CodeCorrupt {
				t.Fatalf("logged in as %+v, %v", op, err)
			}
		})
	}
}

// A record changed on disk (here cut short; a sealed value changed does
// not open either, see the engine's tests) is reported as damage, in
// words, with the newest backup: never an internal error.
func TestRecordChangedOnDiskIsDamage(t *testing.T) {
	s, path := protectedStation(t)
	h := &store.Household{HouseholdNo: "130131190201-H1", VillageCode: "130131190201", HouseholdType: "一般农户", Address: "甲村一组", Phone: "13931110000"}
	res, err := s.Create(h, "x")
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	editFile(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("rec"))
		v := b.Get(res.ID[:])
		return b.Put(res.ID[:], append([]byte(nil), v[:len(v)-20]...))
	})
	s, err = store.Open(path, opts())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Unlock(headName, headPass); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(res.ID); store.CodeOf(err) != store.CodeCorrupt || !strings.Contains(store.MessageOf(err), "损坏") {
		t.Fatalf("reading the changed record: %v", err)
	}
}

// editFile changes a closed store's file behind its back, as someone with
// a hex editor or bbolt's own tools would.
func editFile(t *testing.T, path string, edit func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(edit)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
}

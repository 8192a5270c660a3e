package store_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store"
)

// actionsOf lists a log's actions with their users, oldest first:
// "王主任 login".
func actionsOf(t *testing.T, s *store.Store) []string {
	t.Helper()
	list, err := s.StationAudit()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.User+" "+e.Action)
	}
	return out
}

// Every event the issue names is written by the store itself, in the
// transaction of what it records, under the operator logged in (whatever
// name a caller passes), and the chain checks whole.
func TestStationAuditRecordsWhoDidWhat(t *testing.T) {
	s, _ := protectedStation(t)
	steps := []struct {
		do   func() error
		want []string // entries this step adds
	}{
		{func() error { return s.AddOperator("李录入", store.RoleClerk, "lilu12345") }, []string{"王主任 account_add"}},
		{func() error { s.Lock(); _, err := s.Unlock("李录入", "wrong1234"); return ignore(err) }, []string{"李录入 login_failed"}},
		{func() error { _, err := s.Unlock("没这人", "wrong1234"); return ignore(err) }, []string{"（未知姓名） login_failed"}},
		{func() error { _, err := s.Unlock("李录入", "lilu12345"); return err }, []string{"李录入 login"}},
		{func() error { return s.Audit(store.AuditReveal, "rec-1", "核对身份") }, []string{"李录入 reveal"}},
		{func() error { return ignore(s.SetPolicy(s.Policy())) }, nil}, // a clerk may not: nothing written
		{func() error { return s.Audit(store.AuditLogout, "", "锁屏") }, []string{"李录入 logout"}},
		{func() error { s.Lock(); _, err := s.Unlock(headName, headPass); return err }, []string{"王主任 login"}},
		{func() error {
			p := s.Policy()
			p.LoanMaxFen += 100
			return s.SetPolicy(p)
		}, []string{"王主任 policy"}},
		{func() error { return s.SetRole("李录入", store.RoleHead) }, []string{"王主任 account_edit"}},
		{func() error { return s.SetPassword("李录入", "", "newpass123") }, []string{"王主任 password_set"}},
		{func() error { return s.RemoveOperator("李录入") }, []string{"王主任 account_remove"}},
	}
	want := []string{"王主任 protect"}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		want = append(want, st.want...)
		if got := actionsOf(t, s); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("after step %d:\n got %v\nwant %v", i, got, want)
		}
	}
	list, _ := s.StationAudit()
	if e := list[len(list)-4]; !strings.Contains(e.Detail, "单户贷款上限") {
		t.Errorf("policy entry names no figure: %+v", e)
	}
	if e := list[1]; e.Target != "李录入" || e.Role != string(store.RoleHead) || e.Scope != "130131190201-01" {
		t.Errorf("account entry: %+v", e)
	}
	// Callers may record only what they do with personal data.
	if err := s.Audit(store.AuditLogin, "", "forged"); store.CodeOf(err) != store.CodeBadRequest {
		t.Errorf("a caller wrote a login entry: %v", err)
	}
	rep, err := s.VerifyStationAudit()
	if err != nil || !rep.OK() || rep.Entries != uint64(len(want)) {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}

func ignore(err error) error {
	if store.CodeOf(err) == store.CodeLoginFailed || store.CodeOf(err) == store.CodeForbidden {
		return nil
	}
	return err
}

// An entry edited, deleted from the middle or from the end of the file
// shows as a broken chain, at the entry where it breaks.
func TestStationAuditTamperingShows(t *testing.T) {
	cases := []struct {
		name string
		edit func(b *bolt.Bucket, keys [][]byte)
		want string
	}{
		{"edited", func(b *bolt.Bucket, keys [][]byte) {
			var e store.AuditEntry
			json.Unmarshal(b.Get(keys[2]), &e)
			e.User = "别人"
			v, _ := json.Marshal(e)
			b.Put(keys[2], v)
		}, "第 3 条内容被改动"},
		{"edited with a new hash", func(b *bolt.Bucket, keys [][]byte) {
			var e store.AuditEntry
			json.Unmarshal(b.Get(keys[2]), &e)
			e.Detail = "无"
			e.Hash = e.ComputeHash()
			v, _ := json.Marshal(e)
			b.Put(keys[2], v)
		}, "第 4 条与前一条的链接不符"},
		{"deleted from the middle", func(b *bolt.Bucket, keys [][]byte) { b.Delete(keys[1]) }, "第 2 至 2 条缺失"},
		{"deleted from the end", func(b *bolt.Bucket, keys [][]byte) { b.Delete(keys[len(keys)-1]) }, "末尾被删除"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, path := protectedStation(t)
			for i := 0; i < 4; i++ {
				if err := s.Audit(store.AuditReveal, "rec", "核对"); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			editFile(t, path, func(tx *bolt.Tx) error {
				b := tx.Bucket([]byte("audit"))
				var keys [][]byte
				b.ForEach(func(k, _ []byte) error {
					if len(k) == 24 {
						keys = append(keys, append([]byte(nil), k...))
					}
					return nil
				})
				c.edit(b, keys)
				return nil
			})
			s2, err := store.Open(path, opts())
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			rep, err := s2.VerifyStationAudit()
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, p := range rep.Problems {
				msgs = append(msgs, p.Message)
			}
			if !strings.Contains(strings.Join(msgs, "|"), c.want) {
				t.Fatalf("problems %v, want %q", msgs, c.want)
			}
		})
	}
}

// Putting back an old backup does not take the audit log back with it:
// the entries written after the copy stay, and the restore itself is
// recorded, on a new chain linked to them.
func TestRestoreKeepsTheAuditLog(t *testing.T) {
	s, path := protectedStation(t)
	backup := filepath.Join(t.TempDir(), "copy.db")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.View(func(r *store.Reader) error { _, err := r.WriteCopy(f); return err }); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := s.Audit(store.AuditPrint, "A2", "打印未遮盖"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	o := opts()
	o.RestoredBy = headName
	if _, err := store.Restore(path, backup, o); err != nil {
		t.Fatal(err)
	}
	s2, err := store.Open(path, opts())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got := strings.Join(actionsOf(t, s2), "|")
	if got != "王主任 protect|王主任 print|王主任 restore" {
		t.Fatalf("log after restore: %s", got)
	}
	rep, err := s2.VerifyStationAudit()
	if err != nil || !rep.OK() || rep.Chains != 2 {
		t.Fatalf("verify after restore: %+v %v", rep, err)
	}
}

// Chains join end to start: a chain that starts from the middle of another
// (the entries after were removed, or an old copy put back without them),
// or two chains after the same end (a copied file), are shown.
func TestAuditChainsJoinEndToStart(t *testing.T) {
	chain := func(name string, n int, prev string) []store.AuditEntry {
		var out []store.AuditEntry
		for i := 1; i <= n; i++ {
			e := store.AuditEntry{Seq: uint64(i), Chain: name, Time: "2026-12-01T09:00:00+08:00", User: "王主任", Action: store.AuditReveal, Prev: prev}
			e.Hash = e.ComputeHash()
			prev = e.Hash
			out = append(out, e)
		}
		return out
	}
	a := chain("a", 3, "")
	cases := []struct {
		name string
		log  []store.AuditEntry
		want string
	}{
		{"restored, linked to the end", append(append([]store.AuditEntry{}, a...), chain("b", 2, a[2].Hash)...), ""},
		{"restored from an older copy", append(append([]store.AuditEntry{}, a...), chain("b", 2, a[1].Hash)...), "另一段日志的中间"},
		{"copied to another computer", append(append(append([]store.AuditEntry{}, a...), chain("b", 1, a[2].Hash)...), chain("c", 1, a[2].Hash)...), "两段"},
		{"a second start", append(append([]store.AuditEntry{}, a...), chain("b", 1, "")...), "接不上"},
	}
	for _, c := range cases {
		rep := store.VerifyAuditChains(c.log)
		var msgs []string
		for _, p := range rep.Problems {
			msgs = append(msgs, p.Message)
		}
		got := strings.Join(msgs, "|")
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s: problems %q, want %q", c.name, got, c.want)
		}
	}
}

// What the log keeps is not personal data: an operator may not be named
// by a number, and numbers as long as an ID, an account or a mobile are
// hidden in a reason a person typed; division codes stay.
func TestAuditKeepsNoNumbers(t *testing.T) {
	s, _ := protectedStation(t)
	for _, name := range []string{"130131194503150025", "13812345678"} {
		if err := s.AddOperator(name, store.RoleClerk, "lulu2025ok"); store.CodeOf(err) != store.CodeOperator {
			t.Errorf("operator named %s: %v", name, err)
		}
	}
	if err := s.Audit(store.AuditReveal, "rec", "核对 130131194503150025 与 13812345678，村 130131190201"); err != nil {
		t.Fatal(err)
	}
	list, _ := s.StationAudit()
	d := list[len(list)-1].Detail
	if strings.Contains(d, "130131194503150025") || strings.Contains(d, "13812345678") || !strings.Contains(d, "130131190201") {
		t.Errorf("detail kept as %q", d)
	}
}

package sync

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// A station whose every password is lost gets its data back from the
// county: the key it sealed to the county at enrolment reached the county
// with a sync; the county's recovery file and its code (told apart) make
// a new 负责人 who sees the station's records. The file alone, a wrong
// code, or another station's file open nothing.
func TestRecoveryFromTheCounty(t *testing.T) {
	for _, suite := range crypt.Suites {
		t.Run(string(suite), func(t *testing.T) {
			w := newWorldWith(t, pgtest.OnPostgres(), suite)
			a := w.station("130131190201", "甲村服务点")
			b := w.station("130131190202", "乙村服务点")
			h := household(t, a, "130131190201-R01", "130131190201")
			if len(a.s.RecoverySealed()) == 0 {
				t.Fatal("enrolment kept no key for the county")
			}
			if _, _, err := w.county.IssueRecovery(a.s.Station().Code, "admin"); store.CodeOf(err) != CodeNoRecovery {
				t.Fatalf("recovery before the station's key reached the county: %v", err)
			}
			w.sync(a)
			w.sync(a)
			w.sync(b)
			w.sync(b)
			file, code, err := w.county.IssueRecovery(a.s.Station().Code, "admin")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(file), strings.ReplaceAll(code, "-", "")) {
				t.Fatal("the code is in the file")
			}
			other, _, err := w.county.IssueRecovery(b.s.Station().Code, "admin")
			if err != nil {
				t.Fatal(err)
			}

			// The station's file, locked, as after a forgotten password.
			path := a.s.Path()
			a.s.Close()
			s, err := store.Open(path, &store.Options{RegistryDir: "-"})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var expired RecoveryFile
			json.Unmarshal(file, &expired)
			expired.Expires = "2020-01-01T00:00:00+08:00"
			old, _ := json.Marshal(&expired)
			// A later expiry written into the file: the key no longer opens.
			extended := expired
			extended.Expires = "2099-01-01T00:00:00+08:00"
			longer, _ := json.Marshal(&extended)
			bad := []struct {
				file []byte
				code string
				want string
			}{
				{file, "0000-0000-0000-0000", CodeRecoveryCode},
				{file, "1234", CodeRecoveryCode},
				{other, code, CodeRecoveryFile},
				{[]byte(`{"format":"x"}`), code, CodeRecoveryFile},
				{old, code, CodeRecoveryFile},
				{longer, code, CodeRecoveryCode},
			}
			for i, c := range bad {
				if _, err := Recover(s, c.file, c.code, "赵新", "zhaoxin2026"); store.CodeOf(err) != c.want {
					t.Errorf("case %d: %v, want %s", i, err, c.want)
				}
				if s.Unlocked() {
					t.Fatalf("case %d opened the file", i)
				}
			}
			op, err := Recover(s, file, strings.ReplaceAll(code, "-", " "), "赵新", "zhaoxin2026")
			if err != nil {
				t.Fatal(err)
			}
			if op.Role != store.RoleHead {
				t.Errorf("recovered as %s", op.Role)
			}
			if _, err := s.Get(h.ID); err != nil {
				t.Fatalf("the records do not read after recovery: %v", err)
			}
			s.Lock()
			if _, err := s.Unlock("赵新", "zhaoxin2026"); err != nil {
				t.Fatalf("the new password does not open the file: %v", err)
			}
			s.Lock()
			if _, err := Recover(s, file, code, "钱二", "qianer2026"); store.CodeOf(err) != store.CodeRecoveryUsed || s.Unlocked() {
				t.Fatalf("a recovery file used twice: %v", err)
			}
			if _, err := s.Unlock("赵新", "zhaoxin2026"); err != nil {
				t.Fatal(err)
			}
			list, _ := s.StationAudit()
			found := false
			for _, e := range list {
				found = found || e.Action == store.AuditRecover && e.User == "赵新"
			}
			if !found {
				t.Error("the recovery is not in the audit log")
			}
		})
	}
}

// A sealed key the county cannot open is not kept, whoever signed the
// bundle that carried it.
func TestCountyKeepsOnlyARecoveryKeyItOpens(t *testing.T) {
	w := newWorld(t)
	a := w.station("130131190201", "甲村服务点")
	w.sync(a)
	sealed, _ := json.Marshal(sealedRecovery{Ephemeral: "AAAA", Nonce: "AAAA", Sealed: []byte("x")})
	h := &Header{ID: "01a2f000-0000-7000-8000-000000000001", From: a.ID(), To: w.county.ID(), Recovery: sealed}
	bundle, err := seal(h, &Entries{}, a.me, w.county.county.Keys)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.county.Import(bundle)
	if err != nil || len(res.Warnings) == 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
	p, _ := w.county.Peer(a.ID())
	if string(p.Recovery) == string(sealed) {
		t.Fatal("the county kept a key it cannot open")
	}
}

// After a re-key the county's recovery file opens the new key: the
// station sealed it to the county, and the next sync took it there.
func TestRecoveryAfterRekey(t *testing.T) {
	w := newWorldWith(t, pgtest.OnPostgres(), crypt.National)
	a := w.station("130131190201", "甲村服务点")
	if err := a.s.AddOperator("王主任", store.RoleHead, "wang2026ok"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.s.Unlock("王主任", "wang2026ok"); err != nil {
		t.Fatal(err)
	}
	w.sync(a)
	before := string(a.s.RecoverySealed())
	if err := Rekey(a.s, crypt.National, "wang2026ok"); err != nil {
		t.Fatal(err)
	}
	if string(a.s.RecoverySealed()) == before || len(a.s.RecoverySealed()) == 0 {
		t.Fatal("the re-key left the county the old key")
	}
	w.sync(a)
	file, code, err := w.county.IssueRecovery(a.s.Station().Code, "admin")
	if err != nil {
		t.Fatal(err)
	}
	a.s.Lock()
	if _, err := Recover(a.s, file, code, "赵新", "zhaoxin2026"); err != nil {
		t.Fatalf("recovery after the re-key: %v", err)
	}
}

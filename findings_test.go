package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The findings of the independent run, through the binaries they came
// through.

// A forged edit context in record put: the _version names another
// station's sequence number that never arrived here. Refused, nothing
// written.
func TestBinaryRefusesForgedVersion(t *testing.T) {
	needBinaries(t)
	k := newKit(t)
	db := k.newStation(filepath.Join(k.dir, "a.db"))
	k.station(db, "station", "set", "130131190201-01", "甲村服务点").ok(t)
	out := k.stationIn(db, `{"household_no":"130131190201-V1","village_code":"130131190201","household_type":"一般农户","group_name":"一组"}`, "record", "put", "household").ok(t)
	var created struct{ ID string }
	json.Unmarshal(out, &created)
	got := k.station(db, "record", "get", created.ID).ok(t)
	var rec map[string]any
	if err := json.Unmarshal(got, &rec); err != nil {
		t.Fatalf("record get: %v\n%s", err, got)
	}
	rec["_version"] = rec["_version"].(string) + ",01a22c00-0000-7000-8000-00000000beef:999999"
	rec["group_name"] = "三组"
	b, _ := json.Marshal(rec)
	before := k.station(db, "dump").ok(t)
	r := k.stationIn(db, string(b), "record", "put", "household")
	if code := r.wait(); code != 1 || !strings.Contains(r.stderr.String()+r.stdout.String(), "CONTEXT_AHEAD") {
		t.Fatalf("forged _version: status %d\n%s%s", code, r.stdout.String(), r.stderr.String())
	}
	if after := k.station(db, "dump").ok(t); !bytes.Equal(before, after) {
		t.Error("the refused put changed the file")
	}
}

// A truncated database file: the program answers DB_CORRUPT with the
// newest sound backup, with status 1, at every size; it never panics.
func TestBinaryRefusesTruncatedFile(t *testing.T) {
	needBinaries(t)
	k := newKit(t)
	db := filepath.Join(k.dir, "d.db")
	k.station("", "demo", "--out", db).ok(t)
	k.station(db, "alarms").ok(t)                                            // reading opens read-only: no backup
	k.station(db, "station", "set", "130131000000-02", "平山县级中心（演示数据）").ok(t) // the day's first write takes one
	full, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{8192, len(full) / 4, len(full) / 2} {
		if err := os.WriteFile(db, full[:size], 0o600); err != nil {
			t.Fatal(err)
		}
		r := k.station(db, "station", "show")
		code := r.wait()
		msg := r.stderr.String() + r.stdout.String()
		if code != 1 || !strings.Contains(msg, "DB_CORRUPT") || !strings.Contains(msg, "-备份") || strings.Contains(msg, "goroutine") {
			t.Errorf("cut to %d bytes: status %d\n%s", size, code, msg)
		}
	}
}

// The county server's administration cannot be driven from a web page: a
// simple cross-site POST to the real server revokes nothing and enrols
// nothing; the county's own command line, with the token, still can.
func TestBinaryCountyAdminRefusesWebPages(t *testing.T) {
	needBinaries(t)
	k := newKit(t)
	k.county("init", "--county", "130131", "--name", "平山县级中心").ok(t)
	k.county("enroll", "--scope", "130131190202", "--name", "乙村服务点", "--out", filepath.Join(k.dir, "b.cred")).ok(t)
	k.startCounty(t)
	defer k.stopCounty()
	for _, c := range []struct{ path, body string }{
		{"/v1/admin/revoke", `{"station":"130131190202-01"}`},
		{"/v1/admin/enroll", `{"scope":"130131190201","name":"冒名站"}`},
	} {
		req, _ := http.NewRequest(http.MethodPost, k.url+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Origin", "http://evil.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s from a page: %d", c.path, resp.StatusCode)
		}
	}
	out := string(k.county("--format", "json", "stations").ok(t))
	if strings.Contains(out, `"revoked":true`) || strings.Contains(out, "冒名站") {
		t.Errorf("a web page changed the stations: %s", out)
	}
	k.county("revoke", "130131190202-01").ok(t)
}

// A station's computer is lost: the sealed copy it left on the stick at its
// last export goes to the county, which opens it; a new computer restores
// it and holds everything the old one held, including what was never
// synced.
func TestBinaryStationRecoveredFromItsStickCopy(t *testing.T) {
	needBinaries(t)
	k := newKit(t)
	k.county("init", "--county", "130131", "--name", "平山县级中心").ok(t)
	cred := filepath.Join(k.dir, "a.cred")
	k.county("enroll", "--scope", "130131190201", "--name", "甲村服务点", "--out", cred).ok(t)
	old := k.newStation(filepath.Join(k.dir, "old.db"))
	k.station(old, "enroll", cred).ok(t)
	k.stationIn(old, `{"household_no":"130131190201-L1","village_code":"130131190201","household_type":"一般农户"}`, "record", "put", "household").ok(t)
	stick := filepath.Join(k.dir, "stick")
	os.Mkdir(stick, 0o700)
	var exp struct {
		Sealed string `json:"sealed_backup"`
	}
	json.Unmarshal(k.station(old, "export", "--to", stick).ok(t), &exp)
	if exp.Sealed == "" {
		t.Fatal("export wrote no sealed copy")
	}
	recovered := filepath.Join(k.dir, "recovered.db")
	k.county("recover", exp.Sealed, "--out", recovered).ok(t)
	fresh := filepath.Join(k.dir, "new-computer", "cunzhan.db")
	k.station(fresh, "restore", recovered).ok(t)
	// The restored file adds its new origin's identity record; the
	// village's records are the same.
	records := func(dump []byte) string {
		var out []string
		for _, line := range strings.Split(string(dump), "\n") {
			if !strings.Contains(line, `"kind":"origin"`) && strings.Contains(line, `"kind":`) {
				out = append(out, strings.TrimSuffix(line, ","))
			}
		}
		return strings.Join(out, "\n")
	}
	want := records(k.station(old, "dump", "--scope", "130131190201").ok(t))
	if got := records(k.station(fresh, "dump", "--scope", "130131190201").ok(t)); got != want || !strings.Contains(got, "130131190201-L1") {
		t.Errorf("the new computer's records differ from the lost one's:\n%s\n---\n%s", got, want)
	}
}

// A station whose every password is lost, on a county of the national
// suite: the county issues a recovery file and its code through the real
// binaries while its server runs; the station's command line makes a new
// 负责人 with them, who reads the station's records. The file holds
// neither the code nor the data key in the clear.
func TestBinaryRecoveryFileFromTheCounty(t *testing.T) {
	needBinaries(t)
	k := newKit(t)
	k.county("init", "--county", "130131", "--name", "平山县级中心", "--suite", "national").ok(t)
	cred := filepath.Join(k.dir, "a.cred")
	k.county("enroll", "--scope", "130131190201", "--name", "甲村服务点", "--out", cred, "--server", k.url).ok(t)
	db := k.newStation(filepath.Join(k.dir, "a.db"))
	k.station(db, "enroll", cred).ok(t)
	k.stationIn(db, `{"household_no":"130131190201-R1","village_code":"130131190201","household_type":"一般农户"}`, "record", "put", "household").ok(t)
	k.startCounty(t)
	defer k.stopCounty()
	k.station(db, "sync").ok(t)
	file := filepath.Join(k.dir, "a.recovery")
	out := k.county("--format", "json", "recovery-file", "--station", "130131190201-01", "--out", file)
	out.ok(t)
	code := out.field("code")
	if len(strings.ReplaceAll(code, "-", "")) != 16 {
		t.Fatalf("recovery code %q", code)
	}
	raw, _ := os.ReadFile(file)
	if strings.Contains(string(raw), strings.ReplaceAll(code, "-", "")) || !strings.Contains(string(raw), `"suite": "gm1"`) {
		t.Fatalf("recovery file: %s", raw)
	}
	recover := func(code string) *proc {
		p := k.station(db, "operator", "recover", "--file", file, "--name", "赵新")
		p.cmd.Env = append(p.cmd.Env, "CUNZHAN_RECOVERY_CODE="+code, "CUNZHAN_NEW_PASSWORD=zhaoxin2026")
		return p
	}
	if p := recover("1111-2222-3333-4444"); p.wait() != 1 || !strings.HasPrefix(p.stderr.String(), "RECOVERY_CODE: ") {
		t.Fatalf("wrong code: %s", p.stderr.String())
	}
	recover(code).ok(t)
	p := k.station(db, "dump")
	p.cmd.Env = append(p.cmd.Env, "CUNZHAN_OPERATOR=赵新", "CUNZHAN_PASSWORD=zhaoxin2026")
	if got := string(p.ok(t)); !strings.Contains(got, "130131190201-R1") {
		t.Fatal("the new 负责人 does not read the station's records")
	}
}

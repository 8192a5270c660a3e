package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestProcessesSurviveKills runs the real binaries as separate processes: a
// county server (cunzhan-county serve) and village and township stations
// (cunzhan), each on its own file. Stations save households and edit each
// other's through the command line and sync over HTTP while processes are
// SIGKILLed at random moments: saves, syncs and the county server itself.
// Afterwards, with nothing killed, every station syncs until quiet, and
// then
//   - every station's dump of its scope equals the county's, byte for byte;
//   - every save that reported success is at the county and at its station;
//   - every file opens (no damaged database after a kill).
//
// make test runs a short version, make soak a long one
// (CUNZHAN_SOAK_ROUNDS, CUNZHAN_SOAK_SEED).
func TestProcessesSurviveKills(t *testing.T) {
	needBinaries(t)
	rounds := 4
	if v := os.Getenv("CUNZHAN_SOAK_ROUNDS"); v != "" {
		rounds, _ = strconv.Atoi(v)
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("CUNZHAN_SOAK_SEED"); v != "" {
		seed, _ = strconv.ParseUint(v, 10, 64)
	}
	t.Logf("seed %d, %d rounds (CUNZHAN_SOAK_SEED=%d reproduces it)", seed, rounds, seed)
	rng := rand.New(rand.NewPCG(seed, 9))
	k := newKit(t)

	k.county("init", "--county", "130131", "--name", "平山县级中心").ok(t)
	stations := []*soakStation{
		{scope: "130131190201", name: "甲村服务点"},
		{scope: "130131190202", name: "乙村服务点"},
		{scope: "130131190", name: "示例镇社会救助站"},
	}
	for _, s := range stations {
		cred := filepath.Join(k.dir, s.scope+".cred")
		k.county("enroll", "--scope", s.scope, "--name", s.name, "--out", cred, "--server", k.url).ok(t)
		s.db = k.newStation(filepath.Join(k.dir, s.scope+".db"))
		k.station(s.db, "enroll", cred).ok(t)
		// The day's copy was taken as enroll opened the file, before the
		// station was enrolled; the old copy restoreInPlace puts back is
		// one of an enrolled station: the next write takes it.
		os.RemoveAll(strings.TrimSuffix(s.db, ".db") + "-备份")
	}
	k.startCounty(t)
	defer k.stopCounty()

	saved := map[string]string{} // household number → village, saved with success
	var ids []string             // households known to exist somewhere
	for round := 0; round < rounds; round++ {
		if round == rounds/2 {
			k.restoreInPlace(t, stations[0])
		}
		for _, s := range stations {
			village := s.scope
			if len(village) < 12 {
				village = stations[rng.IntN(2)].scope
			}
			// Saves, some of them killed.
			for i := 0; i < 3; i++ {
				no := fmt.Sprintf("%s-K%d%02d", village, round, len(saved)+i)
				rec := fmt.Sprintf(`{"household_no":%q,"village_code":%q,"household_type":"一般农户","group_name":"一组"}`, no, village)
				r := k.stationIn(s.db, rec, "record", "put", "household")
				if rng.IntN(4) == 0 {
					r.killAfter(time.Duration(rng.IntN(80)) * time.Millisecond)
				}
				if r.wait() == 0 {
					saved[no] = village
					if id := r.field("id"); id != "" {
						ids = append(ids, id)
					}
				}
			}
			// An edit of a household this station may hold: concurrent
			// edits between the township and its villages.
			if len(ids) > 0 {
				r := k.station(s.db, "record", "edit", ids[rng.IntN(len(ids))], "--set", fmt.Sprintf("group_name=%d组", 1+rng.IntN(9)))
				if rng.IntN(4) == 0 {
					r.killAfter(time.Duration(rng.IntN(80)) * time.Millisecond)
				}
				r.wait()
			}
			// A sync, sometimes killed mid-way.
			r := k.station(s.db, "sync", "--server", k.url)
			if rng.IntN(3) == 0 {
				r.killAfter(time.Duration(rng.IntN(300)) * time.Millisecond)
			}
			r.wait()
		}
		if rng.IntN(3) == 0 { // the county server dies mid-import
			var running []*proc
			for _, s := range stations {
				running = append(running, k.station(s.db, "sync", "--server", k.url).start())
			}
			time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond)
			k.killCounty()
			for _, r := range running {
				r.wait()
			}
			k.startCounty(t)
		}
	}
	// Quiet: every station syncs until nothing moves. An alarm (status 3)
	// may still come from the restore; the last pass must be plain.
	for pass := 0; pass < 4; pass++ {
		for _, s := range stations {
			r := k.station(s.db, "sync", "--server", k.url)
			if code := r.wait(); code != 0 && (code != 3 || pass == 3) {
				t.Fatalf("final sync %d of %s: status %d: %s", pass+1, s.name, code, r.stderr.String())
			}
		}
	}
	k.stopCounty()
	countyDump := func(scope string) []byte {
		return k.county("dump", "--scope", scope, "--unmasked").ok(t)
	}
	for _, s := range stations {
		mine := k.station(s.db, "dump", "--scope", s.scope, "--unmasked").ok(t)
		if !bytes.Equal(mine, countyDump(s.scope)) {
			os.WriteFile(filepath.Join(k.dir, s.scope+".station.json"), mine, 0o600)
			os.WriteFile(filepath.Join(k.dir, s.scope+".county.json"), countyDump(s.scope), 0o600)
			t.Errorf("%s and the county differ after the final syncs (dumps in %s)", s.name, k.dir)
		}
	}
	// The restored station was told.
	if out := k.station(stations[0].db, "alarms", "--all").ok(t); !bytes.Contains(out, []byte("旧备份")) {
		t.Errorf("the station restored in place raised no alarm: %s", out)
	}
	all := string(countyDump("130131"))
	for no := range saved {
		if !strings.Contains(all, no) {
			t.Errorf("household %s was saved (exit 0) but is not at the county", no)
		}
	}
	t.Logf("%d households saved, %d processes killed", len(saved), k.killed.Load())
}

type soakStation struct {
	scope, name, db string
}

// restoreInPlace is the finding of an old backup copied over a station's
// file by someone on another account: the station syncs (so what it saved
// is at the county), its oldest automatic copy is written over the file in
// place (the file keeps its identity), and from now on it runs with an
// empty config dir (no registry of issued numbers). Everything it had
// saved must come back from the county; what it saves afterwards must
// reach the county.
func (k *kit) restoreInPlace(t *testing.T, s *soakStation) {
	t.Helper()
	k.station(s.db, "sync", "--server", k.url).wait()
	k.station(s.db, "sync", "--server", k.url).ok(t)
	dir := filepath.Join(filepath.Dir(s.db), strings.TrimSuffix(filepath.Base(s.db), ".db")+"-备份")
	copies, _ := filepath.Glob(filepath.Join(dir, "*.db"))
	if len(copies) == 0 {
		t.Fatalf("no automatic backup of %s in %s", s.name, dir)
	}
	b, err := os.ReadFile(copies[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.db, b, 0o600); err != nil {
		t.Fatal(err)
	}
	k.envOf[s.db] = []string{"XDG_CONFIG_HOME=" + filepath.Join(k.dir, "other-account")}
}

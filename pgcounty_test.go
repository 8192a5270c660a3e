package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// TestBinaryTwoCountyServersOnPostgres runs the county as a city would:
// two cunzhan-county serve processes on one PostgreSQL database, stations
// (the real cunzhan binary, each on its own file) syncing with either at
// random, several at once, while one server is SIGKILLed in the middle of
// imports and started again. Afterwards every station's dump of its scope
// equals the county's, and every household saved is at the county.
func TestBinaryTwoCountyServersOnPostgres(t *testing.T) {
	needBinaries(t)
	url := pgtest.URL(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 11))
	k := newKit(t)
	k.countyLoc = []string{"--db", url, "--key", filepath.Join(k.dir, "county.key")}
	k.county("init", "--county", "130131", "--name", "平山县级中心").ok(t)
	stations := []*soakStation{
		{scope: "130131190201", name: "甲村服务点"},
		{scope: "130131190202", name: "乙村服务点"},
		{scope: "130131191201", name: "丙村服务点"},
		{scope: "130131190", name: "示例镇社会救助站"},
	}
	servers := []*countyServer{{addr: freeAddr(t)}, {addr: freeAddr(t)}}
	for _, s := range stations {
		cred := filepath.Join(k.dir, s.scope+".cred")
		k.county("enroll", "--scope", s.scope, "--name", s.name, "--out", cred, "--server", "http://"+servers[0].addr).ok(t)
		s.db = k.newStation(filepath.Join(k.dir, s.scope+".db"))
		k.station(s.db, "enroll", cred).ok(t)
	}
	for _, srv := range servers {
		srv.start(t, k)
		defer srv.stop()
	}
	saved := map[string]bool{}
	cut := 0 // syncs that ended badly because their server died
	for round := range 5 {
		for _, s := range stations {
			village := s.scope
			if len(village) < 12 {
				village = stations[rng.IntN(2)].scope
			}
			for i := range 4 {
				no := fmt.Sprintf("%s-P%d%d", village, round, i)
				rec := fmt.Sprintf(`{"household_no":%q,"village_code":%q,"household_type":"一般农户","group_name":"一组"}`, no, village)
				k.stationIn(s.db, rec, "record", "put", "household").ok(t)
				saved[no] = true
			}
		}
		// Every station syncs at once, each with either server; one
		// server dies in the middle of it and comes back.
		var running []*proc
		for _, s := range stations {
			srv := servers[rng.IntN(2)]
			running = append(running, k.station(s.db, "sync", "--server", "http://"+srv.addr).start())
		}
		victim := servers[rng.IntN(2)]
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		victim.kill(k)
		for _, r := range running {
			if r.wait() != 0 {
				cut++
			}
		}
		victim.start(t, k)
	}
	// Quiet: each station finishes with the other server than the one
	// last killed, then with both.
	for pass := range 3 {
		for i, s := range stations {
			srv := servers[(i+pass)%2]
			r := k.station(s.db, "sync", "--server", "http://"+srv.addr)
			if code := r.wait(); code != 0 {
				t.Fatalf("final sync %d of %s with %s: status %d: %s", pass+1, s.name, srv.addr, code, r.stderr.String())
			}
		}
	}
	for _, s := range stations {
		mine := k.station(s.db, "dump", "--scope", s.scope, "--unmasked").ok(t)
		theirs := k.county("dump", "--scope", s.scope, "--unmasked").ok(t)
		if !bytes.Equal(mine, theirs) {
			os.WriteFile(filepath.Join(k.dir, s.scope+".station.json"), mine, 0o600)
			os.WriteFile(filepath.Join(k.dir, s.scope+".county.json"), theirs, 0o600)
			t.Errorf("%s and the county differ after the final syncs (dumps in %s)", s.name, k.dir)
		}
	}
	all := string(k.county("dump", "--unmasked").ok(t))
	for no := range saved {
		if !strings.Contains(all, no) {
			t.Errorf("household %s was saved but is not at the county", no)
		}
	}
	t.Logf("%d households, %d server kills, %d syncs cut short by them", len(saved), k.killed.Load(), cut)
}

// countyServer is one cunzhan-county serve process of a county on
// PostgreSQL.
type countyServer struct {
	addr string
	p    *proc
}

func (c *countyServer) start(t *testing.T, k *kit) {
	t.Helper()
	c.p = k.county("serve", "--addr", c.addr).start()
	for range 200 {
		if conn, err := net.Dial("tcp", c.addr); err == nil {
			conn.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("county server on %s did not start: %s", c.addr, c.p.stderr.String())
}

func (c *countyServer) kill(k *kit) {
	if c.p != nil && c.p.cmd.Process.Signal(syscall.SIGKILL) == nil {
		k.killed.Add(1)
		<-c.p.done
		c.p = nil
	}
}

func (c *countyServer) stop() {
	if c.p != nil {
		c.p.cmd.Process.Signal(syscall.SIGTERM)
		<-c.p.done
		c.p = nil
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

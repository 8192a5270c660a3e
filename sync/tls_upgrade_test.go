package sync

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
)

// A station enrolled with an http:// address, before the county served
// HTTPS, is moved to HTTPS by its next sync: the offer comes inside the
// county's signed reply, the station pins the certificate, and from then
// on it syncs encrypted and refuses a server with another key.
func TestStationMovesToHTTPS(t *testing.T) {
	dir := t.TempDir()
	cs := openCountyStore(t, filepath.Join(dir, "county.db"), false)
	county, err := InitCounty(cs, "130131", "平山县级中心")
	if err != nil {
		t.Fatal(err)
	}
	cert, _, err := county.Certificate()
	if err != nil {
		t.Fatal(err)
	}
	if err := county.ServeTLS(cert); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var overTLS, plain atomic.Int32
	h := county.Handler(nil, "")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			overTLS.Add(1)
		} else {
			plain.Add(1)
		}
		h.ServeHTTP(w, r)
	})}
	go srv.Serve(MixedListener(ln, TLSConfig(cert)))
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()

	cred, err := county.EnrolStation("130131190201", "甲村服务点", "http://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	if cred.Pin != "" {
		t.Errorf("an http:// credential carries a pin")
	}
	b, _ := json.Marshal(cred)
	ss := openStore(t, filepath.Join(dir, "jia.db"))
	if _, err := Enrol(ss, b); err != nil {
		t.Fatal(err)
	}
	st, _ := Open(ss)
	client := &Client{Retries: 1, Backoff: time.Millisecond}
	res, err := st.Sync(context.Background(), "", client, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.MovedTo != "https://"+addr || st.Server() != "https://"+addr || !strings.Contains(res.Summary(), "加密连接") {
		t.Fatalf("after the first sync: moved to %q, server %q", res.MovedTo, st.Server())
	}
	if plain.Load() == 0 || overTLS.Load() != 0 {
		t.Fatalf("first sync: %d plain, %d TLS requests", plain.Load(), overTLS.Load())
	}
	// The move is in the station's file: a restart keeps it.
	st, _ = Open(ss)
	if st.Server() != "https://"+addr {
		t.Fatalf("after reopening: %q", st.Server())
	}
	household(t, st, "130131190201-001", "130131190201")
	before := plain.Load()
	if _, err := st.Sync(context.Background(), "", client, nil); err != nil {
		t.Fatalf("sync over HTTPS: %v", err)
	}
	if overTLS.Load() == 0 || plain.Load() != before {
		t.Fatalf("second sync: %d plain, %d TLS requests", plain.Load()-before, overTLS.Load())
	}
	if got := dumpScope(t, cs, "130131190201"); !strings.Contains(string(got), "130131190201-001") {
		t.Errorf("the household did not arrive over HTTPS")
	}

	// A server presenting another key on that address is refused, and
	// nothing is sent to it.
	err = ss.Update(func(t2 *store.WriteTx) error {
		self, err := t2.SyncBucket(bucketSelf)
		if err != nil {
			return err
		}
		return putJSON(self, keyServerTLS, &TLSOffer{URL: "https://" + addr, Pin: strings.Repeat("ab", 32)})
	})
	if err != nil {
		t.Fatal(err)
	}
	st, _ = Open(ss)
	household(t, st, "130131190201-002", "130131190201")
	tlsBefore := overTLS.Load()
	_, err = st.Sync(context.Background(), "", client, nil)
	if err == nil || !strings.Contains(store.MessageOf(err), "证书") {
		t.Fatalf("a wrong pin: %v", err)
	}
	if overTLS.Load() != tlsBefore {
		t.Errorf("a request reached the server past a wrong pin")
	}
}

// Offers are made only where they can be used, and checked where they
// arrive.
func TestTLSOfferRules(t *testing.T) {
	n := &Node{role: RoleCounty, pin: strings.Repeat("0f", 32)}
	if n.offerFor(&PeerState{}, "10.0.0.2:8787") != nil {
		t.Error("offered to a station whose program does not know offers")
	}
	if o := n.offerFor(&PeerState{Program: Program}, "10.0.0.2:8787"); o == nil || o.URL != "https://10.0.0.2:8787" {
		t.Errorf("offer: %+v", o)
	}
	for _, o := range []TLSOffer{
		{URL: "http://10.0.0.2:8787", Pin: n.pin},
		{URL: "https://10.0.0.2:8787/x", Pin: n.pin},
		{URL: "https://u@10.0.0.2:8787", Pin: n.pin},
		{URL: "https://10.0.0.2:8787", Pin: "abc"},
		{URL: "https://", Pin: n.pin},
	} {
		if o.valid() {
			t.Errorf("accepted %+v", o)
		}
	}
}

// The county centre's own desktop station holds the whole county: it is
// enrolled with the county's code and receives every village's records.
func TestCountyDesktopStation(t *testing.T) {
	w := newWorld(t)
	jia := w.station("130131190201", "甲村服务点")
	desk := w.station("130131", "县中心桌面站")
	if code := desk.s.Station().Code; code != "130131000000-02" {
		t.Fatalf("desktop station code %s", code)
	}
	household(t, jia, "130131190201-001", "130131190201")
	w.sync(jia)
	w.built()
	w.sync(desk)
	if got := dumpScope(t, desk.s, "130131190201"); !strings.Contains(string(got), "130131190201-001") {
		t.Errorf("the desktop station lacks 甲村's household")
	}
	household(t, desk, "130131290201-001", "130131290201")
	w.sync(desk)
	w.built()
	bing := w.station("130131290201", "丙村服务点")
	w.sync(bing)
	if got := dumpScope(t, bing.s, "130131290201"); !strings.Contains(string(got), "130131290201-001") {
		t.Errorf("丙村 lacks what the county desk entered for it")
	}
}

// The county keeps the outcome of comparing a station's checksums, for
// the stations page.
func TestCountyNotesChecksums(t *testing.T) {
	w := newWorld(t)
	jia := w.station("130131190201", "甲村服务点")
	household(t, jia, "130131190201-001", "130131190201")
	w.sync(jia)
	w.built()
	w.sync(jia) // acknowledges what came back; both now hold the same
	w.built()
	w.sync(jia)
	p, err := w.county.Peer(jia.ID())
	if err != nil {
		t.Fatal(err)
	}
	if p.SumsAgree == nil || !*p.SumsAgree || p.SumsAt == "" || p.Program != Program {
		t.Fatalf("peer after syncs: agree %v at %q, program %q", p.SumsAgree, p.SumsAt, p.Program)
	}
}

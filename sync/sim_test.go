package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

var simSeeds = flag.Int("sim.seeds", 0, "seeds for TestSimulation (0: 200, or 20 with -short)")

// TestSimulation runs seeded random histories of a county, two village
// stations, a township station and a village station restored from an old
// copy, syncing over a real HTTP server on loopback and by bundle files,
// with every fault the protocol must survive. After healing, every replica
// agrees with the county on its scope, nothing committed is missing,
// concurrent edits are on the review lists, and every refused input
// changed nothing. `make soak` runs thousands of seeds.
func TestSimulation(t *testing.T) {
	seeds := *simSeeds
	if seeds == 0 {
		seeds = 200
		if testing.Short() {
			seeds = 20
		}
	}
	var stats simStats
	for seed := 1; seed <= seeds; seed++ {
		seed := uint64(seed)
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runSim(t, seed, &stats) })
	}
	t.Logf("%+v", stats)
	if seeds >= 20 && (stats.conflicts == 0 || stats.refused == 0 || stats.restores == 0 || stats.crashes == 0 || stats.lostResponses == 0) {
		t.Fatalf("the simulation did not exercise everything: %+v", stats)
	}
}

type simStats struct {
	conflicts, refused, restores, crashes, lostResponses, replays, usb, http int
}

type simStation struct {
	n                    *Node
	path                 string
	scope                string
	backup               string   // path of an old copy of the database
	restore              bool     // this one is restored from its backup once
	toCounty, fromCounty [][]byte // bundles on the stick
	forms                map[uuid.UUID]*store.Household
	origins              map[store.OriginID]bool
	oldOrigin            store.OriginID // before the restore
}

// flaky drops the response of the next request after the server handled it.
type flaky struct {
	rt   http.RoundTripper
	drop bool
	hits *int
}

func (f *flaky) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := f.rt.RoundTrip(r)
	if err == nil && f.drop {
		f.drop = false
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		*f.hits++
		return nil, errors.New("connection reset by peer (simulated after the server applied)")
	}
	return resp, err
}

func runSim(t *testing.T, seed uint64, stats *simStats) {
	rng := rand.New(rand.NewPCG(seed, 99))
	// Odd seeds run a county of the national suite, even ones today's:
	// both go through every fault.
	suite := crypt.Suites[seed%2]
	w := newWorldWith(t, pgtest.OnPostgres(), suite)
	if got := w.county.me.Suite; suiteName(suite) != got {
		t.Fatalf("county keys of suite %q, want %q", got, suite)
	}
	mk := func(scope, name string, restore bool) *simStation {
		n := w.station(scope, name)
		return &simStation{n: n, path: n.s.Path(), scope: scope, restore: restore, forms: map[uuid.UUID]*store.Household{}, origins: map[store.OriginID]bool{n.s.Origin(): true}}
	}
	a := mk("130131190201", "甲村服务点", true)
	b := mk("130131190202", "乙村服务点", false)
	town := mk("130131190", "示例镇工作站", false)
	stations := []*simStation{a, b, town}
	revoked := mk("130131290201", "丙村服务点", false)
	ft := &flaky{rt: http.DefaultTransport, hits: &stats.lostResponses}
	client := &Client{HTTP: &http.Client{Transport: ft, Timeout: 30 * time.Second}, Retries: 3, Backoff: time.Millisecond}
	syncHTTP := func(s *simStation) {
		if _, err := s.n.Sync(context.Background(), "", client, nil); err != nil {
			t.Fatalf("http sync %s: %v", s.scope, err)
		}
		stats.http++
	}
	for _, s := range []*simStation{a, b} {
		for k := 0; k < 2; k++ {
			household(t, s.n, fmt.Sprintf("%s-%d", s.scope, k), s.scope)
		}
	}
	for _, s := range append(stations, revoked) {
		syncHTTP(s)
	}
	syncHTTP(a)
	syncHTTP(b)
	// The old copy the restored station will be put back from.
	a.backup = filepath.Join(w.dir, "a-backup.db")
	copyFile(t, a.path, a.backup)

	var delivered []delivery // for replays
	restoreAt := 10 + rng.IntN(30)
	for step := 0; step < 60; step++ {
		simStep(t, rng, w, stations, stats, ft, syncHTTP, &delivered)
		if step == restoreAt {
			old := a.n
			restoreStation(t, a)
			stats.restores++
			kept := delivered[:0]
			for _, d := range delivered {
				if d.to != old {
					kept = append(kept, d)
				}
			}
			delivered = kept
		}
		if step == 30 {
			revokeAndTry(t, rng, w, revoked, stats)
		}
		checkAcks(t, w, stations)
	}
	// Heal: deliver what is on the sticks, then sync everyone until quiet.
	for _, s := range stations {
		for _, bundle := range s.toCounty {
			res, err := w.county.Import(bundle)
			if err != nil {
				t.Fatalf("heal county import: %v", err)
			}
			_ = res
		}
		for _, bundle := range s.fromCounty {
			if _, err := s.n.Import(bundle); err != nil {
				t.Fatalf("heal station import: %v", err)
			}
		}
		s.toCounty, s.fromCounty = nil, nil
	}
	for round := 0; round < 2; round++ {
		for _, s := range stations {
			syncHTTP(s)
		}
	}
	// Now nothing is in flight: once the county has built what it
	// appended, a sync ends with both sides holding the same changes, and
	// the per-scope checksums must agree.
	w.built()
	for _, s := range stations {
		res, err := s.n.Sync(context.Background(), "", &Client{Retries: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.ChecksumsMatch == nil || !*res.ChecksumsMatch {
			t.Fatalf("%s: checksums after healing: %v %v", s.scope, res.ChecksumsMatch, res.Warnings)
		}
	}
	checkHealed(t, w, stations, stats)
}

// simStep does one random thing: an edit, a sync over HTTP, an export to a
// stick, a delivery (possibly faulty) at the county or a station, a replay
// of an old bundle, or a conflict resolution.
func simStep(t *testing.T, rng *rand.Rand, w *world, stations []*simStation, stats *simStats, ft *flaky, syncHTTP func(*simStation), delivered *[]delivery) {
	s := stations[rng.IntN(len(stations))]
	switch op := rng.IntN(100); {
	case op < 35:
		edit(t, rng, s)
	case op < 50:
		if rng.IntN(3) == 0 {
			ft.drop = true
		}
		syncHTTP(s)
	case op < 60:
		out, err := s.n.Outgoing(s.n.CountyID(), 0)
		if err != nil {
			t.Fatal(err)
		}
		s.toCounty = append(s.toCounty, out...)
		stats.usb++
	case op < 75:
		if len(s.toCounty) > 0 {
			i := rng.IntN(len(s.toCounty))
			bundle := s.toCounty[i]
			if rng.IntN(6) == 0 {
				// A crash between two chunks of the county's import.
				w.county.chunk = 1
				w.county.failAfterChunk = func(k int) error {
					if k == 0 {
						return errors.New("simulated crash")
					}
					return nil
				}
				if _, err := w.county.Import(bundle); err != nil {
					stats.crashes++
				}
				w.county.chunk, w.county.failAfterChunk = store.ApplyChunk, nil
				return // the bundle stays on the stick
			}
			if faulty(t, rng, w, w.county, bundle, stations, stats) {
				return
			}
			s.toCounty = append(s.toCounty[:i], s.toCounty[i+1:]...)
			if rng.IntN(8) == 0 {
				return // the stick was lost
			}
			res, err := w.county.Import(bundle)
			if err != nil {
				t.Fatalf("county import: %v", err)
			}
			*delivered = append(*delivered, delivery{w.county, bundle})
			reply, err := w.county.Outgoing(res.From, 0)
			if err != nil {
				t.Fatal(err)
			}
			s.fromCounty = append(s.fromCounty, reply...)
		}
	case op < 88:
		if len(s.fromCounty) > 0 {
			i := rng.IntN(len(s.fromCounty))
			bundle := s.fromCounty[i]
			if faulty(t, rng, w, s.n, bundle, stations, stats) {
				return
			}
			if rng.IntN(4) != 0 {
				s.fromCounty = append(s.fromCounty[:i], s.fromCounty[i+1:]...)
			}
			if _, err := s.n.Import(bundle); err != nil {
				t.Fatalf("station import: %v", err)
			}
			*delivered = append(*delivered, delivery{s.n, bundle})
		}
	case op < 93:
		if len(*delivered) > 0 {
			d := (*delivered)[rng.IntN(len(*delivered))]
			before := snapshot(t, d.to)
			res, err := d.to.Import(d.data)
			if err != nil || !res.Replayed {
				t.Fatalf("replay: %+v %v", res, err)
			}
			if !bytes.Equal(before, snapshot(t, d.to)) {
				t.Fatal("replaying an old bundle changed the state")
			}
			stats.replays++
		}
	default:
		resolve(t, rng, s)
	}
}

type delivery struct {
	to   *Node
	data []byte
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// snapshot is everything an import could change: the full state and the
// sync buckets.
func snapshot(t *testing.T, n *Node) []byte {
	var b bytes.Buffer
	if err := n.s.Dump(&b, true); err != nil {
		t.Fatal(err)
	}
	n.s.View(func(r *store.Reader) error {
		for _, name := range []string{bucketPeers, bucketOrigins, bucketStationAudit} {
			if bk := r.SyncBucket(name); bk != nil {
				bk.ForEach(func(k, v []byte) error {
					var p PeerState
					if json.Unmarshal(v, &p) == nil {
						p.LastSync, p.LastResult = "", "" // the time and note of an attempt are not state
						v, _ = json.Marshal(p)
					}
					b.Write(k)
					b.Write(v)
					return nil
				})
			}
		}
		return nil
	})
	return b.Bytes()
}

// faulty sometimes damages a bundle in transit or hands it to the wrong
// party; the import must refuse it and change nothing. It reports whether
// it used the bundle up this way.
func faulty(t *testing.T, rng *rand.Rand, w *world, to *Node, bundle []byte, stations []*simStation, stats *simStats) bool {
	var bad []byte
	target := to
	want := ""
	switch rng.IntN(10) {
	case 0:
		bad = append([]byte(nil), bundle[:rng.IntN(len(bundle))]...)
	case 1:
		bad = append([]byte(nil), bundle...)
		i := rng.IntN(len(bad))
		bad[i] ^= 1 << rng.IntN(8)
	case 2:
		// Carried to a station it was not meant for.
		bad = bundle
		target = stations[rng.IntN(len(stations))].n
		if target == to {
			target = w.county
		}
		want = CodeWrongTo
	default:
		return false
	}
	before := snapshot(t, target)
	_, err := target.Import(bad)
	if err == nil {
		t.Fatalf("a damaged or misdirected bundle was accepted")
	}
	if want != "" && store.CodeOf(err) != want && !(target == w.county && store.CodeOf(err) == CodeWrongTo) {
		t.Fatalf("misdirected bundle: %v", err)
	}
	if !bytes.Equal(before, snapshot(t, target)) {
		t.Fatalf("a refused bundle (%s) changed the state", store.CodeOf(err))
	}
	stats.refused++
	return true
}

func edit(t *testing.T, rng *rand.Rand, s *simStation) {
	var ids []uuid.UUID
	s.n.s.View(func(r *store.Reader) error {
		return r.EachID(store.KindHousehold, s.scope, func(id uuid.UUID, _ string) error { ids = append(ids, id); return nil })
	})
	if len(ids) == 0 || rng.IntN(8) == 0 {
		village := s.scope
		if len(village) == 9 {
			village += []string{"201", "202"}[rng.IntN(2)]
		}
		household(t, s.n, fmt.Sprintf("%s-%s", village, uuid.NewString()[:8]), village)
		return
	}
	id := ids[rng.IntN(len(ids))]
	h := s.forms[id]
	delete(s.forms, id)
	if h == nil || rng.IntN(2) == 0 {
		var err error
		if h, err = store.GetAs[*store.Household](s.n.s, id); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(3) == 0 {
			s.forms[id] = h // keep the form open; save it later
			return
		}
	}
	switch rng.IntN(10) {
	case 0:
		if err := s.n.s.Delete(h, "删除"); err != nil && store.CodeOf(err) != "HAS_DEPENDENTS" {
			t.Fatal(err)
		}
		return
	case 1, 2, 3:
		h.GroupName = fmt.Sprintf("%d组", rng.IntN(6)+1)
	case 4, 5, 6:
		h.Address = fmt.Sprintf("%d号", rng.IntN(50))
	default:
		h.IncomePerCapitaFen = int64(rng.IntN(10000)) * 100
	}
	if _, err := s.n.s.Save(h, s.scope); err != nil && store.CodeOf(err) != store.CodeDeleted {
		t.Fatal(err)
	}
}

func resolve(t *testing.T, rng *rand.Rand, s *simStation) {
	var cs []store.Conflict
	s.n.s.View(func(r *store.Reader) error { cs, _ = r.Conflicts(s.scope); return nil })
	if len(cs) == 0 {
		return
	}
	c := cs[rng.IntN(len(cs))]
	v := c.Siblings[rng.IntN(len(c.Siblings))].Value
	if err := s.n.s.Resolve(c.ID, c.Field, v, "审核"); err != nil {
		t.Fatalf("resolve: %v", err)
	}
}

// restoreStation puts the station's old copy back in place: a new file
// (another inode), so the store mints a new origin on open.
func restoreStation(t *testing.T, s *simStation) {
	s.oldOrigin = s.n.s.Origin()
	s.n.s.Close()
	tmp := s.path + ".restoring"
	copyFile(t, s.backup, tmp)
	if err := os.Rename(tmp, s.path); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(s.path, &store.Options{RegistryDir: "-"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealForTest(t, st, s.path)
	if st.Origin() == s.oldOrigin {
		t.Fatal("the restored file kept its origin")
	}
	if s.n, err = Open(st); err != nil {
		t.Fatal(err)
	}
	s.origins[st.Origin()] = true
	s.forms = map[uuid.UUID]*store.Household{}
	s.toCounty, s.fromCounty = nil, nil // the stick went with the old copy's time
}

// revokeAndTry revokes a station and checks its next bundle is refused, as
// is one signed by a key the county never issued.
func revokeAndTry(t *testing.T, rng *rand.Rand, w *world, s *simStation, stats *simStats) {
	household(t, s.n, "130131290201-R1", "130131290201")
	out, err := s.n.Outgoing(s.n.CountyID(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.county.Revoke(s.n.s.Station().Code); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, w.county)
	if _, err := w.county.Import(out[0]); store.CodeOf(err) != CodeRevoked {
		t.Fatalf("revoked station's bundle: %v", err)
	}
	stranger, _ := NewIdentity("station:" + uuid.NewString())
	fake, err := seal(&Header{ID: uuid.NewString(), From: stranger.ID, To: w.county.ID(), Have: map[string]uint64{}}, &Entries{}, stranger, w.county.county.Keys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.county.Import(fake); store.CodeOf(err) != CodeUnknownSender {
		t.Fatalf("unknown key: %v", err)
	}
	if !bytes.Equal(before, snapshot(t, w.county)) {
		t.Fatal("refused bundles changed the county")
	}
	stats.refused += 2
}

// checkAcks: what a station believes the county holds never exceeds what the
// county durably holds, and the county's belief about a station that was
// never restored never exceeds what that station holds.
func checkAcks(t *testing.T, w *world, stations []*simStation) {
	countyHave, _ := w.county.s.Have()
	for _, s := range stations {
		p, _ := s.n.Peer(s.n.CountyID())
		for o, seq := range p.Acked {
			oid, _ := store.ParseOrigin(o)
			if seq > countyHave[oid] {
				t.Fatalf("%s believes the county holds %s:%d, the county has %d", s.scope, oid.Short(), seq, countyHave[oid])
			}
		}
		if s.restore {
			continue
		}
		cp, _ := w.county.Peer(s.n.ID())
		have, _ := s.n.s.Have()
		for o, seq := range cp.Acked {
			oid, _ := store.ParseOrigin(o)
			if seq > have[oid] {
				t.Fatalf("the county believes %s holds %s:%d, it has %d", s.scope, oid.Short(), seq, have[oid])
			}
		}
	}
}

func checkHealed(t *testing.T, w *world, stations []*simStation, stats *simStats) {
	countyHave, _ := w.county.s.Have()
	for _, s := range stations {
		if !bytes.Equal(dumpScope(t, s.n.s, s.scope), dumpScope(t, w.county.s, s.scope)) {
			t.Fatalf("%s does not agree with the county on its scope after healing", s.scope)
		}
		have, _ := s.n.s.Have()
		for o := range s.origins {
			if have[o] != countyHave[o] {
				t.Fatalf("%s: own origin %s at %d, the county has %d", s.scope, o.Short(), have[o], countyHave[o])
			}
		}
		for o, seq := range countyHave {
			if have[o] != seq {
				t.Fatalf("%s holds %s up to %d, the county %d", s.scope, o.Short(), have[o], seq)
			}
		}
		var pending int
		s.n.s.View(func(r *store.Reader) error {
			cs, _ := r.Conflicts(s.scope)
			stats.conflicts += len(cs)
			return nil
		})
		_ = pending
	}
	// Nothing committed is missing: every value in the county's log is
	// current, a sibling, or was replaced by a write that had seen it.
	for o, upto := range countyHave {
		cs, err := w.county.s.Changes(o, 0, upto)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			var st *store.RecordState
			w.county.s.View(func(r *store.Reader) error { st, _ = r.State(c.Record); return nil })
			if st == nil {
				t.Fatalf("record of %s missing at the county", c.Dot())
			}
			for _, f := range c.Fields {
				reg := st.Register(f.Name)
				present := false
				for _, v := range reg.Versions {
					present = present || v.Dot == c.Dot() && bytes.Equal(v.Value, f.Value)
				}
				if !present && !reg.Cover.Covers(c.Dot()) {
					t.Fatalf("write %s to %s lost", c.Dot(), f.Name)
				}
			}
		}
	}
}

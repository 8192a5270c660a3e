package sync

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/demo"
)

// villageChanges makes n person records of a village as one origin would
// have written them, with the values of the demonstration data set scaled
// to 100,000 people (names, sexes, births, identifiers, education,
// relations, statuses as they vary in a real county): identical values
// everywhere would flatter the bytes on the wire.
func villageChanges(tb testing.TB, origin store.OriginID, village string, n int) []*store.Change {
	people := realisticPeople(tb)
	out := make([]*store.Change, n)
	hlc := store.MakeHLC(time.Date(2025, 11, 1, 8, 0, 0, 0, store.ChinaTZ).UnixMilli(), 0)
	var household uuid.UUID
	for i := range out {
		if i%4 == 0 {
			household = uuid.Must(uuid.NewV7())
		}
		src := people[i%len(people)]
		fields := make([]store.Field, 0, len(src))
		for _, f := range src {
			if f.Name == "household_id" {
				f.Value = []byte(`"` + household.String() + `"`)
			}
			fields = append(fields, f)
		}
		out[i] = &store.Change{Origin: origin, Seq: uint64(i + 1), HLC: hlc + store.HLC(i), Scope: village, Kind: store.KindPerson,
			Record: uuid.Must(uuid.NewV7()), Author: "录入员", Schema: store.SchemaVersion, Fields: fields}
	}
	return out
}

// realisticPeople are the field sets the demonstration generator writes
// when it creates 100,000 people (generated once per run, about a minute).
var realistic struct {
	once   stdsync.Once
	people [][]store.Field
}

func realisticPeople(tb testing.TB) [][]store.Field {
	realistic.once.Do(func() {
		dir, err := os.MkdirTemp("", "cunzhan-bench-")
		if err != nil {
			tb.Fatal(err)
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "demo.db")
		if _, err := demo.Generate(path, demo.Options{Seed: 1, People: 100_000, Store: &store.Options{RegistryDir: "-"}}); err != nil {
			tb.Fatal(err)
		}
		s, err := store.Open(path, &store.Options{RegistryDir: "-", ReadOnly: true})
		if err == nil {
			err = demo.Login(s)
		}
		if err != nil {
			tb.Fatal(err)
		}
		defer s.Close()
		have, _ := s.Have()
		s.View(func(r *store.Reader) error {
			for o, upto := range have {
				r.EachLogged(o, 0, upto, func(le store.LogEntry) error {
					if c := le.Change; c != nil && c.Kind == store.KindPerson && len(c.Fields) > 5 {
						// Copied: the change's bytes live in the file's
						// memory map, gone once the store is closed.
						fs := make([]store.Field, len(c.Fields))
						for i, f := range c.Fields {
							fs[i] = store.Field{Name: strings.Clone(f.Name), Value: bytes.Clone(f.Value)}
						}
						realistic.people = append(realistic.people, fs)
					}
					return nil
				})
			}
			return nil
		})
	})
	if len(realistic.people) == 0 {
		tb.Fatal("no people in the demonstration data set")
	}
	return realistic.people
}

// BenchmarkExportImport100k: the county holds 100,000 changes of a
// village; its station receives them all. Export is the county building
// the bundles; import is the station checking and applying them. In the
// same run a raw bbolt bulk put of the same log keys and values gives the
// ratio.
func BenchmarkExportImport100k(b *testing.B) {
	const n = 100_000
	var exportTime, importTime, rawTime time.Duration
	var bytesOut int
	for i := 0; i < b.N; i++ {
		w := newWorld(b)
		a := w.station("130131190201", "甲村服务点")
		origin := store.OriginID(uuid.New())
		changes := villageChanges(b, origin, "130131190201", n)
		if _, err := w.county.s.Apply(changes); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		bundles, err := w.county.Outgoing(a.ID(), 0)
		exportTime += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		applied := 0
		for _, bu := range bundles {
			bytesOut += len(bu)
			res, err := a.Import(bu)
			if err != nil {
				b.Fatal(err)
			}
			applied += res.Applied
		}
		importTime += time.Since(start)
		if applied < n {
			b.Fatalf("applied %d of %d", applied, n)
		}
		rawTime += rawLogPut(b, filepath.Join(w.dir, "raw.db"), changes)
	}
	rate := func(d time.Duration) float64 { return float64(n*b.N) / d.Seconds() }
	b.ReportMetric(rate(exportTime), "export-changes/s")
	b.ReportMetric(rate(importTime), "import-changes/s")
	b.ReportMetric(rate(importTime)/rate(rawTime), "import-ratio-raw")
	b.ReportMetric(float64(bytesOut)/float64(n*b.N), "wire-B/change")
}

func rawLogPut(b *testing.B, path string, changes []*store.Change) time.Duration {
	db, err := bolt.Open(path, 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	enc := make([][]byte, len(changes))
	for i, c := range changes {
		enc[i] = store.EncodeChange(c)
	}
	start := time.Now()
	for lo := 0; lo < len(changes); lo += store.ApplyChunk {
		hi := min(lo+store.ApplyChunk, len(changes))
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("log"))
			if err != nil {
				return err
			}
			bk.FillPercent = 0.9
			for j := lo; j < hi; j++ {
				k := make([]byte, 24)
				copy(k, changes[j].Origin[:])
				binary.BigEndian.PutUint64(k[16:], changes[j].Seq)
				if err := bk.Put(k, enc[j]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkBytesPerEdit: a station edits one plain field of 1,000
// households; the marginal size of the bundle per edit is what an edit
// costs on the wire (the bundle's fixed part divided out).
func BenchmarkBytesPerEdit(b *testing.B) {
	for i := 0; i < b.N; i++ {
		w := newWorld(b)
		a := w.station("130131190201", "甲村服务点")
		var ids []uuid.UUID
		err := a.s.Batch(func(bt *store.Batch) error {
			for k := 0; k < 1000; k++ {
				h := &store.Household{HouseholdNo: fmt.Sprintf("130131190201-E%04d", k), VillageCode: "130131190201", HouseholdType: "一般农户", GroupName: "一组"}
				if _, err := bt.Create(h, "录入员"); err != nil {
					return err
				}
				ids = append(ids, h.ID)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		w.sync(a)
		empty, _ := a.Outgoing(a.CountyID(), 0)
		err = a.s.Batch(func(bt *store.Batch) error {
			for k, id := range ids {
				e, err := bt.Reader().Get(id)
				if err != nil {
					return err
				}
				e.(*store.Household).GroupName = fmt.Sprintf("%d组", k%9+2)
				if _, err := bt.Save(e, "录入员"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		edits, _ := a.Outgoing(a.CountyID(), 0)
		b.ReportMetric(float64(len(edits[0])-len(empty[0]))/1000, "B/edit")
	}
}

// BenchmarkIncrementalSync: a station's sync of 100 edits against a county
// holding 1,000,000 changes of another village, and against an empty
// county, in the same run. Cost should follow the changes, not the
// database.
func BenchmarkIncrementalSync(b *testing.B) {
	measure := func(background int) time.Duration {
		w := newWorld(b)
		if background > 0 {
			other := store.OriginID(uuid.New())
			if _, err := w.county.s.Apply(villageChanges(b, other, "130131190202", background)); err != nil {
				b.Fatal(err)
			}
		}
		a := w.station("130131190201", "甲村服务点")
		h := household(b, a, "130131190201-I1", "130131190201")
		w.sync(a) // catch up once: the skip over the other village
		var total time.Duration
		for round := 0; round < 5; round++ {
			err := a.s.Batch(func(bt *store.Batch) error {
				for k := 0; k < 100; k++ {
					e, _ := bt.Reader().Get(h.ID)
					e.(*store.Household).GroupName = fmt.Sprintf("%d组", (round*100+k)%9+1)
					if _, err := bt.Save(e, "录入员"); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			w.sync(a)
			total += time.Since(start)
		}
		return total / 5
	}
	for i := 0; i < b.N; i++ {
		empty := measure(0)
		big := measure(1_000_000)
		b.ReportMetric(float64(empty.Microseconds())/1000, "empty-ms")
		b.ReportMetric(float64(big.Microseconds())/1000, "1M-ms")
		b.ReportMetric(float64(big)/float64(empty), "ratio")
	}
}

// BenchmarkCountyUnderLoad: 200 stations sync with the county server at
// once over loopback, each sending 20 new records; nothing may fail or go
// missing. Reports the latency of the syncs.
func BenchmarkCountyUnderLoad(b *testing.B) {
	const stations = 200
	for i := 0; i < b.N; i++ {
		w := newWorld(b)
		nodes := stationsWithNews(b, w, stations, func(k int) string { return fmt.Sprintf("130131190%03d", 201+k) })
		r := syncAtOnce(w, nodes, func(int) string { return "" }, 5*time.Minute)
		for k, err := range r.errs {
			if err != nil {
				b.Fatalf("station %d: %v", k, err)
			}
		}
		if r.lost > 0 {
			b.Fatalf("county lacks changes of %d stations", r.lost)
		}
		r.report(b)
	}
}

// atOnce is what a crowd of stations syncing at the same moment met.
type atOnce struct {
	lat  []time.Duration // sorted
	errs []error         // by station
	wall time.Duration
	lost int // stations whose own changes the county lacks afterwards
}

// syncAtOnce has every node sync at the same moment with the server
// serverFor(k) names ("" its own), over loopback HTTP.
func syncAtOnce(w *world, nodes []*Node, serverFor func(k int) string, timeout time.Duration) atOnce {
	client := &Client{HTTP: &http.Client{Timeout: timeout, Transport: &http.Transport{MaxIdleConnsPerHost: len(nodes)}}, Retries: 1}
	r := atOnce{lat: make([]time.Duration, len(nodes)), errs: make([]error, len(nodes))}
	var wg stdsync.WaitGroup
	start := time.Now()
	for k, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			_, r.errs[k] = n.Sync(context.Background(), serverFor(k), client, nil)
			r.lat[k] = time.Since(t0)
		}()
	}
	wg.Wait()
	r.wall = time.Since(start)
	have, _ := w.county.s.Have()
	for _, n := range nodes {
		own, _ := n.s.Have()
		if have[n.s.Origin()] != own[n.s.Origin()] {
			r.lost++
		}
	}
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	return r
}

func (r atOnce) report(b *testing.B) {
	n := len(r.lat)
	b.ReportMetric(float64(r.lat[n/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(r.lat[n*99/100].Milliseconds()), "p99-ms")
	b.ReportMetric(float64(r.wall.Milliseconds()), "all-ms")
}

// stationsWithNews enrols n stations of the villages village(k) gives,
// each with 20 new households not yet synced.
func stationsWithNews(b *testing.B, w *world, n int, village func(k int) string) []*Node {
	var nodes []*Node
	for k := 0; k < n; k++ {
		v := village(k)
		node := w.station(v, fmt.Sprintf("站%d", k))
		err := node.s.Batch(func(bt *store.Batch) error {
			for j := 0; j < 20; j++ {
				h := &store.Household{HouseholdNo: fmt.Sprintf("%s-%02d", v, j), VillageCode: v, HouseholdType: "一般农户"}
				if _, err := bt.Create(h, "录入员"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		nodes = append(nodes, node)
	}
	return nodes
}

// BenchmarkFullReplicationHTTP: a new station receives 100,000 records of
// its village from the county over loopback HTTP, signed, encrypted and
// verified, in size-capped rounds. The figure to compare with the
// PouchDB/CouchDB replication of DESIGN.md (about 38 s).
func BenchmarkFullReplicationHTTP(b *testing.B) {
	const n = 100_000
	for i := 0; i < b.N; i++ {
		w := newWorld(b)
		if _, err := w.county.s.Apply(villageChanges(b, store.OriginID(uuid.New()), "130131190201", n)); err != nil {
			b.Fatal(err)
		}
		a := w.station("130131190201", "甲村服务点")
		start := time.Now()
		res := w.sync(a)
		d := time.Since(start)
		if res.Received.Applied < n {
			b.Fatalf("received %d of %d", res.Received.Applied, n)
		}
		b.ReportMetric(d.Seconds(), "s")
		b.ReportMetric(float64(n)/d.Seconds(), "records/s")
		b.ReportMetric(float64(res.Round), "rounds")
	}
}

// BenchmarkStationToCounty: a station that has written 100,000 realistic
// people in 40,000 households replicates to an empty county over loopback
// HTTP, signed, encrypted and verified, in size-capped rounds, until the
// county has acknowledged everything. The county appends what it receives
// and builds the records' states after the last round (reported apart:
// build-s). The issue that asked for it measured PouchDB at about 38 s
// for the same station and set the aim at 30x that (≤ 1.3 s here).
func BenchmarkStationToCounty(b *testing.B) {
	const people = 100_000
	for i := 0; i < b.N; i++ {
		w := newWorld(b)
		a := w.station("130131190201", "甲村服务点")
		origin := a.s.Origin()
		have, err := a.s.Have()
		if err != nil {
			b.Fatal(err)
		}
		changes := stationWrites(b, origin, have[origin], "130131190201", people)
		// The station's own writes, put in directly rather than through
		// 140,000 forms (the same log entries and states).
		if _, err := a.s.Apply(changes); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res := w.sync(a)
		d := time.Since(start)
		got, err := w.county.s.Have()
		if err != nil || got[origin] != have[origin]+uint64(len(changes)) {
			b.Fatalf("county holds %d of the station's %d changes (%v)", got[origin], have[origin]+uint64(len(changes)), err)
		}
		start = time.Now()
		// What the server has not built in the background yet.
		if _, err := w.county.s.CatchUp(); err != nil {
			b.Fatal(err)
		}
		build := time.Since(start)
		b.ReportMetric(d.Seconds(), "s")
		b.ReportMetric(float64(len(changes))/d.Seconds(), "changes/s")
		b.ReportMetric(float64(res.Round), "rounds")
		b.ReportMetric(build.Seconds(), "build-s")
		b.ReportMetric(float64(len(changes)), "changes")
	}
}

// stationWrites are a village station's own changes after seq: n people
// (villageChanges' values) in households of two or three.
func stationWrites(tb testing.TB, origin store.OriginID, seq uint64, village string, n int) []*store.Change {
	persons := villageChanges(tb, origin, village, n)
	out := make([]*store.Change, 0, n*7/5)
	hlc := persons[len(persons)-1].HLC
	var household uuid.UUID
	for i, p := range persons {
		if i%5 == 0 || i%5 == 2 {
			household = uuid.Must(uuid.NewV7())
			hlc++
			out = append(out, &store.Change{Origin: origin, HLC: hlc, Scope: village, Kind: store.KindHousehold, Record: household,
				Author: "录入员", Schema: store.SchemaVersion, Fields: []store.Field{
					{Name: "group_name", Value: []byte(`"一组"`)},
					{Name: "household_no", Value: []byte(fmt.Sprintf(`"%s-%05d"`, village, len(out)))},
					{Name: "household_type", Value: []byte(`"一般农户"`)},
					{Name: "village_code", Value: []byte(`"` + village + `"`)},
				}})
		}
		for j, f := range p.Fields {
			if f.Name == "household_id" {
				p.Fields[j].Value = []byte(`"` + household.String() + `"`)
			}
		}
		out = append(out, p)
	}
	for i, c := range out {
		c.Seq = seq + uint64(i) + 1
	}
	return out
}

// BenchmarkBundleSuites: the county sends a village's 100,000 changes to
// its station, under each suite, with the station's file sealed under the
// same suite. open is checking the signature, agreeing the key,
// decrypting, decompressing and decoding every bundle; import is the
// whole of it, applying included. Ratios are taken within the run.
func BenchmarkBundleSuites(b *testing.B) {
	const n = 100_000
	rates := map[crypt.Suite][2]float64{}
	for _, suite := range crypt.Suites {
		var openTime, importTime time.Duration
		var bytesIn int
		for i := 0; i < b.N; i++ {
			w := newWorldWith(b, false, suite)
			w.stationSuite = suite
			a := w.station("130131190201", "甲村服务点")
			if _, err := w.county.s.Apply(villageChanges(b, store.OriginID(uuid.New()), "130131190201", n)); err != nil {
				b.Fatal(err)
			}
			bundles, err := w.county.Outgoing(a.ID(), 0)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			for _, bu := range bundles {
				bytesIn += len(bu)
				env, err := parseEnvelope(bu, a.limits)
				if err == nil {
					err = env.verify(a.county.Keys)
				}
				if err == nil {
					_, err = env.open(a.me, a.limits)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			openTime += time.Since(start)
			start = time.Now()
			for _, bu := range bundles {
				if _, err := a.Import(bu); err != nil {
					b.Fatal(err)
				}
			}
			importTime += time.Since(start)
		}
		r := [2]float64{float64(bytesIn) / openTime.Seconds() / 1e6, float64(n*b.N) / importTime.Seconds()}
		rates[suite] = r
		b.ReportMetric(r[0], string(suite)+"-open-MB/s")
		b.ReportMetric(r[1], string(suite)+"-import-changes/s")
	}
	b.ReportMetric(rates[crypt.National][1]/rates[crypt.Standard][1], "gm1/std1-import")
}

// BenchmarkSuiteCiphers: each suite's cipher over an 8 MiB body (a full
// bundle) and its signature check, alone.
func BenchmarkSuiteCiphers(b *testing.B) {
	body := make([]byte, 8<<20)
	for _, suite := range crypt.Suites {
		b.Run(string(suite), func(b *testing.B) {
			w, _ := wireOf(suite)
			aead, err := w.aead(make([]byte, crypt.KeySize))
			if err != nil {
				b.Fatal(err)
			}
			nonce := make([]byte, aead.NonceSize())
			ct := aead.Seal(nil, nonce, body, nil)
			id, _ := NewIdentityOn("x", suite)
			pub := id.Public()
			sig, _ := id.sign(body[:4096])
			var openT, verifyT time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := aead.Open(nil, nonce, ct, nil); err != nil {
					b.Fatal(err)
				}
				openT += time.Since(start)
				start = time.Now()
				if !pub.verify(body[:4096], sig) {
					b.Fatal("verify")
				}
				verifyT += time.Since(start)
			}
			b.ReportMetric(float64(len(body)*b.N)/openT.Seconds()/1e6, "decrypt-MB/s")
			b.ReportMetric(float64(verifyT.Microseconds())/float64(b.N), "verify-µs")
		})
	}
}

package store_test

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/demo"
	"github.com/cunzhan/cunzhan/store/ident"
)

func openBench(b *testing.B, path string) *store.Store {
	b.Helper()
	s, err := store.Open(path, &store.Options{RegistryDir: "-"})
	if err != nil {
		b.Fatal(err)
	}
	if s.Protected() {
		if err := demo.Login(s); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkSave measures one durable save (a form's Save: read, validate,
// write one change, fsync) and reports the median and 99th percentile.
func BenchmarkSave(b *testing.B) {
	s := openBench(b, filepath.Join(b.TempDir(), "s.db"))
	defer s.Close()
	if err := s.SetStation("130131190201-01", "甲村"); err != nil {
		b.Fatal(err)
	}
	h := &store.Household{HouseholdNo: "H1", VillageCode: "130131190201", HouseholdType: "一般农户"}
	if _, err := s.Create(h, "x"); err != nil {
		b.Fatal(err)
	}
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900)
		first := fmt.Sprintf("130131%s%03d", birth.Format("20060102"), i%900+1)
		p := &store.Person{HouseholdID: h.ID.String(), Name: "测试", IDNumber: first + string(ident.IDCheckChar(first)), Relation: "子", Mobile: "13812345678"}
		if _, err := s.Create(p, "x"); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "p99-ms")
}

// syntheticChanges are person records as another station would send them.
func syntheticChanges(n int) []*store.Change {
	origin := store.OriginID(uuid.New())
	household := uuid.Must(uuid.NewV7())
	out := make([]*store.Change, n)
	hlc := store.MakeHLC(time.Date(2025, 11, 1, 8, 0, 0, 0, store.ChinaTZ).UnixMilli(), 0)
	for i := range out {
		birth := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900)
		first := fmt.Sprintf("130131%s%03d", birth.Format("20060102"), i%900+1)
		id := first + string(ident.IDCheckChar(first))
		fields := []store.Field{
			{Name: "birth_date", Value: []byte(fmt.Sprintf(`"%s-%s-%s"`, id[6:10], id[10:12], id[12:14]))},
			{Name: "education", Value: []byte(`"初中"`)},
			{Name: "ethnicity", Value: []byte(`"01"`)},
			{Name: "health", Value: []byte(`"健康"`)},
			{Name: "household_id", Value: []byte(`"` + household.String() + `"`)},
			{Name: "id_number", Value: []byte(`"` + id + `"`)},
			{Name: "labor", Value: []byte(`"普通劳动力"`)},
			{Name: "marital_status", Value: []byte(`"已婚"`)},
			{Name: "mobile", Value: []byte(fmt.Sprintf(`"138%08d"`, i))},
			{Name: "name", Value: []byte(`"王秀兰"`)},
			{Name: "relation", Value: []byte(`"子"`)},
			{Name: "sex", Value: []byte(`"女"`)},
			{Name: "status", Value: []byte(`"在册"`)},
		}
		out[i] = &store.Change{Origin: origin, Seq: uint64(i + 1), HLC: hlc + store.HLC(i), Scope: "130131190201", Kind: store.KindPerson,
			Record: uuid.Must(uuid.NewV7()), Fields: fields, Author: "乙村录入员", Schema: store.SchemaVersion}
	}
	return out
}

// BenchmarkApply100k applies 100,000 changes from another station to an
// empty county (which only appends them, then builds their states in a
// second step) and to an empty station (which builds at once), and
// compares, in the same run, with two raw bbolt bulk puts in transactions
// of the same size:
//   - raw-log: only the changes' log keys and values (what receiving the
//     changes costs if nothing is materialised): ratio-log is the county's
//     import against it;
//   - raw-all: every key and value the station's Apply wrote (log, record
//     states, indexes), bucket by bucket in key order — the storage floor
//     of building at once, so ratio-all is what the store's own work costs.
func BenchmarkApply100k(b *testing.B) {
	const n = 100_000
	changes := syntheticChanges(n)
	enc := make([][]byte, n)
	for i, c := range changes {
		enc[i] = store.EncodeChange(c)
	}
	var logTime, allTime, countyTime, buildTime, stationTime time.Duration
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		logTime += rawPut(b, filepath.Join(dir, "raw-log.db"), func(put func(bucket string, k, v []byte)) {
			for j, c := range changes {
				k := make([]byte, 24)
				copy(k, c.Origin[:])
				binary.BigEndian.PutUint64(k[16:], c.Seq)
				put("log", k, enc[j])
			}
		})

		county := openBench(b, filepath.Join(dir, "county.db"))
		if err := county.SetStation("130131000000-01", "平山县级中心"); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		st, err := county.Apply(changes)
		countyTime += time.Since(start)
		if err != nil || st.Applied != n {
			b.Fatalf("county apply: %+v %v", st, err)
		}
		start = time.Now()
		built, err := county.CatchUp()
		buildTime += time.Since(start)
		if err != nil || built.Built != n {
			b.Fatalf("county build: %+v %v", built, err)
		}
		county.Close()

		path := filepath.Join(dir, "station.db")
		s := openBench(b, path)
		start = time.Now()
		st, err = s.Apply(changes)
		stationTime += time.Since(start)
		if err != nil || st.Applied != n {
			b.Fatalf("station apply: %+v %v", st, err)
		}
		s.Close()

		written := allWrites(b, path)
		allTime += rawPut(b, filepath.Join(dir, "raw-all.db"), func(put func(bucket string, k, v []byte)) {
			for _, w := range written {
				put(w.bucket, w.k, w.v)
			}
		})
	}
	rate := func(d time.Duration) float64 { return float64(n*b.N) / d.Seconds() }
	b.ReportMetric(rate(countyTime), "changes/s")
	b.ReportMetric(rate(logTime), "raw-log/s")
	b.ReportMetric(rate(countyTime)/rate(logTime), "ratio-log")
	b.ReportMetric(rate(buildTime), "build/s")
	b.ReportMetric(rate(stationTime), "station/s")
	b.ReportMetric(rate(allTime), "raw-all/s")
	b.ReportMetric(rate(stationTime)/rate(allTime), "ratio-all")
}

type kv struct {
	bucket string
	k, v   []byte
}

// allWrites reads back every key and value of the store's buckets except
// meta, spread over the changes in the order Apply wrote them: the n-th
// chunk of changes wrote the n-th share of each bucket.
func allWrites(b *testing.B, path string) []kv {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	per := map[string][]kv{}
	var names []string
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			if string(name) == "meta" {
				return nil
			}
			names = append(names, string(name))
			return bk.ForEach(func(k, v []byte) error {
				per[string(name)] = append(per[string(name)], kv{string(name), append([]byte(nil), k...), append([]byte(nil), v...)})
				return nil
			})
		})
	})
	// Interleave the buckets chunk by chunk so each raw transaction writes
	// what one Apply transaction wrote.
	chunks := (100_000 + store.ApplyChunk - 1) / store.ApplyChunk
	var out []kv
	for c := 0; c < chunks; c++ {
		for _, name := range names {
			list := per[name]
			lo, hi := len(list)*c/chunks, len(list)*(c+1)/chunks
			out = append(out, list[lo:hi]...)
		}
	}
	return out
}

// rawPut opens a plain bbolt file with the store's options and puts what
// fill produces, committing every ApplyChunk keys per the largest bucket.
func rawPut(b *testing.B, path string, fill func(put func(bucket string, k, v []byte))) time.Duration {
	db, err := bolt.Open(path, 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var pending []kv
	fill(func(bucket string, k, v []byte) { pending = append(pending, kv{bucket, k, v}) })
	per := len(pending) * store.ApplyChunk / 100_000
	start := time.Now()
	for lo := 0; lo < len(pending); lo += per {
		hi := min(lo+per, len(pending))
		err := db.Update(func(tx *bolt.Tx) error {
			for _, w := range pending[lo:hi] {
				bk, err := tx.CreateBucketIfNotExists([]byte(w.bucket))
				if err != nil {
					return err
				}
				bk.FillPercent = 0.9
				if err := bk.Put(w.k, w.v); err != nil {
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

var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

// bigStore is the demo data set scaled to 100,000 people, built once.
func bigStore(b *testing.B) string {
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cunzhan-bench-")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "big.db")
		_, bigErr = demo.Generate(bigPath, demo.Options{Seed: 7, People: 100_000, Store: &store.Options{RegistryDir: "-"}})
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigPath
}

// BenchmarkSearch100k times name, pinyin and ID searches over 100,000
// people: one op is one query, cycling through kinds of query.
func BenchmarkSearch100k(b *testing.B) {
	s := openBench(b, bigStore(b))
	defer s.Close()
	queries := []string{"王", "秀兰", "wxl", "lj", "130131194503150025", "张建"}
	for _, q := range queries {
		b.Run(q, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s.View(func(r *store.Reader) error {
					hits, _, err := r.Search(q, "", 50)
					if err != nil || len(hits) == 0 {
						b.Fatalf("search %q: %d hits, %v", q, len(hits), err)
					}
					return nil
				})
			}
		})
	}
}

// BenchmarkDueList100k times the not-yet-visited list of a month over the
// 100,000-person data set (about 17,000 elders on the register), first page
// of 50 with names, and the loans due and overdue.
func BenchmarkDueList100k(b *testing.B) {
	s := openBench(b, bigStore(b))
	defer s.Close()
	b.Run("visits", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s.View(func(r *store.Reader) error {
				_, n, err := r.DueVisits("", "2025-11", 50)
				if err != nil || n == 0 {
					b.Fatalf("due: %d %v", n, err)
				}
				return nil
			})
		}
	})
	b.Run("loans", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s.View(func(r *store.Reader) error {
				_, err := r.LoansDue("", "2025-11-25", 30)
				if err == nil {
					_, err = r.Overdue("", "2025-11-30")
				}
				return err
			})
		}
	})
}

// BenchmarkSize100k reports the file size and the memory of a process that
// has opened the 100,000-person store and run the home screen's queries.
func BenchmarkSize100k(b *testing.B) {
	path := bigStore(b)
	for i := 0; i < b.N; i++ {
		runtime.GC()
		s := openBench(b, path)
		s.View(func(r *store.Reader) error {
			r.DueVisits("", "2025-11", 50)
			r.Search("王", "", 50)
			r.BedCounts("")
			return nil
		})
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MB")
		b.ReportMetric(rssMB(), "rss-MB")
		s.Close()
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "file-MB")
}

// rssMB reads the resident set size from /proc (Linux); 0 elsewhere.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

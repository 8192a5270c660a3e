package sync

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/backend"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// The benchmarks of this file compare the county's two homes, bbolt and
// PostgreSQL, in one run (make bench starts a PostgreSQL cluster).

// BenchmarkApplyBackends: the county applies the same 100,000 realistic
// changes (one village's people) on a bbolt file and on PostgreSQL, and a
// raw bbolt append of the same log entries gives the scale.
func BenchmarkApplyBackends(b *testing.B) {
	const n = 100_000
	changes := villageChanges(b, store.OriginID(uuid.New()), "130131190201", n)
	for i := 0; i < b.N; i++ {
		var took [2]time.Duration
		for k, pg := range []bool{false, true} {
			w := newWorldOn(b, pg)
			start := time.Now()
			st, err := w.county.s.Apply(changes)
			took[k] = time.Since(start)
			if err != nil || st.Applied != n {
				b.Fatalf("apply on postgres=%v: %+v %v", pg, st, err)
			}
		}
		raw := rawLogPut(b, filepath.Join(b.TempDir(), "raw.db"), changes)
		rate := func(d time.Duration) float64 { return n / d.Seconds() }
		b.ReportMetric(rate(took[0]), "bbolt-changes/s")
		b.ReportMetric(rate(took[1]), "pg-changes/s")
		b.ReportMetric(float64(took[0])/float64(took[1]), "pg-vs-bbolt")
		b.ReportMetric(float64(raw)/float64(took[0]), "bbolt-vs-raw-append")
	}
}

// BenchmarkRelayBacklog: the county relays a 100-change backlog to a
// station that was up to date, from a county that took in 1,000,000 changes
// of other villages since that station's last sync, and from one that took
// in none; on both homes in one run. With the relay index the cost follows
// the backlog, not the log.
func BenchmarkRelayBacklog(b *testing.B) {
	const background = 1_000_000
	bg := villageChanges(b, store.OriginID(uuid.New()), "130131190202", background)
	measure := func(pg bool, withBackground bool) time.Duration {
		w := newWorldOn(b, pg)
		a := w.station("130131190201", "甲村服务点")
		w.sync(a)
		w.sync(a)
		if withBackground {
			if _, err := w.county.s.Apply(bg); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.county.s.Apply(villageChanges(b, store.OriginID(uuid.New()), "130131190201", 100)); err != nil {
			b.Fatal(err)
		}
		var best time.Duration
		for range 5 {
			start := time.Now()
			bundles, err := w.county.Outgoing(a.ID(), 0)
			d := time.Since(start)
			if err != nil || len(bundles) == 0 {
				b.Fatal(err)
			}
			if best == 0 || d < best {
				best = d
			}
		}
		return best
	}
	for i := 0; i < b.N; i++ {
		for _, pg := range []bool{false, true} {
			name := map[bool]string{false: "bbolt", true: "pg"}[pg]
			empty := measure(pg, false)
			full := measure(pg, true)
			b.ReportMetric(float64(empty.Microseconds())/1000, name+"-empty-ms")
			b.ReportMetric(float64(full.Microseconds())/1000, name+"-1M-ms")
			b.ReportMetric(float64(full)/float64(empty), name+"-ratio")
		}
	}
}

// BenchmarkThousandStationsTwoServers: 1,000 stations, each with 20 new
// records, sync at once with two county server processes (two stores with
// their own connections, two HTTP servers) on one PostgreSQL database,
// half with each. Nothing may fail or go missing.
func BenchmarkThousandStationsTwoServers(b *testing.B) {
	const stations = 1000
	for i := 0; i < b.N; i++ {
		w := newWorldOn(b, true)
		second, err := backend.Open(pgtest.URLFor(b, filepath.Join(w.dir, "county.db")), &store.Options{RegistryDir: "-"})
		if err != nil {
			b.Fatal(err)
		}
		sealForTest(b, second, "county.db")
		defer second.Close()
		other, err := Open(second)
		if err != nil {
			b.Fatal(err)
		}
		srv2 := httptest.NewServer(other.Handler(nil, ""))
		defer srv2.Close()
		nodes := stationsWithNews(b, w, stations, func(k int) string { return fmt.Sprintf("130131%03d%03d", 100+k/100, 200+k%100) })
		r := syncAtOnce(w, nodes, func(k int) string {
			if k%2 == 1 {
				return srv2.URL
			}
			return w.srv.URL
		}, 10*time.Minute)
		failed := 0
		for _, err := range r.errs {
			if err != nil {
				failed++
			}
		}
		b.ReportMetric(float64(failed), "errors")
		b.ReportMetric(float64(r.lost), "stations-missing-changes")
		r.report(b)
		if failed > 0 {
			b.Fatalf("%d of %d syncs failed: %v", failed, stations, firstErr(r.errs))
		}
	}
}

func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

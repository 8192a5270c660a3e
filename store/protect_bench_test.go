package store_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/crypt"
	"github.com/cunzhan/cunzhan/store/ident"
)

// The cost of encryption at rest, each figure against the unprotected
// store in the same run (BENCHMARKS.md): logging in (argon2id with the
// parameters a station uses), one save, and a 100,000-change import, under
// both suites.

// BenchmarkUnlock is one login at a station: the password's key derived
// with crypt.DefaultKDF and the data key unwrapped.
func BenchmarkUnlock(b *testing.B) {
	path := filepath.Join(b.TempDir(), "s.db")
	s, err := store.Open(path, &store.Options{RegistryDir: "-"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Protect(crypt.Standard, "王主任", "cunzhan2025"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Lock()
		if _, err := s.Unlock("王主任", "cunzhan2025"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/login")
}

// protectedStore opens a fresh station store, protected under suite ("":
// not protected).
func protectedStore(b *testing.B, suite crypt.Suite) *store.Store {
	s, err := store.Open(filepath.Join(b.TempDir(), "s.db"), &store.Options{RegistryDir: "-", KDF: &crypt.FastKDF})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.SetStation("130131190201-01", "甲村"); err != nil {
		b.Fatal(err)
	}
	if suite != "" {
		if err := s.Protect(suite, "王主任", "cunzhan2025"); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

var suites = []crypt.Suite{"", crypt.Standard, crypt.National}

func suiteName(s crypt.Suite) string {
	if s == "" {
		return "plain"
	}
	return string(s)
}

// BenchmarkProtectedSave is BenchmarkSave (a person with ID number and
// mobile, one durable save) on an unprotected store and on one protected
// under each suite, interleaved so that the disk's mood is shared.
func BenchmarkProtectedSave(b *testing.B) {
	stores := make([]*store.Store, len(suites))
	homes := make([]string, len(suites))
	for i, su := range suites {
		stores[i] = protectedStore(b, su)
		h := &store.Household{HouseholdNo: "H1", VillageCode: "130131190201", HouseholdType: "一般农户"}
		if _, err := stores[i].Create(h, "x"); err != nil {
			b.Fatal(err)
		}
		homes[i] = h.ID.String()
	}
	times := make([][]time.Duration, len(suites))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900)
		first := fmt.Sprintf("130131%s%03d", birth.Format("20060102"), i%900+1)
		for k, s := range stores {
			p := &store.Person{HouseholdID: homes[k], Name: "测试", IDNumber: first + string(ident.IDCheckChar(first)), Relation: "子", Mobile: "13812345678"}
			start := time.Now()
			if _, err := s.Create(p, "x"); err != nil {
				b.Fatal(err)
			}
			times[k] = append(times[k], time.Since(start))
		}
	}
	b.StopTimer()
	p50 := make([]float64, len(suites))
	for k := range suites {
		sort.Slice(times[k], func(i, j int) bool { return times[k][i] < times[k][j] })
		p50[k] = float64(times[k][len(times[k])/2].Microseconds()) / 1000
		b.ReportMetric(p50[k], suiteName(suites[k])+"-p50-ms")
	}
	for k := 1; k < len(suites); k++ {
		b.ReportMetric(p50[k]/p50[0], "ratio-"+suiteName(suites[k]))
	}
}

// BenchmarkProtectedApply100k imports 100,000 person changes from another
// station into an empty station store, unprotected and protected under
// each suite, in the same run; each round starts with another of the
// three, so that none always meets a fresh page cache.
func BenchmarkProtectedApply100k(b *testing.B) {
	const n = 100_000
	changes := syntheticChanges(n)
	took := make([]time.Duration, len(suites))
	for i := 0; i < b.N; i++ {
		for j := range suites {
			k := (i + j) % len(suites)
			su := suites[k]
			s := protectedStore(b, su)
			start := time.Now()
			st, err := s.Apply(changes)
			took[k] += time.Since(start)
			if err != nil || st.Applied != n {
				b.Fatalf("apply %s: %+v %v", suiteName(su), st, err)
			}
			s.Close()
		}
	}
	for k, su := range suites {
		b.ReportMetric(float64(n*b.N)/took[k].Seconds(), suiteName(su)+"-changes/s")
		if k > 0 {
			b.ReportMetric(took[k].Seconds()/took[0].Seconds(), "ratio-"+suiteName(su))
		}
	}
}

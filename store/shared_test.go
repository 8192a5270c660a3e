package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv/pgkv"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// openShared opens the store in the PostgreSQL schema at url as one more
// server process would: its own connections, its own memory.
func openShared(t *testing.T, url string) *Store {
	t.Helper()
	db, err := pgkv.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenKV(db, "county", &Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// twoCountyProcesses sets up a county in a new schema and opens it as two
// server processes would.
func twoCountyProcesses(t *testing.T) (url string, a, b *Store) {
	url = pgtest.URL(t)
	a = openShared(t, url)
	if err := a.SetStation("130131000000-01", "平山县级中心"); err != nil {
		t.Fatal(err)
	}
	return url, a, openShared(t, url)
}

// Two server processes saving at once into one database: every save that
// succeeded is there, and the county's own origin has each sequence number
// once, with no gap (a gap would hold a station's log open forever; a
// number issued twice would be two contents under one name).
func TestTwoProcessesOneDatabase(t *testing.T) {
	url, a, b := twoCountyProcesses(t)
	if a.Origin() != b.Origin() {
		t.Fatal("two processes of one county see different origins")
	}
	var mu sync.Mutex
	saved := map[uuid.UUID]string{}
	var wg sync.WaitGroup
	for w := range 6 {
		s := []*Store{a, b}[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				h := &Household{HouseholdNo: fmt.Sprintf("130131190201-W%d%02d", w, i), VillageCode: "130131190201", HouseholdType: "一般农户"}
				if _, err := s.Create(h, "县里"); err != nil {
					t.Errorf("save in process %d: %v", w%2, err)
					return
				}
				mu.Lock()
				saved[h.ID] = h.HouseholdNo
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	o := a.Origin()
	for _, s := range []*Store{a, b} {
		have, err := s.Have()
		if err != nil {
			t.Fatal(err)
		}
		var seqs []uint64
		s.View(func(r *Reader) error {
			return r.EachLogged(o, 0, have[o], func(e LogEntry) error {
				if e.Change != nil {
					seqs = append(seqs, e.Change.Seq)
				}
				return nil
			})
		})
		for i, seq := range seqs {
			if seq != uint64(i+1) {
				t.Fatalf("the county's log has %d where %d belongs: numbers lost or issued twice", seq, i+1)
			}
		}
		// The station record (1) and one change per household.
		if len(seqs) != len(saved)+1 || have[o] != uint64(len(seqs)) {
			t.Fatalf("%d changes logged, have %d, for %d saves", len(seqs), have[o], len(saved))
		}
		s.View(func(r *Reader) error {
			for id, no := range saved {
				if e, err := r.Live(id, KindHousehold); err != nil || e == nil || e.(*Household).HouseholdNo != no {
					t.Fatalf("saved household %s missing: %v", no, err)
				}
			}
			return nil
		})
	}
	// A third process opening now continues the numbering.
	c := openShared(t, url)
	if _, err := c.Create(&Household{HouseholdNo: "130131190201-Z1", VillageCode: "130131190201", HouseholdType: "一般农户"}, "县里"); err != nil {
		t.Fatal(err)
	}
	if have, _ := a.Have(); have[o] != uint64(len(saved)+2) {
		t.Fatalf("after a third process saved, the origin is at %d, want %d", have[o], len(saved)+2)
	}
}

// Serialize holds a lock across processes: the second holder waits for
// the first to let go.
func TestSerializeAcrossProcesses(t *testing.T) {
	url := pgtest.URL(t)
	a := openShared(t, url)
	b := openShared(t, url)
	ctx := context.Background()
	unlock, err := a.Serialize(ctx, "import X")
	if err != nil {
		t.Fatal(err)
	}
	// A waiter that gives up gets its context's error, and no lock.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	if u, err := b.Serialize(short, "import X"); err == nil {
		u()
		t.Fatal("a second process took a held lock")
	}
	cancel()
	var order []string
	var mu sync.Mutex
	got := make(chan struct{})
	go func() {
		u, err := b.Serialize(ctx, "import X")
		if err != nil {
			t.Error(err)
		}
		mu.Lock()
		order = append(order, "b")
		mu.Unlock()
		u()
		close(got)
	}()
	// Another name is not held up.
	if u, err := b.Serialize(ctx, "import Y"); err != nil {
		t.Fatal(err)
	} else {
		u()
	}
	mu.Lock()
	order = append(order, "a releases")
	mu.Unlock()
	unlock()
	<-got
	if fmt.Sprint(order) != "[a releases b]" {
		t.Fatalf("order %v: the second process did not wait", order)
	}
}

// Each server process keeps the name search in memory; a name another
// process saved is found all the same, and so is its own.
func TestSearchSeesOtherProcessesSaves(t *testing.T) {
	_, a, b := twoCountyProcesses(t)
	find := func(s *Store, q string) []string {
		var names []string
		s.View(func(r *Reader) error {
			hits, _, err := r.Search(q, "", 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				names = append(names, h.Name)
			}
			return nil
		})
		return names
	}
	person := func(s *Store, no, name, id string) {
		h := newHousehold(t, s, no)
		newPerson(t, s, h, name, id)
	}
	person(a, "130131190201-S1", "王秀兰", idFor(1))
	if got := find(b, "wxl"); len(got) != 1 {
		t.Fatalf("b finds %v for wxl", got)
	}
	person(a, "130131190201-S2", "李桂英", idFor(2))
	if got := find(b, "lgy"); len(got) != 1 {
		t.Fatalf("b's search misses a name a saved after b's first search: %v", got)
	}
	person(b, "130131190201-S3", "张淑珍", idFor(3))
	if got := find(b, "zsz"); len(got) != 1 {
		t.Fatalf("b misses its own save: %v", got)
	}
	if got := find(a, "zsz"); len(got) != 1 {
		t.Fatalf("a misses b's save: %v", got)
	}
	// a saved while b's copy was current; b then saved on top: b's copy,
	// updated by its own commit only, must not pass for fresh.
	person(a, "130131190201-S4", "刘凤兰", idFor(4))
	person(b, "130131190201-S5", "陈玉梅", idFor(5))
	if got := find(b, "lfl"); len(got) != 1 {
		t.Fatalf("b misses a's save made just before its own: %v", got)
	}
}

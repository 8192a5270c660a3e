package audit

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cunzhan/cunzhan/store"
	"github.com/cunzhan/cunzhan/store/storetest"
)

func newLog(t *testing.T, n int) (*store.Store, *Log) {
	t.Helper()
	s, err := storetest.Open(t, filepath.Join(t.TempDir(), "a.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	l := Open(s)
	l.now = func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, store.ChinaTZ) }
	for i := 0; i < n; i++ {
		if _, err := l.Add(Entry{User: "张三", Action: Reveal, Target: "rec" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	return s, l
}

// tamper rewrites the bucket directly, as someone with the database file
// would.
func tamper(t *testing.T, s *store.Store, fn func(put func(seq uint64, e *Entry), del func(seq uint64), get func(seq uint64) *Entry)) {
	t.Helper()
	err := s.UpdateLog(func(tx *store.WriteTx) error {
		b, err := tx.SyncBucket(Bucket)
		if err != nil {
			return err
		}
		get := func(seq uint64) *Entry {
			var e Entry
			if err := json.Unmarshal(b.Get(key(seq)), &e); err != nil {
				t.Fatal(err)
			}
			return &e
		}
		put := func(seq uint64, e *Entry) {
			v, _ := json.Marshal(e)
			if err := b.Put(key(seq), v); err != nil {
				t.Fatal(err)
			}
		}
		del := func(seq uint64) {
			if err := b.Delete(key(seq)); err != nil {
				t.Fatal(err)
			}
		}
		fn(put, del, get)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChainWholeAndListed(t *testing.T) {
	_, l := newLog(t, 5)
	rep, err := l.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Entries != 5 {
		t.Fatalf("fresh chain: %+v", rep)
	}
	list, err := l.List(Filter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Seq != 5 || list[1].Seq != 4 || list[0].Prev != list[1].Hash {
		t.Fatalf("newest two: %+v", list)
	}
	if got, _ := l.List(Filter{Target: "recc"}); len(got) != 1 || got[0].Seq != 3 {
		t.Fatalf("by target: %+v", got)
	}
}

func TestChainShowsTampering(t *testing.T) {
	cases := []struct {
		name string
		do   func(put func(uint64, *Entry), del func(uint64), get func(uint64) *Entry)
		seq  uint64
		want string
	}{
		{"edited detail", func(put func(uint64, *Entry), _ func(uint64), get func(uint64) *Entry) {
			e := get(3)
			e.User = "李四"
			put(3, e)
		}, 3, "改动"},
		{"edited and rehashed", func(put func(uint64, *Entry), _ func(uint64), get func(uint64) *Entry) {
			e := get(3)
			e.Target = "other"
			e.Hash = e.ComputeHash()
			put(3, e)
		}, 4, "链接"},
		{"deleted from the middle", func(_ func(uint64, *Entry), del func(uint64), _ func(uint64) *Entry) {
			del(2)
		}, 3, "缺失"},
		{"deleted from the end", func(_ func(uint64, *Entry), del func(uint64), _ func(uint64) *Entry) {
			del(5)
		}, 5, "末尾被删除"},
		{"two swapped", func(put func(uint64, *Entry), _ func(uint64), get func(uint64) *Entry) {
			a, b := get(2), get(3)
			a.Seq, b.Seq = 3, 2
			put(2, b)
			put(3, a)
		}, 2, "改动"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, l := newLog(t, 5)
			tamper(t, s, c.do)
			rep, err := l.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() {
				t.Fatal("tampering not detected")
			}
			found := false
			for _, p := range rep.Problems {
				if p.Seq == c.seq && strings.Contains(p.Message, c.want) {
					found = true
				}
			}
			if !found {
				t.Fatalf("want a problem at %d mentioning %q, got %+v", c.seq, c.want, rep.Problems)
			}
		})
	}
}

func TestAppendInBatchRollsBackTogether(t *testing.T) {
	s, l := newLog(t, 1)
	err := s.Batch(func(b *store.Batch) error {
		if _, err := AddIn(b, Entry{User: "王五", Action: Approve}); err != nil {
			return err
		}
		return &store.Error{Code: "X", Message: "the approval failed"}
	})
	if err == nil {
		t.Fatal("batch should fail")
	}
	rep, _ := l.Verify()
	if rep.Entries != 1 || !rep.OK() {
		t.Fatalf("an entry of a failed batch stayed: %+v", rep)
	}
}

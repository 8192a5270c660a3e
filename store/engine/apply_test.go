package engine

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/kv"
	"github.com/cunzhan/cunzhan/store/kv/boltkv"
	"github.com/cunzhan/cunzhan/store/kv/pgkv"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// The engine's rules tested on their own, with a made-up domain (testDict,
// one index bucket): the pending queue, skips, duplicates and reused
// sequence numbers, local writes, rebuilds. Each test runs on both homes.

var bByName = []byte("ix_name") // the made-up domain's index: name 0 id

var testDomain = Domain{Dict: testDict, Index: nameIndex}

// nameIndex is the made-up domain's index rule.
func nameIndex(st *RecordState, add func(b, k, v []byte)) {
	if n := st.Value("name"); n != nil {
		add(bByName, Cat(n, zero, st.ID[:]), nil)
	}
}

// replica is an engine over one database, keeping what a domain store
// keeps between transactions, and the alarms raised.
type replica struct {
	db     kv.DB
	origin OriginID
	seq    uint64
	clock  HLC
	alarms []Dot
	// dict is the replica's codec (testDict unless it seals).
	dict *Dict
}

func (r *replica) domain() Domain {
	d := testDomain
	if r.dict != nil {
		d.Dict = r.dict
	}
	return d
}

func eachHome(t *testing.T, fn func(t *testing.T, open func() *replica)) {
	t.Run("bbolt", func(t *testing.T) {
		dir := t.TempDir()
		n := 0
		fn(t, func() *replica {
			n++
			b, err := bolt.Open(filepath.Join(dir, fmt.Sprint(n)), 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			return newReplica(t, boltkv.New(b))
		})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, func() *replica {
			db, err := pgkv.Open(context.Background(), pgtest.URL(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return newReplica(t, db)
		})
	})
}

func newReplica(t *testing.T, db kv.DB) *replica {
	t.Helper()
	err := db.Update(func(tx kv.Tx) error {
		if err := CreateBuckets(tx); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(bByName)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return &replica{db: db, origin: OriginID(uuid.Must(uuid.NewV7()))}
}

// update runs fn in one engine transaction and keeps its sequence number
// and clock, as the domain store does.
func (r *replica) update(t *testing.T, fn func(w *Tx) error) {
	t.Helper()
	var w *Tx
	err := r.db.Update(func(tx kv.Tx) error {
		w = NewTx(tx, r.domain(), r.origin, r.seq, Clock{Last: r.clock, Now: time.Now})
		w.Alarm = func(_ string, d Dot) error { r.alarms = append(r.alarms, d); return nil }
		if err := fn(w); err != nil {
			return err
		}
		return w.Flush()
	})
	if err != nil {
		t.Fatal(err)
	}
	r.seq, r.clock = w.Seq, w.Clock.Last
}

func (r *replica) apply(t *testing.T, changes []*Change, skips []Skip) ApplyStats {
	t.Helper()
	var st ApplyStats
	r.update(t, func(w *Tx) error {
		var err error
		st, err = w.Apply(changes, skips)
		return err
	})
	return st
}

func (r *replica) view(t *testing.T, fn func(rd *Reader)) {
	t.Helper()
	if err := r.db.View(func(tx kv.Tx) error { fn(NewReader(tx, r.domain().Dict)); return nil }); err != nil {
		t.Fatal(err)
	}
}

func (r *replica) have(t *testing.T, o OriginID) (n uint64) {
	r.view(t, func(rd *Reader) {
		v, _ := rd.Have()
		n = v.Get(o)
	})
	return n
}

func (r *replica) pending(t *testing.T) (n int) {
	r.view(t, func(rd *Reader) {
		_ = rd.KV().Bucket(BucketPending).ForEach(func(_, _ []byte) error { n++; return nil })
	})
	return n
}

// digest is every bucket of the replica but the pending queue, which a
// replica that has everything holds empty.
func (r *replica) digest(t *testing.T, buckets ...[]byte) string {
	var b bytes.Buffer
	r.view(t, func(rd *Reader) {
		for _, name := range buckets {
			fmt.Fprintf(&b, "[%s]", name)
			_ = rd.KV().Bucket(name).ForEach(func(k, v []byte) error {
				fmt.Fprintf(&b, "%x=%x;", k, v)
				return nil
			})
		}
	})
	return b.String()
}

var stateBuckets = [][]byte{BucketLog, BucketHave, BucketRecords, BucketReview, BucketKinds, BucketDeleted, BucketSums, bByName}

// edits makes n changes of one origin, each naming a record and the
// change before it as its context.
func edits(o OriginID, rec uuid.UUID, n int) []*Change {
	var out []*Change
	for i := 1; i <= n; i++ {
		c := &Change{Origin: o, Seq: uint64(i), HLC: MakeHLC(int64(1000+i), 0), Scope: "130131190201", Kind: "person",
			Record: rec, Fields: []Field{{Name: "name", Value: []byte(fmt.Sprintf(`"v%d"`, i))}}, Author: "甲", Schema: 1}
		if i > 1 {
			c.Ctx = VV{{Origin: o, Seq: uint64(i - 1)}}
		}
		out = append(out, c)
	}
	return out
}

func TestPendingQueueWaitsForGaps(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		r := open()
		o := OriginID(uuid.New())
		rec := uuid.New()
		cs := edits(o, rec, 5)
		if st := r.apply(t, []*Change{cs[2], cs[4], cs[3]}, nil); st.Queued != 3 || st.Applied != 0 {
			t.Fatalf("3, 5, 4 before 1: %+v, want all three queued", st)
		}
		if h := r.have(t, o); h != 0 {
			t.Fatalf("have %d with seq 1 missing", h)
		}
		if st := r.apply(t, cs[:1], nil); st.Applied != 1 || st.Released != 0 {
			t.Fatalf("seq 1: %+v", st)
		}
		if h := r.have(t, o); h != 1 {
			t.Fatalf("have %d after 1, want 1 (2 is missing)", h)
		}
		st := r.apply(t, cs[1:2], nil)
		if st.Applied != 4 || st.Released != 3 {
			t.Fatalf("seq 2 fills the gap: %+v, want 4 applied, 3 released", st)
		}
		if h, n := r.have(t, o), r.pending(t); h != 5 || n != 0 {
			t.Fatalf("have %d, %d pending; want 5 and none", h, n)
		}
		r.view(t, func(rd *Reader) {
			st, _ := rd.State(rec)
			if got := string(st.Value("name")); got != `"v5"` {
				t.Fatalf("name %s, want the last edit's", got)
			}
		})
		// The same state as a replica that got them in order.
		inOrder := open()
		inOrder.apply(t, cs, nil)
		if a, b := r.digest(t, stateBuckets...), inOrder.digest(t, stateBuckets...); a != b {
			t.Fatal("out-of-order arrival left another state than in-order")
		}
	})
}

func TestDuplicatesAndReusedNumbers(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		r := open()
		o := OriginID(uuid.New())
		cs := edits(o, uuid.New(), 2)
		r.apply(t, cs, nil)
		before := r.digest(t, stateBuckets...)
		if st := r.apply(t, cs, nil); st.Duplicate != 2 || st.Applied != 0 {
			t.Fatalf("again: %+v, want 2 duplicates", st)
		}
		forged := *cs[1]
		forged.Fields = []Field{{Name: "name", Value: []byte(`"冒充"`)}}
		if st := r.apply(t, []*Change{&forged}, nil); st.Conflict != 1 {
			t.Fatalf("reused number: %+v, want refused", st)
		}
		if len(r.alarms) != 1 || r.alarms[0] != cs[1].Dot() {
			t.Fatalf("alarms %v, want one for %s", r.alarms, cs[1].Dot())
		}
		if after := r.digest(t, stateBuckets...); after != before {
			t.Fatal("a duplicate or a refused change altered the replica")
		}
		// The same with the original still queued: seq 4 waits, then a
		// different 4 arrives.
		q := edits(o, uuid.New(), 4)
		q[3].Seq, q[3].Ctx = 4, nil
		r.apply(t, q[3:], nil)
		other := *q[3]
		other.Author = "乙"
		if st := r.apply(t, []*Change{&other}, nil); st.Conflict != 1 {
			t.Fatalf("reused queued number: %+v", st)
		}
	})
}

func TestSkipsKeepTheLogContiguous(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		r := open()
		o := OriginID(uuid.New())
		cs := edits(o, uuid.New(), 8)
		// 1 arrives, 2..3 are someone else's scope, 4 arrives; 6..7 are
		// skipped before 5 comes, once short and once long.
		st := r.apply(t, []*Change{cs[0], cs[3]}, []Skip{{Origin: o, From: 2, To: 3}, {Origin: o, From: 6, To: 6}, {Origin: o, From: 6, To: 7}})
		if h := r.have(t, o); h != 4 {
			t.Fatalf("have %d, want 4 (stats %+v)", h, st)
		}
		r.apply(t, []*Change{cs[4], cs[7]}, nil)
		if h, n := r.have(t, o), r.pending(t); h != 8 || n != 0 {
			t.Fatalf("have %d, %d pending; want 8, none", h, n)
		}
		var got []string
		r.view(t, func(rd *Reader) {
			_ = rd.EachLogged(o, 0, 8, func(e LogEntry) error {
				if e.Skip != nil {
					got = append(got, fmt.Sprintf("skip %d-%d", e.Skip.From, e.Skip.To))
				} else {
					got = append(got, fmt.Sprint(e.Change.Seq))
				}
				return nil
			})
		})
		if want := "[1 skip 2-3 4 5 skip 6-7 8]"; fmt.Sprint(got) != want {
			t.Fatalf("log %v, want %s", got, want)
		}
		// A change inside a skipped range is refused: this replica said
		// it is out of its scope.
		if st := r.apply(t, cs[1:2], nil); st.Conflict != 1 {
			t.Fatalf("change in a skip: %+v, want refused", st)
		}
	})
}

func TestLocalWritesAndContexts(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		r := open()
		rec := uuid.New()
		var first *Change
		r.update(t, func(w *Tx) error {
			var err error
			first, err = w.Local("person", "130131190201", rec, []Field{{Name: "name", Value: []byte(`"王秀兰"`)}}, nil, "甲", 1, w.Clock.Next())
			return err
		})
		if first.Seq != 1 || r.seq != 1 {
			t.Fatalf("first local change has seq %d (replica %d), want 1", first.Seq, r.seq)
		}
		// A context naming a change this replica never saw is refused.
		stranger := Dot{Origin: OriginID(uuid.New()), Seq: 3}
		err := r.db.Update(func(tx kv.Tx) error {
			w := NewTx(tx, testDomain, r.origin, r.seq, Clock{Now: time.Now})
			_, err := w.Local("person", "130131190201", rec, []Field{{Name: "name", Value: []byte(`"x"`)}}, VV{stranger}, "甲", 1, w.Clock.Next())
			return err
		})
		if _, ok := err.(*ContextAheadError); !ok {
			t.Fatalf("context ahead: %v, want ContextAheadError", err)
		}
		// The name index follows the record.
		var keys int
		r.view(t, func(rd *Reader) {
			_ = rd.KV().Bucket(bByName).ForEach(func(k, _ []byte) error {
				keys++
				if !bytes.HasPrefix(k, []byte(`"王秀兰"`)) {
					t.Fatalf("index key %q", k)
				}
				return nil
			})
		})
		if keys != 1 {
			t.Fatalf("%d index keys, want 1", keys)
		}
	})
}

func TestRebuildGivesTheMaintainedState(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		r := open()
		a, b := OriginID(uuid.New()), OriginID(uuid.New())
		rec := uuid.New()
		ca, cb := edits(a, rec, 3), edits(b, rec, 2) // concurrent: siblings
		r.apply(t, append(ca, cb...), nil)
		del := &Change{Origin: b, Seq: 3, HLC: MakeHLC(5000, 0), Scope: "130131190201", Kind: "person", Record: uuid.New(),
			Fields: []Field{{Name: FieldDeleted, Value: []byte("true")}}, Author: "乙", Schema: 1}
		r.apply(t, []*Change{del}, nil)
		var review int
		r.view(t, func(rd *Reader) {
			_ = rd.KV().Bucket(BucketReview).ForEach(func(_, _ []byte) error { review++; return nil })
		})
		if review != 1 {
			t.Fatalf("%d fields for review, want the one edited at two places", review)
		}
		before := r.digest(t, stateBuckets...)
		r.update(t, func(w *Tx) error { return w.Rebuild([][]byte{bByName}) })
		if after := r.digest(t, stateBuckets...); after != before {
			t.Fatal("rebuild from the log differs from the maintained state")
		}
	})
}

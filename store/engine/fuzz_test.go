package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/cunzhan/cunzhan/store/engine/enginetest"
	"github.com/cunzhan/cunzhan/store/kv/boltkv"
	"github.com/cunzhan/cunzhan/store/kv/pgkv"
	"github.com/cunzhan/cunzhan/store/kv/pgkv/pgtest"
)

// engineHistory is three origins editing three shared records, each with
// the context of what it had seen (learnt by syncing now and then), a
// deletion among them: concurrent values and a delete racing an edit.
func engineHistory() []*Change {
	rng := rand.New(rand.NewPCG(11, 12))
	origins := []OriginID{OriginID(uuid.MustParse("01900000-0000-7000-8000-000000000001")),
		OriginID(uuid.MustParse("01900000-0000-7000-8000-000000000002")),
		OriginID(uuid.MustParse("01900000-0000-7000-8000-000000000003"))}
	recs := []uuid.UUID{uuid.MustParse("01900000-0000-7000-8000-0000000000a1"),
		uuid.MustParse("01900000-0000-7000-8000-0000000000a2"),
		uuid.MustParse("01900000-0000-7000-8000-0000000000a3")}
	known := make([]VV, len(origins))
	seq := make([]uint64, len(origins))
	var out []*Change
	for step := 0; step < 24; step++ {
		i := rng.IntN(len(origins))
		if rng.IntN(4) == 0 {
			known[rng.IntN(len(origins))].Join(known[i])
			continue
		}
		seq[i]++
		f := Field{Name: "name", Value: []byte(fmt.Sprintf(`"%d-%d"`, i, seq[i]))}
		if len(out) == 11 {
			f = Field{Name: FieldDeleted, Value: []byte("true")}
		}
		out = append(out, &Change{Origin: origins[i], Seq: seq[i], HLC: MakeHLC(int64(1000+step), 0), Scope: "130131190201",
			Kind: "person", Record: recs[rng.IntN(len(recs))], Fields: []Field{f}, Ctx: known[i].Clone(), Author: fmt.Sprint(i), Schema: 1})
		known[i].Raise(origins[i], seq[i])
	}
	return out
}

// FuzzEngineApplyOrder: whatever order and batches the history's changes
// arrive in, with whatever repeats, the replica ends with the state of one
// that got them in log order, nothing refused and nothing waiting.
func FuzzEngineApplyOrder(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{255, 254, 253, 252, 251, 250, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0})
	f.Add([]byte("a replica that receives everything backwards, twice"))
	history := engineHistory()
	f.Fuzz(func(t *testing.T, order []byte) {
		batches := enginetest.Arrivals(history, order)
		ref, r, d := fuzzReplica(t), fuzzReplica(t), fuzzReplica(t)
		ref.apply(t, history, nil)
		if ref.digest(t, BucketReview) == "[review]" || ref.digest(t, BucketDeleted) == "[ix_del]" {
			t.Fatal("the history lacks concurrent edits or a deletion: it would test too little")
		}
		for _, b := range batches {
			if st := r.apply(t, b, nil); st.Conflict > 0 {
				t.Fatalf("an honest history was refused: %+v", st)
			}
		}
		// Appended only, as a county does, and built at points the
		// input chooses: the same state once built.
		for i, b := range batches {
			d.applyDeferred(t, b, nil)
			if len(order) > 0 && order[i%len(order)]%3 == 0 {
				d.catchUp(t, int(order[i%len(order)]%7))
			}
		}
		d.catchUp(t, 0)
		if d.digest(t, stateBuckets...) != ref.digest(t, stateBuckets...) {
			t.Fatal("building later changed the state")
		}
		if n := r.pending(t); n != 0 {
			t.Fatalf("%d changes wait with every predecessor present", n)
		}
		if r.digest(t, stateBuckets...) != ref.digest(t, stateBuckets...) {
			t.Fatal("the order of arrival changed the state")
		}
	})
}

// fuzzReplica is a replica on the run's home (CUNZHAN_TEST_BACKEND).
func fuzzReplica(t *testing.T) *replica {
	if pgtest.OnPostgres() {
		db, err := pgkv.Open(context.Background(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return newReplica(t, db)
	}
	b, err := bolt.Open(filepath.Join(t.TempDir(), "r"), 0o600, &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return newReplica(t, boltkv.New(b))
}

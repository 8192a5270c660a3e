package engine

import (
	"slices"
	"testing"

	"github.com/google/uuid"
)

// applyDeferred applies as a county does: only appended, built later.
func (r *replica) applyDeferred(t *testing.T, changes []*Change, skips []Skip) ApplyStats {
	t.Helper()
	var st ApplyStats
	r.update(t, func(w *Tx) error {
		w.Defer = true
		var err error
		st, err = w.Apply(changes, skips)
		return err
	})
	return st
}

// catchUp builds everything, limit changes per transaction (0: in one).
func (r *replica) catchUp(t *testing.T, limit int) BuildStats {
	t.Helper()
	var total BuildStats
	for more := true; more; {
		r.update(t, func(w *Tx) error {
			st, m, err := w.CatchUp(limit)
			total.Built += st.Built
			total.Conflicted = append(total.Conflicted, st.Conflicted...)
			more = m
			return err
		})
	}
	return total
}

// relaying gives the replica a relay index, as a county keeps.
func (r *replica) relaying(t *testing.T) *replica {
	t.Helper()
	if err := r.db.Update(createRelayIndex); err != nil {
		t.Fatal(err)
	}
	return r
}

// lagging reports whether the replica has a backlog and, where it keeps
// a relay index, whether a change of it touches any of ids.
func (r *replica) lagging(t *testing.T, ids ...uuid.UUID) (backlogged, unbuilt bool) {
	r.view(t, func(rd *Reader) {
		backlogged = rd.Lagging()
		if len(ids) == 0 {
			return
		}
		rel, ok, err := rd.RelayFor("130131190201", nil)
		if !ok || err != nil {
			t.Fatalf("relay index: %v %v", ok, err)
		}
		heads, err := rd.Unbuilt(ids, rel)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if scope, ok := heads[id]; ok {
				unbuilt = true
				if scope != "130131190201" {
					t.Errorf("unbuilt record %s named with scope %q", id, scope)
				}
			}
		}
	})
	return backlogged, unbuilt
}

func TestDeferredBuildGivesTheAppliedState(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		history := engineHistory()
		direct, deferred := open(), open().relaying(t)
		direct.apply(t, history, nil)

		// Half now, out of order (some wait in the queue), half later.
		first := append([]*Change(nil), history[:len(history)/2]...)
		slices.Reverse(first)
		st := deferred.applyDeferred(t, first, nil)
		if st.Applied+st.Queued != len(first) || st.Applied == 0 {
			t.Fatalf("deferred apply: %+v", st)
		}
		if got := deferred.digest(t, BucketRecords); got != "[rec]" {
			t.Fatal("a deferred apply built record states")
		}
		if deferred.digest(t, BucketLog) == "[log]" {
			t.Fatal("a deferred apply logged nothing")
		}
		touched := history[0].Record
		untouched := uuid.New()
		if b, u := deferred.lagging(t, touched); !b || !u {
			t.Fatalf("backlogged %v, record %s unbuilt %v; want both", b, touched, u)
		}
		if _, u := deferred.lagging(t, untouched); u {
			t.Fatal("a record no change names is reported unbuilt")
		}
		// A build in the middle, then the rest deferred too.
		mid := deferred.catchUp(t, 0)
		if mid.Built != st.Applied {
			t.Fatalf("built %d, want the %d applied", mid.Built, st.Applied)
		}
		if b, _ := deferred.lagging(t); b {
			t.Fatal("backlog left after a build")
		}
		deferred.applyDeferred(t, history[len(history)/2:], nil)
		end := deferred.catchUp(t, 3) // a few per transaction
		if again := deferred.catchUp(t, 0); again.Built != 0 {
			t.Fatalf("a second build built %d", again.Built)
		}
		if deferred.digest(t, stateBuckets...) != direct.digest(t, stateBuckets...) {
			t.Fatal("building later gave another state than building at arrival")
		}
		// The build names the records it left with fields for review.
		var review []uuid.UUID
		direct.view(t, func(rd *Reader) {
			_ = rd.KV().Bucket(BucketReview).ForEach(func(k, _ []byte) error {
				if id := uuid.UUID(k[:16]); !slices.Contains(review, id) {
					review = append(review, id)
				}
				return nil
			})
		})
		for _, id := range review {
			if !slices.Contains(append(mid.Conflicted, end.Conflicted...), id) {
				t.Errorf("record %s has fields for review, but no build named it", id)
			}
		}
	})
}

func TestRebuildEmptiesTheBacklog(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		history := engineHistory()
		direct, r := open(), open()
		direct.apply(t, history, nil)
		r.applyDeferred(t, history, nil)
		r.update(t, func(w *Tx) error { return w.Rebuild([][]byte{bByName}) })
		if b, _ := r.lagging(t); b {
			t.Fatal("a rebuild left a backlog")
		}
		if st := r.catchUp(t, 0); st.Built != 0 {
			t.Fatalf("built %d after a rebuild", st.Built)
		}
		if r.digest(t, stateBuckets...) != direct.digest(t, stateBuckets...) {
			t.Fatal("rebuild of a backlogged replica differs")
		}
	})
}

// Appending, building and appending again in one transaction leaves
// nothing unmarked: the second append marks its origin again.
func TestBuildAndDeferInOneTransaction(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		history := engineHistory()
		direct, r := open(), open()
		direct.apply(t, history, nil)
		half := len(history) / 2
		r.update(t, func(w *Tx) error {
			w.Defer = true
			if _, err := w.Apply(history[:half], nil); err != nil {
				return err
			}
			if _, _, err := w.CatchUp(0); err != nil {
				return err
			}
			_, err := w.Apply(history[half:], nil)
			return err
		})
		if b, _ := r.lagging(t); !b {
			t.Fatal("the second append left no backlog mark")
		}
		r.catchUp(t, 0)
		if r.digest(t, stateBuckets...) != direct.digest(t, stateBuckets...) {
			t.Fatal("append, build, append in one transaction lost a change")
		}
	})
}

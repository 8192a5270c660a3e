package engine

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/cunzhan/cunzhan/store/kv"
)

// The relay index keeps runs of an origin's consecutive changes per scope;
// a file written when it kept a key per change (empty value) reads the
// same, and its last key is extended by the next change.
func TestRelayRunsAndPerChangeKeys(t *testing.T) {
	eachHome(t, func(t *testing.T, open func() *replica) {
		r := open()
		o := OriginID(uuid.New())
		cs := edits(o, uuid.New(), 9)
		// seq 5 and 6 in another village, the rest in 130131190201.
		cs[4].Scope, cs[5].Scope = "130131190202", "130131190202"
		// Two applied before the county kept the index.
		r.apply(t, cs[:2], nil)
		err := r.db.Update(func(tx kv.Tx) error {
			if err := createRelayIndex(tx); err != nil {
				return err
			}
			// What an older county file holds for seqs 1..2.
			for seq := uint64(1); seq <= 2; seq++ {
				if err := tx.Bucket(bIxScopeLog).Put(scopeLogKey("130131190201", o, seq), nil); err != nil {
					return err
				}
			}
			return tx.Bucket(bIxScopeOrig).Put(scopeLogKey("130131190201", o, 0)[:len("130131190201")+17], U64(2))
		})
		if err != nil {
			t.Fatal(err)
		}
		// The rest in two transactions.
		r.applyDeferred(t, cs[2:7], nil)
		r.applyDeferred(t, cs[7:], nil)
		var keys []string
		r.view(t, func(rd *Reader) {
			_ = rd.KV().Bucket(bIxScopeLog).ForEach(func(k, v []byte) error {
				keys = append(keys, fmt.Sprintf("%s:%d-%d", k[:12], GetU64(k[len(k)-8:]), runLast(k, v)))
				return nil
			})
		})
		want := "[130131190201:1-1 130131190201:2-4 130131190201:7-9 130131190202:5-6]"
		if fmt.Sprint(keys) != want {
			t.Fatalf("relay index %v, want %s", keys, want)
		}
		r.view(t, func(rd *Reader) {
			rel, ok, err := rd.RelayFor("130131190201", []string{"130131190", "130131"})
			if !ok || err != nil {
				t.Fatal(ok, err)
			}
			for _, c := range []struct {
				after, upto uint64
				want        string
			}{{0, 9, "[1 2 3 4 7 8 9]"}, {2, 9, "[3 4 7 8 9]"}, {3, 7, "[4 7]"}, {4, 6, "[]"}, {8, 9, "[9]"}} {
				if got := fmt.Sprint(rd.inScope(rel, o, c.after, c.upto)); got != c.want {
					t.Errorf("(%d, %d]: %s, want %s", c.after, c.upto, got, c.want)
				}
			}
		})
	})
}
